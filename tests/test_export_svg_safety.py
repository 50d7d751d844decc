"""SVG exports carry text, never markup: every project text is escaped, a template's font name is a
family name, and a file that could run script is never written (Chromium: ``test_hostile_browser.py``)."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from pakmap.errors import ExportError, StyleError
from pakmap.export import export_print
from pakmap.layer import VectorLayer
from pakmap.layout.template import load_template
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, LayoutSpec, Project
from pakmap.resources import style_file
from pakmap.style import CategorizedStyle, LabelStyle

SCRIPT = '"/><script>alert(1)</script><x a="'
PAYLOADS = [
    SCRIPT,
    "<svg onload=alert(1)>",
    "]]><script>alert(1)</script>",
    "&amp; &#60;script&#62;",
    "javascript:alert(1)",
    "SSTI-{{ 6*7 }}-END",
]
HOSTILE_FONTS = [
    'Lato"/><script>alert(2)</script><text x="',
    "Lato' onload='alert(1)",
    "Lato\n",
    "Lato;x",
    "Lato<",
    "Lato&amp;",
    "",
    " Lato",
    "L" * 81,
    12,
]


def template_with_font(folder: Path, font) -> Path:
    text = style_file("templates/a4_landscape.toml").read_text(encoding="utf-8")
    path = folder / "a4_font.toml"
    path.write_text(text.replace('font = "Lato"', f"font = {_toml_string(font)}"), encoding="utf-8")
    return path


def _toml_string(value) -> str:
    if not isinstance(value, str):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def hostile_page_project(folder: Path, payload: str, template: str = "a4_landscape") -> LoadedProject:
    """Three districts whose names, labels, legend categories and page texts all carry ``payload``."""
    data = gpd.GeoDataFrame(
        {"name": [f"{payload} {i}" for i in range(3)], "kind": [payload, "rural", payload]},
        geometry=[shapely.box(70 + i, 30, 71 + i, 31) for i in range(3)],
        crs="EPSG:4326",
    )
    layer = VectorLayer(
        f"Districts {payload}", data, style=CategorizedStyle(field="kind"), labels=LabelStyle(field="name")
    )
    layout = LayoutSpec(
        template=template,
        title=f"Title {payload}",
        subtitle=f"Sub {payload}",
        as_of=f"as of {payload}",
        sources=f"Src {payload}",
        map_id=f"ID {payload}",
        contact=f"Contact {payload}",
    )
    return LoadedProject(Project(layers=[LayerSpec(layer.name, "districts.gpkg")], layout=layout), [layer])


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(e.itertext()) for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("text", "title", "desc")]


def active_parts(path: Path) -> list[str]:
    """Every script-capable element or attribute of the parsed SVG."""
    found = []
    for element in ET.parse(path).getroot().iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("script", "foreignObject", "iframe", "handler"):
            found.append(tag)
        found += [
            f"{tag} {k}"
            for k, v in element.attrib.items()
            if k.rsplit("}", 1)[-1].lower().startswith("on") or "javascript:" in v.lower()
        ]
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_page_text_reaches_the_svg_as_text(tmp_path, payload):
    out = tmp_path / "map.svg"
    export_print(hostile_page_project(tmp_path, payload), out)
    assert active_parts(out) == []
    texts = svg_texts(out)
    for shown in (
        f"Title {payload}",
        f"Sub {payload}",
        f"{payload} 0",
        f"{payload} 2",
        payload,
        f"Sources: Src {payload}",
        f"Data as of as of {payload}",
        f"Map ID: ID {payload}",
        f"Contact {payload}",
    ):
        assert shown in texts, shown
    assert "SSTI-42-END" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("font", HOSTILE_FONTS)
def test_a_template_font_must_be_a_family_name(tmp_path, font):
    path = template_with_font(tmp_path, font)
    with pytest.raises(StyleError) as caught:
        load_template(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and "font family name" in message


@pytest.mark.parametrize(
    "font", ["Lato", "DejaVu Sans Mono", "Noto Naskh Arabic", "Source Han Sans-2.0", "Jameel_Noori"]
)
def test_real_family_names_are_accepted(tmp_path, font):
    assert load_template(template_with_font(tmp_path, font)).font == font


def test_the_font_fallbacks_stay_well_formed(tmp_path):
    out = tmp_path / "map.svg"
    export_print(hostile_page_project(tmp_path, "x", template=str(template_with_font(tmp_path, "DejaVu Sans"))), out)
    text = out.read_text(encoding="utf-8")
    assert "font-family=\"DejaVu Sans, 'Noto Naskh Arabic', 'Helvetica Neue', Arial, sans-serif\"" in text
    assert active_parts(out) == []


def test_a_font_name_that_slipped_past_the_template_writes_nothing(tmp_path):
    """A template built in code (not read by ``load_template``) is checked again by the SVG writer."""
    from pakmap.export.svg import write_svg
    from pakmap.layout.compose import compose_page

    loaded = hostile_page_project(tmp_path, "x")
    template = dataclasses.replace(load_template("a4_landscape"), font=HOSTILE_FONTS[0])
    page = compose_page(loaded, template)
    out = tmp_path / "map.svg"
    with pytest.raises(ExportError, match="not a font family name"):
        write_svg(page, out)
    assert list(tmp_path.glob("*.svg")) == [] and list(tmp_path.glob(".map.*")) == []


@pytest.mark.parametrize(
    "markup, problem",
    [
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
        ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "event handler"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            '<a x:href="javascript:alert(1)"><text>t</text></a></svg>',
            "link",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><text font-family="a"/><script>"/></svg>', "well-formed"),
    ],
)
def test_check_inert_refuses_script(tmp_path, markup, problem):
    from pakmap.export.svg import check_inert

    path = tmp_path / "bad.svg"
    path.write_text(markup, encoding="utf-8")
    with pytest.raises(ExportError, match=problem):
        check_inert(path, tmp_path / "map.svg")
