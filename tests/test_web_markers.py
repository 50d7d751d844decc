"""Point markers on the web map: the print markers as shared SVG symbols, class colours, legend, size.

The browser side (icons drawn, tooltips on hover) is in ``test_web_browser.py``.
"""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_web_export import XSS, feature_layers

from pakmap.layer import VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, Project
from pakmap.render.paths import CURVE_TO, CURVE_TO_DATA
from pakmap.render.styling import symbolize
from pakmap.render.symbols import markers
from pakmap.style import MARKERS, CategorizedStyle, SingleSymbolStyle, Symbol
from pakmap.web import render_html
from pakmap.web.markers import MarkerSymbol, svg_path_data
from pakmap.web.styles import MAX_MARKER_ICONS, px

KINDS = ["village", "camp", "settlement"]


def points_loaded(n: int, style=None, popup_fields=("kind",)) -> LoadedProject:
    """``n`` points over Pakistan, three kinds in turn, one point per kind carrying a hostile name."""
    rng = np.random.default_rng(2)
    data = gpd.GeoDataFrame(
        {"kind": [KINDS[i % 3] for i in range(n)], "name": [f"Place {i}" for i in range(n)]},
        geometry=gpd.points_from_xy(rng.uniform(62, 75, n), rng.uniform(24, 36, n)),
        crs="EPSG:4326",
    )
    if n:
        data.loc[0, "name"] = XSS
    style = style or CategorizedStyle(
        field="kind", symbol=Symbol(marker="settlement", size=4.0, stroke="#FFFFFF", stroke_width=0.3)
    )
    project = Project(layers=[LayerSpec("Villages", "villages.csv", popup_fields=list(popup_fields))])
    return LoadedProject(project, [VectorLayer("Villages", data, style=style)])


def symbol_defs(text: str) -> dict[str, str]:
    """Every ``<symbol>`` of the page: id -> its markup."""
    return dict(re.findall(r'<symbol id="([\w-]+)"[^>]*>(.*?)</symbol>', text))


def used_symbol(style: dict) -> str:
    return re.fullmatch(r'.*<use href="#([\w-]+)"/>.*', style["icon"]["html"]).group(1)


def test_svg_path_data_is_the_print_geometry():
    """Every marker's SVG path holds exactly the print renderer's path elements (one geometry)."""
    for name in MARKERS:
        for part in markers()[name]:
            d = svg_path_data(part)
            numbers = np.array([float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]).reshape(-1, 2)
            assert np.allclose(numbers, part.xy, atol=5e-5), name
            commands = re.findall(r"[MLCZ]", d)
            # One command letter per move/line, one "C" per three curve elements.
            expected = [{0: "M", 1: "L", CURVE_TO: "C"}[t] for t in part.types if t != CURVE_TO_DATA]
            assert [c for c in commands if c != "Z"] == expected, name
            assert commands[-1] == "Z", name  # closed: joined all round, no line caps at the start


def test_one_shared_symbol_per_class_in_the_class_colours(tmp_path):
    loaded = points_loaded(300)
    text = render_html(loaded)
    ((features, styles),) = feature_layers(text)
    defs = symbol_defs(text)
    sym = symbolize(loaded.layers[0])
    assert len(features) == 300 and len(defs) == 3 and len(styles) == 3
    # The file holds each symbol once and each icon once, not once per point.
    assert text.count("<symbol ") == 3 and text.count("use href=") == 3
    for feature, row in zip(features, range(300)):
        symbol = defs[used_symbol(styles[feature["properties"]["s"]])]
        fill = re.search(r'fill="(#[0-9A-F]{6})"', symbol).group(1)  # the body, drawn first
        assert fill == sym.classes[sym.class_of[row]].fill
    # The settlement marker: a disc outlined in white, and a white house on it.
    symbol = next(iter(defs.values()))
    assert symbol.count("<path ") == 2 and 'stroke="#FFFFFF"' in symbol and 'fill="#FFFFFF"' in symbol


