"""Toolbar icons and symbol swatches drawn with QPainter (no image files, crisp at any screen scale).

``swatch_pixmap`` draws a symbol as the map draws it, small: a polygon's fill and outline (an
outline-only layer shows only its outline), a line in its colour and dash pattern, a marker in its
shape, a proportional circle, a raster's ramp. The layers panel and the style dialog's legend
preview use it for ``pakmap.render.LegendItem`` rows and layer icons.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QLinearGradient, QPainter, QPen, QPixmap

from pakmap.errors import StyleError
from pakmap.render.qt import qcolor, set_line_style
from pakmap.render.symbols import marker, tiled_path

BLUE = QColor("#0072BC")
DARK = QColor("#333333")


def _icon(draw) -> QIcon:
    pix = QPixmap(48, 48)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(p)
    p.end()
    return QIcon(pix)


def _magnifier(p: QPainter, sign: str) -> None:
    p.setPen(QPen(DARK, 4))
    p.setBrush(QColor("#FFFFFF"))
    p.drawEllipse(QRectF(6, 6, 26, 26))
    pen = QPen(DARK, 6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(29, 29), QPointF(42, 42))
    p.setPen(QPen(BLUE, 4))
    if sign in ("+", "-"):
        p.drawLine(QPointF(12, 19), QPointF(26, 19))
    if sign == "+":
        p.drawLine(QPointF(19, 12), QPointF(19, 26))


def zoom_in() -> QIcon:
    return _icon(lambda p: _magnifier(p, "+"))


def zoom_out() -> QIcon:
    return _icon(lambda p: _magnifier(p, "-"))


def full_extent() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(DARK, 4))
        for x, y, dx, dy in ((6, 6, 1, 1), (42, 6, -1, 1), (6, 42, 1, -1), (42, 42, -1, -1)):
            p.drawLine(QPointF(x, y), QPointF(x + 10 * dx, y))
            p.drawLine(QPointF(x, y), QPointF(x, y + 10 * dy))
        p.setBrush(BLUE)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(15, 15, 18, 18))

    return _icon(draw)


def join() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(DARK, 3))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRect(QRectF(4, 10, 16, 28))
        p.setBrush(QColor("#CDE3F1"))
        p.drawRect(QRectF(28, 10, 16, 28))
        p.setPen(QPen(BLUE, 4))
        p.drawLine(QPointF(14, 24), QPointF(34, 24))

    return _icon(draw)


def layout() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(DARK, 3))
        p.setBrush(QColor("#FFFFFF"))
        p.drawRect(QRectF(4, 10, 40, 28))
        p.setBrush(QColor("#8FC1E1"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRect(QRectF(8, 14, 24, 20))
        p.setBrush(BLUE)
        p.drawRect(QRectF(35, 14, 6, 4))
        p.drawRect(QRectF(35, 21, 6, 4))

    return _icon(draw)


def pan() -> QIcon:
    def draw(p: QPainter) -> None:
        pen = QPen(DARK, 4)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawLine(QPointF(24, 6), QPointF(24, 42))
        p.drawLine(QPointF(6, 24), QPointF(42, 24))
        p.setBrush(BLUE)
        p.setPen(Qt.PenStyle.NoPen)
        for tip, a, b in (
            ((24, 2), (17, 11), (31, 11)),
            ((24, 46), (17, 37), (31, 37)),
            ((2, 24), (11, 17), (11, 31)),
            ((46, 24), (37, 17), (37, 31)),
        ):
            p.drawPolygon([QPointF(*tip), QPointF(*a), QPointF(*b)])

    return _icon(draw)


def identify() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(BLUE, 4))
        p.setBrush(QColor("#FFFFFF"))
        p.drawEllipse(QRectF(5, 5, 38, 38))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(BLUE)
        p.drawEllipse(QRectF(21, 11, 6, 6))
        p.drawRect(QRectF(21, 20, 6, 16))

    return _icon(draw)


def _arrow_cursor(p: QPainter, x: float, y: float) -> None:
    p.setPen(QPen(QColor("#FFFFFF"), 2))
    p.setBrush(DARK)
    p.drawPolygon(
        [
            QPointF(x, y),
            QPointF(x, y + 22),
            QPointF(x + 6, y + 16),
            QPointF(x + 10, y + 25),
            QPointF(x + 14, y + 23),
            QPointF(x + 10, y + 14),
            QPointF(x + 17, y + 14),
        ]
    )


def select() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(BLUE, 3, Qt.PenStyle.DashLine))
        p.setBrush(QColor("#CDE3F1"))
        p.drawRect(QRectF(4, 4, 30, 26))
        _arrow_cursor(p, 24, 20)

    return _icon(draw)


def select_polygon() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(BLUE, 3, Qt.PenStyle.DashLine))
        p.setBrush(QColor("#CDE3F1"))
        p.drawPolygon([QPointF(4, 14), QPointF(20, 3), QPointF(38, 10), QPointF(30, 30), QPointF(10, 32)])
        _arrow_cursor(p, 24, 20)

    return _icon(draw)


def measure_line() -> QIcon:
    def draw(p: QPainter) -> None:
        p.translate(24, 24)
        p.rotate(-45)
        p.setPen(QPen(DARK, 3))
        p.setBrush(QColor("#FFE08A"))
        p.drawRect(QRectF(-22, -8, 44, 16))
        p.setPen(QPen(DARK, 2))
        for i, x in enumerate(range(-16, 20, 6)):
            p.drawLine(QPointF(x, -8), QPointF(x, -2 if i % 2 else 1))

    return _icon(draw)


def measure_area() -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(BLUE, 3))
        p.setBrush(QColor("#CDE3F1"))
        p.drawPolygon([QPointF(6, 16), QPointF(24, 5), QPointF(42, 14), QPointF(38, 40), QPointF(10, 38)])
        p.setPen(QPen(DARK, 3))
        p.drawLine(QPointF(14, 26), QPointF(34, 26))
        for x in (14, 34):
            p.drawLine(QPointF(x, 21), QPointF(x, 31))

    return _icon(draw)


def zoom_selection() -> QIcon:
    def draw(p: QPainter) -> None:
        _magnifier(p, "")
        p.setPen(QPen(QColor("#C99A00"), 3))
        p.setBrush(QColor("#FFD400"))
        p.drawRect(QRectF(13, 13, 12, 12))

    return _icon(draw)


def _history_arrow(forward: bool) -> QIcon:
    def draw(p: QPainter) -> None:
        if forward:
            p.translate(48, 0)
            p.scale(-1, 1)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(BLUE)
        p.drawPolygon(
            [
                QPointF(4, 24),
                QPointF(22, 8),
                QPointF(22, 18),
                QPointF(42, 18),
                QPointF(42, 30),
                QPointF(22, 30),
                QPointF(22, 40),
            ]
        )

    return _icon(draw)


def zoom_previous() -> QIcon:
    return _history_arrow(forward=False)


def zoom_next() -> QIcon:
    return _history_arrow(forward=True)


# --- symbol swatches ---------------------------------------------------------------------------

SWATCH_SIZE = (20, 16)  # px: the layers panel's icon size, rows and layers alike
SWATCH_PX_PER_MM = 4.0  # symbol widths are exaggerated a little, so 0.2 mm still reads as a line
WHITE = ("#FFFFFF", "#FFF")
# Proportional circles keep their size order: ProportionalStyle's default largest circle (14 mm)
# fills the row, a smaller one is smaller by its true ratio (down to 3 px).
CIRCLE_PX_PER_MM = (SWATCH_SIZE[1] - 3) / 14.0


def _colour(text: str | None, opacity: float = 1.0) -> QColor:
    try:
        return qcolor(text or "none", opacity)
    except StyleError:  # a colour the renderer will report; the swatch stays plain
        return QColor("#8EBEFF")


def _pen(colour: QColor, width_mm: float, line_style: str, least: float, most: float) -> QPen:
    pen = QPen(colour, max(least, min(most, width_mm * SWATCH_PX_PER_MM)))
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return set_line_style(pen, line_style)


def swatch_pixmap(
    kind: str,
    fill: str,
    stroke: str | None = None,
    stroke_width: float = 0.2,
    *,
    line_style: str = "solid",
    marker_name: str = "circle",
    opacity: float = 1.0,
    colours: Sequence[str] = (),
    circle_mm: float = 0.0,
    size: tuple[int, int] = SWATCH_SIZE,
) -> QPixmap:
    """A symbol drawn small. ``kind``: ``fill`` (polygons; ``colours``: one strip per class),
    ``line``, ``marker``, ``circle`` (proportional: ``circle_mm`` its diameter on the page, 0 for
    the full row) or ``ramp`` (``colours``, low to high). ``opacity`` fades the fill (a line: the
    line); outlines and a marker's pictogram stay opaque, as they read on the map."""
    width, height = size
    pix = QPixmap(width, height)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = QRectF(1.5, 2.5, width - 3, height - 5)
    if kind == "ramp":
        gradient = QLinearGradient(box.left(), 0, box.right(), 0)
        for i, c in enumerate(colours):
            gradient.setColorAt(i / max(len(colours) - 1, 1), _colour(c, opacity))
        p.setPen(QPen(QColor("#888888"), 1))
        p.setBrush(gradient)
        p.drawRect(box)
    elif kind == "fill":
        # A white outline (the usual boundary between neighbours) would vanish on the panel's white.
        outline = QColor("#B3B3B3") if (stroke or "").upper() in WHITE else _colour(stroke)
        if colours:
            step = box.width() / len(colours)
            for i, c in enumerate(colours):
                p.fillRect(QRectF(box.left() + i * step, box.top(), step, box.height()), _colour(c, opacity))
        else:
            p.fillRect(box, _colour(fill, opacity))
        if outline.alpha():
            p.setPen(_pen(outline, stroke_width, line_style, 1.0, 3.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(box)
    elif kind == "line":
        p.setPen(_pen(_colour(fill, opacity), stroke_width, line_style, 1.5, 4.0))
        y = height / 2
        p.drawLine(QPointF(1.5, y), QPointF(width - 1.5, y))
    else:  # marker or circle
        diameter = height - 3.0
        if kind == "circle" and circle_mm > 0:
            diameter = max(3.0, min(diameter, circle_mm * CIRCLE_PX_PER_MM))
        centre = QPointF(width / 2, height / 2)
        edge = _colour("#666666" if (stroke or "").upper() in WHITE else stroke)
        if kind == "circle" or marker_name == "circle":
            p.setPen(QPen(edge, 1) if edge.alpha() else Qt.PenStyle.NoPen)
            p.setBrush(_colour(fill, opacity))
            p.drawEllipse(centre, diameter / 2, diameter / 2)
        else:
            _marker(p, marker_name, centre, diameter, _colour(fill, opacity), _colour(stroke))
    p.end()
    return pix


def _marker(p: QPainter, name: str, centre: QPointF, diameter: float, fill: QColor, stroke: QColor) -> None:
    """A point marker's parts as the renderer paints them: the body in the fill, the glyph in the stroke."""
    try:
        parts = marker(name)
    except StyleError:  # an unknown marker is reported when the layer draws
        parts = marker("circle")
    centres = np.array([[centre.x(), centre.y()]])
    for part in parts:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill if part.role == "body" else stroke)
        p.drawPath(tiled_path(part, centres, diameter))


def legend_item_pixmap(item, colours: Sequence[str] = (), size: tuple[int, int] = SWATCH_SIZE) -> QPixmap:
    """The swatch of one ``pakmap.render.LegendItem`` (a class of the legend)."""
    return swatch_pixmap(
        item.kind,
        item.color,
        item.stroke,
        item.stroke_width,
        line_style=item.line_style,
        marker_name=item.marker or "circle",
        opacity=item.opacity,
        colours=colours,
        circle_mm=item.size_mm if item.kind == "circle" else 0.0,
        size=size,
    )
