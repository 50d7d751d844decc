"""A histogram of a field's values with the class bounds drawn over it, for the style dialog.

The bars count the values in equal-width bins between the smallest and the largest value, each in
the colour of the class its middle falls in; each class bound (the upper bounds the map is
classified with, the largest value left out) is a line at its value. Painted with QPainter: a small widget, no plotting library.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pakmap.numbers import format_number

BINS = 40
BAR = QColor("#8FC1E1")
BOUND = QColor("#18375F")
AXIS = QColor("#666666")


class ValueHistogram(QWidget):
    """Bars of ``set_values``, lines at ``set_bounds``; the smallest and largest value written under."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counts = np.zeros(0, dtype=int)
        self.edges = np.zeros(0)
        self.bounds: tuple[float, ...] = ()
        self.bins: tuple[float, ...] = ()  # every class's upper bound, the last included
        self.colours: tuple[str, ...] = ()  # one per class
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("How the values spread, and where the class bounds cut them")

    def sizeHint(self) -> QSize:
        return QSize(320, 90)

    def set_values(self, values) -> None:
        """The field's values (NaN and infinities are left out)."""
        y = np.asarray(values, dtype=float)
        y = y[np.isfinite(y)]
        if len(y) == 0:
            self.counts, self.edges = np.zeros(0, dtype=int), np.zeros(0)
        else:
            low, high = float(y.min()), float(y.max())
            if low == high:
                low, high = low - 0.5, high + 0.5
            self.counts, self.edges = np.histogram(y, bins=BINS, range=(low, high))
        self.update()

    def set_classes(self, bins, colours=()) -> None:
        """The classes' upper bounds (the last one included: it is not drawn) and, one per class,
        their colours; bounds outside the values' range are not drawn."""
        self.bins = tuple(float(b) for b in bins)
        self.bounds = self.bins[:-1]
        self.colours = tuple(colours) if len(colours) == len(self.bins) else ()
        self.update()

    def bar_colour(self, i: int) -> QColor:
        """The colour of bar ``i``: its class's, or a plain blue without classes."""
        if not self.colours:
            return BAR
        middle = (self.edges[i] + self.edges[i + 1]) / 2
        k = min(int(np.searchsorted(self.bins, middle, side="left")), len(self.colours) - 1)
        return QColor(self.colours[k])

    def drawn_bounds(self) -> tuple[float, ...]:
        """The bounds a line is drawn for: strictly inside the values' range."""
        if len(self.edges) == 0:
            return ()
        return tuple(b for b in self.bounds if self.edges[0] < b < self.edges[-1])

    def x_of(self, value: float, plot: QRectF) -> float:
        low, high = float(self.edges[0]), float(self.edges[-1])
        return plot.left() + (value - low) / (high - low) * plot.width()

    def plot_rect(self) -> QRectF:
        text = self.fontMetrics().height()
        return QRectF(4, 4, max(1, self.width() - 8), max(1, self.height() - 8 - text))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        plot = self.plot_rect()
        if len(self.counts) == 0:
            p.setPen(AXIS)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No values to show")
            p.end()
            return
        top = max(int(self.counts.max()), 1)
        width = plot.width() / len(self.counts)
        p.setPen(Qt.PenStyle.NoPen)
        for i, count in enumerate(self.counts):
            if count:
                p.setBrush(self.bar_colour(i))
                # A bin of one value is still a visible sliver: a district alone at the top counts.
                h = max(1.0, count / top * plot.height())
                p.drawRect(QRectF(plot.left() + i * width, plot.bottom() - h, max(width - 1, 1), h))
        p.setPen(QPen(AXIS, 1))
        p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        pen = QPen(BOUND, 1.5)
        p.setPen(pen)
        for bound in self.drawn_bounds():
            x = self.x_of(bound, plot)
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        p.setPen(AXIS)
        baseline = plot.bottom() + self.fontMetrics().ascent() + 2
        p.drawText(QPointF(plot.left(), baseline), format_number(float(self.edges[0])))
        high = format_number(float(self.edges[-1]))
        p.drawText(QPointF(plot.right() - self.fontMetrics().horizontalAdvance(high), baseline), high)
        p.end()
