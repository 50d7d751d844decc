"""Every text that reaches a web map is data, never code: not for Jinja (folium's template engine),
not for the browser.

A hostile project puts one payload into every text the web map shows — feature names and values,
field names (popup captions), the label field, layer names (vector, point, raster), the title,
subtitle, date, sources (attribution) and a legend category — and the page must show it as the text
it is, with no template evaluated and no file created. ``test_web_browser.py`` opens the same pages in
Chromium (no dialog, no injected node).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from test_web_export import feature_layers
from test_web_raster import write_raster

from pakmap.layer import VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, LayoutSpec, Project, ProtectionSpec
from pakmap.render.legend_items import legend_title, pretty_name, single_label
from pakmap.style import CategorizedStyle, LabelStyle, Symbol
from pakmap.web import render_html
from pakmap.web.content import caption
from pakmap.web.elements import Verbatim

# Creates the folder "pwned" in the working directory if Jinja ever renders it (no quotes: escaping
# must not be what stops it).
OS_PAYLOAD = (
    "{{ cycler.__init__.__globals__.os.makedirs(cycler.__init__.__globals__.os.path.join("
    "cycler.__init__.__globals__.os.getcwd(), dict(pwned=1)|first)) }}"
)
PAYLOADS = {
    "expression": "SSTI-{{ 6*7 }}-END",
    "statement": "{% for x in range(3) %}LOOP{% endfor %}",
    "comment": "COMMENT-A{# hidden #}B {%- raw %}",
    "os": OS_PAYLOAD,
    "script": "</script><script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "url": "javascript:alert(document.domain)",
    "js_string": "';alert(1);//\\\u2028",
}
TEMPLATE_RESULTS = ("SSTI-42-END", "LOOPLOOP", "COMMENT-AB")


def kind_field(payload: str) -> str:
    return f"kind {payload}"


def hostile_loaded(tmp_path: Path, payload: str) -> LoadedProject:
    """Districts, a raster and villages whose every shown text carries ``payload``."""
    field = f"name {payload}"  # a field name: the label field and a popup row caption
    kind = kind_field(payload)  # the mapped field: its caption heads the legend block
    districts = gpd.GeoDataFrame(
        {
            field: [f"{payload} {i}" for i in range(4)],
            kind: [payload, "rural", payload, "urban"],  # categories: legend rows and a popup value
            "refugees": [1200, 3, 45000, 7],
        },
        geometry=[shapely.box(70 + i, 30, 71 + i, 31) for i in range(4)],
        crs="EPSG:4326",
    )
    villages = gpd.GeoDataFrame(
        {kind: [payload, "camp"], "site": [payload, "Kot"]},
        geometry=gpd.points_from_xy([70.5, 72.5], [31.6, 31.3]),
        crs="EPSG:4326",
    )
    raster = write_raster(tmp_path / "flood.tif", name=f"Flood {payload}")
    layers = [
        VectorLayer(
            f"Districts {payload}", districts, style=CategorizedStyle(field=kind), labels=LabelStyle(field=field)
        ),
        raster,
        VectorLayer(
            f"Villages {payload}",
            villages,
            style=CategorizedStyle(
                field=kind, symbol=Symbol(marker="settlement", size=4.0, stroke="#FFFFFF", stroke_width=0.3)
            ),
        ),
    ]
    specs = [
        LayerSpec(layers[0].name, "districts.gpkg", popup_fields=[field, kind, "refugees"]),
        LayerSpec(raster.name, str(tmp_path / "flood.tif")),
        LayerSpec(layers[2].name, "villages.gpkg", popup_fields=["site"]),
    ]
    project = Project(
        layers=specs,
        layout=LayoutSpec(
            title=f"Title {payload}", subtitle=f"Sub {payload}", as_of=f"as of {payload}", sources=f"Source: {payload}"
        ),
        protection=ProtectionSpec(threshold=5),
    )
    project.path = tmp_path / "project.toml"
    return LoadedProject(project, layers)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where OS_PAYLOAD would create its folder
    return tmp_path


def legend_texts(loaded: LoadedProject) -> list[str]:
    """The legend headings the hostile project's texts become: the districts' mapped field, the
    raster's name (the legend writes them as on paper: ``pretty_name``)."""
    return [legend_title(loaded.layers[0]), single_label(loaded.layers[1])]


