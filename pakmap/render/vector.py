"""Drawing one vector layer: polygons, lines, points and proportional circles.

Each layer is drawn with few QPainter calls whatever its size: all rings of one colour class form
one path, outlines a few small ones (Qt strokes small paths much faster), all markers of a class one
tiled path. Points that land on the same device pixel are drawn once; dense point layers are stamped
into one image at the output resolution (``stamps.py``) — on PDF and SVG too, so the file stays
small: a million circles as vector paths would be tens of megabytes nobody can see. The PDF
exporter takes that image as palette indices, which it writes into the file itself, through the
image sink of the render context (``context.py``); otherwise it goes to Qt's ``drawImage``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from . import paths
from .context import ImageSink, RenderContext
from .generalize import clipped, simplified, visible_indices
from .qt import is_raster_device, qcolor, set_line_style
from .stamps import more_distinct_pixels_than, paint_stamps, present_classes, render_stamp
from .styling import Symbolization, symbolize
from .symbols import marker, tiled_path
from .transform import DeviceTransform, projected

# Above this many distinct point positions a vector device gets the layer as an image instead.
DENSE_VECTOR_POINTS = 20_000
# Above this many distinct point positions a raster device gets the markers stamped (see stamps.py).
FAST_POINTS = 2_000
# Lines are never drawn thinner than this (mm), whatever their style says: thinner ones vanish in print.
MIN_LINE_WIDTH_MM = 0.1
DOT_CASING_MM = (
    0.4  # a dotted line's casing is this much wider than the line: covers a 0.5 mm border under a 0.4 mm line
)
# Tiled marker paths are built in chunks to bound memory with millions of points.
MARKER_CHUNK = 100_000

_POLYGON, _LINE, _POINT = "polygon", "line", "point"


# Kind by shapely type id + 1 (-1, missing, becomes 0): Point, LineString, LinearRing, Polygon,
# MultiPoint, MultiLineString, MultiPolygon; collections and anything else have no kind.
_KIND_BY_TYPE = np.array(["", _POINT, _LINE, _LINE, _POLYGON, _POINT, _LINE, _POLYGON, "", ""], dtype=object)
# The same as small integer codes (index into _KINDS) for the renderer's own per-frame tests:
# comparing a million bytes is far cheaper than comparing a million Python strings.
_KINDS = ("", _POLYGON, _LINE, _POINT)
_CODE_BY_TYPE = np.array([_KINDS.index(k) for k in _KIND_BY_TYPE], dtype=np.int8)
_POLYGON_CODE, _LINE_CODE, _POINT_CODE = (_KINDS.index(k) for k in (_POLYGON, _LINE, _POINT))


def geometry_kind(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: "polygon", "line", "point" or "" (missing/empty/collection)."""
    return np.array(_KINDS, dtype=object)[_kind_codes(geoms)]


