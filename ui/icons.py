"""Toolbar icons drawn with QPainter (no image files, crisp at any screen scale)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

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
