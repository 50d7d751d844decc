"""Which reader a file needs: by extension first, by its first bytes when the extension is unknown.

Officers rename files ("data.xls" that is really a CSV, a KMZ saved as .zip), so the content check
also catches lies the extension tells: an ``.xlsx`` that is not a zip archive is reported as "not a
workbook" with what it looks like instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from .archive import open_checked

VECTOR, CSV, XLSX, RASTER = "vector", "csv", "xlsx", "raster"
ZIP = "zip"  # Format.driver of zip archives: vector.py opens their members through GDAL's /vsizip/

SUPPORTED = "Shapefile (.shp or zipped), GeoPackage, GeoJSON, KML/KMZ, FlatGeobuf, CSV, Excel .xlsx and GeoTIFF"


@dataclass(frozen=True)
class Format:
    kind: str  # VECTOR, CSV, XLSX or RASTER: which reader module opens it
    label: str  # what the user calls it, for messages and ``pakmap info``
    driver: str | None = None  # OGR driver name, or ZIP for data inside a zip archive


_BY_EXTENSION = {
    ".shp": Format(VECTOR, "Shapefile", "ESRI Shapefile"),
    ".gpkg": Format(VECTOR, "GeoPackage", "GPKG"),
    ".geojson": Format(VECTOR, "GeoJSON", "GeoJSON"),
    ".json": Format(VECTOR, "GeoJSON", "GeoJSON"),
    ".kml": Format(VECTOR, "KML", None),
    ".kmz": Format(VECTOR, "KMZ", "LIBKML"),
    ".fgb": Format(VECTOR, "FlatGeobuf", "FlatGeobuf"),
    ".gdb": Format(VECTOR, "File Geodatabase", "OpenFileGDB"),
    ".csv": Format(CSV, "CSV"),
    ".tsv": Format(CSV, "CSV (tab-separated)"),
    ".txt": Format(CSV, "delimited text"),
    ".xlsx": Format(XLSX, "Excel workbook"),
    ".xlsm": Format(XLSX, "Excel workbook"),
    ".tif": Format(RASTER, "GeoTIFF"),
    ".tiff": Format(RASTER, "GeoTIFF"),
}

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls (and .doc)
_VECTOR_MEMBERS = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb")


def detect(path: Path) -> Format:
    """The format of ``path`` (which must exist); ``SourceError`` for formats pakmap cannot read."""
    ext = path.suffix.lower()
    if path.is_dir():
        if ext == ".gdb":
            return _BY_EXTENSION[".gdb"]
        raise SourceError(
            "is a folder, not a data file", path=path, fix="give the file itself (for a shapefile, the .shp)"
        )
    head = _head(path)
    if ext == ".xls" or head.startswith(_OLE2_MAGIC):
        raise SourceError(
            "is an old Excel 97-2003 workbook (.xls), which pakmap does not read",
            path=path,
            fix="open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8",
        )
    if ext in (".xlsx", ".xlsm") and not head.startswith(b"PK"):
        raise SourceError(f"is not an Excel workbook: {_looks_like(head)}", path=path, fix=_not_workbook_fix(head))
    # Every zip-based file (zip, KMZ, XLSX) is checked before a reader inflates it.
    label = _BY_EXTENSION[ext].label if ext in _BY_EXTENSION else "zip archive"
    names = open_checked(path, label) if head.startswith(b"PK") else []
    if ext == ".zip" or (ext not in _BY_EXTENSION and head.startswith(b"PK")):
        return _detect_zip(path, names)
    if ext in _BY_EXTENSION:
        return _BY_EXTENSION[ext]
    return _detect_content(path, head)


def _head(path: Path, size: int = 512) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(size)
    except OSError as exc:
        raise SourceError(
            f"cannot be read ({exc.strerror or exc})",
            path=path,
            fix="check the file's permissions, or copy it to a local folder",
        ) from None


def _detect_zip(path: Path, names: list[str]) -> Format:
    names = [n.lower() for n in names]
    if "[content_types].xml" in names and any(n.startswith("xl/") for n in names):
        return Format(XLSX, "Excel workbook")
    if any(n.endswith(".kml") for n in names) and not any(n.endswith(".shp") for n in names):
        return Format(VECTOR, "KMZ", "LIBKML")
    if any(n.endswith(".shp") for n in names):
        return Format(VECTOR, "zipped Shapefile", ZIP)
    if any(n.endswith(_VECTOR_MEMBERS) for n in names):
        return Format(VECTOR, "zip archive", ZIP)
    raise SourceError(
        "is a zip archive without a shapefile, GeoPackage, GeoJSON, KML or FlatGeobuf inside",
        path=path,
        fix="unzip it and open the data file it contains",
    )


def _detect_content(path: Path, head: bytes) -> Format:
    if head.startswith(b"SQLite format 3\x00"):
        return _BY_EXTENSION[".gpkg"]
    if head.startswith(b"fgb\x03"):
        return _BY_EXTENSION[".fgb"]
    if head.startswith(_TIFF_MAGIC):
        return _BY_EXTENSION[".tif"]
    if head[:4] == b"\x00\x00\x27\x0a":  # shapefile main-file code 9994
        return _BY_EXTENSION[".shp"]
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return _BY_EXTENSION[".geojson"]
    if text.startswith((b"<?xml", b"<kml")) and b"<kml" in head:
        return _BY_EXTENSION[".kml"]
    raise SourceError(
        f"has an unknown format ({path.suffix or 'no extension'}; {_looks_like(head)})",
        path=path,
        fix=f"pakmap reads {SUPPORTED}; export the data to one of these",
    )


def _looks_like(head: bytes) -> str:
    """What some bytes look like, for error messages about mislabelled files."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return "the file is empty"
    if text.startswith((b"<html", b"<!doctype html", b"<table")):
        return "it is a web page (HTML), as some systems export 'Excel' files"
    if text.startswith(b"<?xml"):
        return "it is an XML file"
    if head.startswith(b"PK"):
        return "it is a zip archive"
    if b"\x00" not in head[:512]:
        return "it looks like text (CSV?)"
    return "it is a binary file of another kind"


def _not_workbook_fix(head: bytes) -> str:
    if b"\x00" not in head[:512] and head:
        return "if it is CSV text, rename it to .csv; otherwise open it in Excel and save it as .xlsx"
    return "open it in Excel and save it as .xlsx, or export the data again"


__all__ = ["Format", "detect", "ZIP", "VECTOR", "CSV", "XLSX", "RASTER", "SUPPORTED"]
