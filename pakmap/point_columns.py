"""Point layers kept as columns: an attribute table and an (n, 2) coordinate array.

A GeoDataFrame holds one shapely object per feature. For a household survey or a benchmark of a
million points, making those objects costs more than reading the whole file (bench/README.md), and
drawing, classifying and detecting personal data never need them: the renderer only wants the
coordinates. So readers hand point files over as ``PointColumns`` and ``VectorLayer`` builds the
GeoDataFrame the first time something asks for ``layer.data`` (a join, the attribute table, a web
export). Both forms describe the same features; ``frame()`` is exactly what the GeoDataFrame reader
would have returned, which tests/test_point_columns.py checks file by file.

Only plain 2D points with finite coordinates take this form: Z values, empty or null geometries and
multipoints keep the ordinary GeoDataFrame, so nothing about them is lost or approximated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

# ISO/OGC WKB of a 2D point: byte order (1 = little endian), uint32 type (1 = Point), float64 x, y.
_POINT_WKB_SIZE = 21


@dataclass(frozen=True)
class PointColumns:
    """One point per feature: ``attributes`` (no geometry column) and ``xy`` in ``crs``."""

    attributes: pd.DataFrame
    xy: np.ndarray  # float64 (n, 2), every value finite
    crs: CRS | None
    geometry_name: str = "geometry"

    def __len__(self) -> int:
        return len(self.xy)

    def frame(self) -> gpd.GeoDataFrame:
        """The GeoDataFrame of these features (a new one each call: its shapely points are made now)."""
        frame = self.attributes.copy(deep=False)  # the layer reads attributes from the frame from now on
        frame[self.geometry_name] = shapely.points(self.xy)
        return gpd.GeoDataFrame(frame, geometry=self.geometry_name, crs=self.crs)

    def take(self, rows) -> "PointColumns":
        """The features at positions ``rows``, still as columns."""
        rows = np.asarray(rows, dtype=np.int64)
        return replace(self, attributes=self.attributes.iloc[rows], xy=self.xy[rows])

    def with_crs(self, crs: CRS | None) -> "PointColumns":
        """The same coordinates declared to be in ``crs`` (not transformed: like ``set_crs``)."""
        return replace(self, crs=crs)

    @property
    def total_bounds(self) -> tuple[float, float, float, float]:
        return xy_bounds(self.xy)


def xy_bounds(xy: np.ndarray) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of an (n, 2) coordinate array; NaN for none, as GeoPandas reports an empty layer."""
    if len(xy) == 0:
        return (float("nan"),) * 4
    low, high = xy.min(axis=0), xy.max(axis=0)
    return float(low[0]), float(low[1]), float(high[0]), float(high[1])


def decode_wkb_points(column) -> np.ndarray | None:
    """The (n, 2) coordinates of an Arrow WKB column if every value is a 2D point with finite
    coordinates (little-endian, as GDAL writes WKB), else None (read it the ordinary way).

    Points have a fixed-size WKB, so the column's data buffer is an (n, 21) byte table whose last 16
    bytes per row are x and y: read with numpy in a few milliseconds for a million points.
    """
    import pyarrow as pa  # only reached with an Arrow column: pyarrow is optional (reading is faster with it)

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if isinstance(array.type, pa.ExtensionType):  # geoarrow.wkb wraps a plain binary array
        array = array.storage
    if not (pa.types.is_binary(array.type) or pa.types.is_large_binary(array.type)):
        return None
    n = len(array)
    if n == 0 or array.null_count:
        return None
    _, offsets_buffer, data_buffer = array.buffers()
    offset_type = np.dtype(np.int64 if pa.types.is_large_binary(array.type) else np.int32)
    offsets = np.frombuffer(offsets_buffer, offset_type, count=n + 1, offset=array.offset * offset_type.itemsize)
    if not (np.diff(offsets) == _POINT_WKB_SIZE).all():
        return None
    rows = np.frombuffer(data_buffer, np.uint8, count=n * _POINT_WKB_SIZE, offset=int(offsets[0]))
    rows = rows.reshape(n, _POINT_WKB_SIZE)
    header = np.array([1, 1, 0, 0, 0], dtype=np.uint8)  # little endian, type 1 (2D Point)
    if not (rows[:, :5] == header).all():
        return None
    xy = np.ascontiguousarray(rows[:, 5:]).view("<f8").astype(np.float64, copy=False).reshape(n, 2)
    if not np.isfinite(xy).all():  # NaN is how WKB spells an empty point
        return None
    return xy


__all__ = ["PointColumns", "decode_wkb_points", "xy_bounds"]