def test_marker_size_and_outline_are_the_print_sizes():
    symbol = MarkerSymbol("camp", "#0072BC", "#FFFFFF", px(0.3), px(4.0))
    assert symbol.box_px == pytest.approx((4.0 + 0.3) * 96 / 25.4, abs=0.01)
    # In the unit box (1 unit = half the marker), the outline is 0.3 mm of a 2 mm half-width.
    width = float(re.search(r'stroke-width="([\d.]+)"', symbol.paths()).group(1))
    assert width == pytest.approx(0.15, abs=0.001) and 'stroke-linejoin="round"' in symbol.paths()
    # The unit box and half the outline around it.
    assert [float(v) for v in symbol.view_box.split()] == pytest.approx([-1.075, -1.075, 2.15, 2.15], abs=0.001)
    icon = symbol.icon_options()
    assert icon["iconAnchor"] == [symbol.box_px / 2, symbol.box_px / 2]  # centred on the point
    no_outline = MarkerSymbol("camp", "#0072BC", None, px(0.3), px(4.0))
    assert "stroke" not in no_outline.paths() and no_outline.paths().count("<path") == 1  # no pictogram either
    assert no_outline.view_box == "-1 -1 2 2"


def test_the_same_look_in_two_layers_is_defined_once():
    loaded = points_loaded(10, SingleSymbolStyle(Symbol(marker="camp", fill="#EF4A60")))
    loaded.layers.append(
        VectorLayer(
            "Camps", loaded.layers[0].data.copy(), style=SingleSymbolStyle(Symbol(marker="camp", fill="#EF4A60"))
        )
    )
    loaded.project.layers.append(LayerSpec("Camps", "camps.csv"))
    text = render_html(loaded)
    (_, first), (_, second) = feature_layers(text)
    assert used_symbol(first[0]) == used_symbol(second[0]) and len(symbol_defs(text)) == 1


def test_tooltips_keep_their_text_and_escaping():
    ((features, _),) = feature_layers(render_html(points_loaded(6, popup_fields=("name", "kind"))))
    assert features[0]["properties"]["r"] == [html.escape(XSS), "village"]


def test_legend_shows_the_map_marker():
    loaded = points_loaded(30)
    text = render_html(loaded)
    legend = json.loads(re.findall(r'div\.innerHTML = (".*?");', text, re.S)[-1])
    defs = symbol_defs(text)
    swatches = re.findall(r'<svg class="pm-sw"[^>]*>(.*?)</svg>', legend)
    assert len(swatches) == 3
    # Each legend swatch draws the paths of one of the map's symbols (the legend's opacity aside).
    assert sorted(swatches) == sorted(defs.values())
    for label in ("camp", "settlement", "village"):
        assert label in legend


def test_dense_point_layers_are_circles_of_the_marker_size_and_class_colours():
    loaded = points_loaded(MAX_MARKER_ICONS + 1)
    text = render_html(loaded)
    ((features, styles),) = feature_layers(text)
    sym = symbolize(loaded.layers[0])
    assert not symbol_defs(text) and "use href=" not in text
    assert {s["radius"] for s in styles} == {px(4.0 / 2)}
    assert [styles[f["properties"]["s"]]["fillColor"] for f in features] == [sym.classes[c].fill for c in sym.class_of]
    legend = json.loads(re.findall(r'div\.innerHTML = (".*?");', text, re.S)[-1])
    assert legend.count("border-radius:50%") == 3 and 'class="pm-sw"' in legend and "<svg" not in legend


def test_many_points_cost_their_coordinates_only():
    """The icon is written per class: each further point adds its coordinates and style index."""
    few = len(render_html(points_loaded(100, popup_fields=())))
    many = len(render_html(points_loaded(MAX_MARKER_ICONS, popup_fields=())))
    assert (many - few) / (MAX_MARKER_ICONS - 100) < 30  # bytes per point


def test_marker_stroke_colour_must_be_hex():
    from pakmap.errors import StyleError

    loaded = points_loaded(3, SingleSymbolStyle(Symbol(marker="camp", stroke='"/><script>alert(1)</script>')))
    with pytest.raises(StyleError, match="hex"):
        render_html(loaded)


def test_multipoints_get_a_marker_at_each_point():
    loaded = points_loaded(2)
    loaded.layers[0].data.loc[1, "geometry"] = shapely.multipoints([(70, 30), (71, 31)])
    ((features, styles),) = feature_layers(render_html(loaded))
    assert features[1]["geometry"]["type"] == "MultiPoint" and "icon" in styles[features[1]["properties"]["s"]]