def _kind_codes(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: the index into ``_KINDS`` of its kind (int8)."""
    type_id = shapely.get_type_id(geoms)
    return _CODE_BY_TYPE[np.clip(type_id + 1, 0, len(_CODE_BY_TYPE) - 1)]


def draw_vector_layer(view, painter: QPainter, layer, context: RenderContext) -> None:
    """Draw ``layer`` (a ``VectorLayer``) into ``painter`` for ``view`` (already fitted)."""
    sym = symbolize(layer, view.count_threshold)
    proj = projected(layer, view.crs)
    transform = DeviceTransform.for_view(view)
    # Markers and circles centred just outside the frame still show their edge.
    margin = view.mm(max(sym.symbol.size, sym.max_size or 0.0)) / transform.scale
    painter.save()
    try:
        painter.setOpacity(painter.opacity() * layer.opacity)
        if sym.sizes_mm is not None:
            index = visible_indices(proj, view.extent, margin)
            if len(index):
                _draw_proportional(view, painter, sym, proj.geoms[index], sym.sizes_mm[index], transform)
            return
        if proj.point_xy is None:
            kinds = proj.memo("kind codes", lambda: _kind_codes(proj.geoms))
            if proj.memo("has shapes", lambda: bool(((kinds == _POLYGON_CODE) | (kinds == _LINE_CODE)).any())):
                _draw_shapes(view, painter, sym, proj, kinds, transform, margin, context.cancel)
            xy, feature = proj.memo("points", lambda: _point_coordinates(proj.geoms, kinds))
        else:  # a layer of plain points: its coordinates as read, no shapely objects at all
            xy, feature = proj.point_xy, proj.memo("features", lambda: np.arange(len(proj.point_xy)))
        # Points straight from the layer's cached coordinates: no spatial index, no per-frame shapely
        # work, so a canvas repaint of a million points costs a few numpy passes.
        if len(xy):
            xmin, ymin, xmax, ymax = view.extent
            seen = (
                (xy[:, 0] >= xmin - margin)
                & (xy[:, 0] <= xmax + margin)
                & (xy[:, 1] >= ymin - margin)
                & (xy[:, 1] <= ymax + margin)
            )
            if seen.all():
                draw_markers(view, painter, sym, transform.apply(xy), sym.class_of[feature], context.images)
            elif seen.any():
                px = transform.apply(xy[seen])
                draw_markers(view, painter, sym, px, sym.class_of[feature[seen]], context.images)
    finally:
        painter.restore()


def _point_coordinates(geoms: np.ndarray, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every point of the (multi)point features and the feature index of each."""
    rows = np.flatnonzero(kinds == _POINT_CODE)
    xy, part = paths.points(geoms[rows])
    return xy, rows[part]


def _draw_shapes(view, painter, sym, proj, kinds, transform, margin, cancel) -> None:
    """The visible polygons, then the visible lines, simplified to the output resolution."""
    index = visible_indices(proj, view.extent, margin)
    geoms, kinds, class_of = proj.geoms[index], kinds[index], sym.class_of[index]
    # Cut edges must fall outside the frame: beyond the widest outline plus a few pixels.
    cut = (view.mm(max(sym.symbol.stroke_width, 0.1)) + 4) / transform.scale
    polys = kinds == _POLYGON_CODE
    if polys.any():
        shapes = simplified(clipped(geoms[polys], view.extent, cut), transform.scale)
        _draw_polygons(view, painter, sym, shapes, class_of[polys], transform, cancel)
    lines = kinds == _LINE_CODE
    if lines.any():
        shapes = simplified(clipped(geoms[lines], view.extent, cut), transform.scale)
        _draw_lines(view, painter, sym, shapes, class_of[lines], transform)


def _stroke_pen(view, sym: Symbolization, color: str | None = None) -> QPen:
    width = sym.symbol.stroke_width
    if width <= 0:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolor(color or sym.symbol.stroke, sym.symbol.opacity), view.mm(width))
    # Bevel joins (QGIS's default for fills too): at outline widths they look the same as round
    # joins, and Qt strokes them much faster on detailed boundaries.
    pen.setJoinStyle(Qt.PenJoinStyle.BevelJoin)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return set_line_style(pen, sym.symbol.line_style)


def _draw_polygons(view, painter, sym, geoms, class_of, transform, cancel) -> None:
    xy, types, feature = paths.rings(geoms)
    if len(xy) == 0:
        return
    px = transform.apply(xy)
    vertex_class = class_of[feature]
    pen = _stroke_pen(view, sym)
    painter.save()
    # An opaque solid outline at least a device pixel wide is drawn over every fill edge and covers
    # it (the aliased edge is within half a pixel of the true one), so on raster devices the fills
    # underneath need no antialiasing: much faster on a 300 dpi page, and no hairline seams between
    # neighbours. Without such an outline (or on a canvas where it is thinner) fills stay antialiased.
    if _covers_edges(pen, painter):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(Qt.PenStyle.NoPen)
    try:
        for c in np.unique(vertex_class):
            if cancel is not None and cancel():
                return
            mask = vertex_class == c
            painter.setBrush(QBrush(qcolor(sym.classes[c].fill, sym.symbol.fill_alpha)))
            painter.drawPath(paths.path_from_elements(types[mask], px[mask]))
    finally:
        painter.restore()
    if pen.style() != Qt.PenStyle.NoPen:
        # Shared borders are drawn twice, identically, which is invisible.
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for path in paths.chunked_paths(types, px):
            painter.drawPath(path)


def _covers_edges(pen: QPen, painter: QPainter) -> bool:
    """Whether outlines drawn with ``pen`` hide the fill edges beneath them (see ``_draw_polygons``)."""
    return (
        pen.style() == Qt.PenStyle.SolidLine
        and pen.widthF() >= 1.0
        and pen.color().alpha() == 255
        and painter.opacity() >= 1.0
        and is_raster_device(painter)
    )


def _draw_lines(view, painter, sym, geoms, class_of, transform) -> None:
    xy, types, feature = paths.lines(geoms)
    if len(xy) == 0:
        return
    px = transform.apply(xy)
    vertex_class = class_of[feature]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    width = max(sym.symbol.stroke_width, MIN_LINE_WIDTH_MM)
    casing = _dot_casing(view, sym, width)
    for c in np.unique(vertex_class):
        mask = vertex_class == c
        if casing is not None:
            painter.setPen(casing)
            for path in paths.chunked_paths(types[mask], px[mask]):
                painter.drawPath(path)
        pen = QPen(qcolor(sym.classes[c].fill, sym.symbol.opacity), view.mm(width))
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(set_line_style(pen, sym.symbol.line_style))
        for path in paths.chunked_paths(types[mask], px[mask]):
            painter.drawPath(path)


