"""Shapefile checks GDAL does not make: missing parts, truncation, unreadable .prj, DBF encoding.

A shapefile is several files, and officers e-mail them one at a time. GDAL opens a .shp without its
.dbf (silently dropping every attribute) and reads a truncated .shp as features with no geometry,
so these are checked here first. The DBF's text encoding comes from its .cpg when that file is
present and right; otherwise the bytes are sniffed (``pakmap.sources.encoding``), because GDAL's
default for a DBF without .cpg is Latin-1, which turns every UTF-8 name into mojibake.
"""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from ..errors import SourceError
from . import encoding as enc

_SIDECAR_FIX = (
    "copy all the files of the shapefile together (.shp, .shx, .dbf, .prj, .cpg with the same "
    "name), or send them as one zip"
)


class ShapefileParts:
    """The files of one shapefile, in a folder or inside a zip archive (same interface for both)."""

    def __init__(self, shp: str, *, folder: Path | None = None, archive: Path | None = None) -> None:
        self.shp = shp  # file name of the .shp (in the folder) or member name (in the archive)
        self.folder = folder
        self.archive = archive
        stem = shp[: -len(".shp")]
        if folder is not None:
            names = os.listdir(folder)
        else:
            with self._zip() as z:
                names = z.namelist()
        # GDAL accepts sidecars in either case (.shx or .SHX): so do we.
        self._names = {
            n[len(stem) :].lower(): n
            for n in names
            if n.startswith(stem) and n[len(stem) :].lower() in (".shp", ".shx", ".dbf", ".prj", ".cpg")
        }

    def _zip(self) -> zipfile.ZipFile:
        if self.archive is None:
            raise ValueError("a shapefile is in a folder or in an archive")
        return zipfile.ZipFile(self.archive)

    def has(self, ext: str) -> bool:
        return ext in self._names

    def read(self, ext: str, size: int | None = None) -> bytes:
        name = self._names[ext]
        if self.folder is not None:
            with open(self.folder / name, "rb") as f:
                return f.read() if size is None else f.read(size)
        with self._zip() as z, z.open(name) as f:
            return f.read() if size is None else f.read(size)

    def size(self, ext: str) -> int:
        name = self._names[ext]
        if self.folder is not None:
            return (self.folder / name).stat().st_size
        with self._zip() as z:
            return z.getinfo(name).file_size

    def copy_without(self, ext: str, target: Path) -> Path:
        """Copy every part except ``ext`` into folder ``target``; returns the copied .shp path."""
        stem = Path(self.shp).stem  # the layer name GDAL gives must stay the same
        for key in self._names:
            if key != ext:
                (target / f"{stem}{key}").write_bytes(self.read(key))
        return target / f"{stem}.shp"


def check(parts: ShapefileParts, path: Path, *, crs_given: bool) -> bool:
    """Raise ``SourceError`` for a missing .shx/.dbf, a truncated .shp or .shx, or an unreadable
    .prj (unless the user gives the CRS). Returns True when the .prj must be ignored."""
    for ext, role in ((".shx", "index"), (".dbf", "attribute table")):
        if not parts.has(ext):
            raise SourceError(
                f"the shapefile's {role} file ({Path(parts.shp).stem}{ext}) is missing", path=path, fix=_SIDECAR_FIX
            )
    _check_length(parts, path)
    return _prj_unreadable(parts, path, crs_given)


