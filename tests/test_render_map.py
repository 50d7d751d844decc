"""Pixel tests of render_map on small images: what is drawn where, in which colour."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from PySide6.QtGui import QColor, QImage, QPainter
from shapely.geometry import LineString, Point, Polygon, box

from pakmap.layer import VectorLayer
from pakmap.render import MapView, render_map
from pakmap.render.offscreen import render_image
from pakmap.style import GraduatedStyle, ProportionalStyle, SingleSymbolStyle, Symbol

CRS_M = CRS.from_epsg(3857)


def layer(geoms, style=None, **cols):
    return VectorLayer("t", gpd.GeoDataFrame(cols, geometry=list(geoms), crs=CRS_M), style=style)


def pixel(image: QImage, x: int, y: int) -> str:
    return QColor(image.pixel(x, y)).name().upper()


def view_of(*layers, w=100, h=100, extent=(0, 0, 100, 100), **kw):
    return MapView(tuple(layers), extent, CRS_M, w, h, **kw)


def test_polygon_fills_exactly_its_pixels_and_hole_stays_empty():
    square = Polygon([(10, 10), (60, 10), (60, 60), (10, 60)], [[(30, 30), (40, 30), (40, 40), (30, 40)]])
    lyr = layer([square], SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0)))
    img, _ = render_image(view_of(lyr))
    assert pixel(img, 20, 80) == "#FF0000"  # map y=20 is device row 80 (y up on the map)
    assert pixel(img, 59, 41) == "#FF0000"
    assert pixel(img, 35, 65) == "#FFFFFF"  # the hole
    assert pixel(img, 70, 80) == "#FFFFFF"  # right of the polygon
    assert pixel(img, 20, 30) == "#FFFFFF"  # above it
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(100, 100, 4)
    red = (arr[:, :, 2] == 255) & (arr[:, :, 1] == 0)
    assert red.sum() == 50 * 50 - 10 * 10


def test_multipolygon_and_overlapping_features_of_one_class_fill_their_union():
    a, b = box(0, 0, 50, 50), box(25, 25, 75, 75)
    lyr = layer([a, b], SingleSymbolStyle(Symbol(fill="#00FF00", stroke_width=0)))
    img, _ = render_image(view_of(lyr))
    assert pixel(img, 40, 60) == "#00FF00"  # the overlap is not cut out (winding fill)


def test_graduated_classes_and_nodata_colour():
    boxes = [box(i * 20, 0, i * 20 + 20, 100) for i in range(5)]
    style = GraduatedStyle(
        field="v",
        method="manual",
        breaks=[10, 20, 30, 40],
        palette="unhcr_blue",
        nodata_color="#E6E6E6",
        symbol=Symbol(stroke_width=0),
    )
    lyr = layer(boxes, style, v=[5.0, 15.0, 25.0, 35.0, np.nan])
    img, _ = render_image(view_of(lyr))
    ramp = ["#CDE3F1", "#4F9ED0", "#0072BC", "#0B3754"]  # 4 of the 6 brand colours, spread
    assert [pixel(img, 10 + 20 * i, 50) for i in range(4)] == ramp
    assert pixel(img, 90, 50) == "#E6E6E6"
    assert pixel(img, 90, 50) != pixel(img, 10, 50)


def test_outline_drawn_in_stroke_colour():
    lyr = layer([box(20, 20, 80, 80)], SingleSymbolStyle(Symbol(fill="#FFFFFF", stroke="#000000", stroke_width=1.0)))
    img, _ = render_image(view_of(lyr, dpi=96))
    assert pixel(img, 20, 50) == "#000000"
    assert pixel(img, 50, 50) == "#FFFFFF"


def test_lines_drawn_in_class_colour():
    lyr = layer([LineString([(0, 50), (100, 50)])], SingleSymbolStyle(Symbol(fill="#0000FF", stroke_width=1.0)))
    img, _ = render_image(view_of(lyr))
    assert pixel(img, 50, 50) == "#0000FF"
    assert pixel(img, 50, 40) == "#FFFFFF"


@pytest.mark.parametrize("n", [10, 5000])  # tiled marker paths, and the drawPoints fast path
def test_point_markers_centred_on_points(n):
    rng = np.random.default_rng(1)
    pts = [Point(50, 50)] + [Point(x, y) for x, y in rng.uniform(0, 10, (n - 1, 2))]
    style = SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0, size=10 * 25.4 / 96, marker="circle"))
    img, _ = render_image(view_of(layer(pts, style), dpi=96))
    assert pixel(img, 50, 50) == "#FF0000"
    assert pixel(img, 53, 50) == "#FF0000"  # within the 5 px radius
    assert pixel(img, 57, 50) == "#FFFFFF"
    assert pixel(img, 5, 95) == "#FF0000"  # the cluster in the map's lower-left corner


def test_settlement_marker_has_white_pictogram_on_coloured_body():
    style = SingleSymbolStyle(
        Symbol(fill="#0072BC", stroke="#FFFFFF", stroke_width=0, size=40 * 25.4 / 96, marker="settlement")
    )
    img, _ = render_image(view_of(layer([Point(50, 50)], style), dpi=96))
    assert pixel(img, 50, 50) == "#FFFFFF"  # house wall at the centre
    assert pixel(img, 50, 66) == "#0072BC"  # door gap in the house shows the body
    assert pixel(img, 50, 68) == "#0072BC"  # body below the house


def test_proportional_circles_are_area_true_and_small_ones_on_top():
    pts = [box(20, 45, 30, 55), box(70, 45, 80, 55), box(22, 47, 28, 53)]
    style = ProportionalStyle(
        field="n",
        max_size=30 * 25.4 / 96,
        symbol=Symbol(fill="#FF0000", stroke="#0000FF", stroke_width=0.3, opacity=1.0),
    )
    lyr = layer(pts, style, n=[4000.0, 1000.0, 250.0])
    img, _ = render_image(view_of(lyr, dpi=96, background="#FFFFFF"))
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(100, 100, 4).astype(int)
    coloured = arr[:, :, 1] < 128  # red or blue, not white
    left, right = coloured[:, :50].sum(), coloured[:, 50:].sum()
    assert left / right == pytest.approx(4.0, rel=0.15)
    # The small circle (7.5 px, drawn after the 30 px one around it) shows its outline inside it.
    blue = (arr[:, :, 0] > 200) & (arr[:, :, 2] < 80)  # memory order is B, G, R, A
    assert blue[44:57, 19:32].sum() >= 10
    assert pixel(img, 25, 50) == "#FF0000" and pixel(img, 25, 40) == "#FF0000"


def test_reprojects_layer_to_view_crs():
    lyr = VectorLayer(
        "g",
        gpd.GeoDataFrame(geometry=[box(10, 10, 20, 20)], crs=4326),
        style=SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0)),
    )
    from pyproj import Transformer

    t = Transformer.from_crs(4326, 3857, always_xy=True)
    x0, y0 = t.transform(10, 10)
    x1, y1 = t.transform(20, 20)
    img, _ = render_image(MapView((lyr,), (x0, y0, x1, y1), CRS_M, 50, 50))
    assert pixel(img, 25, 25) == "#FF0000"
    assert pixel(img, 1, 1) == "#FF0000" and pixel(img, 48, 48) == "#FF0000"


def test_paints_into_painter_coordinate_system_and_restores_state():
    lyr = layer([box(0, 0, 100, 100)], SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0)))
    img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#00FF00"))
    p = QPainter(img)
    p.translate(100, 100)  # a layout placing the map frame
    render_map(view_of(lyr, background=None), p)
    assert p.transform().dx() == 100
    p.end()
    assert pixel(img, 150, 150) == "#FF0000"
    assert pixel(img, 50, 50) == "#00FF00"  # outside the frame: untouched (clipped)


def test_cancel_stops_before_drawing():
    lyr = layer([box(0, 0, 100, 100)], SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0)))
    img, result = render_image(view_of(lyr, background=None), cancel=lambda: True)
    assert result.cancelled
    assert img.pixel(50, 50) == 0


def test_hidden_layer_not_drawn_and_order_bottom_first():
    a = layer([box(0, 0, 100, 100)], SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0)))
    b = layer([box(0, 0, 50, 100)], SingleSymbolStyle(Symbol(fill="#0000FF", stroke_width=0)))
    img, _ = render_image(view_of(a, b))
    assert pixel(img, 25, 50) == "#0000FF" and pixel(img, 75, 50) == "#FF0000"
    b.visible = False
    img, _ = render_image(view_of(a, b))
    assert pixel(img, 25, 50) == "#FF0000"


def test_zoomed_into_a_large_polygon_no_cut_edges_visible():
    # A big square seen through a small window: clipping must not draw outlines at the frame.
    lyr = layer(
        [box(-1000, -1000, 1000, 1000)], SingleSymbolStyle(Symbol(fill="#FF0000", stroke="#0000FF", stroke_width=1.0))
    )
    img, _ = render_image(view_of(lyr, extent=(0, 0, 10, 10), w=50, h=50))
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(50, 50, 4)
    assert (arr[:, :, 2] == 255).all() and (arr[:, :, 0] == 0).all()  # all red, no blue edge


def test_clipped_keeps_geometries_inside_untouched():
    import shapely

    from pakmap.render.generalize import clipped

    inside, big = box(1, 1, 2, 2), box(-50, -50, 50, 50)
    out = clipped(np.array([inside, big], dtype=object), (0, 0, 10, 10), 1.0)
    assert out[0] is inside
    assert shapely.bounds(out[1]).tolist() == [-1.0, -1.0, 11.0, 11.0]


def test_renders_in_a_worker_thread_like_the_canvas():
    import threading

    from pakmap.style import LabelStyle

    lyr = layer(
        [box(0, 0, 60, 100), box(60, 0, 100, 100)],
        GraduatedStyle(field="v", method="manual", breaks=[1, 2], symbol=Symbol(stroke_width=0)),
        v=[1.0, 2.0],
    )
    lyr.labels = LabelStyle(field="v", size=8)
    view = view_of(lyr, w=200, h=200)
    expected, _ = render_image(view)
    out = {}
    worker = threading.Thread(target=lambda: out.update(zip(("img", "res"), render_image(view))))
    worker.start()
    worker.join(60)
    assert out["img"] == expected
    assert [lab.text for lab in out["res"].labels] == ["1", "2"]


def test_categorized_polygons_take_palette_colours_in_value_order():
    from pakmap.style import CategorizedStyle

    lyr = layer(
        [box(0, 0, 50, 100), box(50, 0, 100, 100)],
        CategorizedStyle(field="kind", palette="unhcr_categorical", symbol=Symbol(stroke_width=0)),
        kind=["village", "camp"],
    )
    img, _ = render_image(view_of(lyr))
    assert pixel(img, 75, 50) == "#0072BC"  # "camp" sorts first: first palette colour
    assert pixel(img, 25, 50) == "#FAEB00"


def test_missing_empty_and_mixed_geometries_do_not_break_rendering():
    from shapely.geometry import GeometryCollection, MultiPoint
    from shapely.geometry import Polygon as P

    geoms = [
        None,
        P(),
        box(0, 0, 50, 50),
        MultiPoint([(70, 70), (80, 80)]),
        GeometryCollection(),
        LineString([(0, 90), (100, 90)]),
    ]
    style = GraduatedStyle(field="v", method="quantiles", classes=2, symbol=Symbol(stroke_width=0, size=3))
    lyr = layer(geoms, style, v=[1.0, 2.0, 3.0, None, 5.0, 6.0])
    img, _ = render_image(view_of(lyr))
    assert pixel(img, 25, 75) != "#FFFFFF"  # the polygon
    assert pixel(img, 70, 30) == "#E6E6E6"  # the multipoint has no value: no-data colour
    empty = layer([], SingleSymbolStyle())
    img, result = render_image(view_of(empty))
    assert pixel(img, 50, 50) == "#FFFFFF" and result.labels == []


def test_layer_without_crs_is_drawn_as_if_in_view_crs():
    lyr = VectorLayer(
        "nocrs",
        gpd.GeoDataFrame(geometry=[box(0, 0, 50, 100)]),
        style=SingleSymbolStyle(Symbol(fill="#FF0000", stroke_width=0)),
    )
    img, _ = render_image(view_of(lyr))
    assert pixel(img, 25, 50) == "#FF0000" and pixel(img, 75, 50) == "#FFFFFF"
