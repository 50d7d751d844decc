"""Inset maps for dense clusters whose labels do not fit the main map (Karachi's seven districts).

``dense_clusters`` places the main map's labels as the frame will (``pakmap.render.labels``) and looks
at the features whose labels lost their place: small ones (a few mm across on the page) lying close
together form clusters of at least ``MIN_FEATURES``, densest first — the ones a reader cannot read.
A chain of small features longer than ``MAX_CLUSTER_MM`` on the page (the districts from Azad
Kashmir down into Punjab on a national A4 map) is cut into compact clusters an inset can show.
Insets go where the page has room: below the legend's entries in its column, or in corners of the
map frame that nothing is drawn in (a neighbouring country left blank), the densest cluster in the
largest place, never over one another or the page's furniture. Each inset's extent is the zoom,
around its cluster's smallest features, at which most of the cluster's names fit. It is a map frame
drawn by the same renderer, and its extent is outlined on the main map in the inset frame's colour;
with more than one inset, a letter on each frame and beside each outline ("A", "B") pairs them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetricsF, QPainter, QPen

from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from ..project.model import INSETS_LIMIT
from ..render.labels import LabelCollector
from ..render.qt import ensure_gui_app, qcolor
from ..render.transform import DeviceTransform, projected
from .box import Box
from .mapframe import draw_map_frame, frame_view
from .text import make_font

MIN_FEATURES = 3  # unlabelled neighbours that make a cluster worth an inset
MAX_CLUSTER_MM = 20.0  # a cluster spreads at most this far on the page; a longer chain is cut up
MAX_INSETS = 2  # insets on a page when the layout says `inset = true`
LETTERS = "ABCDEFGH"[:INSETS_LIMIT]  # pair insets and their outlines
LETTER_PT = 7.0
LETTER_PAD_MM = 0.8  # around the letter in its tag
TAG_MM = 4.0  # a letter's tag (LETTER_PT bold and its pad), as the choice of its corner counts it
TAG_CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")  # of an outline, tried in turn
SMALL_MM = 10.0  # a feature at most this wide and tall on the page is "small"
NEAR_MM = 2.0  # small features this close on the page belong to one cluster
MIN_SIDE_MM = 25.0  # an inset smaller than this is not worth drawing
MAX_SIDE_SHARE = 0.45  # of the map frame's shorter side: an inset larger than that competes with the map
GAP_MM = 4.0  # between the legend's entries and an inset below them
DECIDE_DPI = 300.0  # labels are placed at the export's resolution to decide
ZOOMS = (1.0, 0.7, 0.5, 0.35, 0.25)  # the inset's extent, as a share of the cluster's, tried in turn
INSET_STROKE = "#18375F"  # the inset's frame and its extent on the main map: one colour links them


@dataclass(frozen=True)
class Inset:
    """An inset map: its frame on the page (mm) and the map extent it shows (map CRS)."""

    box: Box
    extent: tuple[float, float, float, float]  # requested; the frame fits it to its box
    features: tuple[str, ...]  # the names of the cluster's features the inset labels (the main map cannot)
    letter: str = ""  # "A", "B"… on the frame and beside its outline when a page has several insets
    tag_corner: str = "top-left"  # the outline's corner its letter sits outside of (TAG_CORNERS)


@dataclass(frozen=True)
class Cluster:
    layer: str
    rows: tuple[int, ...]  # the features whose labels the main map drops
    labels: tuple[str, ...]
    boxes: np.ndarray  # (n, 4) bounds of those features, map CRS


def _placed(loaded: LoadedProject, frame: Box, extent) -> tuple[LabelCollector, dict[int, tuple]]:
    """The labels of a frame showing ``extent``, placed as the export at ``DECIDE_DPI`` places them:
    the collector and, by candidate id, each placed label's box (device px, before turning)."""
    view = frame_view(loaded, frame, extent, DECIDE_DPI).fitted()
    collector = LabelCollector(view)
    for layer in view.layers:
        if isinstance(layer, VectorLayer) and layer.visible:
            collector.add_layer(layer.drawn_part(view.extent, view.crs))
    return collector, {id(cand): box for cand, box, *_ in collector.place()}


