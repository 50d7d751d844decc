"""A bar chart or a table of the map's data on the page, drawn with QPainter (vector in PDF and SVG).

UNHCR style: Lato, bars in brand blue, flat (no 3D, no shadows, no axis clutter: each bar carries its
value), horizontal bars so district names read without turning the head. A count the map shows as
"<5" (or withholds as "x") is written, never drawn as a bar: a bar's length would give the number
back. Text shrinks (down to the element's ``min_size``) until every row fits; rows that still do not
fit are left out and counted in the note, never drawn outside the box.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPen

from ..render.qt import qcolor
from .chart_data import ChartTable
from .template import ElementSpec
from .text import fit_text, make_font, wrap

ROW_PITCH = 1.45  # a row's height in text heights
BAR_SHARE = 0.68  # a bar's thickness in a row's height
RULE = "#666666"  # the line under a table's headings
SEPARATOR = "#E6E6E6"  # the lines between a table's rows
MUTED = "#666666"  # "<5", "x" and the note
_STEP = 0.25  # pt


@dataclass
class ChartLayout:
    size: float  # pt of the rows
    title_lines: list[str]
    title_height: float  # px
    note_lines: list[str]
    rows: int  # rows shown (the others did not fit even at the smallest size)
    pitch: float  # px per row
    label_width: float  # px
    value_width: float  # px


def layout_chart(table: ChartTable, spec: ElementSpec, family: str, rect: QRectF, device, dpi: float) -> ChartLayout:
    """The largest text size at which every row of ``table`` fits ``rect``, else the smallest size
    with as many rows as fit."""
    px = dpi / 25.4
    smallest = min(spec.min_size or spec.size, spec.size)
    size = spec.size
    while True:
        placed = _place(table, spec, family, rect, device, size, px)
        if placed.rows >= len(table.rows) or size - _STEP < smallest - 1e-9:
            return placed
        size -= _STEP


def _place(table: ChartTable, spec: ElementSpec, family: str, rect: QRectF, device, size: float, px: float):
    scale = size / spec.size
    title = fit_text(
        table.title,
        family,
        (spec.title_size or spec.size) * scale,
        None,
        True,
        rect.width(),
        rect.height() * 0.3,
        device,
    )
    metrics = QFontMetricsF(make_font(family, size), device)
    note_metrics = QFontMetricsF(make_font(family, size * 0.85), device)
    pitch = (metrics.ascent() + metrics.descent()) * ROW_PITCH
    header = pitch if table.kind == "table" else 0.0
    gap = 1.2 * px * scale
    title_h = title.height + gap
    note = table.note
    note_lines = wrap(note, note_metrics, rect.width()) if note else []
    note_h = (note_metrics.ascent() + note_metrics.descent()) * len(note_lines) + (gap if note_lines else 0)
    room = rect.height() - title_h - header - note_h
    rows = max(0, min(len(table.rows), int(room // pitch + 1e-9)))
    if rows < len(table.rows):  # say what was left out
        more = f"{len(table.rows) - rows} more rows do not fit at this size"
        note_lines = wrap("; ".join(t for t in (note, more) if t), note_metrics, rect.width())
        note_h = (note_metrics.ascent() + note_metrics.descent()) * len(note_lines) + gap
        rows = max(0, min(len(table.rows), int((rect.height() - title_h - header - note_h) // pitch + 1e-9)))
    labels = [table.label_heading] if table.kind == "table" else []
    labels += [r.label for r in table.rows[:rows]]
    widths = [metrics.horizontalAdvance(r.text) for r in table.rows[:rows]]
    if table.kind == "table":  # headings are bold
        widths.append(QFontMetricsF(make_font(family, size, bold=True), device).horizontalAdvance(table.value_heading))
    # The numbers are never cut; a long name is (with an ellipsis) when the two do not fit side by side.
    value_width = min(max(widths, default=0.0), rect.width() * 0.5)
    label_width = min(max((metrics.horizontalAdvance(t) for t in labels), default=0.0), rect.width() * 0.45)
    if table.kind == "table":
        label_width = rect.width() - value_width - gap
    return ChartLayout(size, title.lines, title_h, note_lines, rows, pitch, label_width, value_width)


def draw_chart(
    painter: QPainter, table: ChartTable, spec: ElementSpec, family: str, rect: QRectF, dpi: float
) -> ChartLayout:
    """Draw ``table`` (a bar chart or a table, by its kind) in ``rect`` (device px)."""
    layout = layout_chart(table, spec, family, rect, painter.device(), dpi)
    px = dpi / 25.4
    scale = layout.size / spec.size
    painter.save()
    painter.setClipRect(rect)
    title_font = make_font(family, (spec.title_size or spec.size) * scale, bold=True)
    title_metrics = QFontMetricsF(title_font, painter.device())
    painter.setFont(title_font)
    painter.setPen(qcolor(spec.color))
    line_h = title_metrics.ascent() + title_metrics.descent() + title_metrics.leading()
    for i, line in enumerate(layout.title_lines):
        painter.drawText(QPointF(rect.left(), rect.top() + title_metrics.ascent() + i * line_h), line)
    top = rect.top() + layout.title_height
    if table.kind == "table":
        bottom = _draw_table(painter, table, spec, family, rect, top, layout, px)
    else:
        bottom = _draw_bars(painter, table, spec, family, rect, top, layout, px)
    if layout.note_lines:
        note_font = make_font(family, layout.size * 0.85)
        metrics = QFontMetricsF(note_font, painter.device())
        painter.setFont(note_font)
        painter.setPen(qcolor(MUTED))
        y = bottom + 1.2 * px * scale + metrics.ascent()
        for line in layout.note_lines:
            painter.drawText(QPointF(rect.left(), y), line)
            y += metrics.ascent() + metrics.descent()
    painter.restore()
    return layout


def _baseline(top: float, pitch: float, metrics: QFontMetricsF) -> float:
    return top + pitch / 2 + (metrics.ascent() - metrics.descent()) / 2


def _draw_bars(painter, table, spec, family, rect: QRectF, top: float, layout: ChartLayout, px: float) -> float:
    font = make_font(family, layout.size)
    metrics = QFontMetricsF(font, painter.device())
    painter.setFont(font)
    gap = 1.5 * px * layout.size / spec.size
    bar_left = rect.left() + layout.label_width + gap
    bar_room = max(rect.right() - bar_left - layout.value_width - gap, 0.0)
    largest = table.largest
    bar_color = qcolor(spec.fill or "#0072BC")
    for i, row in enumerate(table.rows[: layout.rows]):
        y = top + i * layout.pitch
        baseline = _baseline(y, layout.pitch, metrics)
        painter.setPen(qcolor(spec.color))
        label = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, layout.label_width)
        painter.drawText(QPointF(rect.left() + layout.label_width - metrics.horizontalAdvance(label), baseline), label)
        length = 0.0
        if row.value is not None and largest > 0 and row.value > 0:
            length = bar_room * row.value / largest
            thickness = layout.pitch * BAR_SHARE
            painter.fillRect(QRectF(bar_left, y + (layout.pitch - thickness) / 2, length, thickness), bar_color)
        painter.setPen(qcolor(spec.color if row.value is not None else MUTED))
        painter.drawText(QPointF(bar_left + length + gap * 0.6, baseline), row.text)
    return top + layout.rows * layout.pitch


def _draw_table(painter, table, spec, family, rect: QRectF, top: float, layout: ChartLayout, px: float) -> float:
    font = make_font(family, layout.size)
    bold = make_font(family, layout.size, bold=True)
    metrics = QFontMetricsF(font, painter.device())
    label_width = layout.label_width
    # headings, then a rule
    painter.setFont(bold)
    painter.setPen(qcolor(spec.color))
    bold_metrics = QFontMetricsF(bold, painter.device())
    baseline = _baseline(top, layout.pitch, metrics)
    heading = bold_metrics.elidedText(table.label_heading, Qt.TextElideMode.ElideRight, label_width)
    painter.drawText(QPointF(rect.left(), baseline), heading)
    value_heading = bold_metrics.elidedText(table.value_heading, Qt.TextElideMode.ElideRight, layout.value_width)
    painter.drawText(QPointF(rect.right() - bold_metrics.horizontalAdvance(value_heading), baseline), value_heading)
    y = top + layout.pitch
    painter.setPen(QPen(qcolor(RULE), max(0.2 * px, 0.5)))
    painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
    painter.setFont(font)
    for i, row in enumerate(table.rows[: layout.rows]):
        row_top = y + i * layout.pitch
        if i:
            painter.setPen(QPen(qcolor(SEPARATOR), max(0.1 * px, 0.5)))
            painter.drawLine(QPointF(rect.left(), row_top), QPointF(rect.right(), row_top))
        baseline = _baseline(row_top, layout.pitch, metrics)
        painter.setPen(qcolor(spec.color))
        painter.drawText(
            QPointF(rect.left(), baseline), metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, label_width)
        )
        painter.setPen(qcolor(spec.color if row.value is not None else MUTED))
        painter.drawText(QPointF(rect.right() - metrics.horizontalAdvance(row.text), baseline), row.text)
    return y + layout.rows * layout.pitch
