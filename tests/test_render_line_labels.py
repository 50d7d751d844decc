"""Labels along lines: turned to the line, upright, on a straight stretch, never overlapping any label."""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS
from render_helpers import svg_of
from shapely.geometry import LineString, Point, box

from pakmap.layer import VectorLayer
from pakmap.render import MapView
from pakmap.render.label_boxes import footprint, overlaps_any
from pakmap.render.line_labels import upright
from pakmap.render.offscreen import render_image
from pakmap.style import LabelStyle, SingleSymbolStyle, Symbol

CRS_M = CRS.from_epsg(3857)
PAD_PX_96 = 0.5 * 96 / 25.4  # the 0.5 mm clear space between labels, at 96 dpi


def _lines(geoms, labels, names, color="#999999"):
    return VectorLayer(
        "lines",
        gpd.GeoDataFrame({"name": names}, geometry=list(geoms), crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill=color, stroke=color, stroke_width=0.3)),
        labels=labels,
    )


def _view(*layers, size=400):
    return MapView(tuple(layers), (0, 0, 100, 100), CRS_M, size, size, dpi=96)


def _device_angle(x0, y0, x1, y1) -> float:
    """The page angle (clockwise, y down) of the map segment (x0, y0)→(x1, y1) in the 0–100 views."""
    return math.degrees(math.atan2(-(y1 - y0), x1 - x0))


def _svg_text_angle(svg: str, text: str) -> float:
    """The rotation of the transform of the SVG group that holds ``text`` (as a <text> element)."""
    at = svg.index(f">{text}</text>")
    group = svg.rindex("<g ", 0, at)
    matrix = re.search(r'transform="matrix\(([^)]*)\)"', svg[group:at])
    m11, m12 = (float(v) for v in matrix.group(1).split(",")[:2])
    return math.degrees(math.atan2(m12, m11))


def _polygons(labels):
    return [shapely.Polygon(label.corners) for label in labels]


def _assert_apart(polygons, gap):
    """No two footprints intersect; every pair is at least ``gap`` px apart (the clear space)."""
    tree = shapely.STRtree(polygons)
    for i, j in zip(*tree.query(polygons, predicate="dwithin", distance=gap - 1e-6)):
        assert i == j, f"labels {i} and {j} closer than {gap:.2f} px"


def _device_line(coords) -> LineString:
    """A map line of the 0–100 views in device pixels (4 px per map unit, y down)."""
    return LineString([(4 * x, 4 * (100 - y)) for x, y in coords])


def _clearance(stroke_mm: float = 0.3) -> float:
    """How far a line label keeps from the line's centre: half the stroke and the 0.6 mm gap, at 96 dpi."""
    return (stroke_mm / 2 + 0.6) * 96 / 25.4


@pytest.mark.parametrize("start, end", [((10, 20), (90, 60)), ((10, 80), (90, 30)), ((20, 50), (80, 50))])
def test_svg_text_is_turned_to_the_line_and_set_just_above_it(start, end):
    lyr = _lines([LineString([start, end])], LabelStyle(field="name", size=10), ["Indus"])
    view = _view(lyr)
    expected = _device_angle(*start, *end)
    assert _svg_text_angle(svg_of(view), "Indus") == pytest.approx(expected, abs=1.0)
    _, result = render_image(view)
    (label,) = result.labels
    assert label.angle == pytest.approx(expected, abs=1.0)
    x, y, w, h = label.box
    line = _device_line([start, end])
    centre = Point(x + w / 2, y + h / 2)
    assert line.distance(centre) == pytest.approx(h / 2 + _clearance(), abs=0.5)
    foot = line.interpolate(line.project(centre))
    up = (math.sin(math.radians(label.angle)), -math.cos(math.radians(label.angle)))  # the text's "up"
    assert (centre.x - foot.x) * up[0] + (centre.y - foot.y) * up[1] > 0  # above the line, as read
    stroke = line.buffer(0.3 / 2 * 96 / 25.4)
    assert not shapely.Polygon(label.corners).intersects(stroke)  # the line stays visible


@pytest.mark.parametrize(
    "start, end", [((90, 60), (10, 20)), ((90, 20), (10, 60)), ((55, 90), (45, 10)), ((50, 90), (50, 10))]
)
def test_line_drawn_right_to_left_or_downwards_still_reads_upright(start, end):
    lyr = _lines([LineString([start, end])], LabelStyle(field="name", size=10), ["Jhelum"])
    angle = _svg_text_angle(svg_of(_view(lyr)), "Jhelum")
    assert -90.5 <= angle < 90  # never upside down
    # As if the line had been drawn left to right (bottom to top when vertical).
    assert angle == pytest.approx(_device_angle(*end, *start), abs=1.0)


