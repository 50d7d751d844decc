"""Legend entries come from the same classes and colours as the drawing."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import LineString, Point, box

from pakmap.layer import VectorLayer
from pakmap.render import MapView, legend_items
from pakmap.render.offscreen import render_image
from pakmap.render.styling import nice_legend_values
from pakmap.style import CategorizedStyle, GraduatedStyle, ProportionalStyle, SingleSymbolStyle, Symbol

CRS_M = CRS.from_epsg(3857)


def test_graduated_legend_has_class_ranges_and_no_data_in_drawn_colours():
    boxes = [box(i * 20, 0, i * 20 + 20, 100) for i in range(5)]
    lyr = VectorLayer(
        "d",
        gpd.GeoDataFrame({"v": [2.0, 15.0, 25.0, 35.0, np.nan]}, geometry=boxes, crs=CRS_M),
        style=GraduatedStyle(field="v", method="manual", breaks=[10, 20, 30, 40], symbol=Symbol(stroke_width=0)),
    )
    items = legend_items(lyr, threshold=5)
    # v is a count (whole numbers ≥ 0): 2 is "<5", a class of its own; the others keep their bounds.
    assert [i.label for i in items] == ["<5", "15 – 20", "21 – 30", "31 – 40", "No data"]
    assert items[-1].nodata and items[-1].color == "#E6E6E6"
    assert all(i.kind == "fill" for i in items)
    img, _ = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 100, 100))
    from PySide6.QtGui import QColor

    drawn = [QColor(img.pixel(10 + 20 * k, 50)).name().upper() for k in range(5)]
    assert drawn == [i.color.upper() for i in items]


def test_no_nodata_item_when_nothing_missing():
    lyr = VectorLayer(
        "d",
        gpd.GeoDataFrame({"v": [1.0, 2.0, 3.0]}, geometry=[box(0, 0, 1, 1)] * 3, crs=CRS_M),
        style=GraduatedStyle(field="v", method="quantiles", classes=3),
    )
    assert not any(i.nodata for i in legend_items(lyr))


def test_categorized_one_item_per_value_with_overrides():
    lyr = VectorLayer(
        "c",
        gpd.GeoDataFrame({"t": ["camp", "village", "camp", "urban"]}, geometry=[Point(0, 0)] * 4, crs=CRS_M),
        style=CategorizedStyle(field="t", colors={"urban": "#123456"}, symbol=Symbol(marker="settlement")),
    )
    items = legend_items(lyr)
    assert [i.label for i in items] == ["camp", "urban", "village"]
    assert items[1].color == "#123456"
    assert {i.kind for i in items} == {"marker"} and items[0].marker == "settlement"


def test_proportional_legend_round_values_area_true():
    lyr = VectorLayer(
        "p",
        gpd.GeoDataFrame({"n": [1200.0, 86_000.0, 5000.0]}, geometry=[Point(0, 0)] * 3, crs=CRS_M),
        style=ProportionalStyle(field="n", max_size=12),
    )
    items = legend_items(lyr)
    assert [i.label for i in items] == ["50,000", "10,000", "2,000"]
    assert items[0].kind == "circle"
    assert items[0].size_mm == pytest.approx(12 * (50_000 / 86_000) ** 0.5)
    assert (items[0].size_mm / items[1].size_mm) ** 2 == pytest.approx(5.0)


def test_nice_legend_values():
    assert nice_legend_values(86_000) == (50_000.0, 10_000.0, 2_000.0)
    assert nice_legend_values(1_000) == (1_000.0, 200.0, 50.0)
    assert nice_legend_values(0) == ()


def test_line_and_single_kinds():
    lyr = VectorLayer(
        "roads",
        gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill="#666666", stroke_width=0.5)),
    )
    (item,) = legend_items(lyr)
    assert (item.label, item.kind, item.color, item.stroke_width) == ("roads", "line", "#666666", 0.5)


def test_symbolization_recomputed_when_style_or_data_change():
    from pakmap.layer import replace_data
    from pakmap.render.styling import symbolize

    gdf = gpd.GeoDataFrame({"v": [1.0, 2.0, 3.0, 4.0]}, geometry=[box(0, 0, 1, 1)] * 4, crs=CRS_M)
    lyr = VectorLayer("d", gdf, style=GraduatedStyle(field="v", method="quantiles", classes=2))
    first = symbolize(lyr)
    assert symbolize(lyr) is first  # cached
    lyr.style.classes = 4
    assert symbolize(lyr).breaks.k == 4
    lyr.update(data=gdf.assign(v=[np.nan, 2.0, 3.0, 4.0]))
    assert symbolize(lyr).classes[-1].nodata
    assert symbolize(replace_data(lyr, gdf)) is not first


def test_numeric_categories_in_numeric_order():
    lyr = VectorLayer(
        "c",
        gpd.GeoDataFrame({"phase": [10, 2, 3, 2]}, geometry=[Point(0, 0)] * 4, crs=CRS_M),
        style=CategorizedStyle(field="phase"),
    )
    assert [i.label for i in legend_items(lyr)] == ["2", "3", "10"]
