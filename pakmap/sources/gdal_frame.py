"""One GDAL layer into a GeoDataFrame, through Arrow when ``pyarrow`` is installed.

GDAL's Arrow interface hands over whole columns instead of one feature at a time, which reads a
large layer several times faster (bench/README.md); making the shapely geometries from the WKB costs
the same either way, hence the point columns below. Without pyarrow, or when Arrow cannot decode
the file's text (it only speaks UTF-8), the classic feature-by-feature reader is used.

Point layers whose every feature is a plain 2D point come back as ``PointColumns`` (attributes plus a
coordinate array, see ``pakmap.point_columns``) when their attributes need no conversion beyond
Arrow's own: no shapely object is made until something needs one.

Both readers must give the same frame, so the two places where pyogrio's Arrow path differs are
converted back to what the classic reader returns (and what the rest of pakmap was written for):
booleans with nulls become floats (1.0 / 0.0 / NaN), dates become ``datetime64[ms]``; binary
attributes, kept in Arrow for speed like the geometry, become ``bytes`` objects again.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
from pyproj import CRS

from ..gc_pause import paused_gc
from ..point_columns import PointColumns, decode_wkb_points
from .table import clean_names

try:  # optional: only speed depends on it
    import pyarrow
except ImportError:  # pragma: no cover - exercised by monkeypatching ``pyarrow`` to None
    pyarrow = None


def read_frame(
    gdal_path: str,
    layer: str | None,
    encoding: str | None,
    points_as_columns: bool = False,
    geometry_type: str | None = "Unknown",
) -> gpd.GeoDataFrame | PointColumns:
    """``pyogrio.read_dataframe`` of one layer, through Arrow when possible (same result either way).

    ``points_as_columns``: a layer of plain 2D points may come back as ``PointColumns`` instead.
    ``geometry_type``: the layer's as ``pyogrio.list_layers`` gave it; "Unknown" asks GDAL first
    (cheap for a shapefile); None reads a frame without asking (a layer without geometry, or a
    GeoJSON, which GDAL's driver parses whole at every open).
    """
    with paused_gc():  # one shapely geometry per feature: see pakmap.gc_pause
        if points_as_columns and pyarrow is not None:
            points = _read_point_columns(gdal_path, layer, encoding, geometry_type)
            if points is not None:
                return points
        return _read_frame(gdal_path, layer, encoding)


def _read_point_columns(
    gdal_path: str, layer: str | None, encoding: str | None, geometry_type: str | None
) -> PointColumns | None:
    """The layer as ``PointColumns``, or None when it is not all plain points or its attributes need
    pyogrio's own conversions (date-times read as text, JSON fields): then it is read as a frame."""
    if geometry_type == "Unknown":  # a shapefile is listed without opening it
        geometry_type = pyogrio.read_info(gdal_path, layer=layer, encoding=encoding)["geometry_type"]
    if geometry_type != "Point":
        return None
    try:
        meta, table = pyogrio.read_arrow(gdal_path, layer=layer, encoding=encoding, datetime_as_string=True)
    except pyogrio.errors.DataSourceError:
        return None  # e.g. text that is not UTF-8: the classic reader knows what to do
    # (Dates arrive as date objects and are converted by _as_classic; date-times would need parsing.)
    if any(str(d).startswith("datetime") and d != "datetime64[D]" for d in meta["dtypes"] if d is not None) or any(
        s == "OFSTJSON" for s in meta["ogr_subtypes"]
    ):
        return None
    geometry = meta["geometry_name"] or "wkb_geometry"
    if geometry not in table.column_names:
        return None
    xy = decode_wkb_points(table.column(geometry))
    if xy is None:
        return None
    try:
        attributes = table.drop_columns([geometry]).to_pandas(types_mapper=_binary_stays_arrow)
    except UnicodeDecodeError:
        return None
    return PointColumns(
        _as_classic(_unique_names(attributes)), xy, CRS.from_user_input(meta["crs"]) if meta["crs"] else None
    )


def _read_frame(gdal_path: str, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    if pyarrow is not None:
        try:
            frame = pyogrio.read_dataframe(
                gdal_path,
                layer=layer,
                encoding=encoding,
                use_arrow=True,
                arrow_to_pandas_kwargs={"types_mapper": _binary_stays_arrow},
            )
        except pyogrio.errors.DataSourceError as exc:
            if "UTF-8" not in str(exc):  # anything but "text not UTF-8" is a real error of the file
                raise
        else:
            return _as_classic(_unique_names(frame))
    return _unique_names(pyogrio.read_dataframe(gdal_path, layer=layer, encoding=encoding))


def _unique_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Repeated field names (a DBF may hold two ``NAME`` fields) renamed ``NAME_2``…, as in tables,
    so that every field can be named in a style, a join or a label."""
    if frame.columns.is_unique:
        return frame
    return frame.set_axis(clean_names(list(frame.columns)), axis=1)


def _binary_stays_arrow(arrow_type):
    """Binary columns (the WKB geometry) stay in their Arrow buffer instead of becoming a million
    ``bytes`` objects on the way to ``shapely.from_wkb``."""
    if arrow_type in (pyarrow.binary(), pyarrow.large_binary()):
        return pd.ArrowDtype(arrow_type)
    return None  # every other column: pyarrow's default conversion


def _as_classic(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Convert the columns where the Arrow reader's types differ from the classic reader's."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None  # (tables have none)
    for column in frame.columns:
        values = frame[column]
        if column == geometry:
            continue
        if isinstance(values.dtype, pd.ArrowDtype):  # a BLOB attribute: bytes objects, as classically
            frame[column] = values.astype(object).where(values.notna(), None)
            continue
        if values.dtype != object:
            continue
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "boolean" and values.isna().any():
            frame[column] = values.astype("float64")
        elif kind == "date":
            frame[column] = pd.to_datetime(values).astype("datetime64[ms]")
    return frame


__all__ = ["read_frame"]