def _dot_casing(view, sym: Symbolization, width_mm: float) -> QPen | None:
    """A dotted line's casing: a solid band in the symbol's ``stroke`` colour under the dots, wider
    than the line by ``DOT_CASING_MM``. A boundary drawn solid along the same course (the edge of
    Azad Jammu and Kashmir along the Line of Control) would otherwise join the dots into a solid
    line; the casing leaves the dots on a clear band, as the Kashmir note describes them."""
    color = sym.symbol.stroke
    if sym.symbol.line_style != "dot" or not color or color.lower() in ("none", "transparent"):
        return None
    pen = QPen(qcolor(color, sym.symbol.opacity), view.mm(width_mm + DOT_CASING_MM))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def merge_same_pixel(px: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Indices of the points to draw: one per (device pixel, class), the first one found."""
    ix = np.floor(px[:, 0]).astype(np.int64)
    iy = np.floor(px[:, 1]).astype(np.int64)
    ix -= ix.min()
    iy -= iy.min()
    key = (iy * (ix.max() + 1) + ix) * (int(classes.max()) + 1) + classes
    _, first = np.unique(key, return_index=True)
    return np.sort(first)


@dataclass
class _Pass:
    """One single-colour drawing step of a marker layer: a filled (or outlined) path."""

    color: QColor
    path: QPainterPath  # filled (and outlined with ``outline`` when given)
    outline: QPen | None = None

    def paint(self, painter: QPainter) -> None:
        if self.outline is not None:
            painter.setPen(self.outline)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(self.color))
        painter.drawPath(self.path)


def _marker_passes(view, sym: Symbolization, px: np.ndarray, classes: np.ndarray) -> list[_Pass]:
    """The single-colour steps that draw markers at ``px``: per class, body, its outline, pictogram."""
    size = view.mm(sym.symbol.size)
    stroke_w = view.mm(sym.symbol.stroke_width) if sym.symbol.stroke_width > 0 else 0.0
    stroke = qcolor(sym.symbol.stroke, sym.symbol.opacity)
    passes: list[_Pass] = []
    for c in np.unique(classes):
        at = px[classes == c]
        fill = qcolor(sym.classes[c].fill, sym.symbol.fill_alpha)
        for start in range(0, len(at), MARKER_CHUNK):
            chunk = at[start : start + MARKER_CHUNK]
            for part in marker(sym.symbol.marker):
                path = tiled_path(part, chunk, size)
                if part.role == "body":
                    passes.append(_Pass(fill, path=path))
                    if stroke_w:
                        pen = QPen(stroke, stroke_w)
                        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                        passes.append(_Pass(stroke, path=path, outline=pen))
                else:
                    passes.append(_Pass(stroke, path=path))
    return passes


def draw_markers(
    view, painter: QPainter, sym: Symbolization, px: np.ndarray, classes: np.ndarray, images: ImageSink | None = None
) -> None:
    """Point markers at device coordinates ``px``, coloured by class.

    Few points: exact vector paths. Many: stamped into one image (antialiased on raster devices; on
    PDF/SVG without antialiasing, so each pixel is one exact colour or transparent and the
    flate-compressed image stays small — a million points on A4 at 300 dpi cost about a MB, where
    vector circles would cost tens and JPEG would add noise). Given an image sink (the PDF
    exporter's), that image is indexed, 1 to 8 bits a pixel with index 0 transparent
    (``stamps.paint_stamps``).
    """
    size = view.mm(sym.symbol.size)
    pad = size + view.mm(sym.symbol.stroke_width)
    inside = (px[:, 0] > -pad) & (px[:, 0] < view.width + pad) & (px[:, 1] > -pad) & (px[:, 1] < view.height + pad)
    px, classes = px[inside], classes[inside]
    if len(px) == 0:
        return
    raster = is_raster_device(painter)
    limit = FAST_POINTS if raster else DENSE_VECTOR_POINTS
    if not more_distinct_pixels_than(px, classes, limit):
        keep = merge_same_pixel(px, classes)
        for step in _marker_passes(view, sym, px[keep], classes[keep]):
            step.paint(painter)
        return

    # Stamping draws each occupied pixel once whatever the number of points on it: no merge needed.
    def stamp_of(c: int) -> np.ndarray:
        def paint(p: QPainter, cx: float, cy: float) -> None:
            one = np.array([[cx, cy]])
            for step in _marker_passes(view, sym, one, np.array([c])):
                step.paint(p)

        return render_stamp(size + 2 * view.mm(sym.symbol.stroke_width), paint, antialias=raster)

    stamps = {int(c): stamp_of(int(c)) for c in present_classes(classes)}
    paint_stamps(painter, int(round(view.width)), int(round(view.height)), px, classes, stamps, images)


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
    painter.setBrush(QBrush(qcolor(sym.classes[0].fill, sym.symbol.fill_alpha)))
    for i in order:
        r = diameters[i] / 2
        painter.drawEllipse(QPointF(px[i, 0], px[i, 1]), r, r)
