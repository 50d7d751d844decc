"""Vector files through pyogrio (GDAL): Shapefile (plain or zipped), GeoPackage, GeoJSON, KML/KMZ,
FlatGeobuf.

Choosing a layer in a multi-layer file (GeoPackage, zip of several shapefiles, KML folders): the
``layer`` asked for if given; otherwise the only layer, or the only layer that has features with
geometry (attribute-only tables and empty folders do not count). When several layers with geometry
remain, guessing would draw the wrong data without the user noticing, so ``SourceError`` lists them
and says how to choose.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors

from ..crs import parse_crs
from ..errors import SourceError
from ..file_guard import check_zip_member
from ..layer import SourceInfo, TableLayer, VectorLayer
from ..point_columns import PointColumns
from . import shapefile
from .detect import ZIP, Format
from .finish import finish_geometry
from .gdal_frame import read_frame

_CONTAINERS = ("GPKG", "OpenFileGDB", ZIP)
_ZIP_MEMBERS = (".shp", ".gpkg", ".geojson", ".json", ".kml", ".fgb")
# Placemark properties GDAL's LIBKML driver always adds; dropped when no feature uses them, so the
# fields list shows the data's own fields (Name, description and ExtendedData fields).
_KML_HOUSEKEEPING = (
    "id",
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "description",
)
_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.CRSError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FieldError,
)


@dataclass(frozen=True)
class _Entry:
    """One layer of a file: its user-facing name and where GDAL finds it."""

    name: str
    gdal_path: str
    gdal_layer: str | None  # None: the file's only layer
    geometry_type: str | None  # as listed; "Unknown": ask GDAL when reading; None: not listed
    shapefile: shapefile.ShapefileParts | None = None


# How far into a .geojson/.json to look for a TopoJSON topology (GDAL's TopoJSON driver reads the
# same files, one layer per object); GDAL's own check looks at the file's first bytes too.
_TOPOLOGY_HEAD = 65536


def list_vector_layers(path: Path, fmt: Format) -> list[str]:
    return [e.name for e in _entries(path, fmt)]


def read_vector(
    path: Path, fmt: Format, layer: str | None = None, *, crs=None, encoding: str | None = None, repair: bool = False
) -> VectorLayer | TableLayer:
    """Read one layer of a vector file into a ``VectorLayer`` with its validity report, or into a
    ``TableLayer`` when the layer has no geometry column (a GeoPackage's attribute table)."""
    entries = _entries(path, fmt, layer)
    entry = _choose(entries, layer, path)
    user_crs = parse_crs(crs, path=path) if crs is not None else None
    options: dict = {}
    if encoding:
        options["encoding"] = encoding
    gdf = None
    if entry.shapefile is not None:
        ignore_prj = shapefile.check(entry.shapefile, path, crs_given=user_crs is not None)
        encoding = options["encoding"] = shapefile.dbf_encoding(entry.shapefile, path, encoding)
        if ignore_prj:  # read a copy without the .prj; the user's file stays as it is
            with tempfile.TemporaryDirectory(prefix="pakmap-") as scratch:
                copy = entry.shapefile.copy_without(".prj", Path(scratch))
                gdf = _read(str(copy), entry.gdal_layer, encoding, path, fmt, entry.geometry_type)
    if gdf is None:
        gdf = _read(entry.gdal_path, entry.gdal_layer, encoding, path, fmt, entry.geometry_type)
    if fmt.label in ("KML", "KMZ"):
        gdf = _drop_unused(gdf, _KML_HOUSEKEEPING)
    if len(gdf) == 0:
        others = [e.name for e in entries if e is not entry]
        raise SourceError(
            f"layer '{entry.name}' has no features",
            path=path,
            fix=(
                f"choose another layer ({', '.join(others)})" if others else "export the data again; the file is empty"
            ),
        )
    # Containers (GeoPackage, geodatabase, zip) name their layers; one-layer files are their file name.
    name = entry.name if len(entries) > 1 or fmt.driver in _CONTAINERS else path.stem
    if isinstance(gdf, pd.DataFrame) and not isinstance(gdf, gpd.GeoDataFrame):  # a layer without geometry
        return TableLayer(name, gdf, SourceInfo(path, layer=entry.name, options=options))
    gdf, report = finish_geometry(gdf, options, path=path, crs=crs, repair=repair)
    return VectorLayer(name, gdf, SourceInfo(path, layer=entry.name, options=options), validity=report)


def _read(
    gdal_path: str, gdal_layer: str | None, encoding: str | None, path: Path, fmt: Format, geometry_type: str | None
) -> gpd.GeoDataFrame | PointColumns | pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # GeoJSON properties holding lists stay text; that is what the officer sees in QGIS too.
            warnings.filterwarnings("ignore", message="Could not parse column")
            # KML keeps its frame: its housekeeping columns are dropped from the frame below.
            points = fmt.label not in ("KML", "KMZ")
            return read_frame(gdal_path, gdal_layer, encoding, points_as_columns=points, geometry_type=geometry_type)
    except _GDAL_ERRORS as exc:
        raise _gdal_error(exc, path, fmt) from None


def _drop_unused(gdf: gpd.GeoDataFrame, columns) -> gpd.GeoDataFrame:
    """Drop those of ``columns`` that hold nothing but nulls, empty text or GDAL's defaults."""
    unused = []
    for column in (c for c in columns if c in gdf.columns):
        values = gdf[column]
        text = values.astype("string").str.strip()
        # LIBKML fills tessellate/extrude/visibility/drawOrder with -1 or 0 when the KML says nothing.
        if (values.isna() | text.isin(["", "-1", "0"])).all():
            unused.append(column)
    return gdf.drop(columns=unused)


def _gdal_error(exc: Exception, path: Path, fmt: Format) -> SourceError:
    detail = " ".join(str(exc).replace(str(path), "").split()).strip(": ") or type(exc).__name__
    return SourceError(
        f"cannot be read as {fmt.label} ({detail[:160]})",
        path=path,
        fix=f"check that the file is complete and really a {fmt.label}, or export it again",
    )


# The last file listed, by the path as given (the entries hold it for GDAL: another route to the same
# file may be gone by the next open), its inode, size and modification time: ``pakmap info`` and the
# desktop app list a file's layers and then open one, and GDAL's GeoJSON driver parses the whole
# file at every open.
_last_listed: tuple[tuple, list[_Entry]] | None = None


def _entries(path: Path, fmt: Format, wanted: str | None = None) -> list[_Entry]:
    """Every layer of the file, zip members included (``wanted``: the layer about to be read)."""
    global _last_listed
    if fmt.driver == "GeoJSON" and (wanted is None or wanted.lower() == path.stem.lower()) and not _topology(path):
        # A GeoJSON is one layer, named after the file as pakmap names it anyway. GDAL's GeoJSON
        # driver parses the whole file at every open, so it is not opened only to be listed; its
        # geometry type is not asked either (the same parse once more): it is read as a frame.
        return [_Entry(path.stem, str(path), None, None)]
    stat = path.stat()
    key = (str(path), fmt, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    last = _last_listed
    if last is not None and last[0] == key:
        return list(last[1])
    entries = _listed_entries(path, fmt)
    _last_listed = (key, entries)
    return list(entries)


def _listed_entries(path: Path, fmt: Format) -> list[_Entry]:
    if fmt.driver == ZIP:
        return _zip_entries(path, fmt)
    entries = []
    for name, geom in _list(str(path), path, fmt):
        parts = shapefile.ShapefileParts(path.name, folder=path.parent) if fmt.driver == "ESRI Shapefile" else None
        entries.append(_Entry(name, str(path), name, geom, parts))
    if not entries:
        # GDAL opens some damaged files (a FlatGeobuf of garbage after its magic bytes) as "no layers".
        raise SourceError(
            f"holds no layers: it is empty or damaged, not a readable {fmt.label}",
            path=path,
            fix=f"check that the file is complete and really a {fmt.label}, or export it again",
        )
    return entries


def _topology(path: Path) -> bool:
    """Whether the file may be TopoJSON, whose objects GDAL lists as several layers."""
    with path.open("rb") as file:
        return b'"Topology"' in file.read(_TOPOLOGY_HEAD)


def _zip_entries(path: Path, fmt: Format) -> list[_Entry]:
    with zipfile.ZipFile(path) as z:
        members = []
        for info in z.infolist():
            m = info.filename
            if m.lower().endswith(_ZIP_MEMBERS) and not m.startswith("__MACOSX/") and not Path(m).name.startswith("."):
                check_zip_member(info, path)
                members.append(m)
    entries = []
    for member in members:
        vsi = f"/vsizip/{path.resolve().as_posix()}/{member}"
        if member.lower().endswith(".shp"):
            parts = shapefile.ShapefileParts(member, archive=path)
            # Check before GDAL opens it: GDAL's own message for a missing .shx is about config options.
            shapefile.check(parts, path, crs_given=True)
            entries.append(_Entry(Path(member).stem, vsi, Path(member).stem, "Unknown", parts))
            continue
        for name, geom in _list(vsi, path, fmt):
            entries.append(_Entry(name, vsi, name, geom))
    return entries


def _list(gdal_path: str, path: Path, fmt: Format) -> list[tuple[str, str | None]]:
    if fmt.driver == "ESRI Shapefile":
        # A lone .shp is one layer named after the file; GDAL would fail on a missing .shx here,
        # before our clearer check runs.
        return [(path.stem, "Unknown")]
    try:
        return [(str(n), None if g is None else str(g)) for n, g in pyogrio.list_layers(gdal_path)]
    except _GDAL_ERRORS as exc:
        raise _gdal_error(exc, path, fmt) from None


def _choose(entries: list[_Entry], layer: str | None, path: Path) -> _Entry:
    names = ", ".join(e.name for e in entries)
    if not entries:
        raise SourceError("holds no layers", path=path, fix="export the data again")
    if layer is not None:
        for match in (lambda e: e.name == layer, lambda e: e.name.lower() == str(layer).lower()):
            found = [e for e in entries if match(e)]
            if found:
                return found[0]
        raise SourceError(f"has no layer '{layer}'", path=path, fix=f"use one of: {names}")
    if len(entries) == 1:
        return entries[0]
    with_features = [e for e in entries if e.geometry_type is not None and _feature_count(e) != 0]
    if len(with_features) == 1:
        return with_features[0]
    raise SourceError(
        f"holds {len(entries)} layers ({names}) and pakmap will not guess which one you mean",
        path=path,
        fix='choose one: --layer NAME on the command line, layer = "NAME" in a project',
    )


def _feature_count(entry: _Entry) -> int:
    try:
        return int(pyogrio.read_info(entry.gdal_path, layer=entry.gdal_layer)["features"])
    except _GDAL_ERRORS:
        return -1  # unknown: counts as "has features", so the ambiguity is reported, not hidden


__all__ = ["read_vector", "list_vector_layers"]
