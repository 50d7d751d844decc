"""The logo slot: an SVG file named in the template, or a vector placeholder mark in UNHCR blue.

The placeholder (a blue square with a sheltered figure, and the organisation's name beside it) keeps
the page balanced until the officer's office supplies the official logo file; it is not the UNHCR
emblem and says only what the template's ``logo_text`` says.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtSvg import QSvgRenderer

from ..errors import StyleError
from ..render.qt import qcolor
from .template import ElementSpec, Template
from .text import make_font


def draw_logo(painter: QPainter, spec: ElementSpec, rect: QRectF, template: Template, dpi: float) -> None:
    if spec.path:
        _draw_svg(painter, template.resolve(spec.path), rect)
    else:
        _draw_placeholder(painter, spec, rect, template, dpi)


def _draw_svg(painter: QPainter, path, rect: QRectF) -> None:
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        raise StyleError(
            "the logo is not a readable SVG file",
            path=path,
            fix="give the path of an .svg file in [elements.logo] path, or remove the path",
        )
    size = renderer.defaultSize()
    aspect = size.width() / size.height() if size.height() > 0 else 1.0
    w = min(rect.width(), rect.height() * aspect)
    h = w / aspect
    # Right-aligned, vertically centred: logos sit in the top-right corner of UNHCR maps.
    renderer.render(painter, QRectF(rect.right() - w, rect.top() + (rect.height() - h) / 2, w, h))


def _draw_placeholder(painter: QPainter, spec: ElementSpec, rect: QRectF, template: Template, dpi: float) -> None:
    painter.save()
    mark = rect.height()
    text = template.texts.get("logo_text", "UNHCR")
    font = make_font(template.font, 13.0 * mark / (15 * dpi / 25.4), bold=True)
    metrics = QFontMetricsF(font, painter.device())
    text_w = metrics.horizontalAdvance(text)
    gap = mark * 0.18
    left = rect.right() - (mark + gap + text_w)
    square = QRectF(max(left, rect.left()), rect.top(), mark, mark)
    painter.setPen(qcolor(spec.fill or "#0072BC"))
    painter.setBrush(qcolor(spec.fill or "#0072BC"))
    painter.drawRect(square)
    # A sheltered figure: a head, a body, and two hands arching over them.
    white = qcolor("#FFFFFF")
    painter.setBrush(white)
    painter.setPen(white)
    s, x0, y0 = mark, square.left(), square.top()
    painter.drawEllipse(QPointF(x0 + 0.5 * s, y0 + 0.47 * s), 0.075 * s, 0.075 * s)
    body = QPainterPath(QPointF(x0 + 0.38 * s, y0 + 0.82 * s))
    body.quadTo(QPointF(x0 + 0.5 * s, y0 + 0.50 * s), QPointF(x0 + 0.62 * s, y0 + 0.82 * s))
    body.closeSubpath()
    painter.drawPath(body)
    painter.setBrush(qcolor(spec.fill or "#0072BC"))
    pen = QPen(white, 0.07 * s)
    painter.setPen(pen)
    arch = QPainterPath(QPointF(x0 + 0.18 * s, y0 + 0.80 * s))
    arch.cubicTo(
        QPointF(x0 + 0.12 * s, y0 + 0.20 * s),
        QPointF(x0 + 0.88 * s, y0 + 0.20 * s),
        QPointF(x0 + 0.82 * s, y0 + 0.80 * s),
    )
    painter.drawPath(arch)
    painter.setFont(font)
    painter.setPen(qcolor(spec.color))
    baseline = rect.top() + (rect.height() + metrics.capHeight()) / 2
    painter.drawText(QPointF(square.right() + gap, baseline), text)
    painter.restore()
