"""Tables with coordinates become point (or WKT geometry) layers in EPSG:4326.

Column names are matched after lower-casing and turning punctuation into underscores, so
``Latitude``, ``GPS Latitude``, ``_gps_latitude`` (KoboToolbox's geopoint export for a question
named ``gps``) and ``_location_latitude`` are all found. Values are checked: out-of-range degrees
and Pakistan-shaped swaps (longitudes 60–78 sitting in the latitude column) are errors with a fix,
because a swapped column otherwise draws every point in the Indian Ocean off Somalia.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..crs import WGS84
from ..errors import SourceError
from ..point_columns import PointColumns
from . import degrees
from .rows import row_name

# Pakistan's extent with a margin, for recognising swapped columns.
PAK_LON = (60.0, 78.0)
PAK_LAT = (23.0, 37.0)

# Exact names first (most specific wins), then "<anything>_latitude" patterns (Kobo geopoints).
_LAT_NAMES = ("latitude", "lat", "y", "lat_dd", "latitude_dd", "gps_lat", "gps_latitude", "y_coord", "point_y")
_LON_NAMES = (
    "longitude",
    "lon",
    "long",
    "lng",
    "x",
    "lon_dd",
    "longitude_dd",
    "gps_lon",
    "gps_long",
    "gps_longitude",
    "x_coord",
    "point_x",
)
_LAT_PATTERN = re.compile(r"^[a-z0-9_]*_(lat|latitude)$")
_LON_PATTERN = re.compile(r"^[a-z0-9_]*_(lon|lng|long|longitude)$")
_WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "wkt_geom")
_WKT_VALUE = re.compile(r"^\s*(MULTI)?(POINT|LINESTRING|POLYGON)|^\s*GEOMETRYCOLLECTION", re.IGNORECASE)


def _key(column) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(column).strip().lower()).strip("_")


def _find(columns, names, pattern) -> str | None:
    keys = {_key(c): c for c in reversed(list(columns))}  # first column wins on equal keys
    for name in names:
        if name in keys:
            return keys[name]
    matches = [c for k, c in keys.items() if pattern.match("_" + k)]
    return matches[-1] if matches else None  # reversed dict: the last match is the leftmost column


def find_lat_lon(columns) -> tuple[str | None, str | None]:
    """The latitude and longitude columns among ``columns`` (either may be None)."""
    return _find(columns, _LAT_NAMES, _LAT_PATTERN), _find(columns, _LON_NAMES, _LON_PATTERN)


def find_wkt(df: pd.DataFrame) -> str | None:
    """A column holding WKT geometry: by name, or any text column whose first value is WKT."""
    candidates = [c for c in df.columns if _key(c) in _WKT_NAMES] + list(df.columns)
    for column in candidates:
        values = df[column].dropna()
        if len(values) and isinstance(values.iloc[0], str) and _WKT_VALUE.match(values.iloc[0]):
            return column
    return None


def _numeric(series: pd.Series, column: str, path, axis: str, notes: list[str] | None = None) -> np.ndarray:
    """Degrees as floats. Plain numbers (decimal commas too) are converted column-wide; other text
    (degree signs, hemisphere letters, degrees-minutes-seconds: ``pakmap.sources.degrees``) value by
    value, with a note of how it was written; the first value that is no coordinate is an error
    naming the column, its row in the file and the value."""
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    text = series.astype("string").str.strip()
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    how: dict[str, int] = {}
    commas = values.notna() & text.str.contains(",", regex=False).fillna(False)
    if commas.any():
        how[degrees.DECIMAL_COMMA] = int(commas.sum())
    rest = np.flatnonzero((values.isna() & text.notna() & (text != "")).to_numpy())
    if len(rest):
        parsed = values.to_numpy(dtype=float, na_value=np.nan)
        for position in rest:
            result = degrees.parse_degrees(str(text.iloc[position]), axis)
            if result is None:
                raise SourceError(
                    f"column '{column}' has a value that is not a {axis} "
                    f"('{series.iloc[position]}' on {row_name(series.index, int(position))})",
                    path=path,
                    fix=f"write it as decimal degrees (33.6844) or degrees-minutes-seconds "
                    f"(33°41'04\"{'N' if axis == 'latitude' else 'E'}), or fix that row",
                )
            parsed[position] = result[0]
            for kind in result[1]:
                how[kind] = how.get(kind, 0) + 1
        values = pd.Series(parsed, index=series.index)
    if how and notes is not None:
        written = ", ".join(f"{kind} ({n:,})" for kind, n in sorted(how.items()))
        notes.append(f"{axis}s in column '{column}' read from text written with {written}")
    return values.to_numpy(dtype=float, na_value=np.nan)


def check_lon_lat(
    lon: np.ndarray,
    lat: np.ndarray,
    path,
    lat_col: str,
    lon_col: str,
    swap_fix: str | None = None,
    rows: pd.Index | None = None,
) -> None:
    """Raise for swapped (Pakistan-shaped) or out-of-range coordinates; NaN means 'no position'."""
    known = ~(np.isnan(lon) | np.isnan(lat))
    if not known.any():
        raise SourceError(
            f"the coordinate columns '{lat_col}' and '{lon_col}' are empty",
            path=path,
            fix="fill in coordinates, or open the file as a table (as_table=True)",
        )
    x, y = lon[known], lat[known]
    in_pak = _inside(x, y).mean()
    in_pak_swapped = _inside(y, x).mean()
    if in_pak_swapped >= 0.8 and in_pak < 0.2:
        fix = swap_fix or (
            f"swap them: lat={lon_col} lon={lat_col} in the project's layer options, "
            f"--lat {lon_col} --lon {lat_col} on the command line (or rename the columns)"
        )
        raise SourceError(
            f"latitude and longitude look swapped: column '{lat_col}' holds values like "
            f"{y[0]:g} (a longitude in Pakistan) and '{lon_col}' values like {x[0]:g}",
            path=path,
            fix=fix,
        )
    for values, column, limit in ((y, lat_col, 90), (x, lon_col, 180)):
        out = np.abs(values) > limit
        if out.any():
            row = int(np.flatnonzero(known)[np.flatnonzero(out)[0]])
            where = row_name(rows if rows is not None else pd.RangeIndex(len(lon)), row)
            raise SourceError(
                f"column '{column}' has {int(out.sum())} value(s) outside ±{limit} degrees "
                f"(first: {values[out][0]:g} on {where})",
                path=path,
                fix="correct those rows; projected coordinates (metres) need a WKT column and crs=",
            )


def _inside(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (x >= PAK_LON[0]) & (x <= PAK_LON[1]) & (y >= PAK_LAT[0]) & (y <= PAK_LAT[1])


def points_from_columns(
    df: pd.DataFrame, lat_col: str, lon_col: str, path, notes: list[str] | None = None
) -> gpd.GeoDataFrame | PointColumns:
    """Point layer in EPSG:4326; rows without coordinates keep a null geometry (and are reported).

    When every row has coordinates the layer is ``PointColumns`` (no shapely object per row until
    one is needed: a survey export of a million households draws without them). Coordinates read
    from text are noted in ``notes``; the layer is numbered by position (the file's row numbers
    are for messages about the table, not attributes of its points)."""
    for column in (lat_col, lon_col):
        if column not in df.columns:
            raise SourceError(
                f"has no column '{column}'", path=path, fix=f"use one of: {', '.join(map(str, df.columns))}"
            )
    lat = _numeric(df[lat_col], lat_col, path, "latitude", notes)
    lon = _numeric(df[lon_col], lon_col, path, "longitude", notes)
    check_lon_lat(lon, lat, path, lat_col, lon_col, rows=df.index)
    df = df.reset_index(drop=True)
    xy = np.column_stack([lon, lat])  # (_numeric gives float arrays)
    if np.isfinite(xy).all() and "geometry" not in df.columns:
        return PointColumns(df, xy, WGS84)
    geometry = shapely.points(lon, lat)
    geometry[np.isnan(lon) | np.isnan(lat)] = None
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, index=df.index), crs=WGS84)


def geometry_from_wkt(df: pd.DataFrame, column: str, path, crs=None) -> gpd.GeoDataFrame:
    """Geometry from WKT text; in EPSG:4326 unless ``crs`` says otherwise (then not range-checked)."""
    if column not in df.columns:
        raise SourceError(f"has no column '{column}'", path=path, fix=f"use one of: {', '.join(map(str, df.columns))}")
    text = df[column].astype("string").str.strip()
    text = text.where(text.notna() & (text != ""), None).to_numpy(dtype=object)
    geometry = shapely.from_wkt(text, on_invalid="ignore")
    bad = np.flatnonzero(shapely.is_missing(geometry) & (text != None))  # noqa: E711 - elementwise
    if len(bad):
        raise SourceError(
            f"column '{column}' has text that is not WKT geometry ({row_name(df.index, bad[0])}: "
            f"'{str(text[bad[0]])[:40]}')",
            path=path,
            fix="fix that row or remove it",
        )
    df = df.reset_index(drop=True)
    out = gpd.GeoDataFrame(
        df.drop(columns=[column]), geometry=gpd.GeoSeries(geometry, index=df.index), crs=crs or WGS84
    )
    if crs is None:
        coords = shapely.get_coordinates(geometry)
        if len(coords):
            check_lon_lat(
                coords[:, 0],
                coords[:, 1],
                path,
                f"{column} (y)",
                f"{column} (x)",
                swap_fix="WKT is x (longitude) first: write POINT (71.5 34.0), not POINT (34.0 71.5)",
            )
    return out


__all__ = [
    "find_lat_lon",
    "find_wkt",
    "points_from_columns",
    "geometry_from_wkt",
    "check_lon_lat",
    "PAK_LON",
    "PAK_LAT",
]
