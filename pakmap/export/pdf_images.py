"""Putting pakmap's own images into a PDF that Qt has finished: placeholders replaced, offsets rewritten.

Why this exists: Qt's PDF engine stores every image as 8-bit RGB plus a mask and deflates both at
zlib's default level. For the page-sized image of a dense point layer that was the largest cost of
a PDF export (~0.17 s on A4 at 300 dpi), although its pixels are a few exact colours that PDF can
store as a 1- to 8-bit indexed image with a colour-key mask; Qt has no way to write one. So the
renderer draws a small placeholder where such an image goes (``pakmap/render/substitutes.py``) and,
once the writer has closed the file, this module swaps each placeholder's image object for the
indexed image and rewrites the cross-reference table to the new offsets.

Only what Qt writes is handled: one classic ``xref`` table, image streams with an indirect
``/Length``. The placeholder's length object is left in place, unused (legal). Anything unexpected
is an error, never a file with a placeholder left in it.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from ..render.indexed import IndexedImage
from ..render.substitutes import PLACEHOLDER_MAGIC, Substitute

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])\s*\r?\n")
_SUBSECTION = re.compile(rb"(\d+) (\d+)\s*\r?\n")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+(\d+)\s+R)?")
# How far into an object its dictionary may reach before ``stream``: Qt's image headers are ~200 bytes.
_HEADER_WINDOW = 2048


class PdfSurgeryError(RuntimeError):
    """The finished PDF is not what Qt writes, or a placeholder is missing: pakmap's own bug, not the user's."""


def image_object(number: int, image: IndexedImage) -> bytes:
    """``image`` as a complete PDF image object numbered ``number``: indexed RGB, index 0 masked."""
    hival = image.colours - 1
    head = (
        b"%d 0 obj\n<<\n/Type /XObject\n/Subtype /Image\n/Width %d\n/Height %d\n/BitsPerComponent %d\n"
        b"/ColorSpace [/Indexed /DeviceRGB %d <%s>]\n/Mask [0 0]\n/Length %d\n/Filter /FlateDecode\n>>\n"
        % (
            number,
            image.width,
            image.height,
            image.bits,
            hival,
            image.palette.hex().upper().encode("ascii"),
            len(image.data),
        )
    )
    return head + b"stream\n" + image.data + b"\nendstream\nendobj\n"


def substitute_images(path: Path, substitutes: list[Substitute]) -> None:
    """Replace every placeholder drawn for ``substitutes`` in the PDF at ``path`` by its image."""
    if not substitutes:
        return
    data = path.read_bytes()
    xref_at, entries = _read_xref(data)
    wanted = {s.pixels: s.image for s in substitutes}
    if len(wanted) != len(substitutes):
        raise PdfSurgeryError("two placeholders with the same pixels")
    replacements: list[tuple[int, int, bytes]] = []  # (start, end, new bytes) of each object replaced
    for number, (offset, _, in_use) in entries.items():
        if not in_use:
            continue
        found = _placeholder_at(data, number, offset, entries)
        if found is None:
            continue
        pixels, end = found
        if pixels not in wanted:
            raise PdfSurgeryError(f"object {number} is a placeholder pakmap did not draw on this writer")
        replacements.append((offset, end, image_object(number, wanted.pop(pixels))))
    if wanted:
        raise PdfSurgeryError(f"{len(wanted)} placeholder image(s) not found in {path.name}")
    path.write_bytes(_rebuilt(data, xref_at, entries, sorted(replacements)))


def _read_xref(data: bytes) -> tuple[int, dict[int, tuple[int, int, bool]]]:
    """The offset of the last classic xref table and its entries: object number -> (offset,
    generation, in use)."""
    found = re.findall(rb"startxref\s+(\d+)", data[-1024:])
    if not found:
        raise PdfSurgeryError("no startxref at the end of the PDF")
    at = int(found[-1])
    if data[at : at + 4] != b"xref":
        raise PdfSurgeryError("the PDF has no classic xref table (a cross-reference stream?)")
    pos = at + 4
    while data[pos : pos + 1] in (b"\r", b"\n", b" "):
        pos += 1
    entries: dict[int, tuple[int, int, bool]] = {}
    while not data.startswith(b"trailer", pos):
        section = _SUBSECTION.match(data, pos)
        if section is None:
            raise PdfSurgeryError(f"unreadable xref subsection at byte {pos}")
        first, count = int(section.group(1)), int(section.group(2))
        pos = section.end()
        for number in range(first, first + count):
            entry = _XREF_ENTRY.match(data, pos)
            if entry is None:
                raise PdfSurgeryError(f"unreadable xref entry at byte {pos}")
            entries[number] = (int(entry.group(1)), int(entry.group(2)), entry.group(3) == b"n")
            pos = entry.end()
    return at, entries


def _placeholder_at(data: bytes, number: int, offset: int, entries: dict) -> tuple[bytes, int] | None:
    """(the placeholder's decompressed pixels, the end of its ``endobj``) if object ``number`` at
    ``offset`` is an image starting with the placeholder magic, else None."""
    header = b"%d 0 obj" % number
    if not data.startswith(header, offset):
        raise PdfSurgeryError(f"xref entry of object {number} does not point at it")
    stream = data.find(b"stream", offset, offset + _HEADER_WINDOW)
    if stream < 0:
        return None
    head = data[offset:stream]
    if b"endobj" in head or not _IMAGE.search(head):
        return None
    length = _LENGTH.search(head)
    if length is None:
        return None
    if length.group(2):
        ref = int(length.group(1))
        if ref not in entries:
            raise PdfSurgeryError(f"the length object {ref} of image {number} is not in the xref table")
        at = entries[ref][0]
        value = re.match(rb"%d 0 obj\s*(\d+)\s*endobj" % ref, data[at : at + 64])
        if value is None:
            raise PdfSurgeryError(f"the length object {ref} of image {number} is not a number")
        size = int(value.group(1))
    else:
        size = int(length.group(1))
    start = stream + len(b"stream")
    start += 2 if data.startswith(b"\r\n", start) else 1
    raw = data[start : start + size]
    if b"/FlateDecode" in head:
        # The placeholder is tiny: decompressing only the start of a large stream is enough to tell.
        try:
            raw = zlib.decompressobj().decompress(raw, len(PLACEHOLDER_MAGIC) + 64)
        except zlib.error:
            return None
    if not raw.startswith(PLACEHOLDER_MAGIC):
        return None
    if b"/FlateDecode" in head:
        raw = zlib.decompress(data[start : start + size])
    end = data.find(b"endobj", start + size)
    if end < 0:
        raise PdfSurgeryError(f"image {number} has no endobj")
    end += len(b"endobj")
    while data[end : end + 1] in (b"\r", b"\n"):
        end += 1
    return raw, end


def _rebuilt(
    data: bytes, xref_at: int, entries: dict[int, tuple[int, int, bool]], replacements: list[tuple[int, int, bytes]]
) -> bytes:
    """``data`` with each (start, end) range replaced, and a new xref table at the new offsets."""
    pieces: list[bytes] = []
    shifts: list[tuple[int, int]] = []  # (old start of a later range, offset change from there on)
    cursor = delta = 0
    for start, end, new in replacements:
        if end > xref_at:
            raise PdfSurgeryError("a placeholder reaches into the xref table")
        pieces += [data[cursor:start], new]
        cursor = end
        delta += len(new) - (end - start)
        shifts.append((end, delta))
    pieces.append(data[cursor:xref_at])
    body = b"".join(pieces)

    def moved(offset: int) -> int:
        change = 0
        for old_end, shift in shifts:
            if offset >= old_end:
                change = shift
        return offset + change

    trailer = data.find(b"trailer", xref_at)
    end_of_trailer = data.find(b"startxref", trailer)
    numbers = sorted(entries)
    if numbers != list(range(len(numbers))):
        raise PdfSurgeryError("the xref table is not one run of objects from 0")
    lines = [b"xref\n0 %d\n" % len(numbers)]
    for number in numbers:
        offset, generation, in_use = entries[number]
        if in_use:
            lines.append(b"%010d %05d n \n" % (moved(offset), generation))
        else:
            lines.append(b"%010d %05d f \n" % (offset, generation))  # a free entry's offset is the next free object
    return body + b"".join(lines) + data[trailer:end_of_trailer] + b"startxref\n%d\n%%%%EOF\n" % len(body)
