"""Drawing a composed page on a QPainter whose device has the given dpi (PDF, SVG, QImage).

Painter coordinates are device pixels from the page's top-left corner; each element converts its
box from mm. The map frame is drawn first so no furniture is ever hidden under it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from ..mapview import MapView
from ..render.context import RenderContext
from ..render.qt import qcolor
from .box import Box
from .chart import draw_chart
from .compose import TEXT_ELEMENTS, Page
from .inset import draw_inset
from .legend import draw_legend
from .locator import draw_locator
from .logo import draw_logo
from .mapframe import draw_map_frame
from .northarrow import draw_north_arrow
from .scalebar import draw_scale_bar, max_bar_length_mm, scale_bar
from .text import draw_text_box

_VALIGN = {"sources": "top", "dates": "top", "banner": "center", "title": "top"}


def qrect(box: Box, dpi: float) -> QRectF:
    return QRectF(*box.to_px(dpi))


def paint_page(page: Page, painter: QPainter, dpi: float, context: RenderContext | None = None) -> MapView:
    """Draw every element of ``page``, the map frame rendered with ``context`` (``render_map``);
    returns the map frame's view (for world files)."""
    template = page.template
    family = template.font
    texts = context.texts if context is not None else None
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    spec = page.elements["map"]
    view = draw_map_frame(painter, page.loaded, spec.box, page.extent, dpi, spec.stroke, page.overlay, context)
    for inset in page.insets:
        draw_inset(painter, page.loaded, inset, view, spec.box, dpi, context, family)
    for name, spec in page.elements.items():
        rect = qrect(spec.box, dpi)
        if name == "map":
            continue
        if name in TEXT_ELEMENTS:
            if spec.fill:  # banner: a coloured band behind the text
                painter.fillRect(rect, qcolor(spec.fill))
                rect = rect.adjusted(rect.height() * 0.25, 0, -rect.height() * 0.25, 0)
            draw_text_box(painter, page.texts[name], spec, rect, family, _VALIGN.get(name, "top"), texts)
        elif name == "legend":
            draw_legend(painter, page.legend, spec, family, rect, dpi, texts)
        elif name == "scalebar":
            frame = page.elements["map"].box
            bar = scale_bar(
                page.loaded.crs, view.extent, frame.width, max_bar_length_mm(spec, family, painter.device())
            )
            draw_scale_bar(painter, bar, spec, rect, family, dpi)
        elif name == "north_arrow":
            draw_north_arrow(painter, spec, rect, family, dpi, page.north_rotation)
        elif name == "locator":
            draw_locator(painter, page.loaded, page.locator, spec, rect, view.extent, dpi)
        elif name == "logo":
            draw_logo(painter, spec, rect, template, dpi)
        elif name in page.charts:
            draw_chart(painter, page.charts[name], spec, family, rect, dpi)
    return view