def _check_length(parts: ShapefileParts, path: Path) -> None:
    """Compare the lengths the headers declare with the real file sizes (and every record's end)."""
    size = parts.size(".shp")
    header = parts.read(".shp", 100)
    truncated = SourceError(
        "the .shp file is truncated (incomplete copy or download)",
        path=path,
        fix="copy or download the shapefile again, all of its files",
    )
    if len(header) < 100 or struct.unpack(">i", header[:4])[0] != 9994:
        if len(header) < 100:
            raise truncated
        raise SourceError(
            "the .shp file is not a shapefile (wrong file code)",
            path=path,
            fix="export the layer again as an ESRI Shapefile",
        )
    declared = struct.unpack(">i", header[24:28])[0] * 2  # lengths are in 16-bit words
    if size < declared:
        raise truncated
    shx = parts.read(".shx")
    if len(shx) < 100 or len(shx) < struct.unpack(">i", shx[24:28])[0] * 2:
        raise SourceError("the .shx index file is truncated", path=path, fix=_SIDECAR_FIX)
    records = np.frombuffer(shx[100 : 100 + (len(shx) - 100) // 8 * 8], dtype=">i4").reshape(-1, 2)
    if len(records) and int(((records[:, 0] + records[:, 1]) * 2 + 8).max()) > size:
        raise truncated


def _prj_unreadable(parts: ShapefileParts, path: Path, crs_given: bool) -> bool:
    if not parts.has(".prj"):
        return False
    text = parts.read(".prj").decode("latin-1").strip()
    try:
        CRS.from_user_input(text)
        return False
    except CRSError:
        if crs_given:
            return True  # the user's CRS replaces it: read the shapefile without the .prj
        raise SourceError(
            "the .prj file does not describe a coordinate reference system pyproj can read",
            path=path,
            fix="replace the .prj with the one from the data's source, or set the "
            "CRS (crs=EPSG:… in the project, --crs on the command line)",
        ) from None


def dbf_encoding(parts: ShapefileParts, path: Path, encoding: str | None = None) -> str:
    """The encoding to decode the DBF's text with: the user's, the .cpg's if it fits, else sniffed."""
    if encoding:
        try:
            return enc.normalize_name(encoding)
        except LookupError:
            raise SourceError(
                f"unknown encoding '{encoding}'",
                path=path,
                fix="use utf-8, cp1252 or cp1256, or leave it out to let pakmap detect it",
            ) from None
    text = _character_bytes(parts.read(".dbf"))
    declared = _cpg_codec(parts.read(".cpg")) if parts.has(".cpg") else None
    if declared and declared != enc.UTF8 and _is_utf8_text(text):
        # Valid multi-byte UTF-8 is next to impossible by chance in a single-byte code page: the
        # .cpg (often copied from an older export) is wrong, and trusting it would give "CafÃ©".
        return enc.UTF8
    if declared:
        try:
            decoded = text.decode(declared)
            if declared != enc.CP1252 or not enc.looks_garbled(decoded):
                return declared
        except UnicodeError:
            pass  # the .cpg is wrong (often copied from another file): trust the bytes instead
    name = enc.sniff(text, path=path, allow_truncated=True)
    return enc.UTF8 if name == enc.UTF8_BOM else name


def _is_utf8_text(data: bytes) -> bool:
    try:
        return not data.isascii() and bool(data.decode(enc.UTF8))
    except UnicodeDecodeError:
        return False


def _cpg_codec(raw: bytes) -> str | None:
    """Python codec for a .cpg's content: ``UTF-8``, ``1252``, ``ANSI 1252``, ``65001``, ``ISO-8859-1``…"""
    text = raw.decode("ascii", errors="ignore").strip().upper().replace("ANSI", "").strip()
    if text == "65001":
        text = "UTF-8"
    elif text.isdigit():
        text = f"CP{text}"
    try:
        return enc.normalize_name(text) if text else None
    except LookupError:
        return None


def _character_bytes(dbf: bytes) -> bytes:
    """The bytes of all character (C) fields of all records, as one block, for sniffing."""
    if len(dbf) < 32:
        return b""
    n_records, header_len, record_len = struct.unpack("<IHH", dbf[4:12])
    spans, offset, pos = [], 1, 32  # each record starts with a 1-byte deletion flag
    while pos + 32 <= header_len and dbf[pos] != 0x0D:
        kind, length = chr(dbf[pos + 11]), dbf[pos + 16]
        if kind == "C":
            spans.append((offset, offset + length))
        offset += length
        pos += 32
    body = dbf[header_len : header_len + n_records * record_len]
    n = len(body) // record_len if record_len else 0
    if not spans or n == 0:
        return b""
    table = np.frombuffer(body[: n * record_len], dtype=np.uint8).reshape(n, record_len)
    # One separator per field and record keeps a multi-byte character from spanning two fields.
    parts = [np.hstack([table[:, a:b], np.full((n, 1), 0x20, np.uint8)]) for a, b in spans]
    return np.hstack(parts).tobytes()


__all__ = ["ShapefileParts", "check", "dbf_encoding"]
