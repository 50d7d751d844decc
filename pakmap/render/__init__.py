"""The renderer: a ``MapView`` painted into any QPainter (canvas, PNG, PDF, SVG, layout frame).

Public API: ``render_map(view, painter, context=None)`` (a ``RenderContext``: cancel, image sink),
``legend_items(layer, threshold=None)``, ``ensure_gui_app()`` (in ``pakmap.render.qt``).
"""

from ..mapview import MapView, fit_extent
from .context import ImageSink, RenderContext
from .legend_items import LegendItem, legend_items
from .map import RenderResult, render_map

__all__ = [
    "ImageSink",
    "LegendItem",
    "MapView",
    "RenderContext",
    "RenderResult",
    "fit_extent",
    "legend_items",
    "render_map",
]
