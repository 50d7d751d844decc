"""Style model, palettes and number formatting: the shared vocabulary of every output."""

from __future__ import annotations

import pytest

from pakmap.errors import StyleError
from pakmap.numbers import format_number, format_range
from pakmap.palettes import brand_color, palette, palettes
from pakmap.style import (
    GraduatedStyle,
    ProportionalStyle,
    SingleSymbolStyle,
    labels_from_dict,
    labels_to_dict,
    raster_style_from_dict,
    raster_style_to_dict,
    style_from_dict,
    style_to_dict,
)


def test_style_round_trip_through_dict():
    data = {
        "kind": "graduated",
        "field": "refugees",
        "method": "quantiles",
        "classes": 4,
        "palette": "unhcr_green",
        "symbol": {"stroke": "#FFFFFF", "stroke_width": 0.1},
    }
    style = style_from_dict(data)
    assert isinstance(style, GraduatedStyle) and style.classes == 4 and style.symbol.stroke_width == 0.1
    assert style_from_dict(style_to_dict(style)) == style
    assert isinstance(style_from_dict({}), SingleSymbolStyle)
    assert isinstance(style_from_dict({"kind": "proportional", "field": "n"}), ProportionalStyle)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "heatmap"}, "unknown style kind 'heatmap'"),
        ({"kind": "graduated"}, "needs a 'field'"),
        ({"kind": "graduated", "field": "x", "method": "jenks"}, "unknown classification method 'jenks'"),
        ({"kind": "graduated", "field": "x", "method": "manual"}, "without 'breaks'"),
        (
            {"kind": "graduated", "field": "x", "method": "manual", "breaks": [10, 5]},
            "break 2 (5) is not above break 1",
        ),
        ({"kind": "graduated", "field": "x", "method": "manual", "breaks": [10, 10]}, "must increase"),
        (
            {"kind": "graduated", "field": "x", "method": "manual", "breaks": [10, "lots"]},
            "break 2 ('lots') in the style of layer 'districts' is not a number",
        ),
        ({"kind": "graduated", "field": "x", "method": "manual", "breaks": "10, 20"}, "must be a list of numbers"),
        ({"kind": "graduated", "field": "x", "classes": 40}, "40 classes"),
        ({"kind": "single", "colour": "#fff"}, "unknown key(s) colour"),
        ({"kind": "single", "symbol": {"marker": "star"}}, "unknown marker 'star'"),
    ],
)
def test_bad_styles_are_reported(data, message):
    with pytest.raises(StyleError) as info:
        style_from_dict(data, "the style of layer 'districts'")
    assert message in str(info.value)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"band": 0}, "band 0"),
        ({"palette": "rainbow"}, "unknown palette 'rainbow'"),
        ({"vmin": 10, "vmax": 5}, "runs from 10 to 5"),
        ({"vmin": "low"}, "'vmin' in the style of layer 'dem' ('low') is not a number"),
        ({"nodata": True}, "'nodata'"),
        ({"opacity": 1.5}, "opacity 1.5"),
    ],
)
def test_bad_raster_styles_are_reported(data, message):
    with pytest.raises(StyleError) as info:
        raster_style_from_dict(data, "the style of layer 'dem'")
    assert message in str(info.value)


def test_raster_style_round_trip_with_nodata():
    style = raster_style_from_dict({"palette": "unhcr_green", "vmin": 0, "vmax": 3000, "nodata": -9999})
    assert style.nodata == -9999 and raster_style_from_dict(raster_style_to_dict(style)) == style
    assert "nodata" not in raster_style_to_dict(raster_style_from_dict({}))  # unset: not written


def test_labels_need_field_or_expression():
    assert labels_from_dict({"field": "name"}).field == "name"
    assert labels_from_dict(None) is None
    with pytest.raises(StyleError, match="needs a 'field' or an 'expression'"):
        labels_from_dict({"size": 8})


def test_label_placement_defaults_to_along_the_line_and_round_trips():
    assert labels_from_dict({"field": "name"}).placement == "line"
    level = labels_from_dict({"field": "name", "placement": "horizontal"})
    assert level.placement == "horizontal"
    assert labels_from_dict(labels_to_dict(level)) == level
    with pytest.raises(StyleError, match="unknown label placement 'curved'.*use one of: line, horizontal"):
        labels_from_dict({"field": "name", "placement": "curved"}, "the labels of layer 'rivers'")


