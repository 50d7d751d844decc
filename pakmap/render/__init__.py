"""The renderer: a ``MapView`` painted into any QPainter (canvas, PNG, PDF, SVG, layout frame).

Public API: ``render_map(view, painter, cancel=None)``, ``legend_items(layer, threshold=None)``,
``ensure_gui_app()`` (in ``pakmap.render.qt``).
"""

from ..mapview import MapView, fit_extent
from .legend_items import LegendItem, legend_items
from .map import RenderResult, render_map

__all__ = ["LegendItem", "MapView", "RenderResult", "fit_extent", "legend_items", "render_map"]
