"""Feature labels: text from a field or expression, placed without overlaps, drawn with a halo.

Labels are collected while layers are drawn and placed last, over every layer: the mapped layer's
(classes, categories, circles) first, then in priority order (the priority field's value, else
feature size: big districts first). A label is only drawn where its box is fully
inside the map and keeps a clear gap (half an em of its text, at least 0.5 mm) from every label placed
before it — a map with fewer labels is better than one with labels that run together into one name.
A line of a label expression showing a value the feature lacks is left out. Polygon labels sit at the
pole of inaccessibility of the visible part (the point farthest from the edges, so they stay inside odd shapes); point labels
try eight positions around the marker, right first (the cartographic convention). Line labels follow
the line: beside a stretch straight enough for the text, turned to its direction and kept upright
(``line_labels.py``); with ``placement = "horizontal"`` they sit level at the line's middle instead.
Collisions are tested on each label's footprint, a rectangle turned with its text (``label_boxes.py``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPen

from ..errors import StyleError
from ..field_format import FIX, parse_expression
from ..field_kinds import count_fields_of, numeric_values
from ..fonts import FAMILY, with_fallbacks
from ..numbers import format_number, is_missing
from ..style import LabelStyle, ProportionalStyle, SingleSymbolStyle
from .context import TextSink
from .generalize import simplified, visible_indices
from .label_boxes import bounds, box_corners, footprint, overlaps_any
from .line_labels import device_lines, line_parts, line_positions
from .qt import qcolor
from .script_text import LineExtent, draw_line, line_extent
from .transform import DeviceTransform, projected
from .vector import MIN_LINE_WIDTH_MM, geometry_kind

# Fonts are set at this pixel size and scaled: QFont pixel sizes are integers, label sizes are not.
_REF_PX = 100.0
# Gap between a point marker and its label, and between lines of a label, in mm.
_GAP_MM = 0.6
# Minimum clear gap between two labels, in mm, and as a share of the font size (em): two names a
# word space apart read as one ("Wanna" beside "Sarwakai"), so the gap grows with the text.
_PAD_MM = 0.5
LABEL_GAP_EM = 0.5
_MM_PER_PT = 25.4 / 72
# Labels considered per layer: more could never fit on a page (a million village points).
MAX_CANDIDATES = 5_000
MAX_MARKER_OBSTACLES = 5_000  # markers of an unlabelled point layer that labels keep clear of
# Point label positions tried in order: (dx, dy) in units of (marker radius + gap), text alignment.
_POINT_POSITIONS = ((1, 0), (-1, 0), (1, -1), (1, 1), (0, -1), (0, 1), (-1, -1), (-1, 1))


@dataclass(frozen=True)
class PlacedLabel:
    """A label drawn on the map: its text, its box in device pixels (x, y, width, height) and the angle
    (degrees, clockwise on the page) the box is turned by about its centre: 0 but along lines."""

    layer: str
    text: str
    box: tuple[float, float, float, float]
    angle: float = 0.0

    @property
    def corners(self) -> list[tuple[float, float]]:
        """The label's footprint on the page: its box's 4 corners after turning."""
        x, y, w, h = self.box
        return [tuple(c) for c in footprint(x + w / 2, y + h / 2, w, h, self.angle).tolist()]


class _Count(float):
    """A value of a count field: the formatter writes it as "<5" under the threshold."""


class _Formatter(string.Formatter):
    """``str.format`` with pakmap's number rules: plain ``{pop}`` → ``1,234``; a count field's values
    under the threshold → ``<5`` whatever the format spec (never a rate or share); missing → empty."""

    def __init__(self, threshold: int | None) -> None:
        super().__init__()
        self.threshold = threshold

    def format_field(self, value, format_spec: str) -> str:
        if is_missing(value):
            return ""
        if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
            v = float(value)
            if isinstance(value, _Count) and self.threshold is not None and 0 < v < self.threshold:
                return f"<{self.threshold}"
            if not format_spec:
                return format_number(v)
        return super().format_field(value, format_spec)


def _marked_counts(layer, data, threshold: int | None) -> dict:
    """Each count field's values as ``_Count`` numbers (text counts "1,204" read), by field."""
    if threshold is None:
        return {}
    out = {}
    for field in count_fields_of(layer):
        if field in data.columns:
            values = numeric_values(data[field])
            if values is not None:
                # An empty or already suppressed cell ("-", "<5") is shown as the table wrote it.
                out[field] = [cell if v != v else _Count(v) for cell, v in zip(data[field].tolist(), values.tolist())]
    return out