def _innerhtml_strings(text: str) -> list[str]:
    """The HTML every ``HtmlControl`` writes (title box, legend), decoded from its JSON."""
    return [json.loads(s) for s in re.findall(r'div\.innerHTML = (".*?");', text, re.S)]


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_payloads_are_data_in_every_web_text(in_tmp, name):
    payload = PAYLOADS[name]
    loaded = hostile_loaded(in_tmp, payload)
    text = render_html(loaded)
    assert not (in_tmp / "pwned").exists()
    for evaluated in TEMPLATE_RESULTS:
        assert evaluated not in text, evaluated
    escaped = html.escape(payload)
    # Tooltip/popup: label heading and values, escaped once for HTML, carried as JSON data.
    (features, _), (points, _) = feature_layers(text)
    assert [f["properties"]["h"] for f in features] == [f"{escaped} {i}" for i in range(4)]
    assert features[0]["properties"]["r"][:2] == [f"{escaped} 0", escaped]
    assert points[0]["properties"]["r"] == [escaped]
    names = json.loads(re.search(r"names = (\[.*?\]), html", text).group(1))
    assert names[0] == caption(f"name {payload}")
    # Title box and legend (the mapped field's heading, the raster's name, the category from the data).
    title_box, legend = _innerhtml_strings(text)
    for shown in (f"Title {escaped}", f"Sub {escaped}", f"as of {escaped}"):
        assert shown in title_box
    for shown in legend_texts(loaded):
        assert html.escape(shown) in legend
    assert legend.count(f">{escaped}<") == 2  # the category under districts and under villages
    # Layer control (names) and attribution (sources): JSON strings of escaped HTML.
    overlays = re.search(r"L\.control\.layers\(\s*\{.*?\},\s*\{(.*?)\},\s*\w+_options", text, re.S).group(1)
    keys = [json.loads(k) for k in re.findall(r'("(?:[^"\\]|\\.)*"): \w+,', overlays)]
    # Named as the print legend names a layer (underscores read as spaces), escaped.
    assert keys == [html.escape(pretty_name(f"{n} {payload}")) for n in ("Districts", "Flood", "Villages")]
    attribution = re.search(r"attributionControl\.addAttribution\((\".*?\")\);", text).group(1)
    assert json.loads(attribution) == f"Source: {escaped}"
    assert f"<title>Title {escaped}</title>" in text


@pytest.mark.parametrize("name", ["script", "attribute", "url"])
def test_script_payloads_add_no_markup(in_tmp, name):
    """The page has the same elements whatever the texts say: no script, image or link is added."""
    plain = render_html(hostile_loaded(in_tmp, "plain"))
    hostile = render_html(hostile_loaded(in_tmp, PAYLOADS[name]))

    def tags(text):
        return sorted(re.findall(r"<(script|img|iframe|a|object|embed|svg)\b", text, re.I))

    assert tags(hostile) == tags(plain)
    assert not re.search(r"(href|src)\s*=\s*[\"']?javascript:", hostile, re.I)


def test_every_element_of_the_page_is_written_verbatim(tmp_path):
    """No element that holds the project's text is compiled as a template: those folium would wrap
    in a template-parsing ``Element`` hold only code written here (ids, numbers, Leaflet calls)."""
    from pakmap.web.webmap import build_webmap

    payload = "MARK-{{ 1 }}"
    m = build_webmap(hostile_loaded(tmp_path, payload))
    m.get_root().render()
    figure = m.get_root()
    for part in (figure.header, figure.html, figure.script):
        for child in part._children.values():
            if not isinstance(child, Verbatim):
                assert "MARK-" not in (child._template_str or ""), child._template_str


def test_templates_in_data_leave_the_print_of_numbers_alone(tmp_path):
    """Braces in data are text, but the map's own numbers still read as numbers (a guard against
    escaping too much): 45,000 refugees in the tooltip row, 3 suppressed as on paper."""
    text = render_html(hostile_loaded(tmp_path, "{{ x }}"))
    features, _ = feature_layers(text)[0]
    assert features[2]["properties"]["r"][2] == "45,000"
    assert features[1]["properties"]["r"][2] == "&lt;5"  # 3 people: under the threshold
