"""A fill's own transparency (``Symbol.fill_opacity``): the fill fades, outlines and pictograms do not,
on every surface — renderer (PNG, SVG), legend, project file, QGIS style, web map."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import Point, box

from pakmap.errors import PakmapError
from pakmap.interop import read_qml, style_to_qml, style_to_sld
from pakmap.layer import VectorLayer
from pakmap.project.toml_format import load_project, save_project
from pakmap.render import MapView, legend_items
from pakmap.render.offscreen import render_image
from pakmap.style import GraduatedStyle, SingleSymbolStyle, Symbol, style_from_dict, style_table
from pakmap.web.legend import layer_legend
from pakmap.web.styles import web_style

CRS_M = CRS.from_epsg(3857)
BLUE = "#0000FF"


def _layers(fill_opacity: float) -> tuple[VectorLayer, VectorLayer]:
    """A red square, and a blue square with a 2 mm black outline over it."""
    under = VectorLayer(
        "under",
        gpd.GeoDataFrame({"v": [1.0]}, geometry=[box(0, 0, 100, 100)], crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill="#FF0000", stroke="#FF0000", stroke_width=0.0)),
    )
    over = VectorLayer(
        "over",
        gpd.GeoDataFrame({"v": [5.0]}, geometry=[box(20, 20, 80, 80)], crs=CRS_M),
        style=GraduatedStyle(
            field="v",
            method="manual",
            breaks=[10.0],
            colors=[BLUE],
            symbol=Symbol(stroke="#000000", stroke_width=2.0, fill_opacity=fill_opacity),
        ),
    )
    return under, over


def _rgb(image, x: int, y: int) -> tuple[int, int, int]:
    return image.pixelColor(x, y).getRgb()[:3]


def test_the_renderer_blends_the_fill_and_keeps_the_outline_opaque(tmp_path):
    under, over = _layers(0.6)
    view = MapView((under, over), (0, 0, 100, 100), CRS_M, 400, 400, dpi=96)
    image, _ = render_image(view)
    image.save(str(tmp_path / "faded.png"))  # the PNG export's own device: a QImage
    from PySide6.QtGui import QImage

    png = QImage(str(tmp_path / "faded.png"))
    red, green, blue = _rgb(png, 200, 200)  # inside the blue square: 60 % blue over red
    assert abs(red - 102) <= 1 and green == 0 and abs(blue - 153) <= 1
    assert _rgb(png, 80, 200) == (0, 0, 0)  # on its outline (x = 20 map units = 80 px): opaque black
    assert _rgb(png, 20, 20) == (255, 0, 0)  # the red square beyond
    opaque, _ = render_image(MapView(_layers(1.0), (0, 0, 100, 100), CRS_M, 400, 400, dpi=96))
    assert _rgb(opaque, 200, 200) == (0, 0, 255)


def test_svg_output_fades_the_fill_only():
    from render_helpers import svg_of

    _, over = _layers(0.6)
    svg = svg_of(MapView((over,), (0, 0, 100, 100), CRS_M, 400, 400, dpi=96))
    assert re.search(r'fill="#0000ff" fill-opacity="0.6', svg)
    assert 'stroke="#000000" stroke-opacity="1"' in svg


def test_markers_fade_their_body_not_their_pictogram():
    points = gpd.GeoDataFrame({"v": [1]}, geometry=[Point(50, 50)], crs=CRS_M)
    symbol = Symbol(fill=BLUE, stroke="#000000", stroke_width=0.0, marker="camp", size=20.0, fill_opacity=0.5)
    layer = VectorLayer("camps", points, style=SingleSymbolStyle(symbol))
    image, _ = render_image(MapView((layer,), (0, 0, 100, 100), CRS_M, 200, 200, dpi=96))
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(200, -1)[:, :800].reshape(200, 200, 4)
    colours, counts = np.unique(pixels[60:140, 60:140, :3].reshape(-1, 3), axis=0, return_counts=True)
    seen = {tuple(int(v) for v in c[::-1]): int(n) for c, n in zip(colours, counts)}  # BGR in memory
    assert seen.get((127, 127, 255), 0) > 1000  # the body: half blue over the white page
    assert seen.get((0, 0, 0), 0) > 300  # the pictogram: opaque black


def test_project_file_round_trip_and_old_files_unchanged(tmp_path):
    style = style_from_dict({"kind": "single", "symbol": {"fill": "#0072BC", "fill_opacity": 0.6}})
    assert style.symbol.fill_opacity == 0.6 and style.symbol.fill_alpha == 0.6
    assert style_table(style) == {"kind": "single", "symbol": {"fill_opacity": 0.6}}
    old = style_from_dict({"kind": "single", "symbol": {"fill": "#0072BC", "opacity": 0.8}})
    assert old.symbol.fill_opacity == 1.0 and "fill_opacity" not in str(style_table(old))

    data = tmp_path / "d.geojson"
    gpd.GeoDataFrame({"v": [1.0]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326").to_file(data)
    path = tmp_path / "p.toml"
    path.write_text(
        f'[pakmap]\nformat = 1\n\n[[layers]]\nname = "d"\npath = "{data.as_posix()}"\n'
        'style = { kind = "graduated", field = "v", symbol = { fill_opacity = 0.6 } }\n',
        encoding="utf-8",
    )
    project = load_project(path)
    assert project.layer_spec("d").style.symbol.fill_opacity == 0.6
    save_project(project, tmp_path / "again.toml")
    assert "fill_opacity = 0.6" in (tmp_path / "again.toml").read_text(encoding="utf-8")
    assert load_project(tmp_path / "again.toml").layer_spec("d").style.symbol.fill_opacity == 0.6


@pytest.mark.parametrize("value", [1.5, -0.1, "half", True])
def test_a_fill_opacity_out_of_range_is_one_line(value):
    with pytest.raises(PakmapError, match="fill_opacity .* is not between 0 and 1") as info:
        style_from_dict({"kind": "single", "symbol": {"fill_opacity": value}})
    assert "fill_opacity = 0.8" in str(info.value) and "\n" not in str(info.value)


def test_legend_rows_carry_the_fill_opacity():
    _, over = _layers(0.6)
    items = legend_items(over)
    assert items and all(item.opacity == 0.6 for item in items)
    html = layer_legend(over, None)
    assert "rgba(0,0,255,0.6)" in html and "opacity:" not in html.replace("fill-opacity", "")


def test_qml_carries_the_fill_alpha_and_reads_it_back():
    _, over = _layers(0.6)
    qml = style_to_qml(over)
    root = ET.fromstring(qml.split("\n", 1)[1])
    fills = root.findall(".//layer[@class='SimpleFill']")
    props = [{o.get("name"): o.get("value") for o in f.iter("Option") if o.get("name")} for f in fills]
    assert props and all(p["color"].endswith(",153") and p["outline_color"] == "0,0,0,255" for p in props)
    imported = read_qml(qml.encode("utf-8"), "over.qml")
    assert imported.style.symbol.fill_opacity == 0.6 and imported.style.symbol.opacity == 1.0
    assert style_to_qml(VectorLayer("over", over.data, style=imported.style)) == qml
    sld = style_to_sld(over)
    assert '<se:SvgParameter name="fill-opacity">0.6</se:SvgParameter>' in sld
    assert "stroke-opacity" not in sld


def test_the_web_map_fades_the_fill_only():
    _, over = _layers(0.6)
    over.opacity = 0.5  # the layer panel's opacity multiplies both
    style = web_style(over, None).styles[0]
    assert style["fillOpacity"] == 0.3 and style["opacity"] == 0.5
