"""A page template named by a relative path is found beside the project file (a template sent with
the project), then among the built-in templates by its file name; whatever the working directory."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from pakmap.cli import main
from pakmap.errors import StyleError
from pakmap.layout.compose import compose_page
from pakmap.layout.template import load_template, template_path
from pakmap.project.loader import load_layers
from pakmap.project.toml_format import load_project, save_project
from pakmap.resources import style_file


def _template_copy(path) -> None:
    """A copy of the A4 landscape template, as an office would send with its project."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(style_file("templates/a4_landscape.toml").read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture()
def project_dir(tmp_path):
    folder = tmp_path / "office share" / "refugees map"
    folder.mkdir(parents=True)
    gpd.GeoDataFrame(
        {"name": ["Peshawar", "Quetta"]},
        geometry=[shapely.box(70 + i, 30, 71 + i, 31) for i in range(2)],
        crs="EPSG:4326",
    ).to_file(folder / "districts.geojson", driver="GeoJSON")
    return folder


def _write_project(folder, template: str):
    path = folder / "project.toml"
    path.write_text(
        f'[pakmap]\nformat = 1\n\n[[layers]]\nname = "districts"\npath = "districts.geojson"\n\n'
        f'[layout]\ntemplate = "{template}"\ntitle = "Districts"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("template", ["a4_copy.toml", "templates/a4_copy.toml", "./a4_copy.toml"])
def test_a_template_beside_the_project_is_used_from_any_working_directory(project_dir, tmp_path, monkeypatch, template):
    _template_copy(project_dir / template)
    project = _write_project(project_dir, template)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    page = compose_page(load_layers(load_project(project)))
    assert page.template.path.resolve() == (project_dir / template).resolve()
    out = tmp_path / "map.pdf"
    assert main(["render", str(project), "-o", str(out)]) == 0 and out.stat().st_size > 0


def test_a_bare_file_name_not_beside_the_project_is_a_built_in(project_dir):
    assert template_path("a4_landscape.toml", project_dir) == style_file("templates/a4_landscape.toml")
    assert template_path("a4_landscape", project_dir) == style_file("templates/a4_landscape.toml")
    # A copy beside the project wins over the built-in of the same name.
    _template_copy(project_dir / "a4_landscape.toml")
    assert template_path("a4_landscape.toml", project_dir) == project_dir / "a4_landscape.toml"


def test_a_missing_template_names_where_it_was_looked_for(project_dir, capsys):
    project = _write_project(project_dir, "a4_gone.toml")
    with pytest.raises(StyleError) as caught:
        load_template("a4_gone.toml", project_dir)
    assert str(project_dir / "a4_gone.toml") in str(caught.value) and "a4_landscape" in str(caught.value)
    assert main(["render", str(project), "-o", str(project_dir / "map.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(project_dir / "a4_gone.toml") in err


def test_saving_elsewhere_keeps_the_template_found(project_dir, tmp_path):
    _template_copy(project_dir / "a4_copy.toml")
    project = load_project(_write_project(project_dir, "a4_copy.toml"))
    target = tmp_path / "copies" / "project.toml"
    target.parent.mkdir()
    save_project(project, target)
    saved = load_project(target)
    assert saved.layout.template == "../office share/refugees map/a4_copy.toml"
    assert compose_page(load_layers(saved)).template.path.resolve() == (project_dir / "a4_copy.toml").resolve()
    # A built-in name is a name wherever the project goes.
    project.layout.template = "a4_landscape"
    save_project(project, tmp_path / "copies" / "second.toml")
    assert load_project(tmp_path / "copies" / "second.toml").layout.template == "a4_landscape"


@pytest.mark.timeout(120)
def test_the_layout_view_keeps_the_projects_own_template(window, qtbot, project_dir):
    """Editing a field in the print layout must not swap a template file for the first built-in."""
    from gui_helpers import WAIT_MS, add_files

    _template_copy(project_dir / "a4_copy.toml")
    add_files(window, qtbot, project_dir / "districts.geojson")
    window.document.project.layout.template = str(project_dir / "a4_copy.toml")
    layout = window.open_layout()
    layout.set_field("title", "Districts")
    qtbot.waitUntil(lambda: layout.preview_image is not None or bool(window.errors), timeout=WAIT_MS)
    assert window.errors == []
    assert window.document.project.layout.template == str(project_dir / "a4_copy.toml")
    layout.close()
