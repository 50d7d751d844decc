"""SVG export through ``QSvgGenerator``: the page as editable vector graphics (for Illustrator/Inkscape).

An SVG is a document browsers run script in. Qt escapes the texts it writes (title, labels, legend)
but not font family names, which are therefore checked where templates are read
(``pakmap.layout.template.FONT_FAMILY``) and again here; and the finished file is parsed before it
replaces the target: a file that is not well-formed XML or carries script is never written.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

from ..atomic import atomic_path, check_complete
from ..errors import ExportError
from ..fonts import with_fallbacks
from ..layout.compose import Page
from ..layout.paint import paint_page
from ..layout.template import FONT_FAMILY
from ..render.qt import ensure_gui_app


def write_svg(page: Page, out_path: str | os.PathLike, *, dpi: int = 300) -> Path:
    ensure_gui_app()
    out_path = Path(out_path)
    family = page.template.font
    if not FONT_FAMILY.fullmatch(family):  # a template built in code rather than read by load_template
        raise ExportError(
            f"font {family[:80]!r} is not a font family name",
            path=page.template.path,
            fix='use a family name of letters, digits, spaces and hyphens, e.g. "Lato"',
        )
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
        _add_font_fallbacks(tmp, family)
        check_inert(tmp, out_path)
    return out_path


def _add_font_fallbacks(path: Path, family: str) -> None:
    """SVG text names its font; a viewer without Lato should fall back to a sans-serif, not Times, and
    set Urdu in Noto Naskh Arabic before a sans-serif's own Arabic letters (Arial has Naskh ones)."""
    text = path.read_text(encoding="utf-8")
    families = with_fallbacks(family)
    fallback = f"font-family=\"{family}, {_quoted(families[1:])}'Helvetica Neue', Arial, sans-serif\""
    # Qt names a font by its families joined with commas ("Lato,Noto Naskh Arabic").
    for written in {",".join(families), family}:
        text = text.replace(f'font-family="{written}"', fallback)
    path.write_text(text, encoding="utf-8")


def _quoted(families: list[str]) -> str:
    return "".join(f"'{name}', " for name in families)


# Elements and attributes through which an SVG runs script or loads other documents.
_ACTIVE_TAGS = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def check_inert(path: Path, target: Path) -> None:
    """Refuse (``ExportError``) an SVG that is not well-formed XML or could run script in a viewer."""
    try:
        for _, element in ET.iterparse(path):
            problem = _active_part(element)
            if problem:
                raise ExportError(
                    f"the SVG would carry {problem}",
                    path=target,
                    fix="report this as a bug in pakmap: a text reached the SVG unescaped",
                )
            element.clear()
    except ET.ParseError as exc:
        raise ExportError(
            f"the SVG is not well-formed XML ({exc})",
            path=target,
            fix="report this as a bug in pakmap: a text reached the SVG unescaped",
        ) from None


def _active_part(element: ET.Element) -> str | None:
    if _local(element.tag) in _ACTIVE_TAGS:
        return f"a <{_local(element.tag)}> element"
    for name, value in element.attrib.items():
        name = _local(name)
        if name.lower().startswith("on"):
            return f"an event handler ({name})"
        if name in ("href", "src") and not value.startswith(("#", "data:image/")):
            return f"a link ({value[:40]!r})"
    return None
