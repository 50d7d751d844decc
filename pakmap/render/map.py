"""``render_map``: one map view painted into any QPainter — canvas, PNG, PDF, SVG, layout frame."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter

from ..gc_pause import paused_gc
from ..layer import RasterLayer, TableLayer, VectorLayer
from ..mapview import MapView
from .context import RenderContext
from .labels import LabelCollector
from .qt import qcolor
from .raster import draw_raster_layer
from .vector import draw_vector_layer


@dataclass
class RenderResult:
    """What a render did: whether it was cancelled, and the labels placed (for tests and hit-testing)."""

    cancelled: bool = False
    labels: list = field(default_factory=list)  # list[pakmap.render.labels.PlacedLabel]


def render_map(view: MapView, painter: QPainter, context: RenderContext | None = None) -> RenderResult:
    """Paint ``view`` into ``painter`` within the rectangle (0, 0, width, height) of its current
    coordinate system. Layers are drawn bottom first, labels last over all layers.

    ``context`` (``RenderContext``): its ``cancel`` is polled between layers (and between steps of
    large ones), e.g. to stop when the canvas has already asked for a newer view; its ``images``
    sink takes dense point images from a writer that stores them itself. The painter's state is
    restored.
    """
    view = view.fitted()
    # Simplifying, clipping and reprojecting make one shapely object per feature: see pakmap.gc_pause.
    with paused_gc():
        return _render(view, painter, context or RenderContext())


def _render(view: MapView, painter: QPainter, context: RenderContext) -> RenderResult:

    result = RenderResult()
    painter.save()
    try:
        # Intersected with any clip the caller (a page layout's map frame) has already set.
        painter.setClipRect(QRectF(0, 0, view.width, view.height), Qt.ClipOperation.IntersectClip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if view.background:
            painter.fillRect(QRectF(0, 0, view.width, view.height), qcolor(view.background))
        collector = LabelCollector(view)
        for layer in view.layers:
            if context.cancelled():
                result.cancelled = True
                return result
            if not layer.visible or isinstance(layer, TableLayer):
                continue
            if isinstance(layer, RasterLayer):
                draw_raster_layer(view, painter, layer)
            elif isinstance(layer, VectorLayer):
                part = layer.drawn_part(view.extent, view.crs)
                draw_vector_layer(view, painter, part, context)
                collector.add_layer(part)
        if context.cancelled():
            result.cancelled = True
            return result
        result.labels = collector.place_and_draw(painter, context.texts)
    finally:
        painter.restore()
    return result
