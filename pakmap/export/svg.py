"""SVG export through ``QSvgGenerator``: the page as editable vector graphics (for Illustrator/Inkscape)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

from ..atomic import atomic_path, check_complete
from ..errors import ExportError
from ..layout.compose import Page
from ..layout.paint import paint_page
from ..render.qt import ensure_gui_app


def write_svg(page: Page, out_path: str | os.PathLike, *, dpi: int = 300) -> Path:
    ensure_gui_app()
    out_path = Path(out_path)
    px = dpi / 25.4
    width, height = round(page.template.width * px), round(page.template.height * px)
    with atomic_path(out_path) as tmp:
        generator = QSvgGenerator()
        generator.setFileName(str(tmp))
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setResolution(int(dpi))
        generator.setTitle(page.metadata["title"])
        generator.setDescription(page.metadata["subject"])
        painter = QPainter()
        if not painter.begin(generator):
            raise ExportError("cannot write the SVG", path=out_path, fix="check the folder is writable")
        try:
            paint_page(page, painter, dpi)
        finally:
            painter.end()
        del painter, generator  # the generator closes the file
        check_complete(tmp, out_path, b"</svg>")
        _add_font_fallbacks(tmp, page.template.font)
    return out_path


def _add_font_fallbacks(path: Path, family: str) -> None:
    """SVG text names its font; a viewer without Lato should fall back to a sans-serif, not Times."""
    text = path.read_text(encoding="utf-8")
    fallback = f'font-family="{family}, \'Helvetica Neue\', Arial, sans-serif"'
    path.write_text(text.replace(f'font-family="{family}"', fallback), encoding="utf-8")
