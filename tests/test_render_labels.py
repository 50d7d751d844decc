"""Label text, placement inside polygons, beside points, and no overlaps ever."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import Point, Polygon, box

from pakmap.layer import VectorLayer
from pakmap.render import MapView
from pakmap.render.labels import label_texts
from pakmap.render.offscreen import render_image
from pakmap.style import LabelStyle, SingleSymbolStyle, Symbol

CRS_M = CRS.from_epsg(3857)


def _layer(geoms, labels, **cols):
    return VectorLayer(
        "t",
        gpd.GeoDataFrame(cols, geometry=list(geoms), crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill="#DDDDDD", stroke_width=0, size=2)),
        labels=labels,
    )


def _overlap(a, b, gap=0.0) -> bool:
    """Boxes (x, y, w, h) closer than ``gap`` (or overlapping)."""
    return (
        a[0] < b[0] + b[2] + gap and b[0] < a[0] + a[2] + gap and a[1] < b[1] + b[3] + gap and b[1] < a[1] + a[3] + gap
    )


def test_expression_formats_numbers_and_suppresses_small_counts():
    lyr = _layer(
        [Point(0, 0)] * 3,
        LabelStyle(expression="{name}\n{refugees}"),
        name=["A", "B", "C"],
        refugees=[12345.0, 3.0, np.nan],
    )
    assert label_texts(lyr, np.arange(3), threshold=5) == ["A\n12,345", "B\n<5", "C"]
    lyr.labels = LabelStyle(expression="{refugees:,.0f} people")
    assert label_texts(lyr, np.arange(2), threshold=5) == ["12,345 people", "<5 people"]


def test_polygon_label_at_pole_of_inaccessibility_inside_concave_shape():
    # An L-shape: its centroid falls outside the shape; the label must sit inside the thick arm.
    ell = Polygon([(0, 0), (100, 0), (100, 30), (30, 30), (30, 100), (0, 100)])
    lyr = _layer([ell], LabelStyle(field="name", size=8), name=["L"])
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    (label,) = result.labels
    x, y, w, h = label.box
    cx, cy = (x + w / 2) / 2, 100 - (y + h / 2) / 2  # back to map units
    assert ell.contains(Point(cx, cy))


def test_dense_point_labels_never_overlap_and_respect_the_frame():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 100, (300, 2))
    lyr = _layer(
        [Point(x, y) for x, y in xy], LabelStyle(field="name", size=7), name=[f"Village {i}" for i in range(300)]
    )
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 400, 400, dpi=96))
    boxes = [lab.box for lab in result.labels]
    assert 10 < len(boxes) < 300  # some placed, some dropped
    for i in range(len(boxes)):
        x, y, w, h = boxes[i]
        assert x >= 0 and y >= 0 and x + w <= 400 and y + h <= 400
        for j in range(i):
            assert not _overlap(boxes[i], boxes[j], gap=0.5 * 96 / 25.4 - 1e-6)  # 0.5 mm clear space


def test_priority_field_wins_collisions_and_point_label_sits_beside_marker():
    lyr = _layer(
        [Point(50, 50), Point(50.5, 50.2)],
        LabelStyle(field="name", size=9, priority="pop"),
        name=["Small", "Big"],
        pop=[10, 1000],
    )
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    texts = [lab.text for lab in result.labels]
    assert texts[0] == "Big"
    x, y, w, h = result.labels[0].box
    assert x > 101  # to the right of the marker at x≈101 px (first candidate position)
    assert y < 99.6 < y + h  # vertically centred on it


def test_large_polygons_labelled_first():
    big, small = box(0, 0, 60, 100), box(60, 45, 64, 55)
    lyr = _layer([small, big], LabelStyle(field="name", size=8), name=["small one", "big one"])
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    assert result.labels[0].text == "big one"


def test_labels_drawn_as_dark_text_with_halo():
    lyr = VectorLayer(
        "t",
        gpd.GeoDataFrame({"name": ["WWWW"]}, geometry=[box(0, 0, 100, 100)], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill="#0B3754", stroke_width=0)),
        labels=LabelStyle(field="name", size=20, halo_color="#FFFFFF", halo_width=1.0),
    )
    img, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    x, y, w, h = (int(v) for v in result.labels[0].box)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(200, 200, 4)[y : y + h, x : x + w, :3].astype(int)
    lum = arr.sum(axis=2)
    assert (lum < 60).sum() > 20  # black glyph pixels
    assert (lum > 720).sum() > 20  # white halo pixels on a dark fill
    assert shapely.box(x, y, x + w, y + h).within(shapely.box(0, 0, 200, 200))


def test_typed_backslash_n_breaks_the_line():
    lyr = _layer([Point(0, 0)], LabelStyle(expression="{name}\\n{n}"), name=["A"], n=[7.0])
    assert label_texts(lyr, np.arange(1), threshold=None) == ["A\n7"]


def test_labels_of_missing_empty_and_null_valued_features_are_skipped():
    from shapely.geometry import Polygon

    lyr = _layer(
        [None, Polygon(), box(0, 0, 100, 100), box(0, 0, 1, 1)],
        LabelStyle(field="name", size=8),
        name=["a", "b", "Real", None],
    )
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    assert [lab.text for lab in result.labels] == ["Real"]


def test_very_many_point_labels_are_capped_by_priority():
    from pakmap.render import labels as labels_module

    n = labels_module.MAX_CANDIDATES + 500
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 100, (n, 2))
    pop = np.arange(n, dtype=float)
    lyr = _layer(
        [Point(x, y) for x, y in xy],
        LabelStyle(field="name", size=7, priority="pop"),
        name=[f"P{i}" for i in range(n)],
        pop=pop,
    )
    lyr.style.symbol.size = 0.1  # tiny markers: they must not block every label position
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 800, 800, dpi=96))
    placed = [int(lab.text[1:]) for lab in result.labels]
    assert placed == sorted(placed, reverse=True) and placed[0] > n - 20  # highest priority first
    assert min(placed) >= 500  # the 500 lowest were never candidates


def test_no_data_labels_print_nothing_not_a_lone_percent_sign():
    lyr = _layer(
        [Point(0, 0)] * 3, LabelStyle(expression="{share:.1f}%"), name=["A", "B", "C"], share=[3.54, np.nan, None]
    )
    assert label_texts(lyr, np.arange(3), threshold=None) == ["3.5%", "", ""]
    lyr.labels = LabelStyle(expression="{name}\n{share:.1f}%")
    assert label_texts(lyr, np.arange(3), threshold=None) == ["A\n3.5%", "B", "C"]
    lyr.labels = LabelStyle(field="share")
    assert label_texts(lyr, np.arange(3), threshold=None) == ["3.54", "", ""]


def _gap(a, b) -> float:
    """Clear distance between two boxes (x, y, w, h): 0 when they touch or overlap."""
    dx = max(b[0] - (a[0] + a[2]), a[0] - (b[0] + b[2]), 0.0)
    dy = max(b[1] - (a[1] + a[3]), a[1] - (b[1] + b[3]), 0.0)
    return float(np.hypot(dx, dy))


def test_two_labels_never_run_together_into_one_name():
    """'Wanna' and 'Sarwakai' a word space apart read as one place, 'Wanna Sarwakai': the gap between
    labels is at least half an em of their text, not a fixed hairline."""
    from pakmap.render.labels import LABEL_GAP_EM

    size, dpi = 8, 96
    em_px = size / 72 * dpi

    def run(points, names):
        lyr = _layer([Point(x, 100 - y) for x, y in points], LabelStyle(field="name", size=size), name=names)
        lyr.style.symbol.size = 0.1
        return render_image(MapView((lyr,), (0, 0, 400, 100), CRS_M, 400, 100, dpi=dpi))[1].labels

    (wanna,) = run([(100, 50)], ["Wanna"])
    marker_r = wanna.box[0] - 100  # from the point to where a right-hand label starts
    # Sarwakai's label would start 3 px (about a word space) after Wanna's ends.
    sarwakai_x = wanna.box[0] + wanna.box[2] + 3 - marker_r
    placed = run([(100, 50), (sarwakai_x, 50)], ["Wanna", "Sarwakai"])
    assert placed[0].text == "Wanna"
    for other in placed[1:]:
        assert _gap(placed[0].box, other.box) >= LABEL_GAP_EM * em_px - 1e-6


def test_the_mapped_layers_labels_win_over_point_labels():
    """A town's priority (its population) must not push the district names of the choropleth off the map."""
    from pakmap.style import GraduatedStyle

    district = VectorLayer(
        "districts",
        gpd.GeoDataFrame({"name": ["Peshawar"], "refugees": [1000.0]}, geometry=[box(0, 0, 100, 100)], crs=CRS_M),
        style=GraduatedStyle(field="refugees", classes=1),
        labels=LabelStyle(field="name", size=9),
    )
    towns = VectorLayer(
        "towns",
        gpd.GeoDataFrame({"name": ["Town of Peshawar"], "pop": [2_000_000.0]}, geometry=[Point(70, 50)], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(size=1)),
        labels=LabelStyle(field="name", size=9, priority="pop"),
    )
    _, result = render_image(MapView((district, towns), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    assert result.labels[0].text == "Peshawar" and result.labels[0].layer == "districts"


def test_the_most_populous_place_is_labelled_before_a_larger_empty_one():
    """Lahore against a desert district ten times its size: the population decides, not the area."""
    desert, city = box(0, 0, 60, 100), box(60, 40, 70, 60)
    lyr = _layer(
        [desert, city],
        LabelStyle(field="name", size=9),
        name=["Chagai district", "Lahore city"],
        population_2023=[250_000, 13_000_000],
    )
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    assert result.labels[0].text == "Lahore city"


def test_features_carrying_the_mapped_value_are_labelled_first():
    from pakmap.style import GraduatedStyle

    lyr = VectorLayer(
        "districts",
        gpd.GeoDataFrame(
            {"name": ["No figures here", "Has figures"], "refugees": [None, 1200.0]},
            geometry=[box(0, 0, 60, 100), box(60, 40, 70, 60)],
            crs=CRS_M,
        ),
        style=GraduatedStyle(field="refugees", classes=1),
        labels=LabelStyle(field="name", size=9),
    )
    _, result = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    assert result.labels[0].text == "Has figures"


def test_labels_never_cover_the_markers_of_an_unlabelled_point_layer():
    district = _layer([box(0, 0, 100, 100)], LabelStyle(field="name", size=9), name=["Peshawar"])
    villages = VectorLayer(
        "villages",
        gpd.GeoDataFrame({"v": [1]}, geometry=[Point(50, 50)], crs=CRS_M),  # where the district label would go
        style=SingleSymbolStyle(Symbol(size=3)),
    )
    view = MapView((district, villages), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96)
    _, result = render_image(view)
    marker = (100 - view.mm(3) / 2, 100 - view.mm(3) / 2, view.mm(3), view.mm(3))
    assert [lab.text for lab in result.labels] in ([], ["Peshawar"])
    assert not any(_overlap(lab.box, marker) for lab in result.labels)
    _, alone = render_image(MapView((district,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    assert _overlap(alone.labels[0].box, marker)  # without the villages, the label sits on that spot
