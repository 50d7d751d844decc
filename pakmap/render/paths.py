"""Geometries → QPainterPaths without a Python loop per vertex (or per ring).

Qt can read a ``QPainterPath`` from a ``QDataStream``: a count, then (element type, x, y) records,
then the fill rule. We write that byte layout directly from numpy arrays — all rings of many
features become one path in a single call — which is what keeps drawing 1,000 districts with
hundreds of thousands of vertices in the milliseconds.
"""

from __future__ import annotations

import numpy as np
import shapely
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, Qt
from PySide6.QtGui import QPainterPath, QPolygonF

MOVE_TO, LINE_TO, CURVE_TO, CURVE_TO_DATA = 0, 1, 2, 3
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])


def path_from_elements(types: np.ndarray, xy: np.ndarray, winding: bool = True) -> QPainterPath:
    """One QPainterPath from element types (MOVE_TO, LINE_TO, …) and (n, 2) device coordinates."""
    n = len(types)
    if n == 0:
        return QPainterPath()
    records = np.empty(n, dtype=_ELEMENT)
    records["type"] = types
    records["x"] = xy[:, 0]
    records["y"] = xy[:, 1]
    # Trailer: cStart (index of the current subpath start, irrelevant once built) and fill rule.
    fill_rule = int(Qt.FillRule.WindingFill.value if winding else Qt.FillRule.OddEvenFill.value)
    raw = np.array([n], ">i4").tobytes() + records.tobytes() + np.array([0, fill_rule], ">i4").tobytes()
    buffer = QByteArray(raw)  # must outlive the stream reading from it
    stream = QDataStream(buffer, QIODevice.OpenModeFlag.ReadOnly)
    path = QPainterPath()
    stream >> path
    return path


# Qt strokes one huge path far slower than many small ones (its stroker turns the whole outline into
# one self-intersecting polygon to fill), so district outlines are stroked in chunks of rings.
STROKE_CHUNK = 64


def chunked_paths(types: np.ndarray, xy: np.ndarray, chunk: int = STROKE_CHUNK) -> list[QPainterPath]:
    """The same subpaths as ``path_from_elements(types, xy)`` split into paths of about ``chunk``
    elements, for stroking: subpaths are grouped by the block of ``chunk`` elements they start in
    (never split, so a long ring makes a longer path)."""
    starts = np.flatnonzero(types == MOVE_TO)
    if len(starts) == 0:
        return []
    block = starts // chunk
    cuts = starts[np.r_[True, block[1:] != block[:-1]]]
    bounds = np.r_[cuts, len(types)]
    return [path_from_elements(types[a:b], xy[a:b], winding=False) for a, b in zip(bounds[:-1], bounds[1:])]


def polygon_from_xy(xy: np.ndarray) -> QPolygonF:
    """A QPolygonF (e.g. for ``drawPoints``) from (n, 2) coordinates, via the same stream trick."""
    raw = np.array([len(xy)], ">u4").tobytes() + np.ascontiguousarray(xy, dtype=">f8").tobytes()
    buffer = QByteArray(raw)
    stream = QDataStream(buffer, QIODevice.OpenModeFlag.ReadOnly)
    polygon = QPolygonF()
    stream >> polygon
    return polygon


def _starts(index: np.ndarray) -> np.ndarray:
    """Element types for flat coordinates whose owning part is ``index``: MOVE_TO where it changes."""
    types = np.full(len(index), LINE_TO, dtype=np.int32)
    if len(index):
        types[0] = MOVE_TO
        types[1:][index[1:] != index[:-1]] = MOVE_TO
    return types


def rings(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every ring of (multi)polygons, oriented for winding fill, as flat arrays.

    Returns ``(xy, types, feature)``: coordinates, element types and the feature index of each vertex.
    Shells are counter-clockwise and holes clockwise, so a winding fill shows holes while overlapping
    features of one colour in one path still fill as their union.
    """
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    parts = shapely.orient_polygons(parts)
    ring_geoms, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_of_vertex = shapely.get_coordinates(ring_geoms, return_index=True)
    return xy, _starts(ring_of_vertex), part_feature[ring_part[ring_of_vertex]]


def lines(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every line part (polygon boundaries included) as ``(xy, types, feature)`` flat arrays."""
    parts, part_feature = shapely.get_parts(geoms, return_index=True)
    is_poly = np.isin(shapely.get_type_id(parts), (3,))
    if is_poly.any():
        parts = parts.copy()
        parts[is_poly] = shapely.boundary(parts[is_poly])
        parts, sub = shapely.get_parts(parts, return_index=True)
        part_feature = part_feature[sub]
    xy, line_of_vertex = shapely.get_coordinates(parts, return_index=True)
    return xy, _starts(line_of_vertex), part_feature[line_of_vertex]


def points(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of every point (multipoints exploded) and the feature index of each."""
    return shapely.get_coordinates(geoms, return_index=True)
