"""Field expressions (labels, atlas titles, template wording) reach fields only, never Python objects:
anything but ``{field}`` with a number format is a one-line error when the project is read."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from pakmap.cli import main
from pakmap.errors import ProjectError, StyleError
from pakmap.field_format import expression_fields, parse_expression
from pakmap.layer import VectorLayer
from pakmap.project.toml_format import load_project
from pakmap.render.labels import label_texts
from pakmap.style import LabelStyle

GOOD = {
    "{name}": "Peshawar",
    "{name}\n{refugees:,.0f}": "Peshawar\n1,234,567",
    "{share:.1%}": "36.2%",
    "{{{name}}}": "{Peshawar}",
    "{Population 2023:,d}": "2,000",
    "{refugees:+,.2f} ({name:.3s})": "+1,234,567.00 (Pes)",
}
BAD = {
    "{name.__class__}": "not a plain field reference",
    "{name.__class__.__mro__[1].__subclasses__}": "not a plain field reference",
    "{name[0]}": "not a plain field reference",
    "{name!r}": "not a plain field reference",
    "{0}": "names no field",
    "{}": "names no field",
    "{ }": "names no field",
    "{name:>999999999}": "not a number format",
    "{name:x>20}": "not a number format",
    "{name:020}": "not a number format",
    "{refugees:.999999999f}": "not a number format",
    "{name:{refugees}}": "not a number format",
    "{name": "unbalanced brace",
    "name}": "unbalanced brace",
    "{name}}": "unbalanced brace",
}
RECORD = {"name": "Peshawar", "refugees": 1234567.0, "share": 0.3621, "Population 2023": 2000}


@pytest.mark.parametrize("expression", list(GOOD))
def test_plain_fields_and_number_formats_are_formatted(expression):
    assert parse_expression(expression, "test").format(RECORD) == GOOD[expression]


@pytest.mark.parametrize("expression", list(BAD))
def test_everything_else_is_one_line_naming_where(expression):
    with pytest.raises(StyleError) as caught:
        parse_expression(expression, "the labels of layer 'districts'")
    message = str(caught.value)
    assert BAD[expression] in message and "the labels of layer 'districts'" in message
    assert "\n" not in message and "{name}" in message  # the fix shows the form to use


def test_fields_are_looked_up_by_their_whole_name():
    """Even past the check, a name is a key: no attribute or item of the value is reachable."""
    from pakmap.field_format import FieldExpression

    expression = FieldExpression((("", "name.__class__", ""),))
    with pytest.raises(KeyError):
        expression.format({"name": "Peshawar"})
    assert expression.format({"name.__class__": "a field"}) == "a field"


def test_expression_fields():
    assert expression_fields("{name}\n{refugees:,.0f} {name}") == ["name", "refugees"]
    assert expression_fields("{name.__class__}") == [] and expression_fields(None) == []


def _project(tmp_path, labels: str, atlas: str = "") -> object:
    data = tmp_path / "districts.geojson"
    gpd.GeoDataFrame(
        {"name": ["Peshawar", "Quetta"], "refugees": [1200, 3]},
        geometry=[shapely.box(70 + i, 30, 71 + i, 31) for i in range(2)],
        crs="EPSG:4326",
    ).to_file(data, driver="GeoJSON")
    path = tmp_path / "project.toml"
    path.write_text(
        f'[pakmap]\nformat = 1\n\n[[layers]]\nname = "districts"\npath = "districts.geojson"\n'
        f"[layers.labels]\nexpression = '''{labels}'''\n{atlas}",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("expression", ["{name.__class__}", "{name[0]}", "{0}", "{name:>999999999}", "{name"])
def test_a_project_with_a_bad_label_expression_is_refused_on_reading(tmp_path, capfd, expression):
    path = _project(tmp_path, expression)
    with pytest.raises(ProjectError, match="the labels of layer 'districts'"):
        load_project(path)
    assert main(["render", str(path), "-o", str(tmp_path / "map.png")]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"pakmap: error: {path}") and "districts" in err
    assert "QPainter" not in err and "Traceback" not in err
    assert not (tmp_path / "map.png").exists()


def test_an_unknown_label_field_fails_in_one_line_without_qt_warnings(tmp_path, capfd):
    path = _project(tmp_path, "{nmae}")
    assert main(["render", str(path), "-o", str(tmp_path / "map.png")]) == 2
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "unknown field 'nmae'" in err and "use one of: name, refugees" in err
    assert "QPainter" not in err


def test_a_bad_atlas_title_is_refused_on_reading(tmp_path):
    path = _project(tmp_path, "{name}", atlas='\n[layout.atlas]\nlayer = "districts"\ntitle = "{name.__init__}"\n')
    with pytest.raises(ProjectError, match=r"\[layout.atlas\] title"):
        load_project(path)


def test_a_bad_template_wording_is_refused_with_the_template(tmp_path):
    from pakmap.layout.template import load_template
    from pakmap.resources import style_file

    text = style_file("templates/a4_landscape.toml").read_text(encoding="utf-8")
    path = tmp_path / "t.toml"
    path.write_text(
        text.replace('as_of = "Data as of {as_of}"', 'as_of = "Data as of {as_of.__class__}"'), encoding="utf-8"
    )
    with pytest.raises(StyleError, match=r"\[text\] as_of") as caught:
        load_template(path)
    assert str(path) in str(caught.value)


def test_labels_still_follow_the_protection_threshold():
    layer = VectorLayer(
        "d",
        gpd.GeoDataFrame(
            {"name": ["A", "B"], "refugees": [1234.0, 3.0]}, geometry=[shapely.Point(0, 0)] * 2, crs="EPSG:4326"
        ),
        labels=LabelStyle(expression="{name}\\n{refugees:,.0f}"),
    )
    assert label_texts(layer, np.arange(2), 5) == ["A\n1,234", "B\n<5"]


def test_atlas_title_fields_count_as_used(tmp_path):
    """A field the atlas title prints is published: the protection check sees it."""
    from pakmap.project.loaded import LoadedProject
    from pakmap.project.model import AtlasSpec, LayerSpec, LayoutSpec, Project
    from pakmap.protection.policy import used_fields

    data = gpd.GeoDataFrame({"name": ["A"], "phone": ["+92 300"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    layer = VectorLayer("d", data)
    project = Project(
        layers=[LayerSpec("d", "d.gpkg")], layout=LayoutSpec(atlas=AtlasSpec(layer="d", title="{name} {phone}"))
    )
    assert "atlas" in used_fields(project, LoadedProject(project, [layer]).layer("d")).get("phone", set())
