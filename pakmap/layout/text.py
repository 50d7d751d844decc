"""Text in a box: word-wrapped, shrunk (down to the template's ``min_size``) until it fits.

Measurements use the target device's own font metrics, so what fits on the PDF fits on the PNG. A
text that cannot fit even at its smallest size is cut with an ellipsis rather than spilling over
the next element.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from ..fonts import with_fallbacks
from ..render.context import TextSink
from ..render.script_text import draw_line, line_extent
from .template import ElementSpec

SHRINK_STEP = 0.25  # pt
_ELIDE_RIGHT = Qt.TextElideMode.ElideRight
_LIGATURES = QFont.Tag("liga")


def make_font(family: str, size_pt: float, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setFamilies(with_fallbacks(family))  # Urdu in Naskh, Latin in the template's font
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    # Kerning on, hinting off: the PDF and the PNG get the same glyph positions.
    font.setKerning(True)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    # No "fi"/"fl" ligatures: copied or searched PDF text must read "official", not "oﬃcial".
    font.setFeature(_LIGATURES, 0)
    return font


def wrap(text: str, metrics: QFontMetricsF, width: float) -> list[str]:
    """Greedy word wrap of each paragraph of ``text`` to ``width`` device pixels."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and metrics.horizontalAdvance(candidate) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


@dataclass
class FittedText:
    font: QFont
    lines: list[str]
    line_height: float  # device px
    ascent: float
    fits: bool

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)


def fit_text(
    text: str, family: str, size: float, min_size: float | None, bold: bool, width: float, height: float, device
) -> FittedText:
    """The largest size from ``size`` down to ``min_size`` at which ``text`` fits ``width``×``height`` px."""
    smallest = min(min_size or size, size)
    pt = size
    while True:
        font = make_font(family, pt, bold)
        metrics = QFontMetricsF(font, device)
        lines = wrap(text, metrics, width)
        # Lines as tall as the tallest shaped line: Urdu's dots and tails reach below Lato's.
        extents = [line_extent(font, line, device) for line in lines]
        ascent = max((e.ascent for e in extents), default=metrics.ascent())
        line_height = ascent + max((e.descent for e in extents), default=metrics.descent()) + metrics.leading()
        widest = max((metrics.horizontalAdvance(l) for l in lines), default=0.0)
        fits = line_height * len(lines) <= height * 1.02 and widest <= width * 1.001
        if fits or pt - SHRINK_STEP < smallest - 1e-9:
            break
        pt -= SHRINK_STEP
    if not fits:
        keep = max(1, int(height // line_height))
        if len(lines) > keep:
            lines = lines[:keep]
            lines[-1] = metrics.elidedText(lines[-1] + " …", _ELIDE_RIGHT, width)
        lines = [metrics.elidedText(l, _ELIDE_RIGHT, width) for l in lines]
    return FittedText(font, lines, line_height, ascent, fits)


def draw_text_box(
    painter: QPainter,
    text: str,
    spec: ElementSpec,
    rect: QRectF,
    family: str,
    valign: str = "top",
    texts: TextSink | None = None,
) -> FittedText:
    """Draw ``text`` fitted into ``rect`` (device px) with the element's size, weight, colour, alignment;
    ``texts`` (a PDF's) records the lines that need /ActualText."""
    fitted = fit_text(text, family, spec.size, spec.min_size, spec.bold, rect.width(), rect.height(), painter.device())
    painter.save()
    painter.setFont(fitted.font)
    painter.setPen(QColor(spec.color))
    metrics = QFontMetricsF(fitted.font, painter.device())
    top = rect.top()
    if valign == "center":
        top = rect.top() + (rect.height() - fitted.height) / 2
    elif valign == "bottom":
        top = rect.bottom() - fitted.height
    for i, line in enumerate(fitted.lines):
        w = metrics.horizontalAdvance(line)
        if spec.align == "right":
            x = rect.right() - w
        elif spec.align == "center":
            x = rect.left() + (rect.width() - w) / 2
        else:
            x = rect.left()
        draw_line(painter, QPointF(x, top + fitted.ascent + i * fitted.line_height), line, texts)
    painter.restore()
    return fitted
