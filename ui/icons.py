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
