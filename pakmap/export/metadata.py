"""PDF document information that Qt's ``QPdfWriter`` cannot set (Subject), added as an incremental update.

An incremental update appends a new Info dictionary and a small cross-reference section after the
file's end, pointing back to the original one (``/Prev``), as the PDF standard allows: the
original bytes are untouched, so nothing Qt wrote can be corrupted by rewriting offsets.
"""

from __future__ import annotations

import re
from pathlib import Path


def pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with BOM as hex, so any script and any bracket is safe."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def pdf_date(iso_day: str) -> bytes:
    return b"(D:" + iso_day.replace("-", "").encode("ascii") + b"000000Z)"


def set_document_info(path: Path, info: dict[str, str], created: str | None = None) -> None:
    """Replace the PDF's Info dictionary with ``info`` (Title, Subject, Creator…) plus the creation date."""
    data = path.read_bytes()
    trailer = data[data.rfind(b"trailer") :]
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer)
    size = re.search(rb"/Size\s+(\d+)", trailer)
    startxref = re.findall(rb"startxref\s+(\d+)", data)
    if not (root and size and startxref):
        raise ValueError("not a PDF with a classic cross-reference table")
    number = int(size.group(1))
    entries = b"".join(b"/" + key.encode("ascii") + b" " + pdf_string(value) for key, value in info.items() if value)
    if created:
        entries += b"/CreationDate " + pdf_date(created) + b"/ModDate " + pdf_date(created)
    if not data.endswith(b"\n"):
        data += b"\n"
    offset = len(data)
    body = b"%d 0 obj\n<<" % number + entries + b">>\nendobj\n"
    xref_at = offset + len(body)
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (number, offset)
    new_trailer = (
        b"trailer\n<< /Size %d /Root " % (number + 1)
        + root.group(1)
        + b" /Info %d 0 R /Prev " % number
        + startxref[-1]
        + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    path.write_bytes(data + body + xref + new_trailer)