def _labelled(loaded: LoadedProject) -> list[VectorLayer]:
    return [l for l in loaded.drawable if isinstance(l, VectorLayer) and l.visible and l.labels and l.labels.visible]


def dense_clusters(loaded: LoadedProject, frame: Box, extent) -> list[Cluster]:
    """The clusters of small features whose labels the main map in ``frame`` drops, densest first."""
    layers = {l.name: l for l in _labelled(loaded)}
    if not layers:
        return []
    ensure_gui_app()  # label metrics need Qt's fonts, even when a page is composed before it is painted
    collector, placed = _placed(loaded, frame, extent)
    view = collector.view
    units_per_mm = (view.extent[2] - view.extent[0]) / frame.width  # map units per mm of the page
    found: list[tuple[float, Cluster]] = []
    for name, layer in layers.items():
        dropped = [c for c in collector.candidates if c.layer == name and id(c) not in placed and c.row >= 0]
        if len(dropped) < MIN_FEATURES:
            continue
        bounds = shapely.bounds(projected(layer, view.crs).geoms[[c.row for c in dropped]])
        small = np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]) <= SMALL_MM * units_per_mm
        if small.sum() < MIN_FEATURES:
            continue
        # Clusters from the features' boxes (cheap, and exact enough for features a few mm across).
        near = NEAR_MM * units_per_mm / 2
        boxes = bounds[small]
        grown = shapely.box(boxes[:, 0] - near, boxes[:, 1] - near, boxes[:, 2] + near, boxes[:, 3] + near)
        small_ones = [c for c, s in zip(dropped, small) if s]
        for zone in shapely.get_parts(shapely.union_all(grown)):
            in_zone = np.flatnonzero(shapely.intersects(grown, zone))
            for members in compact_groups(boxes[in_zone], MAX_CLUSTER_MM * units_per_mm):
                member_boxes = boxes[in_zone[members]]
                area_mm2 = float(
                    ((member_boxes[:, 2] - member_boxes[:, 0]) * (member_boxes[:, 3] - member_boxes[:, 1])).sum()
                )
                density = len(members) / max(area_mm2 / units_per_mm**2, 1.0)
                chosen = [small_ones[i] for i in in_zone[members]]
                cluster = Cluster(name, tuple(c.row for c in chosen), tuple(c.text for c in chosen), member_boxes)
                found.append((density, cluster))
    found.sort(key=lambda pair: -pair[0])
    return [cluster for _, cluster in found]