def formatted_records(layer, data: pd.DataFrame, threshold: int | None) -> tuple[list[dict], _Formatter]:
    """``data``'s rows as records for a field expression, and the formatter that writes them as labels
    do: numbers "1,234", a count under ``threshold`` "<5" (atlas page titles use it too)."""
    records = data.drop(columns=data.geometry.name).to_dict("records")
    for field, values in _marked_counts(layer, data, threshold).items():
        for record, value in zip(records, values):
            record[field] = value
    return records, _Formatter(threshold)


def label_texts(layer, rows: np.ndarray, threshold: int | None) -> list[str]:
    """The label text of each feature in ``rows`` (positional indices) under ``layer.labels``."""
    labels = layer.labels
    data = layer.data.iloc[rows]
    if labels.field and labels.field not in data.columns:
        raise StyleError(
            f"labels of layer '{layer.name}' use unknown field '{labels.field}'",
            fix=f"use one of: {', '.join(map(str, layer.fields))}",
        )
    counts = _marked_counts(layer, data, threshold)
    formatter = _Formatter(threshold)
    if labels.field:
        values = counts.get(labels.field) or data[labels.field].tolist()
        return [formatter.format_field(v, "") for v in values]
    where = f"the labels of layer '{layer.name}'"
    parse_expression(labels.text_expression, where)  # a brace that spans lines is reported whole
    lines = [parse_expression(line, where) for line in labels.text_expression.split("\n")]
    records, formatter = formatted_records(layer, data, threshold)
    try:
        # A line showing a value the feature does not have is left out whole: "{share:.1f}%" of a
        # district without data prints nothing, not a lone "%".
        return [
            "\n".join(
                line.format(r, formatter.format_field)
                for line in lines
                if not any(is_missing(r.get(n)) for n in line.fields if n in r)
            ).strip("\n")
            for r in records
        ]
    except KeyError as exc:
        raise StyleError(
            f"the label expression of layer '{layer.name}' uses unknown field {exc}",
            fix=f"use one of: {', '.join(map(str, layer.fields))}",
        ) from None
    except (ValueError, TypeError) as exc:
        raise StyleError(
            f"label expression {labels.expression!r} of layer '{layer.name}' fails: {exc}", fix=FIX
        ) from None


def label_gap_mm(size_pt: float) -> float:
    """The clear gap a label of ``size_pt`` keeps from other labels."""
    return max(_PAD_MM, LABEL_GAP_EM * size_pt * _MM_PER_PT)


def label_font(bold: bool) -> QFont:
    font = QFont(FAMILY)
    font.setFamilies(with_fallbacks(FAMILY))  # Urdu names in Naskh, Latin in Lato
    font.setPixelSize(int(_REF_PX))
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def label_anchors(geoms: np.ndarray, kinds: np.ndarray, tolerance: float, simplify=None):
    """Where each feature's label goes and how big the feature is (its priority without a priority field).

    Polygons: the pole of inaccessibility (centre of the largest inscribed circle, found to
    ``tolerance``, on ``simplify(shapes)`` when given) and their area; lines: their middle and length;
    points: the point, size 0. Returns ``(anchors (n, 2), size (n,))``.
    """
    anchors = np.full((len(geoms), 2), np.nan)
    size = np.zeros(len(geoms))
    poly = kinds == "polygon"
    if poly.any():
        shapes = geoms[poly] if simplify is None else simplify(geoms[poly])
        shapes = np.where(shapely.is_empty(shapes), geoms[poly], shapes)
        circles = shapely.maximum_inscribed_circle(shapes, tolerance=tolerance)
        anchors[poly] = shapely.get_coordinates(shapely.get_point(circles, 0))
        size[poly] = shapely.area(geoms[poly])
    line = kinds == "line"
    if line.any():
        anchors[line] = shapely.get_coordinates(
            shapely.line_interpolate_point(shapely.line_merge(geoms[line]), 0.5, normalized=True)
        )
        size[line] = shapely.length(geoms[line])
    point = kinds == "point"
    if point.any():
        anchors[point] = shapely.get_coordinates(shapely.centroid(geoms[point]))
    return anchors, size


