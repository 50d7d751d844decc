"""Drawing one vector layer: polygons, lines, points and proportional circles.

Each layer is drawn with a handful of QPainter calls whatever its size: all rings of one colour
class form one path, all outlines one more, all markers of a class one tiled path (or one
``drawPoints`` call). Points that land on the same device pixel are drawn once; on vector devices
(PDF, SVG) a very dense point layer is drawn as an image at the output resolution so the file stays
small — a million circles as vector paths would be tens of megabytes nobody can see.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QImage, QPainter, QPen

from . import paths
from .generalize import simplified, visible_indices
from .qt import is_raster_device, qcolor
from .styling import Symbolization, symbolize
from .symbols import marker, tiled_path
from .transform import DeviceTransform, projected

# Above this many distinct point positions a vector device gets the layer as an image instead.
DENSE_VECTOR_POINTS = 20_000
# Above this many points on a raster device, circles and squares use one wide-pen drawPoints call.
FAST_POINTS = 2_000
# Tiled marker paths are built in chunks to bound memory with millions of points.
MARKER_CHUNK = 100_000

_POLYGON, _LINE, _POINT = "polygon", "line", "point"


def geometry_kind(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: "polygon", "line", "point" or "" (missing/empty/collection)."""
    type_id = shapely.get_type_id(geoms)
    kinds = np.full(len(geoms), "", dtype=object)
    kinds[np.isin(type_id, (3, 6))] = _POLYGON
    kinds[np.isin(type_id, (1, 2, 5))] = _LINE
    kinds[np.isin(type_id, (0, 4))] = _POINT
    return kinds


def draw_vector_layer(view, painter: QPainter, layer, cancel: Callable[[], bool] | None = None) -> None:
    """Draw ``layer`` (a ``VectorLayer``) into ``painter`` for ``view`` (already fitted)."""
    sym = symbolize(layer, view.count_threshold)
    proj = projected(layer, view.crs)
    transform = DeviceTransform.for_view(view)
    # Markers and circles centred just outside the frame still show their edge.
    margin = view.mm(max(sym.symbol.size, sym.max_size or 0.0)) / transform.scale
    index = visible_indices(proj, view.extent, margin)
    if len(index) == 0:
        return
    geoms = proj.geoms[index]
    class_of = sym.class_of[index]
    painter.save()
    try:
        painter.setOpacity(painter.opacity() * layer.opacity)
        if sym.sizes_mm is not None:
            _draw_proportional(view, painter, sym, geoms, sym.sizes_mm[index], transform)
            return
        kinds = geometry_kind(geoms)
        polys = kinds == _POLYGON
        if polys.any():
            _draw_polygons(view, painter, sym, simplified(geoms[polys], transform.scale), class_of[polys],
                           transform, cancel)
        lines = kinds == _LINE
        if lines.any():
            _draw_lines(view, painter, sym, simplified(geoms[lines], transform.scale), class_of[lines], transform)
        pts = kinds == _POINT
        if pts.any():
            xy, feature = paths.points(geoms[pts])
            draw_markers(view, painter, sym, transform.apply(xy), class_of[pts][feature])
    finally:
        painter.restore()


def _stroke_pen(view, sym: Symbolization, color: str | None = None) -> QPen:
    width = sym.symbol.stroke_width
    if width <= 0:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolor(color or sym.symbol.stroke, sym.symbol.opacity), view.mm(width))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def _draw_polygons(view, painter, sym, geoms, class_of, transform, cancel) -> None:
    xy, types, feature = paths.rings(geoms)
    if len(xy) == 0:
        return
    px = transform.apply(xy)
    vertex_class = class_of[feature]
    painter.setPen(Qt.PenStyle.NoPen)
    for c in np.unique(vertex_class):
        if cancel is not None and cancel():
            return
        mask = vertex_class == c
        painter.setBrush(QBrush(qcolor(sym.classes[c].fill, sym.symbol.opacity)))
        painter.drawPath(paths.path_from_elements(types[mask], px[mask]))
    pen = _stroke_pen(view, sym)
    if pen.style() != Qt.PenStyle.NoPen:
        # All outlines in one path: shared borders are drawn twice, identically, which is invisible.
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(paths.path_from_elements(types, px))


def _draw_lines(view, painter, sym, geoms, class_of, transform) -> None:
    xy, types, feature = paths.lines(geoms)
    if len(xy) == 0:
        return
    px = transform.apply(xy)
    vertex_class = class_of[feature]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    width = max(sym.symbol.stroke_width, 0.1)
    for c in np.unique(vertex_class):
        mask = vertex_class == c
        pen = QPen(qcolor(sym.classes[c].fill, sym.symbol.opacity), view.mm(width))
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawPath(paths.path_from_elements(types[mask], px[mask]))


