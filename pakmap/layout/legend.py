"""The print legend: entries from the renderer's own symbolization, laid out to fit its box.

Entries come from ``pakmap.render.legend_items`` — the same classes, colours and sizes the map is
drawn with — so the legend cannot disagree with the map. Layout shrinks the text (down to the
template's ``min_size``) and flows into more columns until everything fits; it never draws outside
its box.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QLinearGradient, QPainter, QPen

from ..layer import RasterLayer, VectorLayer
from ..mapview import MapView, fit_extent
from ..palettes import palette
from ..project.loaded import LoadedProject
from ..render import legend_items
from ..render.context import TextSink
from ..render.legend_items import legend_title, single_label
from ..render.qt import ensure_gui_app, qcolor, set_line_style
from ..render.raster import legend_limits, ramp_label, read_window
from ..render.script_text import draw_line, line_extent
from ..render.symbols import marker, tiled_path
from .template import ElementSpec
from .text import make_font

MAX_COLUMNS = 3
SWATCH_W, SWATCH_H = 6.0, 3.6  # mm at the template's full text size
GAP = 1.8  # mm between swatch and label, and between columns


@dataclass(frozen=True)
class Swatch:
    kind: str  # "fill" (polygons), "line", "marker" (points), "circle" (proportional symbol)
    fill: str
    stroke: str
    stroke_width: float  # mm
    size: float = 0.0  # mm: marker or circle diameter
    marker: str = "circle"
    opacity: float = 1.0
    ramp: tuple[str, ...] = ()  # kind "ramp" (rasters): the colours, low to high
    line_style: str = "solid"


@dataclass(frozen=True)
class LegendRow:
    label: str
    swatch: Swatch


@dataclass(frozen=True)
class LegendGroup:
    title: str  # "" for a single-symbol layer (its row names it)
    rows: tuple[LegendRow, ...]


def legend_groups(loaded: LoadedProject, extent=None) -> list[LegendGroup]:
    """One group per visible layer listed in the legend, top layer first (as readers scan).

    ``extent`` (map CRS) is the map's: a raster stretched to its visible values (no ``vmin``/``vmax``)
    is labelled with the values in that extent, as the renderer stretches it.
    """
    threshold = loaded.project.protection.threshold
    groups: list[LegendGroup] = []
    for layer in reversed(loaded.drawable):
        if not _listed(loaded, layer.name):
            continue
        if isinstance(layer, RasterLayer):
            group = _raster_group(loaded, layer, extent or loaded.extent())
        elif isinstance(layer, VectorLayer):
            group = _group(layer, legend_items(layer, threshold))
        else:
            continue
        if not group.rows:
            continue
        if groups and not group.title and not groups[-1].title:
            # Single-symbol layers in a row share one block: no gap between "Provinces" and "Roads".
            groups[-1] = LegendGroup("", groups[-1].rows + group.rows)
        else:
            groups.append(group)
    return groups


def _listed(loaded: LoadedProject, name: str) -> bool:
    for spec in loaded.project.layers:
        if spec.name == name:
            return spec.legend
    return True


def _group(layer: VectorLayer, items) -> LegendGroup:
    """Classified layers get a heading (the mapped field); a single-symbol layer is one named row."""
    rows = tuple(LegendRow(item.label, _swatch(item)) for item in items)
    title = legend_title(layer)
    if len(rows) == 1 and not title:
        rows = (LegendRow(single_label(layer), rows[0].swatch),)
    return LegendGroup(title, rows)


RASTER_SAMPLE_PX = 512  # the legend's look at a stretched raster: enough pixels for stable percentiles


def _raster_group(loaded: LoadedProject, layer: RasterLayer, extent) -> LegendGroup:
    """A colour ramp labelled "low – high": the style's limits, or the 2nd/98th percentiles in view
    (the renderer's default stretch, ``pakmap.render.raster.colorize``)."""
    style = layer.style
    limits = raster_limits(loaded, layer, extent)
    if limits is None:
        return LegendGroup(single_label(layer), ())
    colors = palette(style.palette).colors
    swatch = Swatch("ramp", colors[0], colors[-1], 0.0, opacity=style.opacity, ramp=tuple(colors))
    return LegendGroup(single_label(layer), (LegendRow(ramp_label(*limits), swatch),))


def raster_limits(loaded: LoadedProject, layer: RasterLayer, extent) -> tuple[float, float] | None:
    """The values a raster's ramp runs between: the style's limits, or the 2nd/98th percentiles of
    the values in ``extent`` (the renderer's default stretch); None when there are none."""
    style = layer.style
    values = None
    if style.vmin is None or style.vmax is None:
        width = height = RASTER_SAMPLE_PX
        view = MapView((layer,), fit_extent(extent, width, height), loaded.crs, width, height)
        values = read_window(layer, view, width, height)
    return legend_limits(values, style.vmin, style.vmax)


def _swatch(item) -> Swatch:
    """A ``pakmap.render.LegendItem`` as the swatch this module draws."""
    return Swatch(
        kind=item.kind,
        fill=item.color,
        stroke=item.stroke or item.color,
        stroke_width=item.stroke_width,
        size=item.size_mm,
        marker=item.marker or "circle",
        opacity=item.opacity,
        line_style=item.line_style,
    )


# --- layout ------------------------------------------------------------------------------------


@dataclass
class PlacedText:
    text: str
    x: float
    baseline: float
    bold: bool


@dataclass
class PlacedSwatch:
    swatch: Swatch
    rect: QRectF


@dataclass
class LegendLayout:
    size: float  # pt of the labels
    columns: int
    texts: list[PlacedText]
    swatches: list[PlacedSwatch]
    fits: bool
    omitted: int = 0  # entries left out because even the smallest layout could not hold them


MIN_LABEL_MM = 10.0  # a column narrower than swatch + this is not worth making


def layout_legend(
    groups: list[LegendGroup], spec: ElementSpec, family: str, rect: QRectF, device, dpi: float
) -> LegendLayout:
    """The largest text size, then the fewest columns, at which every entry fits in ``rect``.

    With the template's ``max_size`` a short legend grows (in one column) into the room its box
    leaves, rather than leaving it empty: larger swatches and labels are read at arm's length.
    """
    smallest = spec.min_size or spec.size
    size = max(spec.max_size or spec.size, spec.size)
    while True:
        for columns in range(1, (1 if size > spec.size else MAX_COLUMNS) + 1):
            if columns > 1 and (rect.width() - GAP * dpi / 25.4 * (columns - 1)) / columns < (
                (SWATCH_W + GAP + MIN_LABEL_MM) * dpi / 25.4
            ):
                break
            placed = _place(groups, spec, family, rect, device, dpi, size, columns)
            if placed.fits:
                return placed
        if size - 0.25 < smallest - 1e-9:
            return placed  # the best effort: clipped to the box when drawn
        size -= 0.25


def _row_height(row: LegendRow, scale: float, line_h: float, px: float) -> float:
    if row.swatch.kind == "circle":
        return max(row.swatch.size * px, line_h) + 0.8 * px * scale
    if row.swatch.kind == "marker":
        return max(row.swatch.size * px, SWATCH_H * px * scale, line_h) + 0.8 * px * scale
    return max(SWATCH_H * px * scale, line_h) + 0.9 * px * scale


def _place(
    groups, spec: ElementSpec, family: str, rect: QRectF, device, dpi: float, size: float, columns: int
) -> LegendLayout:
    px = dpi / 25.4
    scale = size / spec.size
    label_font = make_font(family, size)
    title_font = make_font(family, (spec.title_size or spec.size) * scale, bold=True)
    lm, tm = QFontMetricsF(label_font, device), QFontMetricsF(title_font, device)
    title_gap = 0.6 * px * scale
    col_w = (rect.width() - GAP * px * (columns - 1)) / columns
    widest_circle = max(
        (r.swatch.size for g in groups for r in g.rows if r.swatch.kind in ("circle", "marker")), default=0
    )
    swatch_w = max(SWATCH_W * scale, widest_circle) * px
    texts: list[PlacedText] = []
    swatches: list[PlacedSwatch] = []
    col, y, fits, omitted = 0, rect.top(), True, 0
    items: list[str | LegendRow | None] = []  # each group's title, its rows, then None: a gap
    for group in groups:
        if group.title:
            items.append(group.title)
        items.extend(group.rows)
        items.append(None)
    for item in items:
        if item is None:
            y += 1.5 * px * scale
            continue
        # Each text by its shaped extent: Urdu's dots and tails reach below Lato's.
        extent = line_extent(title_font if isinstance(item, str) else label_font, _text_of(item), device)
        h = extent.height + title_gap if isinstance(item, str) else _row_height(item, scale, extent.height, px)
        if y + h > rect.bottom() + 0.01 and col < columns:
            col += 1
            y = rect.top()
        if col >= columns or h > rect.height():
            fits = False  # no room left: leave the rest out rather than draw outside the box
            omitted += isinstance(item, LegendRow)
            continue
        x = rect.left() + col * (col_w + GAP * px)
        if isinstance(item, str):
            fits &= tm.horizontalAdvance(item) <= col_w
            texts.append(
                PlacedText(tm.elidedText(item, Qt.TextElideMode.ElideRight, col_w), x, y + extent.ascent, True)
            )
        else:
            row = item
            sw_h = h - 0.8 * px * scale
            swatches.append(PlacedSwatch(row.swatch, QRectF(x, y, swatch_w, sw_h)))
            label_x = x + swatch_w + GAP * px
            avail = col_w - swatch_w - GAP * px
            fits &= lm.horizontalAdvance(row.label) <= avail
            baseline = y + sw_h / 2 + (extent.ascent - extent.descent) / 2
            texts.append(
                PlacedText(
                    lm.elidedText(row.label, Qt.TextElideMode.ElideRight, max(avail, 0)), label_x, baseline, False
                )
            )
        y += h
    return LegendLayout(size, columns, texts, swatches, fits, omitted)


def _text_of(item: str | LegendRow) -> str:
    return item if isinstance(item, str) else item.label


MEASURE_DPI = 300.0  # the export's resolution: a legend measured there is the printed one


def legend_height_mm(groups: list[LegendGroup], spec: ElementSpec, family: str) -> float:
    """How much of its box, from the top, the legend's entries take (mm) at their own size (not grown)."""
    ensure_gui_app()
    device = QImage(1, 1, QImage.Format.Format_RGB32)
    dots_per_metre = round(MEASURE_DPI / 0.0254)
    device.setDotsPerMeterX(dots_per_metre)
    device.setDotsPerMeterY(dots_per_metre)
    px = MEASURE_DPI / 25.4
    rect = QRectF(*spec.box.to_px(MEASURE_DPI))
    layout = layout_legend(groups, dataclasses.replace(spec, max_size=None), family, rect, device, MEASURE_DPI)
    descent = QFontMetricsF(make_font(family, layout.size), device).descent()
    bottoms = [s.rect.bottom() for s in layout.swatches] + [t.baseline + descent for t in layout.texts]
    return (max(bottoms, default=rect.top()) - rect.top()) / px


def draw_legend(
    painter: QPainter,
    groups: list[LegendGroup],
    spec: ElementSpec,
    family: str,
    rect: QRectF,
    dpi: float,
    texts: TextSink | None = None,
) -> LegendLayout:
    """Draw the legend fitted into ``rect``; ``texts`` (a PDF's) records the lines that need /ActualText."""
    layout = layout_legend(groups, spec, family, rect, painter.device(), dpi)
    px = dpi / 25.4
    scale = layout.size / spec.size
    painter.save()
    painter.setClipRect(rect)
    for swatch in layout.swatches:
        _draw_swatch(painter, swatch.swatch, swatch.rect, px, scale)
    color = qcolor(spec.color)
    painter.setPen(color)
    label_font = make_font(family, layout.size)
    title_font = make_font(family, (spec.title_size or spec.size) * scale, bold=True)
    for placed in layout.texts:
        painter.setFont(title_font if placed.bold else label_font)
        draw_line(painter, QPointF(placed.x, placed.baseline), placed.text, texts)
    painter.restore()
    return layout


def _draw_swatch(painter: QPainter, swatch: Swatch, rect: QRectF, px: float, scale: float) -> None:
    painter.save()
    pen = QPen(qcolor(swatch.stroke), max(swatch.stroke_width, 0.1) * px)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    set_line_style(pen, swatch.line_style)
    if swatch.kind == "ramp":
        gradient = QLinearGradient(rect.left(), 0, rect.left() + SWATCH_W * px * scale, 0)
        for i, color in enumerate(swatch.ramp):
            gradient.setColorAt(i / max(len(swatch.ramp) - 1, 1), qcolor(color, swatch.opacity))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawRect(QRectF(rect.left(), rect.top(), SWATCH_W * px * scale, rect.height()))
    elif swatch.kind == "fill":
        painter.setPen(QPen(qcolor("#B3B3B3") if swatch.stroke.upper() in ("#FFFFFF", "#FFF") else pen))
        painter.setBrush(qcolor(swatch.fill, swatch.opacity))
        painter.drawRect(QRectF(rect.left(), rect.top(), SWATCH_W * px * scale, rect.height()))
    elif swatch.kind == "line":
        pen.setColor(qcolor(swatch.stroke or swatch.fill))
        painter.setPen(pen)
        y = rect.center().y()
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.left() + SWATCH_W * px * scale, y))
    else:
        d = swatch.size * px
        centre = QPointF(rect.left() + rect.width() / 2, rect.center().y())
        if swatch.kind == "marker" and swatch.marker != "circle":
            _draw_marker(painter, swatch, centre, d, pen)
        else:
            painter.setPen(QPen(qcolor("#666666") if swatch.stroke.upper() == "#FFFFFF" else pen))
            painter.setBrush(qcolor(swatch.fill, swatch.opacity))
            painter.drawEllipse(centre, d / 2, d / 2)
    painter.restore()


def _draw_marker(painter: QPainter, swatch: Swatch, centre: QPointF, diameter: float, pen: QPen) -> None:

    centres = np.array([[centre.x(), centre.y()]])
    for part in marker(swatch.marker):
        path = tiled_path(part, centres, diameter)
        # The swatch's opacity is its fill's: the pictogram stays as crisp as on the map.
        color = qcolor(swatch.fill, swatch.opacity) if part.role == "body" else qcolor(swatch.stroke)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPath(path)