def test_unhcr_palettes_come_from_the_styles_folder():
    blue = palette("unhcr_blue")
    assert blue.colors[3] == "#0072BC" and blue.colorblind_safe
    assert blue.ramp(6) == list(blue.colors)
    five = blue.ramp(5)
    assert five[0] == "#CDE3F1" and five[-1] == "#0B3754" and set(five) <= set(blue.colors)
    eight = blue.ramp(8)
    assert len(set(eight)) == 8 and eight[0] == "#CDE3F1" and eight[-1] == "#0B3754"
    assert brand_color("blue") == "#0072BC"
    assert brand_color("nodata") not in blue.colors  # no-data never looks like the lowest class
    assert palette("unhcr_categorical").ramp(10)[8] == palette("unhcr_categorical").colors[0]
    assert {"unhcr_blue", "unhcr_yellow", "unhcr_green", "unhcr_categorical"} <= set(palettes())
    with pytest.raises(StyleError, match="unknown palette 'rainbow'"):
        palette("rainbow")


def test_numbers_as_people_read_them():
    assert format_number(1234567) == "1,234,567"
    assert format_number(1234.0) == "1,234"
    assert format_number(0.456) == "0.46"
    assert format_number(3, threshold=5) == "<5"
    assert format_number(0, threshold=5) == "0"
    assert format_number(5, threshold=5) == "5"
    assert format_number(float("nan")) == ""
    assert format_number("Peshawar") == "Peshawar"
    assert format_range(1001, 5000) == "1,001 – 5,000"


def test_small_counts_share_one_class_and_a_rate_is_never_suppressed():
    import geopandas as gpd
    import shapely

    from pakmap.layer import VectorLayer
    from pakmap.render import legend_items
    from pakmap.style import GraduatedStyle

    values = [1, 2, 3, 4, 40, 400, 4000, 40000]
    points = shapely.points([(i, 0) for i in range(8)])
    layer = VectorLayer(
        "d",
        gpd.GeoDataFrame({"refugees": values}, geometry=points, crs="EPSG:4326"),
        style=GraduatedStyle(field="refugees", method="manual", breaks=[1, 3, 100, 1000, 40000]),
    )
    labels = [item.label for item in legend_items(layer, threshold=5)]
    assert labels == ["<5", "40 – 100", "101 – 1,000", "1,001 – 40,000"]

    shares = VectorLayer(
        "s",
        gpd.GeoDataFrame({"literacy_rate": [0.19, 0.3, 0.5, 0.84] * 2}, geometry=points, crs="EPSG:4326"),
        style=GraduatedStyle(field="literacy_rate", method="quantiles", classes=4),
    )
    labels = [item.label for item in legend_items(shares, threshold=5)]
    assert labels == ["0.19 – 0.27", "0.27 – 0.4", "0.4 – 0.58", "0.58 – 0.84"]


def test_line_of_control_is_drawn_dotted_on_every_surface():
    """UNHCR convention: the Line of Control is dotted — on the map, in the legend, on the web."""
    import geopandas as gpd
    import shapely
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPen

    from pakmap.layer import VectorLayer
    from pakmap.render import legend_items
    from pakmap.render.qt import set_line_style
    from pakmap.web.styles import web_style

    style = style_from_dict({"kind": "single", "symbol": {"line_style": "dot", "fill": "#000000", "stroke_width": 0.4}})
    loc = VectorLayer(
        "Line of Control",
        gpd.GeoDataFrame(geometry=[shapely.LineString([(74, 33), (75, 35)])], crs="EPSG:4326"),
        style=style,
    )
    assert legend_items(loc)[0].line_style == "dot"
    assert web_style(loc, None).styles[0]["dashArray"] == "0.025 5"  # dots of at least 2.5 px on a screen
    assert set_line_style(QPen(), "dot").style() == Qt.PenStyle.CustomDashLine
    with pytest.raises(StyleError, match="unknown line style 'wavy'"):
        style_from_dict({"kind": "single", "symbol": {"line_style": "wavy"}})
