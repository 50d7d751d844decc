"""Render a map view to an in-memory image: for tests, thumbnails and quick previews.

(The PNG/PDF/SVG writers with page layouts live in ``pakmap.export``.)
"""

from __future__ import annotations

from PySide6.QtGui import QImage, QPainter

from .context import RenderContext
from .map import RenderResult, render_map
from .qt import ensure_gui_app


def render_image(view, cancel=None) -> tuple[QImage, RenderResult]:
    """``view`` rendered into a new ARGB image of ``view.width`` × ``view.height`` pixels."""
    ensure_gui_app()
    image = QImage(int(view.width), int(view.height), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDotsPerMeterX(round(view.dpi / 0.0254))
    image.setDotsPerMeterY(round(view.dpi / 0.0254))
    image.fill(0)
    painter = QPainter(image)
    try:
        result = render_map(view, painter, RenderContext(cancel=cancel))
    finally:
        painter.end()
    return image, result
