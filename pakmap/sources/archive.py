"""Zip-based files (zip, KMZ, XLSX) checked before anything inflates them.

A zip's central directory states each member's sizes, and both readers that inflate members (GDAL's
/vsizip/ and Python's ``zipfile``) stop at the stated size: so checking the stated sizes bounds the
memory and time of every later read (``pakmap.limits``: total size and compression ratio). Encrypted
members cannot be read and damaged ones (wrong CRC) would be read as wrong data: both are refused.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from .. import limits
from ..errors import SourceError

_MB = 2**20
_DAMAGED_FIX = "download or copy the file again"


def check_archive(path: Path, archive: zipfile.ZipFile) -> None:
    """Raise ``SourceError`` (or ``LimitError``) for an encrypted, oversized or damaged archive."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    encrypted = [m.filename for m in members if m.flag_bits & 0x1]
    if encrypted:
        raise SourceError(
            f"is a password-protected (encrypted) zip archive ({encrypted[0]})",
            path=path,
            fix="unzip it with its password and open the data file, or ask the sender for it without a password",
        )
    total = sum(m.file_size for m in members)
    limits.UNZIPPED_SIZE.check(total / _MB, path=path)
    for member in members:
        if member.file_size > limits.ZIP_RATIO_FLOOR:
            ratio = member.file_size / max(member.compress_size, 1)
            limits.ZIP_RATIO.check(
                ratio,
                path=path,
                subject=f"the compression ratio of {member.filename} "
                f"({member.file_size / _MB:,.0f} MB from {member.compress_size / _MB:,.1f} MB)",
            )
    try:
        damaged = archive.testzip()
    except NotImplementedError as exc:
        raise SourceError(
            f"uses a zip compression method pakmap cannot read ({exc})",
            path=path,
            fix="unzip it and open the data file, or zip it again with ordinary (deflate) compression",
        ) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        raise SourceError(
            f"is a damaged zip archive ({' '.join(str(exc).split())[:100]})", path=path, fix=_DAMAGED_FIX
        ) from None
    if damaged is not None:
        raise SourceError(f"is a damaged zip archive: {damaged} fails its checksum (CRC)", path=path, fix=_DAMAGED_FIX)


def open_checked(path: Path, label: str = "zip archive") -> list[str]:
    """The member names of the zip-based file ``path`` (a ``label``: "Excel workbook"…), once it
    passed ``check_archive``."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(path, archive)
            return archive.namelist()
    except zipfile.BadZipFile:
        article = "an" if label[0].lower() in "aeiou" else "a"
        raise SourceError(
            f"is not {article} {label} that can be read (a damaged or incomplete zip archive)",
            path=path,
            fix=_DAMAGED_FIX,
        ) from None


__all__ = ["check_archive", "open_checked"]