def compact_groups(boxes: np.ndarray, spread: float) -> list[np.ndarray]:
    """``boxes`` (n, 4) of neighbouring features in groups of at least ``MIN_FEATURES`` whose centres lie
    within ``spread`` of one another (map units): all of them when they do, else the fullest window of
    that size around one feature, then the fullest among the rest, and so on."""
    centres = np.column_stack(((boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2))
    if len(boxes) < MIN_FEATURES:
        return []
    if (centres.max(axis=0) - centres.min(axis=0)).max() <= spread:
        return [np.arange(len(boxes))]
    groups = []
    left = np.arange(len(boxes))
    while len(left) >= MIN_FEATURES:
        near = (np.abs(centres[left, None, :] - centres[None, left, :]) <= spread / 2).all(axis=2)
        seed = int(np.argmax(near.sum(axis=1)))  # ties: the first, so the result does not depend on luck
        group = left[near[seed]]
        if len(group) < MIN_FEATURES:
            break
        groups.append(group)
        left = left[~near[seed]]
    return groups


def corner_boxes(loaded: LoadedProject, frame: Box, extent) -> list[Box]:
    """In each corner of the map frame, the largest square that nothing is drawn in (mm), largest first."""
    view = frame_view(loaded, frame, extent).fitted()
    units_per_mm = (view.extent[2] - view.extent[0]) / frame.width
    shapes = [projected(l, view.crs).geoms for l in loaded.drawable if isinstance(l, VectorLayer) and l.visible]
    if not shapes:
        return []
    tree = shapely.STRtree(np.concatenate(shapes))
    xmin, ymin, xmax, ymax = view.extent
    found = []
    for corner in range(4):
        right, bottom = corner % 2 == 1, corner >= 2
        side = MAX_SIDE_SHARE * min(frame.width, frame.height)
        while side >= MIN_SIDE_MM:
            s = side * units_per_mm
            mx, my = (xmax - s if right else xmin), (ymin if bottom else ymax - s)
            if not len(tree.query(shapely.box(mx, my, mx + s, my + s), predicate="intersects")):
                px, py = (frame.right - side if right else frame.x), (frame.bottom - side if bottom else frame.y)
                found.append(Box(px, py, side, side))
                break
            side -= 2.0
    return sorted(found, key=lambda b: -b.width)


def below_legend_box(free: Box) -> Box | None:
    """The largest square frame at the top of ``free`` (the legend's column below its entries)."""
    side = min(free.width, free.height)
    return Box(free.x, free.y, side, side) if side >= MIN_SIDE_MM else None


def inset_extent(
    loaded: LoadedProject, cluster: Cluster, box: Box
) -> tuple[tuple[float, float, float, float], tuple[str, ...]]:
    """The extent for an inset in ``box``: around the cluster's smallest features, zoomed in (``ZOOMS``)
    until most of the cluster's names fit; and the names of the cluster that do."""
    boxes = cluster.boxes
    sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    core = boxes[sizes <= np.median(sizes)]
    cx, cy = (core[:, 0].min() + core[:, 2].max()) / 2, (core[:, 1].min() + core[:, 3].max()) / 2
    half = max(boxes[:, 2].max() - boxes[:, 0].min(), boxes[:, 3].max() - boxes[:, 1].min()) / 2
    rows = set(cluster.rows)
    best = None
    best_named: tuple[str, ...] = ()
    for zoom in ZOOMS:
        h = half * zoom
        extent = (cx - h, cy - h, cx + h, cy + h)
        collector, placed = _placed(loaded, box, extent)
        named = {c.row for c in collector.candidates if id(c) in placed and c.layer == cluster.layer and c.row in rows}
        if best is None or len(named) > len(best_named):  # ties keep the wider view: more to find it by
            best, best_named = extent, tuple(text for row, text in zip(cluster.rows, cluster.labels) if row in named)
        if len(named) == len(rows):
            break
    assert best is not None
    return best, best_named


def tag_corners(loaded: LoadedProject, frame: Box, extent, insets: list[Inset] | tuple[Inset, ...]) -> list[str]:
    """For each inset, the corner of its outline on the main map (``frame`` showing ``extent``) whose
    letter, set outside it, stays in the frame, off the insets, and covers the fewest of the main
    map's labels (a tie: the first of ``TAG_CORNERS``)."""
    collector, placed = _placed(loaded, frame, extent)
    view = collector.view
    px = DECIDE_DPI / 25.4
    labels = [Box(frame.x + x / px, frame.y + y / px, w / px, h / px) for x, y, w, h in placed.values()]
    transform = DeviceTransform.for_view(view)
    chosen = []
    for inset in insets:
        xmin, ymin, xmax, ymax = frame_view(loaded, inset.box, inset.extent).fitted().extent
        (left, top), (right, bottom) = transform.apply(np.array([[xmin, ymax], [xmax, ymin]], dtype=float)) / px
        left, right, top, bottom = frame.x + left, frame.x + right, frame.y + top, frame.y + bottom
        tags = {
            "top-left": Box(left - TAG_MM, top - TAG_MM, TAG_MM, TAG_MM),
            "top-right": Box(right, top - TAG_MM, TAG_MM, TAG_MM),
            "bottom-left": Box(left - TAG_MM, bottom, TAG_MM, TAG_MM),
            "bottom-right": Box(right, bottom, TAG_MM, TAG_MM),
        }

        def cost(corner: str, tags=tags) -> tuple[bool, int]:
            tag = tags[corner]
            misplaced = not tag.inside(frame) or any(tag.intersects(other.box) for other in insets)
            return misplaced, sum(tag.intersects(label) for label in labels)

        chosen.append(min(TAG_CORNERS, key=cost))
    return chosen


def draw_inset(
    painter: QPainter,
    loaded: LoadedProject,
    inset: Inset,
    main_view,
    main_frame: Box,
    dpi: float,
    context=None,
    family: str = "Lato",
):
    """The inset map in its frame, and its extent outlined on the main map, each with the inset's
    letter if it has one; returns the inset's view."""
    painter.save()
    try:  # the inset covers what the main map draws under it (a corner of blank neighbours)
        painter.fillRect(QRectF(*inset.box.to_px(dpi)), qcolor("#FFFFFF"))
    finally:
        painter.restore()
    view = draw_map_frame(painter, loaded, inset.box, inset.extent, dpi, INSET_STROKE, (), context)
    xmin, ymin, xmax, ymax = view.extent
    corners = DeviceTransform.for_view(main_view).apply(np.array([[xmin, ymax], [xmax, ymin]], dtype=float))
    x, y, width, height = main_frame.to_px(dpi)
    (left, top), (right, bottom) = corners
    outline = QRectF(x + left, y + top, right - left, bottom - top)
    painter.save()
    try:
        painter.setClipRect(QRectF(x, y, width, height))
        painter.setPen(QPen(qcolor(INSET_STROKE), 0.35 * dpi / 25.4))
        painter.setBrush(qcolor("#000000", 0.0))
        painter.drawRect(outline)
        if inset.letter:
            # Outside the outline, so the letter hides none of the cluster (at the corner tag_corners chose).
            _draw_letter(painter, inset.letter, outline, inset.tag_corner, dpi, family)
    finally:
        painter.restore()
    if inset.letter:
        _draw_letter(painter, inset.letter, QRectF(*inset.box.to_px(dpi)), "", dpi, family)
    return view


def _draw_letter(painter: QPainter, letter: str, rect: QRectF, corner: str, dpi: float, family: str) -> None:
    """``letter`` in bold on a white square tag outlined in the inset's colour: outside ``rect`` (device
    px) at its ``corner`` (one of ``TAG_CORNERS``), or, with no corner, inside its top-left corner."""
    font = make_font(family, LETTER_PT, bold=True)
    painter.save()
    try:
        painter.setFont(font)
        metrics = QFontMetricsF(font, painter.device())
        side = max(metrics.height(), metrics.horizontalAdvance("W")) + LETTER_PAD_MM * dpi / 25.4
        if corner:
            x = rect.left() - side if corner.endswith("left") else rect.right()
            y = rect.bottom() if corner.startswith("bottom") else rect.top() - side
        else:
            x, y = rect.left(), rect.top()
        tag = QRectF(x, y, side, side)
        painter.setPen(QPen(qcolor(INSET_STROKE), 0.25 * dpi / 25.4))
        painter.setBrush(qcolor("#FFFFFF"))
        painter.drawRect(tag)
        painter.setPen(qcolor(INSET_STROKE))
        advance = metrics.horizontalAdvance(letter)
        baseline = tag.top() + (side - metrics.height()) / 2 + metrics.ascent()
        painter.drawText(QPointF(tag.left() + (side - advance) / 2, baseline), letter)
    finally:
        painter.restore()
