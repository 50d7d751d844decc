"""Qt plumbing the renderer needs: a Gui application, colours and the kind of paint device.

Rendering works with only a ``QGuiApplication`` (no widgets), so the command line can render with
``QT_QPA_PLATFORM=offscreen`` on a server; the desktop app already has its ``QApplication``.
"""

from __future__ import annotations

import functools
import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen, QPixmap

from ..errors import StyleError
from ..fonts import register_fonts
from ..style import DOT_PATTERN


def ensure_gui_app() -> QGuiApplication:
    """The running Qt application, or a new ``QGuiApplication`` if there is none; Lato and Noto Naskh Arabic registered.

    Without a display (no ``DISPLAY``/``WAYLAND_DISPLAY`` on Linux) the offscreen platform is chosen so
    the CLI never fails for want of a screen.
    """
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(sys.argv[:1] or ["pakmap"])

    register_fonts()
    return app  # type: ignore[return-value]


@functools.lru_cache(maxsize=1024)
def _parse(color: str) -> tuple[int, int, int, int]:
    c = QColor(color)
    if not c.isValid():
        raise StyleError(f"'{color}' is not a colour", fix='write colours as hex, e.g. "#0072BC"')
    return c.red(), c.green(), c.blue(), c.alpha()


def qcolor(color: str, opacity: float = 1.0) -> QColor:
    """A hex colour (``#RRGGBB``, ``#AARRGGBB``, or ``none``) as a QColor, ``opacity`` multiplied into alpha."""
    if not color or color.lower() in ("none", "transparent"):
        return QColor(0, 0, 0, 0)
    r, g, b, a = _parse(color)
    return QColor(r, g, b, round(a * max(0.0, min(1.0, opacity))))


_PEN_STYLES = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine}


def set_line_style(pen: QPen, line_style: str) -> QPen:
    """Apply a style's ``line_style`` (solid, dash, dot) to ``pen``; dots are round dots."""
    if line_style == "dot":
        # Qt's own DotLine (1 on, 2 off) with round caps draws dashes twice as long as their gaps:
        # it reads as a dashed line, not the dotted one the Kashmir note describes.
        pen.setDashPattern(list(DOT_PATTERN))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    else:
        pen.setStyle(_PEN_STYLES.get(line_style, Qt.PenStyle.SolidLine))
    return pen


def is_raster_device(painter: QPainter) -> bool:
    """True when the painter draws pixels (QImage, QPixmap, a widget); False for PDF, SVG, QPicture.

    Dense layers are drawn differently for vector devices: a million tiny paths would make a huge PDF.
    """
    return isinstance(painter.device(), (QImage, QPixmap)) or painter.paintEngine().type() in (
        painter.paintEngine().Type.Raster,
        painter.paintEngine().Type.OpenGL2,
    )