def label_priority(layer, rows: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Each label's priority (higher first): the layer's priority field; else the places that matter
    first: features that carry the mapped value before those without, then the most populous (a
    population count of the layer), else the largest. By area alone, Lahore, Islamabad, Rawalpindi
    and Peshawar lose their labels to desert districts ten times their size."""
    field = layer.labels.priority
    if not field:
        return _default_priority(layer, rows, size)
    if field not in layer.fields:
        raise StyleError(
            f"label priority field '{field}' not in layer '{layer.name}'",
            fix=f"use one of: {', '.join(map(str, layer.fields))}",
        )
    return pd.to_numeric(layer.values(field).iloc[rows], errors="coerce").fillna(-np.inf).to_numpy(dtype=float)


POPULATION_WORDS = ("population", "pop", "inhabitants", "people")


def population_field(layer) -> str | None:
    """A count field of the layer that is its population (``population_2023``, ``pop_total``)."""
    for field in count_fields_of(layer):
        words = str(field).lower().replace("-", "_").split("_")
        if any(w in POPULATION_WORDS for w in words) or str(field).lower().startswith("population"):
            return field
    return None


def _default_priority(layer, rows: np.ndarray, size: np.ndarray) -> np.ndarray:
    mapped = getattr(layer.style, "field", None)
    has_value = np.zeros(len(rows))
    if mapped and mapped in layer.fields:
        has_value = pd.to_numeric(layer.values(mapped).iloc[rows], errors="coerce").notna().to_numpy(dtype=float)
        if not has_value.any():  # a text field (categories): every feature carries it
            has_value = layer.values(mapped).iloc[rows].notna().to_numpy(dtype=float)
    population = population_field(layer)
    base = size
    if population is not None:
        base = pd.to_numeric(layer.values(population).iloc[rows], errors="coerce").fillna(-1).to_numpy(dtype=float)
    # The rank of the population (or size) within the layer, in [0, 1): below one step of has_value.
    # Equal values share a rank, so ties keep the file's order.
    values, rank = np.unique(base, return_inverse=True)
    return has_value + rank / len(values)


def is_thematic(layer) -> bool:
    """Whether the layer is what the map is about (classes, categories, circles): its labels come first."""
    return not isinstance(layer.style, SingleSymbolStyle)


@dataclass
class _Candidate:
    layer: str
    text: str
    lines: list[str]
    rank: int  # 0 before 1: the mapped layer's labels before those of the other layers
    priority: float
    positions: tuple  # ((centre x, centre y, angle, align), ...) in device px, tried in order
    style: LabelStyle
    scale: float
    line_extents: list[LineExtent]  # in the font's own pixels (before ``scale``)
    width: float
    height: float
    row: int = -1  # the feature's position in its layer


class LabelCollector:
    """Gathers label candidates layer by layer; ``place_and_draw`` resolves collisions and paints."""

    def __init__(self, view) -> None:
        self.view = view
        self.transform = DeviceTransform.for_view(view)
        self.candidates: list[_Candidate] = []
        self.obstacles: list[np.ndarray] = []

    def add_layer(self, layer) -> None:
        labels = layer.labels
        if labels is None or not labels.visible or not (labels.field or labels.expression):
            self._add_markers(layer)
            return
        view, transform = self.view, self.transform
        proj = projected(layer, view.crs)
        rows = visible_indices(proj, view.extent)
        if len(rows) == 0:
            return
        # Only the visible part of a feature can carry its label.
        geoms = shapely.clip_by_rect(proj.geoms[rows], *view.extent)
        keep = ~(shapely.is_empty(geoms) | shapely.is_missing(geoms))
        rows, geoms = rows[keep], geoms[keep]
        kinds = geometry_kind(geoms)
        # On the shapes as drawn (simplified): same answer within a pixel, far fewer vertices; half a
        # pixel is exact enough for a label position.
        anchors, size = label_anchors(
            geoms, kinds, 0.5 / transform.scale, lambda shapes: simplified(shapes, transform.scale)
        )
        line = kinds == "line"
        along = line & (labels.placement == "line")
        point = kinds == "point"
        px = transform.apply(anchors)
        priority = label_priority(layer, rows, size)
        # The layer the map is about (classes, categories, circles) labels first, whatever the scale of
        # another layer's priorities (a town's population against a district's area).
        thematic = is_thematic(layer)
        if len(rows) > MAX_CANDIDATES:
            # A page holds a few thousand labels at most: only the first by priority can win a place.
            top = np.sort(np.argpartition(-priority, MAX_CANDIDATES)[:MAX_CANDIDATES])
            rows, geoms, px, priority, point, along = (
                rows[top],
                geoms[top],
                px[top],
                priority[top],
                point[top],
                along[top],
            )
        texts = label_texts(layer, rows, view.count_threshold)

        font = label_font(labels.bold)
        scale = view.pt(labels.size) / _REF_PX
        marker_r = view.mm(layer.style.symbol.size) / 2 + view.mm(_GAP_MM)
        extent_cache: dict[str, LineExtent] = {}
        drawn_lines = np.empty(len(rows), dtype=object)
        if along.any():
            drawn_lines[along] = device_lines(geoms[along], transform)
        # Text along a line keeps clear of the line's stroke by the gap a point label keeps from its marker.
        line_clearance = view.mm(max(layer.style.symbol.stroke_width, MIN_LINE_WIDTH_MM)) / 2 + view.mm(_GAP_MM)
        for i in range(len(rows)):
            text = texts[i].strip()
            if not text or not np.isfinite(px[i]).all():
                continue
            lines = text.split("\n")
            extents = []
            for ln in lines:
                extent = extent_cache.get(ln)
                if extent is None:
                    # The shaped line's real extent: Urdu's dots and tails reach below Lato's.
                    extent = extent_cache[ln] = line_extent(font, ln)
                extents.append(extent)
            width = max(e.span for e in extents) * scale
            height = sum(e.height for e in extents) * scale
            x, y = float(px[i, 0]), float(px[i, 1])
            if point[i]:
                positions = tuple(
                    (
                        x + dx * marker_r + (width / 2 if dx > 0 else -width / 2 if dx < 0 else 0),
                        y + dy * marker_r + (0 if dy == 0 else -height / 2 if dy < 0 else height / 2),
                        0.0,
                        "left" if dx > 0 else "right" if dx < 0 else "center",
                    )
                    for dx, dy in _POINT_POSITIONS
                )
            elif along[i]:
                positions = tuple(
                    (cx, cy, angle, "center")
                    for cx, cy, angle in line_positions(line_parts(drawn_lines[i]), width, height, line_clearance)
                )
                if not positions:
                    continue  # no stretch of the line can carry the text: no label, not one hanging off it
            else:
                positions = ((x, y, 0.0, "center"),)
            self.candidates.append(
                _Candidate(
                    layer.name,
                    text,
                    lines,
                    0 if thematic else 1,
                    float(priority[i]),
                    positions,
                    labels,
                    scale,
                    extents,
                    width,
                    height,
                    int(rows[i]),
                )
            )
        if point.any():
            # Labels must not hide the markers of their own layer.
            centers = px[point]
            self.obstacles.append(
                np.column_stack([centers - marker_r + view.mm(_GAP_MM), centers + marker_r - view.mm(_GAP_MM)])
            )

    def _add_markers(self, layer) -> None:
        """An unlabelled point layer's markers as obstacles: no label of another layer covers a
        refugee village's symbol. A dense layer (more markers than a page can show apart) is a
        texture that labels must lie on: it is not an obstacle."""
        symbol = getattr(layer.style, "symbol", None)
        if symbol is None or isinstance(layer.style, ProportionalStyle) or layer.geometry_type != "Point":
            return
        proj = projected(layer, self.view.crs)
        rows = (
            proj.points_in(*self.view.extent) if proj.point_xy is not None else visible_indices(proj, self.view.extent)
        )
        if len(rows) == 0 or len(rows) > MAX_MARKER_OBSTACLES:
            return
        xy = (
            proj.point_xy[rows]
            if proj.point_xy is not None
            else shapely.get_coordinates(shapely.centroid(proj.geoms[rows]))
        )
        centers = self.transform.apply(xy)  # a layer held as columns makes no shapely points here
        centers = centers[np.isfinite(centers).all(axis=1)]
        r = self.view.mm(symbol.size) / 2
        self.obstacles.append(np.column_stack([centers - r, centers + r]))

    def place(self) -> list[tuple[_Candidate, tuple[float, float, float, float], float, str]]:
        """Greedy placement by priority: each label takes its first position that overlaps nothing.

        Returns (candidate, box before turning (x, y, width, height), angle, alignment) per placed label.
        """
        view = self.view
        order = sorted(
            range(len(self.candidates)), key=lambda i: (self.candidates[i].rank, -self.candidates[i].priority)
        )
        obstacle_boxes = np.concatenate(self.obstacles) if self.obstacles else np.empty((0, 4))
        obstacles = _Footprints.of_boxes(obstacle_boxes)
        placed = _Footprints(len(order))
        out = []
        corners: np.ndarray | None
        grown: np.ndarray | None
        grown_box: np.ndarray | tuple[float, float, float, float]
        for i in order:
            cand = self.candidates[i]
            pad = view.mm(label_gap_mm(cand.style.size)) / 2  # each footprint grows by half its gap
            hw, hh = cand.width / 2, cand.height / 2
            for cx, cy, angle, align in cand.positions:
                # Level labels (all but those along lines) are tested as plain boxes, without corners.
                if angle:
                    corners = footprint(cx, cy, cand.width, cand.height, angle)
                    x0, y0, x1, y1 = bounds(corners)
                else:
                    corners = None
                    x0, y0, x1, y1 = cx - hw, cy - hh, cx + hw, cy + hh
                if x0 < 0 or y0 < 0 or x1 > view.width or y1 > view.height:
                    continue
                if angle:
                    grown = footprint(cx, cy, cand.width, cand.height, angle, grow=pad)
                    grown_box = bounds(grown)
                else:
                    grown, grown_box = None, (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
                if placed.hit(grown_box, grown) or obstacles.hit((x0, y0, x1, y1), corners):
                    continue
                placed.add(grown_box, grown)
                out.append((cand, (cx - hw, cy - hh, cand.width, cand.height), angle, align))
                break
        return out

    def place_and_draw(self, painter: QPainter, texts: TextSink | None = None) -> list[PlacedLabel]:
        """Place the labels and draw them; ``texts`` (a PDF's) records the lines that need /ActualText."""
        placed = self.place()
        for cand, box, angle, align in placed:
            _draw_label(self.view, painter, cand, box, angle, align, texts)
        return [PlacedLabel(c.layer, c.text, box, angle) for c, box, angle, _ in placed]


class _Footprints:
    """Footprints placed so far (or fixed obstacles), with their bounding boxes for a quick first test."""

    def __init__(self, capacity: int) -> None:
        capacity = max(capacity, 1)
        self.corners = np.empty((capacity, 4, 2))
        self.boxes = np.empty((capacity, 4))
        self.turned = np.zeros(capacity, dtype=bool)
        self.n = 0

    @classmethod
    def of_boxes(cls, boxes: np.ndarray) -> "_Footprints":
        """Axis-aligned obstacles from (xmin, ymin, xmax, ymax) rows."""
        out = cls(len(boxes))
        out.corners[: len(boxes)] = box_corners(boxes)
        out.boxes[: len(boxes)] = boxes
        out.n = len(boxes)
        return out

    def add(self, box, corners: np.ndarray | None = None) -> None:
        """A footprint: its bounding ``box`` (xmin, ymin, xmax, ymax) and, when turned, its ``corners``."""
        self.boxes[self.n] = box
        self.corners[self.n] = box_corners(box) if corners is None else corners
        self.turned[self.n] = corners is not None
        self.n += 1

    def hit(self, box, corners: np.ndarray | None = None) -> bool:
        """Whether a footprint (as for ``add``) overlaps any here; touching does not count."""
        if not self.n:
            return False
        x0, y0, x1, y1 = box
        b = self.boxes[: self.n]
        near = (b[:, 0] < x1) & (b[:, 2] > x0) & (b[:, 1] < y1) & (b[:, 3] > y0)
        if not near.any():
            return False
        # Two level rectangles whose bounding boxes overlap do overlap; only turned ones need the exact test.
        if corners is None:
            if (near & ~self.turned[: self.n]).any():
                return True
            corners = box_corners(box)
        return overlaps_any(corners, self.corners[: self.n][near])


def _draw_label(
    view, painter: QPainter, cand: _Candidate, box, angle: float, align: str, texts: TextSink | None
) -> None:
    style = cand.style
    font = label_font(style.bold)
    x0, y0, width, height = box
    painter.save()
    try:
        # Turned about the box's centre, the point the placement chose on the line.
        painter.translate(x0 + width / 2, y0 + height / 2)
        if angle:
            painter.rotate(angle)
        painter.translate(-width / 2, -height / 2)
        painter.scale(cand.scale, cand.scale)
        painter.setFont(font)
        inner_w = width / cand.scale
        halo = QPainterPath()
        baselines = []
        top = 0.0
        for line, extent in zip(cand.lines, cand.line_extents):
            w = extent.span
            x = (0.0 if align == "left" else inner_w - w if align == "right" else (inner_w - w) / 2) + extent.left
            y = top + extent.ascent
            top += extent.height
            baselines.append((x, y, line))
            halo.addText(QPointF(x, y), font, line)
        if style.halo_width > 0:
            pen = QPen(qcolor(style.halo_color), 2 * view.mm(style.halo_width) / cand.scale)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(halo)
        # Real text (not paths) so PDF and SVG text stays searchable and selectable.
        painter.setPen(qcolor(style.color))
        for x, y, line in baselines:
            draw_line(painter, QPointF(x, y), line, texts)
    finally:
        painter.restore()
