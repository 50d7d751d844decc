"""An inset map for a dense cluster whose labels do not fit the main map (Karachi's seven districts).

``dense_cluster`` places the main map's labels as the frame will (``pakmap.render.labels``) and looks
at the features whose labels lost their place: small ones (a few mm across on the page) lying close
together form clusters, and the densest cluster of at least ``MIN_FEATURES`` is the one a reader
cannot read. The inset goes where the page has room: below the legend's entries in its column, or
in a corner of the map frame that nothing is drawn in (a neighbouring country left blank),
whichever holds the larger frame. Its extent is the zoom, around the cluster's smallest features,
at which most of the cluster's names fit. It is a second map frame drawn by the same renderer, and
its extent is outlined on the main map in the inset frame's colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen

from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from ..render.labels import LabelCollector
from ..render.qt import ensure_gui_app, qcolor
from ..render.transform import DeviceTransform, projected
from .box import Box
from .mapframe import draw_map_frame, frame_view

MIN_FEATURES = 3  # unlabelled neighbours that make a cluster worth an inset
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
    features: tuple[str, ...]  # the names of the cluster's features the inset labels


@dataclass(frozen=True)
class Cluster:
    layer: str
    rows: tuple[int, ...]  # the features whose labels the main map drops
    labels: tuple[str, ...]
    boxes: np.ndarray  # (n, 4) bounds of those features, map CRS


def _placed(loaded: LoadedProject, frame: Box, extent) -> tuple[LabelCollector, set[int]]:
    """The labels of a frame showing ``extent``, placed as the export at ``DECIDE_DPI`` places them."""
    view = frame_view(loaded, frame, extent, DECIDE_DPI).fitted()
    collector = LabelCollector(view)
    for layer in view.layers:
        if isinstance(layer, VectorLayer) and layer.visible:
            collector.add_layer(layer.drawn_part(view.extent, view.crs))
    return collector, {id(cand) for cand, *_ in collector.place()}


def _labelled(loaded: LoadedProject) -> list[VectorLayer]:
    return [l for l in loaded.drawable if isinstance(l, VectorLayer) and l.visible and l.labels and l.labels.visible]


def dense_cluster(loaded: LoadedProject, frame: Box, extent) -> Cluster | None:
    """The densest cluster of small features whose labels the main map in ``frame`` drops."""
    layers = {l.name: l for l in _labelled(loaded)}
    if not layers:
        return None
    ensure_gui_app()  # label metrics need Qt's fonts, even when a page is composed before it is painted
    collector, placed = _placed(loaded, frame, extent)
    view = collector.view
    units_per_mm = (view.extent[2] - view.extent[0]) / frame.width  # map units per mm of the page
    best: Cluster | None = None
    best_density = 0.0
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
            members = shapely.intersects(grown, zone)
            if members.sum() < MIN_FEATURES:
                continue
            member_boxes = boxes[members]
            area_mm2 = float(
                ((member_boxes[:, 2] - member_boxes[:, 0]) * (member_boxes[:, 3] - member_boxes[:, 1])).sum()
            )
            density = members.sum() / max(area_mm2 / units_per_mm**2, 1.0)
            if density > best_density:
                best_density = density
                chosen = [c for c, m in zip(small_ones, members) if m]
                best = Cluster(name, tuple(c.row for c in chosen), tuple(c.text for c in chosen), member_boxes.copy())
    return best


def corner_box(loaded: LoadedProject, frame: Box, extent) -> Box | None:
    """The largest square in a corner of the map frame that nothing is drawn in (mm), or None."""
    view = frame_view(loaded, frame, extent).fitted()
    units_per_mm = (view.extent[2] - view.extent[0]) / frame.width
    shapes = [projected(l, view.crs).geoms for l in loaded.drawable if isinstance(l, VectorLayer) and l.visible]
    if not shapes:
        return None
    tree = shapely.STRtree(np.concatenate(shapes))
    xmin, ymin, xmax, ymax = view.extent
    side = MAX_SIDE_SHARE * min(frame.width, frame.height)
    while side >= MIN_SIDE_MM:
        s = side * units_per_mm
        corners = {  # page box (mm) and the same square in map units
            (frame.x, frame.y): (xmin, ymax - s),
            (frame.right - side, frame.y): (xmax - s, ymax - s),
            (frame.x, frame.bottom - side): (xmin, ymin),
            (frame.right - side, frame.bottom - side): (xmax - s, ymin),
        }
        for (px, py), (mx, my) in corners.items():
            square = shapely.box(mx, my, mx + s, my + s)
            if not len(tree.query(square, predicate="intersects")):
                return Box(px, py, side, side)
        side -= 2.0
    return None


def below_legend_box(free: Box) -> Box | None:
    """The largest square frame at the top of ``free`` (the legend's column below its entries)."""
    side = min(free.width, free.height)
    return Box(free.x, free.y, side, side) if side >= MIN_SIDE_MM else None


def inset_extent(loaded: LoadedProject, cluster: Cluster, box: Box) -> tuple[tuple[float, float, float, float], int]:
    """The extent for an inset in ``box``: around the cluster's smallest features, zoomed in (``ZOOMS``)
    until most of the cluster's names fit; and how many do."""
    boxes = cluster.boxes
    sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    core = boxes[sizes <= np.median(sizes)]
    cx, cy = (core[:, 0].min() + core[:, 2].max()) / 2, (core[:, 1].min() + core[:, 3].max()) / 2
    half = max(boxes[:, 2].max() - boxes[:, 0].min(), boxes[:, 3].max() - boxes[:, 1].min()) / 2
    rows = set(cluster.rows)
    best, best_count = None, -1
    for zoom in ZOOMS:
        h = half * zoom
        extent = (cx - h, cy - h, cx + h, cy + h)
        collector, placed = _placed(loaded, box, extent)
        count = sum(1 for c in collector.candidates if id(c) in placed and c.layer == cluster.layer and c.row in rows)
        if count > best_count:  # ties keep the wider view: more of the surroundings to find it by
            best, best_count = extent, count
        if count == len(rows):
            break
    assert best is not None
    return best, best_count


def draw_inset(
    painter: QPainter, loaded: LoadedProject, inset: Inset, main_view, main_frame: Box, dpi: float, context=None
):
    """The inset map in its frame, and its extent outlined on the main map; returns the inset's view."""
    painter.save()
    try:  # the inset covers what the main map draws under it (a corner of blank neighbours)
        painter.fillRect(QRectF(*inset.box.to_px(dpi)), qcolor("#FFFFFF"))
    finally:
        painter.restore()
    view = draw_map_frame(painter, loaded, inset.box, inset.extent, dpi, INSET_STROKE, (), context)
    xmin, ymin, xmax, ymax = view.extent
    corners = DeviceTransform.for_view(main_view).apply(np.array([[xmin, ymax], [xmax, ymin]], dtype=float))
    x, y, width, height = main_frame.to_px(dpi)
    painter.save()
    try:
        painter.setClipRect(QRectF(x, y, width, height))
        painter.setPen(QPen(qcolor(INSET_STROKE), 0.35 * dpi / 25.4))
        painter.setBrush(qcolor("#000000", 0.0))
        (left, top), (right, bottom) = corners
        painter.drawRect(QRectF(x + left, y + top, right - left, bottom - top))
    finally:
        painter.restore()
    return view
