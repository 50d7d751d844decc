"""The north arrow: a vector two-tone needle with an "N", pointing to true north, drawn in its box.

In a projected map CRS the meridians are not parallel to the page's edges: true north differs from
grid north (up the page) by the meridian convergence, a few degrees at the edges of a UTM zone over
Pakistan. The arrow is turned to true north at the map's centre, found by stepping north from the
centre in longitude/latitude and looking where that step goes in the map CRS — right for any CRS; in
EPSG:4326 and Web Mercator the step goes straight up and the arrow is not turned. The turned arrow is
shrunk as needed to stay inside its box.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import CRS, Transformer
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen

from ..render.qt import qcolor
from .template import ElementSpec
from .text import make_font

# Half the northward step (degrees of latitude) used to find true north: ~55 m, local enough to be
# exact and long enough for UTM coordinates of millions of metres to resolve it.
_HALF_STEP = 0.0005
_MITER_LIMIT = 2.0  # Qt's default: a mitred corner reaches at most this many half pen widths past its vertex


def true_north_rotation(crs: CRS, extent: tuple[float, float, float, float]) -> float:
    """Degrees clockwise from the page's up to true north at the centre of ``extent`` (map CRS).

    This is minus pyproj's ``meridian_convergence`` (the angle from true north to grid north).
    """
    xmin, ymin, xmax, ymax = extent
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    to_lonlat = Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)
    to_map = Transformer.from_crs(CRS.from_epsg(4326), crs, always_xy=True)
    lon, lat = to_lonlat.transform(cx, cy)
    lat = min(max(lat, -90 + 2 * _HALF_STEP), 90 - 2 * _HALF_STEP)
    (x0, x1), (y0, y1) = to_map.transform([lon, lon], [lat - _HALF_STEP, lat + _HALF_STEP])
    dx, dy = x1 - x0, y1 - y0
    if not all(map(math.isfinite, (dx, dy))) or (dx == 0 and dy == 0):
        return 0.0  # the centre is outside the projection's domain: nothing better than grid north
    return math.degrees(math.atan2(dx, dy))


def draw_north_arrow(
    painter: QPainter, spec: ElementSpec, rect: QRectF, family: str, dpi: float, rotation: float = 0.0
) -> QPointF:
    """Needle in the lower part of ``rect``, "N" above it; the left half filled, the right half white;
    the whole turned ``rotation`` degrees clockwise about the box's centre. Returns the needle's tip."""
    pen_width = 0.2 * dpi / 25.4
    # A mitred corner reaches out up to miter limit × half the pen width: the outline stays that far
    # inside the box, so even the needle's sharp corners do not cross its edge.
    rect = rect.adjusted(
        pen_width * _MITER_LIMIT / 2,
        pen_width * _MITER_LIMIT / 2,
        -pen_width * _MITER_LIMIT / 2,
        -pen_width * _MITER_LIMIT / 2,
    )
    painter.save()
    font = make_font(family, max(spec.size, 7.0), bold=True)
    metrics = QFontMetricsF(font, painter.device())
    letter_h = metrics.ascent()
    n_width = metrics.horizontalAdvance("N")
    needle_top = rect.top() + letter_h * 1.25
    height = rect.bottom() - needle_top
    width = min(rect.width(), height * 0.55)
    cx = rect.center().x()
    tip, base_y, notch_y = QPointF(cx, needle_top), needle_top + height, needle_top + height * 0.78
    outline = [
        (cx, needle_top),
        (cx - width / 2, base_y),
        (cx + width / 2, base_y),
        (cx - n_width / 2, rect.top()),
        (cx + n_width / 2, rect.top()),
    ]
    scale = _fit_scale(outline, rect, rotation)
    if rotation or scale != 1.0:
        centre = rect.center()
        painter.translate(centre)
        painter.rotate(rotation)
        painter.scale(scale, scale)
        painter.translate(-centre)
    left = QPainterPath(tip)
    left.lineTo(cx - width / 2, base_y)
    left.lineTo(cx, notch_y)
    left.closeSubpath()
    right = QPainterPath(tip)
    right.lineTo(cx + width / 2, base_y)
    right.lineTo(cx, notch_y)
    right.closeSubpath()
    color = qcolor(spec.color)
    pen = QPen(color, pen_width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    pen.setMiterLimit(_MITER_LIMIT)
    painter.setPen(pen)
    painter.setBrush(color)
    painter.drawPath(left)
    painter.setBrush(qcolor("#FFFFFF"))
    painter.drawPath(right)
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(QPointF(cx - n_width / 2, rect.top() + letter_h), "N")
    painter.restore()
    ((tip_x, tip_y),) = _turned([(cx, needle_top)], rect, rotation) * scale + (rect.center().x(), rect.center().y())
    return QPointF(tip_x, tip_y)


def _fit_scale(outline: list[tuple[float, float]], rect: QRectF, rotation: float) -> float:
    """The largest scale (at most 1) at which ``outline`` turned about the box's centre stays inside it.

    The unturned arrow fills the box's height; turned, its ends swing out past the box's top and bottom.
    """
    if not rotation:
        return 1.0
    # The letter's side bearings are inside this 2 % margin.
    reach_x, reach_y = np.abs(_turned(outline, rect, rotation)).max(axis=0) * 1.02
    return min(1.0, rect.width() / 2 / reach_x if reach_x else 1.0, rect.height() / 2 / reach_y if reach_y else 1.0)


def _turned(points: list[tuple[float, float]], rect: QRectF, rotation: float) -> np.ndarray:
    """``points`` relative to the box's centre, turned ``rotation`` degrees clockwise on the page."""
    a = math.radians(rotation)
    rel = np.asarray(points, dtype=float) - (rect.center().x(), rect.center().y())
    return rel @ np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