def test_upright_flips_angles_beyond_a_quarter_turn():
    assert upright(30) == 30 and upright(-30) == -30
    assert upright(150) == pytest.approx(-30) and upright(-150) == pytest.approx(30)
    assert upright(210) == pytest.approx(30) and upright(-200) == pytest.approx(-20)
    assert upright(90) == -90 and upright(-90) == -90  # vertical text reads bottom to top


def test_label_goes_below_the_line_where_above_is_taken():
    line = VectorLayer(
        "river",
        gpd.GeoDataFrame({"name": ["Ravi"], "rank": [1]}, geometry=[LineString([(10, 50), (90, 50)])], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill="#0072BC", stroke_width=0.3)),
        labels=LabelStyle(field="name", size=10, priority="rank"),
    )
    town = VectorLayer(
        "town",
        gpd.GeoDataFrame({"name": ["Lahore"], "rank": [10]}, geometry=[Point(45, 53)], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(size=1.5)),
        labels=LabelStyle(field="name", size=10, priority="rank"),
    )
    _, alone = render_image(_view(line))
    _, result = render_image(_view(line, town))
    (above,) = alone.labels
    river, lahore = sorted(result.labels, key=lambda label: label.layer)
    assert (river.layer, lahore.layer) == ("river", "town")
    for label, below in ((above, False), (river, True)):
        x, y, w, h = label.box
        assert x + w / 2 == pytest.approx(200, abs=1)  # the middle of the line
        assert y + h / 2 == pytest.approx(200 + (1 if below else -1) * (h / 2 + _clearance()), abs=0.5)


def test_line_too_short_for_its_label_gets_none_level_placement_still_does():
    short = LineString([(40, 50), (50, 50)])  # 40 px; the name is ~70 px long at 10 pt
    _, result = render_image(_view(_lines([short], LabelStyle(field="name", size=10), ["Kabul River"])))
    assert result.labels == []
    _, result = render_image(
        _view(_lines([short], LabelStyle(field="name", size=10, placement="horizontal"), ["Kabul River"]))
    )
    (label,) = result.labels
    assert label.angle == 0
    long = LineString([(20, 50), (80, 50)])
    _, result = render_image(_view(_lines([long], LabelStyle(field="name", size=10), ["Kabul River"])))
    (label,) = result.labels
    x, _, w, _ = label.box
    assert 80 <= x and x + w <= 320  # on the line (x from 80 to 320 px), not hanging off either end


def test_winding_line_is_labelled_on_its_straight_stretch():
    # Tight zigzags, each leg shorter than the name (the middle of the line's length lies among them),
    # then a straight run at y = 52 from x = 60 to 95: only the run can carry the name.
    zigzag = [(5 + i, 50 + (2 if i % 2 else -2)) for i in range(56)]
    lyr = _lines([LineString(zigzag + [(95, 52)])], LabelStyle(field="name", size=8), ["Swat"])
    _, result = render_image(_view(lyr))
    (label,) = result.labels
    x, y, w, h = label.box
    assert label.angle == pytest.approx(0, abs=0.5)
    assert x >= 4 * 60 - 1 and x + w <= 4 * 95
    assert y + h / 2 == pytest.approx(4 * (100 - 52) - h / 2 - _clearance(), abs=1.0)  # just above the run


def test_line_labels_are_drawn_with_the_label_font_and_halo_inside_their_footprint():
    lyr = _lines(
        [LineString([(10, 10), (90, 90)])],
        LabelStyle(field="name", size=14, halo_width=0.6),
        ["Chenab River"],
        color="#DDDDDD",
    )
    view = MapView((lyr,), (0, 0, 100, 100), CRS_M, 400, 400, dpi=96, background=None)  # halo shows on clear
    img, result = render_image(view)
    (label,) = result.labels
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(400, 400, 4)
    opaque, lum = arr[:, :, 3] > 200, arr[:, :, :3].astype(int).sum(axis=2)
    band = shapely.Polygon(label.corners)
    ys, xs = np.nonzero(opaque & (lum < 150))  # black glyphs
    assert len(xs) > 100
    assert shapely.contains_xy(band.buffer(1.0), xs + 0.5, ys + 0.5).all()
    # The glyphs run along the diagonal (-45° on the page): the main axis of their pixels.
    spread = np.cov(np.column_stack([xs, ys]).T)
    assert math.degrees(math.atan2(2 * spread[0, 1], spread[0, 0] - spread[1, 1]) / 2) == pytest.approx(-45, abs=3)
    hy, hx = np.nonzero(opaque & (lum > 750))  # the white halo around them
    assert len(hx) > 100
    assert shapely.contains_xy(band.buffer(0.6 * 96 / 25.4 + 1.0), hx + 0.5, hy + 0.5).all()


