"""QGIS .qml and SLD styles written from pakmap layers, and .qml read back (no QGIS needed here;
tests/test_interop_qgis.py checks the same files with QGIS itself)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from pakmap.errors import StyleError
from pakmap.interop import read_qml, style_to_qml, style_to_sld
from pakmap.interop.qml import expression_to_format, label_expression
from pakmap.layer import VectorLayer
from pakmap.render.styling import symbolize
from pakmap.style import CategorizedStyle, GraduatedStyle, LabelStyle, ProportionalStyle, SingleSymbolStyle, Symbol

SE = "{http://www.opengis.net/se}"
OGC = "{http://www.opengis.net/ogc}"


def districts(style, labels=None) -> VectorLayer:
    frame = gpd.GeoDataFrame(
        {
            "name": ["Peshawar", "Quetta", "Lahore", "Karachi", "Gilgit"],
            "refugees": [120_000, 45_000, 3_000, 800, None],
            "kind": ["urban", "rural", "urban", "camp", None],
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(5)],
        crs="EPSG:4326",
    )
    return VectorLayer("districts", frame, style=style, labels=labels)


def graduated_layer() -> VectorLayer:
    style = GraduatedStyle(
        field="refugees",
        method="manual",
        classes=3,
        breaks=[1_000, 50_000, 120_000],
        palette="unhcr_blue",
        symbol=Symbol(stroke="#FFFFFF", stroke_width=0.3, line_style="dash"),
    )
    return districts(style, LabelStyle(field="name", size=8, bold=True, halo_width=0.5))


def test_graduated_round_trip_keeps_bounds_colours_outline_and_labels():
    layer = graduated_layer()
    qml = style_to_qml(layer, 5)
    imported = read_qml(qml.encode("utf-8"), "d.qml")
    style = imported.style
    assert isinstance(style, GraduatedStyle)
    assert style.field == "refugees" and style.method == "manual"
    assert style.breaks == [1000.0, 50000.0, 120000.0]
    assert style.palette == "unhcr_blue" and style.colors is None  # pakmap's own ramp is recognised
    assert (style.symbol.stroke, style.symbol.stroke_width, style.symbol.line_style) == ("#FFFFFF", 0.3, "dash")
    assert style.nodata_color == "#E6E6E6" and style.nodata_label == "No data"
    assert imported.labels.field == "name" and imported.labels.size == 8 and imported.labels.bold
    assert imported.labels.halo_width == 0.5
    assert imported.not_carried == [], imported.summary()
    # … and written again, the same file: qml → style → qml is stable.
    again = districts(style, imported.labels)
    assert style_to_qml(again, 5) == qml


def test_graduated_classes_are_those_pakmap_draws():
    layer = graduated_layer()
    sym = symbolize(layer, 5)
    root = ET.fromstring(style_to_qml(layer, 5).split("\n", 1)[1])
    ranges = root.findall("./renderer-v2/ranges/range")
    assert [r.get("label") for r in ranges] == [c.label for c in sym.classes]
    assert [float(r.get("upper")) for r in ranges[:3]] == [1000.0, 50000.0, 120000.0]
    assert float(ranges[0].get("lower")) == 800.0  # the smallest value, as pakmap's first class


def test_imported_colours_that_are_no_palette_are_kept_as_colours():
    qml = style_to_qml(graduated_layer(), 5).replace("205,227,241,255", "255,0,0,255")
    style = read_qml(qml.encode()).style
    assert style.colors is not None and style.colors[0] == "#FF0000"
    layer = districts(style)
    assert symbolize(layer, 5).classes[0].fill == "#FF0000"


def test_categorized_and_single_round_trip():
    cat = districts(CategorizedStyle(field="kind", colors={"camp": "#EF4A60"}, other_color="#AAAAAA"))
    imported = read_qml(style_to_qml(cat).encode())
    assert isinstance(imported.style, CategorizedStyle) and imported.style.field == "kind"
    assert imported.style.colors["camp"] == "#EF4A60" and imported.style.other_color == "#AAAAAA"
    assert set(imported.style.colors) == {"camp", "rural", "urban"}
    single = districts(SingleSymbolStyle(Symbol(fill="none", stroke="#18375F", stroke_width=0.5, opacity=0.8)))
    imported = read_qml(style_to_qml(single, opacity=0.6).encode())
    assert isinstance(imported.style, SingleSymbolStyle)
    assert imported.style.symbol.fill == "none" and imported.style.symbol.stroke == "#18375F"
    assert imported.style.symbol.opacity == 0.8 and imported.opacity == 0.6


def test_points_markers_and_proportional_circles_round_trip():
    points = gpd.GeoDataFrame({"pop": [10, 250, 4000]}, geometry=[Point(i, i) for i in range(3)], crs="EPSG:4326")
    village = VectorLayer(
        "villages", points, style=SingleSymbolStyle(Symbol(fill="#0072BC", marker="settlement", size=3))
    )
    imported = read_qml(style_to_qml(village).encode())
    assert imported.style.symbol.marker == "settlement" and imported.style.symbol.size == 3
    assert "base64:" in style_to_qml(village)  # the pictogram travels inside the style
    circles = VectorLayer("villages", points, style=ProportionalStyle(field="pop", max_size=12))
    qml = style_to_qml(circles)
    assert "sqrt" in qml and 'name="size"' in qml
    style = read_qml(qml.encode()).style
    assert isinstance(style, ProportionalStyle) and style.field == "pop" and style.max_size == 12
    assert style.max_value == 4000


def test_dotted_lines_keep_their_dots():
    lines = gpd.GeoDataFrame({"n": [1]}, geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    loc = VectorLayer(
        "line_of_control",
        lines,
        style=SingleSymbolStyle(Symbol(fill="#333333", stroke="#FFFFFF", stroke_width=0.4, line_style="dot")),
    )
    imported = read_qml(style_to_qml(loc).encode())
    symbol = imported.style.symbol
    assert (imported.style.symbol.fill, symbol.line_style, symbol.stroke_width) == ("#333333", "dot", 0.4)
    assert imported.not_carried == []


def test_a_field_name_with_spaces_as_qgis_writes_it():
    qml = style_to_qml(districts(CategorizedStyle(field="kind")))
    qml = qml.replace('attr="kind"', 'attr="camp kind"')
    assert read_qml(qml.encode()).style.field == "camp kind"


def test_label_expressions_both_ways():
    labels = LabelStyle(expression="{name}\n{refugees:,.0f} refugees")
    text, is_expression = label_expression(labels)
    assert is_expression
    assert text == "concat(\"name\", '\\n', format_number(\"refugees\", 0), ' refugees')"
    assert expression_to_format(text) == "{name}\n{refugees:,.0f} refugees"
    assert expression_to_format("\"name\" || ' (' || \"province\" || ')'") == "{name} ({province})"
    assert expression_to_format('upper("name")') is None


def test_what_cannot_be_carried_over_is_said_in_one_line():
    qml = style_to_qml(graduated_layer(), 5)
    qml = qml.replace('fontFamily="Lato"', 'fontFamily="Arial"').replace('value="solid" />', 'value="dense4" />', 1)
    qml = qml.replace('name="style" value="solid"', 'name="style" value="dense4"')
    imported = read_qml(qml.encode())
    summary = imported.summary()
    assert "\n" not in summary and summary.startswith("not carried over: ")
    assert "label font Arial" in summary and "fill pattern 'dense4'" in summary


@pytest.mark.parametrize(
    "data, problem",
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE qgis [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><qgis>&b;</qgis>',
            "declares XML entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE qgis [<!ENTITY x SYSTEM "file:///etc/passwd">]><qgis>&x;</qgis>',
            "declares XML entities",
        ),
        (b"<qgis><renderer-v2", "not well-formed"),
        (b"<html><body>hi</body></html>", "not a QGIS style"),
        (b'<qgis><renderer-v2 type="heatmapRenderer"/></qgis>', "cannot read a QGIS 'heatmapRenderer' renderer"),
        (
            b'<qgis><renderer-v2 type="graduatedSymbol" attr="upper(x) || y"><ranges><range lower="0" upper="1" symbol="0"/>'
            b"</ranges><symbols/></renderer-v2></qgis>",
            "classifies the expression",
        ),
    ],
)
def test_hostile_or_foreign_files_get_one_line_errors(data, problem):
    with pytest.raises(StyleError) as err:
        read_qml(data, "mail/attachment.qml")
    message = str(err.value)
    assert problem in message and "mail/attachment.qml" in message and "\n" not in message


def test_sld_is_se_1_1_with_one_rule_per_class_and_labels():
    layer = graduated_layer()
    root = ET.fromstring(style_to_sld(layer, 5).split("\n", 1)[1])
    assert root.tag == "{http://www.opengis.net/sld}StyledLayerDescriptor" and root.get("version") == "1.1.0"
    rules = root.findall(f".//{SE}FeatureTypeStyle/{SE}Rule")
    sym = symbolize(layer, 5)
    assert [r.findtext(f"{SE}Name") for r in rules] == [c.label for c in sym.classes] + ["labels"]
    fills = [r.find(f".//{SE}Fill/{SE}SvgParameter[@name='fill']").text for r in rules[:-1]]
    assert fills == [c.fill for c in sym.classes]
    assert rules[0].find(f"{OGC}Filter/{OGC}And/{OGC}PropertyIsGreaterThanOrEqualTo") is not None
    assert rules[1].find(f"{OGC}Filter/{OGC}And/{OGC}PropertyIsGreaterThan") is not None
    assert rules[-2].find(f"{OGC}Filter/{OGC}PropertyIsNull") is not None  # no data
    assert rules[0].find(f".//{SE}Stroke/{SE}SvgParameter[@name='stroke-dasharray']") is not None
    text = rules[-1].find(f"{SE}TextSymbolizer")
    assert text.findtext(f"{SE}Label/{OGC}PropertyName") == "name"
    assert text.find(f"{SE}Halo/{SE}Radius") is not None
    assert text.find(f"{SE}Font/{SE}SvgParameter[@name='font-weight']").text == "bold"


def test_graduated_colours_in_a_project_file_are_checked():
    from pakmap.style import style_from_dict

    with pytest.raises(StyleError, match="must be a list of colours"):
        style_from_dict({"kind": "graduated", "field": "x", "colors": ["red"]})
    assert style_from_dict({"kind": "graduated", "field": "x", "colors": ["#FF0000"]}).colors == ["#FF0000"]


def test_the_small_count_class_goes_over_and_comes_back():
    frame = gpd.GeoDataFrame(
        {"refugees": [3, 0, 450, 12000, 70000]}, geometry=[box(i, 0, i + 1, 1) for i in range(5)], crs="EPSG:4326"
    )
    layer = VectorLayer(
        "districts", frame, style=GraduatedStyle(field="refugees", method="manual", breaks=[10000, 70000])
    )
    sym = symbolize(layer, 5)
    assert sym.classes[0].label == "<5"
    qml = style_to_qml(layer, 5)
    first = ET.fromstring(qml.split("\n", 1)[1]).find("./renderer-v2/ranges/range")
    # 0 to just under 5: "<5" reads back as 0, and a district with exactly 5 is in the next class.
    assert (first.get("label"), float(first.get("lower")), float(first.get("upper"))) == ("<5", 0.0, 4.999999999999999)
    style = read_qml(qml.encode()).style
    assert style.breaks == [10000.0, 70000.0]
    assert style_to_qml(VectorLayer("districts", frame, style=style), 5) == qml
