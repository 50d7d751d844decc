"""PNG export: a page at 150/300/600 dpi, or a plain map image without page furniture.

The image records its dpi (``pHYs``), so it prints at the intended size. With ``world_file`` a
``.pgw`` georeferences the map (exactly, for a plain map image).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QColor, QImage, QPainter

from .. import limits
from ..atomic import atomic_path
from ..errors import ExportError
from ..layout.compose import Page
from ..layout.paint import paint_page
from ..project.loaded import LoadedProject
from ..render import render_map
from ..render.qt import ensure_gui_app
from .png_encode import encode_png
from .worldfile import write_world_file

DPI_CHOICES = (150, 300, 600)


def _image(width: int, height: int, dpi: float, out_path: Path | str | os.PathLike | None) -> QImage:
    limits.PAGE_PIXELS.check(width * height, path=out_path, subject=f"a {width} × {height} pixel image")
    # Opaque (filled white below): no alpha channel, so an RGB PNG, a quarter smaller than RGBA.
    # Three bytes a pixel, not RGB32's four: an A4 page at 300 dpi holds 26 MB instead of 35, which
    # keeps a render's peak memory under QGIS's; painting is a little slower (bench/README.md).
    image = QImage(width, height, QImage.Format.Format_RGB888)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor("#FFFFFF"))
    return image


def save_png(image: QImage, out_path: str | os.PathLike) -> None:
    """Write ``image`` to ``out_path`` as a PNG, atomically (encoded by ``png_encode``: about twice
    as fast as Qt's writer on maps, and smaller)."""
    out_path = Path(out_path)
    if image.isNull():
        raise ExportError(
            "cannot write the PNG (the image is empty)", path=out_path, fix="report this as a bug in pakmap"
        )
    data = encode_png(image)
    with atomic_path(out_path) as tmp:
        tmp.write_bytes(data)


def page_image(page: Page, dpi: float, out_path: str | os.PathLike | None = None, *, laid_out_at: float | None = None):
    """``page`` painted on a white image at ``dpi``: (the image, the map frame's view).

    ``laid_out_at``: the page is laid out at that resolution (text fitted, wrapped and shrunk with
    its font metrics, as a PDF of that dpi is) and drawn scaled down to ``dpi``: a preview that
    shows the lines and sizes the PDF prints, not those a 60 dpi page would choose.
    """
    ensure_gui_app()
    px = dpi / 25.4
    layout_dpi = laid_out_at or dpi
    image = _image(round(page.template.width * px), round(page.template.height * px), layout_dpi, out_path)
    painter = QPainter(image)
    try:
        painter.scale(dpi / layout_dpi, dpi / layout_dpi)
        view = paint_page(page, painter, layout_dpi)
    finally:
        painter.end()
    return image, view


def write_png(page: Page, out_path: str | os.PathLike, *, dpi: int = 300, world_file: bool = False) -> list[Path]:
    """Render ``page`` to a PNG at ``dpi``; with ``world_file``, a .pgw for the map frame beside it."""
    out_path = Path(out_path)
    image, view = page_image(page, dpi, out_path)
    save_png(image, out_path)
    written = [out_path]
    if world_file:
        frame = page.elements["map"].box
        px = dpi / 25.4
        written.append(write_world_file(out_path, view, frame.x * px, frame.y * px))
    return written


def write_map_png(
    loaded: LoadedProject,
    out_path: str | os.PathLike,
    *,
    width: int,
    height: int,
    dpi: float = 96.0,
    extent=None,
    world_file: bool = False,
) -> list[Path]:
    """The map alone (no page furniture) as a ``width``×``height`` PNG; its world file is exact."""
    ensure_gui_app()
    out_path = Path(out_path)
    view = loaded.map_view(width, height, dpi, extent=extent)
    image = _image(width, height, dpi, out_path)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        render_map(view, painter)
    finally:
        painter.end()
    save_png(image, out_path)
    return [out_path] + ([write_world_file(out_path, view)] if world_file else [])
