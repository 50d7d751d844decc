"""The scale bar: a round length in km, true on the ground at the map's centre.

The length is measured geodesically (``pakmap.map_scale``, on WGS 84) along the horizontal through the
map centre, as the canvas's scale is, so it is right for any map CRS: a projected one (UTM, Web Mercator, whose scale grows with
latitude) and a geographic one (degrees of longitude shrink with the cosine of the latitude).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyproj import CRS
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPen

from ..map_scale import metres_per_map_unit
from ..numbers import format_number
from ..render.qt import qcolor
from .text import make_font

NICE_STEPS = (1, 2, 5)


def nice_length(max_metres: float) -> float:
    """The largest 1, 2 or 5 × 10^n metres not longer than ``max_metres``."""
    if max_metres <= 0:
        raise ValueError("scale bar needs a positive length")
    exponent = math.floor(math.log10(max_metres))
    best = 10.0**exponent
    for step in NICE_STEPS:
        if step * 10.0**exponent <= max_metres:
            best = step * 10.0**exponent
    return best


@dataclass(frozen=True)
class ScaleBar:
    metres: float  # ground length of the whole bar
    length_mm: float  # its length on the page
    segments: int

    @property
    def unit(self) -> str:
        return "km" if self.metres >= 1000 else "m"

    def tick_labels(self) -> list[tuple[float, str]]:
        """(position in mm from the bar's start, label) at 0, half and full length."""
        div = 1000.0 if self.unit == "km" else 1.0
        out = []
        for frac in (0.0, 0.5, 1.0):
            value = self.metres * frac / div
            out.append((self.length_mm * frac, format_number(value)))
        return out


def scale_bar(crs: CRS, extent, frame_width_mm: float, max_length_mm: float, segments: int = 4) -> ScaleBar:
    """The scale bar of a map frame ``frame_width_mm`` wide showing ``extent`` (map CRS)."""
    units_per_mm = (extent[2] - extent[0]) / frame_width_mm
    metres_per_mm = metres_per_map_unit(crs, extent) * units_per_mm
    metres = nice_length(max_length_mm * metres_per_mm)
    return ScaleBar(metres, metres / metres_per_mm, segments)


def draw_scale_bar(painter, bar: ScaleBar, spec, rect, family: str, dpi: float) -> None:
    """Alternating dark/white segments with labels at 0, half and full length, unit after the last."""
    px = dpi / 25.4
    font = make_font(family, spec.size)
    metrics = QFontMetricsF(font, painter.device())
    start = rect.left() + metrics.horizontalAdvance("0") / 2
    length = bar.length_mm * px
    bar_h = 1.4 * px
    top = rect.top() + 0.4 * px
    color = qcolor(spec.color)
    painter.save()
    painter.setPen(QPen(color, 0.15 * px))
    seg = length / bar.segments
    for i in range(bar.segments):
        painter.setBrush(color if i % 2 == 0 else qcolor("#FFFFFF"))
        painter.drawRect(QRectF(start + i * seg, top, seg, bar_h))
    painter.setFont(font)
    baseline = top + bar_h + 0.8 * px + metrics.ascent()
    ticks = bar.tick_labels()
    for i, (pos_mm, label) in enumerate(ticks):
        text = f"{label} {bar.unit}" if i == len(ticks) - 1 else label
        w = metrics.horizontalAdvance(label)
        painter.drawText(QPointF(start + pos_mm * px - w / 2, baseline), text)
    painter.restore()


def max_bar_length_mm(spec, family: str, device) -> float:
    """The longest bar that leaves room for the centred first label and the last label with its unit."""
    metrics = QFontMetricsF(make_font(family, spec.size), device)
    px = device.logicalDpiX() / 25.4
    spare = metrics.horizontalAdvance("0") / 2 + metrics.horizontalAdvance("00,000 km")
    return max(spec.box.width - spare / px, spec.box.width * 0.3)
