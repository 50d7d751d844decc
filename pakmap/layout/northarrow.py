"""The north arrow: a vector two-tone needle with an "N", drawn in its box.

Maps in pakmap have north up (no rotation), so the arrow always points to the top of the page.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen

from ..render.qt import qcolor
from .template import ElementSpec
from .text import make_font


def draw_north_arrow(painter: QPainter, spec: ElementSpec, rect: QRectF, family: str, dpi: float) -> None:
    """Needle in the lower part of ``rect``, "N" above it; the left half filled, the right half white."""
    painter.save()
    font = make_font(family, max(spec.size, 7.0), bold=True)
    metrics = QFontMetricsF(font, painter.device())
    letter_h = metrics.ascent()
    needle_top = rect.top() + letter_h * 1.25
    height = rect.bottom() - needle_top
    width = min(rect.width(), height * 0.55)
    cx = rect.center().x()
    tip, base_y, notch_y = QPointF(cx, needle_top), needle_top + height, needle_top + height * 0.78
    left = QPainterPath(tip)
    left.lineTo(cx - width / 2, base_y)
    left.lineTo(cx, notch_y)
    left.closeSubpath()
    right = QPainterPath(tip)
    right.lineTo(cx + width / 2, base_y)
    right.lineTo(cx, notch_y)
    right.closeSubpath()
    color = qcolor(spec.color)
    pen = QPen(color, 0.2 * dpi / 25.4)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    painter.setPen(pen)
    painter.setBrush(color)
    painter.drawPath(left)
    painter.setBrush(qcolor("#FFFFFF"))
    painter.drawPath(right)
    painter.setFont(font)
    painter.setPen(color)
    n_width = metrics.horizontalAdvance("N")
    painter.drawText(QPointF(cx - n_width / 2, rect.top() + letter_h), "N")
    painter.restore()