def merge_same_pixel(px: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Indices of the points to draw: one per (device pixel, class), the first one found."""
    ix = np.floor(px[:, 0]).astype(np.int64)
    iy = np.floor(px[:, 1]).astype(np.int64)
    key = (iy * (ix.max() + 2 - min(ix.min(), 0)) + (ix - min(ix.min(), 0))) * (classes.max() + 1) + classes
    _, first = np.unique(key, return_index=True)
    return np.sort(first)


def draw_markers(view, painter: QPainter, sym: Symbolization, px: np.ndarray, classes: np.ndarray) -> None:
    """Point markers at device coordinates ``px``, coloured by class."""
    size = view.mm(sym.symbol.size)
    pad = size + view.mm(sym.symbol.stroke_width)
    inside = ((px[:, 0] > -pad) & (px[:, 0] < view.width + pad)
              & (px[:, 1] > -pad) & (px[:, 1] < view.height + pad))
    px, classes = px[inside], classes[inside]
    if len(px) == 0:
        return
    keep = merge_same_pixel(px, classes)
    px, classes = px[keep], classes[keep]
    if not is_raster_device(painter) and len(px) > DENSE_VECTOR_POINTS:
        _markers_as_image(view, painter, sym, px, classes)
        return
    name = sym.symbol.marker
    if name in ("circle", "square") and len(px) > FAST_POINTS and is_raster_device(painter):
        _markers_as_points(view, painter, sym, px, classes, size, name)
        return
    parts = marker(name)
    stroke = _stroke_pen(view, sym)
    for c in np.unique(classes):
        at = px[classes == c]
        for start in range(0, len(at), MARKER_CHUNK):
            chunk = at[start:start + MARKER_CHUNK]
            for part in parts:
                path = tiled_path(part, chunk, size)
                if part.role == "body":
                    painter.setPen(stroke)
                    painter.setBrush(QBrush(qcolor(sym.classes[c].fill, sym.symbol.opacity)))
                else:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(QBrush(qcolor(sym.symbol.stroke, sym.symbol.opacity)))
                painter.drawPath(path)


def _markers_as_points(view, painter, sym, px, classes, size, name) -> None:
    """Circles/squares as one wide-pen ``drawPoints`` per class: outline pass, then fill pass."""
    cap = Qt.PenCapStyle.RoundCap if name == "circle" else Qt.PenCapStyle.SquareCap
    stroke_w = view.mm(sym.symbol.stroke_width) if sym.symbol.stroke_width > 0 else 0.0
    for c in np.unique(classes):
        polygon = paths.polygon_from_xy(px[classes == c])
        passes = [(sym.symbol.stroke, size + 2 * stroke_w)] if stroke_w else []
        passes.append((sym.classes[c].fill, size))
        for color, width in passes:
            pen = QPen(qcolor(color, sym.symbol.opacity), width)
            pen.setCapStyle(cap)
            painter.setPen(pen)
            painter.drawPoints(polygon)


def _markers_as_image(view, painter, sym, px, classes) -> None:
    """A dense point layer for a vector device: rendered to an image at the view's resolution."""
    image = QImage(int(view.width), int(view.height), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(round(view.dpi / 0.0254))
    image.setDotsPerMeterY(round(view.dpi / 0.0254))
    image.fill(0)
    inner = QPainter(image)
    inner.setRenderHint(QPainter.RenderHint.Antialiasing)
    try:
        draw_markers(view, inner, sym, px, classes)
    finally:
        inner.end()
    painter.drawImage(QRectF(0, 0, view.width, view.height), image)


def _draw_proportional(view, painter, sym, geoms, sizes_mm, transform) -> None:
    """Area-true circles at representative points, largest first so small ones stay on top."""
    ok = np.isfinite(sizes_mm) & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if not ok.any():
        return
    anchors = shapely.point_on_surface(geoms[ok])
    px = transform.apply(shapely.get_coordinates(anchors))
    diameters = sizes_mm[ok] * view.mm(1.0)
    order = np.argsort(-diameters, kind="stable")
    painter.setPen(_stroke_pen(view, sym))
    painter.setBrush(QBrush(qcolor(sym.classes[0].fill, sym.symbol.opacity)))
    for i in order:
        r = diameters[i] / 2
        painter.drawEllipse(QPointF(px[i, 0], px[i, 1]), r, r)
