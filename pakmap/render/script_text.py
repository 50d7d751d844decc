"""Lines of text in any script: how tall a shaped line really is, and drawing it.

Arabic script reaches further than Lato: the dots and tails of Urdu letters go below Lato's descent
and (in Nastaliq, set by a system without Naskh) far above its ascent, so a line of Urdu measured
with Lato's metrics could overlap the line below and the label beside it. A line with Arabic script is measured on its shaped outline (Qt's HarfBuzz shaping, the
same glyphs that are drawn), never less than the Latin line; a Latin line keeps Lato's metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPainterPath

from ..fonts import has_arabic_script
from .context import TextSink


@dataclass(frozen=True)
class LineExtent:
    """A line's advance width, how far its ink reaches above and below the baseline, and how far
    beyond the pen's start and end (Arabic tails and swashes), in device px."""

    width: float
    ascent: float
    descent: float
    left: float = 0.0
    right: float = 0.0

    @property
    def height(self) -> float:
        return self.ascent + self.descent

    @property
    def span(self) -> float:
        """The width the line needs, its overhanging ink included."""
        return self.left + self.width + self.right


def line_extent(font: QFont, text: str, device=None) -> LineExtent:
    """The extent of ``text`` set in ``font`` on ``device`` (None: the font's own pixels)."""
    metrics = QFontMetricsF(font, device) if device is not None else QFontMetricsF(font)
    width, ascent, descent = metrics.horizontalAdvance(text), metrics.ascent(), metrics.descent()
    if has_arabic_script(text):
        outline = QPainterPath()
        outline.addText(QPointF(0, 0), font, text)
        ink = outline.boundingRect()
        # The outline is in the font's own pixels; the device may set the font at another resolution.
        ratio = metrics.ascent() / QFontMetricsF(font).ascent() if device is not None else 1.0
        ascent, descent = max(ascent, -ink.top() * ratio), max(descent, ink.bottom() * ratio)
        left, right = max(0.0, -ink.left() * ratio), max(0.0, ink.right() * ratio - width)
        return LineExtent(width, ascent, descent, left, right)
    return LineExtent(width, ascent, descent)


def draw_line(painter: QPainter, origin: QPointF, text: str, sink: TextSink | None = None) -> None:
    """Draw one line of ``text`` with its baseline starting at ``origin``; a ``sink`` (PDF) records
    the lines whose text the PDF must carry as /ActualText."""
    painter.drawText(origin, text)
    if sink is not None and has_arabic_script(text):
        sink.record(painter, origin, text)