def test_rotated_footprint_overlap_test_agrees_with_shapely():
    rng = np.random.default_rng(11)
    for _ in range(400):
        a = footprint(*rng.uniform(0, 60, 2), *rng.uniform(5, 40, 2), rng.uniform(-90, 90))
        b = footprint(*rng.uniform(0, 60, 2), *rng.uniform(5, 40, 2), rng.uniform(-90, 90))
        pa, pb = shapely.Polygon(a), shapely.Polygon(b)
        if abs(pa.distance(pb)) < 1e-6 and pa.intersection(pb).area < 1e-6:
            continue  # touching: either answer is fine
        assert overlaps_any(a, b[None]) == (pa.intersection(pb).area > 0)
    # Two parallel diagonal strips: their bounding boxes overlap, the strips do not.
    s1, s2 = footprint(50, 50, 100, 10, 45), footprint(62, 38, 100, 10, 45)
    assert not overlaps_any(s1, s2[None]) and overlaps_any(s1, np.stack([s2, footprint(55, 55, 10, 10, 0)]))


def test_dense_crossing_lines_and_points_never_overlap():
    rng = np.random.default_rng(7)
    ends = rng.uniform(0, 100, (120, 4))
    lines = _lines(
        [LineString([(a, b), (c, d)]) for a, b, c, d in ends],
        LabelStyle(field="name", size=7),
        [f"Road {i}" for i in range(120)],
    )
    xy = rng.uniform(0, 100, (150, 2))
    points = VectorLayer(
        "villages",
        gpd.GeoDataFrame({"name": [f"Village {i}" for i in range(150)]}, geometry=[Point(p) for p in xy], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(size=1.5)),
        labels=LabelStyle(field="name", size=7),
    )
    _, result = render_image(_view(lines, points))
    turned = [label for label in result.labels if label.layer == "lines"]
    assert len(turned) > 20 and sum(abs(label.angle) > 5 for label in turned) > 10
    assert any(label.layer == "villages" for label in result.labels)
    polygons = _polygons(result.labels)
    assert all(p.within(box(0, 0, 400, 400).buffer(1e-6)) for p in polygons)
    _assert_apart(polygons, PAD_PX_96)


@pytest.mark.realdata
def test_real_boundaries_line_of_control_districts_and_capitals_never_overlap(admin_gpkg, shared_data):
    """Province outlines and district boundaries turned into lines, the Line of Control, district
    names and provincial capitals: every label's footprint (turned or level) clear of every other."""
    districts = gpd.read_file(admin_gpkg, layer="districts")
    provinces = gpd.read_file(admin_gpkg, layer="provinces")
    loc = gpd.read_file(admin_gpkg, layer="line_of_control")
    centres = pd.read_csv(shared_data / "pak_admin_centres.csv")
    centres = gpd.GeoDataFrame(centres, geometry=gpd.points_from_xy(centres.lon, centres.lat), crs=4326)

    def lines_of(name, frame, size, color):
        outlines = gpd.GeoDataFrame({"name": frame["name"]}, geometry=frame.geometry.boundary, crs=frame.crs)
        return VectorLayer(
            name,
            outlines,
            style=SingleSymbolStyle(Symbol(fill=color, stroke=color, stroke_width=0.2)),
            labels=LabelStyle(field="name", size=size),
        )

    layers = (
        VectorLayer(
            "districts",
            districts,
            style=SingleSymbolStyle(Symbol(fill="#EEF3F8", stroke="#BBBBBB")),
            labels=LabelStyle(field="name", size=6),
        ),
        lines_of("district_lines", districts, 5, "#999999"),
        lines_of("province_lines", provinces, 7, "#333333"),
        VectorLayer(
            "line_of_control",
            loc.assign(rank=1e9),
            style=SingleSymbolStyle(Symbol(fill="#333333", line_style="dot")),
            labels=LabelStyle(field="name", size=8, bold=True, priority="rank"),
        ),  # placed first
        VectorLayer(
            "capitals",
            centres,
            style=SingleSymbolStyle(Symbol(fill="#000000", size=1.5)),
            labels=LabelStyle(field="name", size=8, bold=True),
        ),
    )
    dpi = 200
    view = MapView(layers, tuple(districts.total_bounds), CRS.from_epsg(4326), 2000, 1700, dpi=dpi)
    _, result = render_image(view)
    kinds = {label.layer for label in result.labels}
    assert {"districts", "district_lines", "province_lines", "line_of_control", "capitals"} <= kinds
    turned = [label for label in result.labels if label.angle]
    assert len(turned) > 50
    (loc_label,) = [label for label in result.labels if label.layer == "line_of_control"]
    assert loc_label.text == "Line of Control" and loc_label.angle != 0
    polygons = _polygons(result.labels)
    assert all(p.within(box(0, 0, 2000, 1700).buffer(1e-6)) for p in polygons)
    _assert_apart(polygons, 0.5 * dpi / 25.4)
