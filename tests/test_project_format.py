"""Project files: round trip, relative paths, atomic save, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pakmap.errors import ProjectError
from pakmap.project import (
    AllowSpec,
    AtlasSpec,
    ExportSpec,
    JoinSpec,
    LayerSpec,
    LayoutSpec,
    MapSpec,
    Project,
    ProtectionSpec,
    load_project,
    save_project,
)
from pakmap.style import GraduatedStyle, LabelStyle


def sample_project(data_dir: Path) -> Project:
    return Project(
        map=MapSpec(title="Refugees", crs="EPSG:4326"),
        layers=[
            LayerSpec("table", str(data_dir / "stats.csv"), visible=False),
            LayerSpec(
                "districts",
                str(data_dir / "districts with space é.gpkg"),
                layer="districts",
                style=GraduatedStyle(field="refugees", method="quantiles", classes=4),
                labels=LabelStyle(field="name", size=6.5),
                popup_fields=["name", "refugees"],
            ),
        ],
        joins=[JoinSpec(layer="districts", table="table", on=[["name", "district"]], accepted={"Peshwar": "Peshawar"})],
        layout=LayoutSpec(title="Afghan refugees", as_of="31 October 2026", atlas=AtlasSpec("districts")),
        exports=[ExportSpec(str(data_dir.parent / "out" / "map.pdf"), dpi=150)],
        protection=ProtectionSpec(threshold=10, allow=[AllowSpec("districts", "phone", "map.pdf", "focal points")]),
    )


def test_round_trip_keeps_everything_and_stores_relative_paths(tmp_path):
    data = tmp_path / "data"
    project = sample_project(data)
    (tmp_path / "maps").mkdir()
    saved = save_project(project, tmp_path / "maps" / "p.toml")
    text = saved.read_text(encoding="utf-8")
    assert 'path = "../data/districts with space é.gpkg"' in text
    assert str(tmp_path) not in text  # no absolute local paths in the file
    again = load_project(saved)
    assert again.layers[1].path == "../data/districts with space é.gpkg"
    assert again.resolve(again.layers[1].path).resolve() == (data / "districts with space é.gpkg").resolve()
    assert again.layers[1].style == project.layers[1].style
    assert again.joins[0].accepted == {"Peshwar": "Peshawar"}
    assert again.layout.atlas.layer == "districts"
    assert again.protection.threshold == 10 and again.protection.allow[0].field == "phone"
    assert again.exports[0].dpi == 150 and again.exports[0].path == "../out/map.pdf"


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    project = sample_project(tmp_path)
    target = tmp_path / "p.toml"
    save_project(project, target)
    before = target.read_bytes()
    import pakmap.project.toml_format as fmt

    def broken_dumps(_):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fmt.tomli_w, "dumps", broken_dumps)
    with pytest.raises(RuntimeError):
        save_project(project, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.toml"]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("[pakmap]\nformat = 1\n[layout]\ntitel = 'x'\n", "unknown key(s) 'titel' in project.layout"),
        ("[pakmap]\nformat = 99\n", "newer pakmap"),
        ("[map]\ntitle = 'x'\n", "not a pakmap project"),
        ("[pakmap]\nformat = 1\n[[layers]\n", "malformed project file"),
        ("[pakmap]\nformat = 1\n[[layers]]\nname = 'a'\n", "layer 'a' has no path"),
        ("[pakmap]\nformat = 1\n[[layers]]\nname = 'a'\npath = 'a.gpkg'\nopacity = 'high'\n", "must be float"),
        (
            "[pakmap]\nformat = 1\n[[layers]]\nname = 'a'\npath = 'a.gpkg'\n[layers.style]\nkind = 'graduated'\n",
            "needs a 'field'",
        ),
        (
            "[pakmap]\nformat = 1\n[[joins]]\nlayer = 'nope'\ntable = 't'\non = [['a', 'b']]\n",
            "not a layer of the project",
        ),
        (
            "[pakmap]\nformat = 1\n[[layers]]\nname = 'a'\npath = 'a.gpkg'\n[layers.labels]\nfield = 'name'\nplacement = 'curved'\n",
            "unknown label placement 'curved'",
        ),
    ],
)
def test_bad_project_files_give_one_line_errors_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProjectError) as info:
        load_project(path)
    message = str(info.value)
    assert expected in message
    assert str(path) in message and "\n" not in message and " — " in message


def test_missing_and_binary_project_files(tmp_path):
    with pytest.raises(ProjectError, match="not found"):
        load_project(tmp_path / "nothing.toml")
    binary = tmp_path / "map.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ProjectError, match="not a text file"):
        load_project(binary)


def test_label_placement_round_trips_through_the_project_file(tmp_path):
    project = sample_project(tmp_path)
    project.layers.append(
        LayerSpec("rivers", str(tmp_path / "rivers.gpkg"), labels=LabelStyle(field="name", placement="horizontal"))
    )
    path = save_project(project, tmp_path / "p.toml")
    assert 'placement = "horizontal"' in path.read_text(encoding="utf-8")
    again = load_project(path)
    assert again.layers[2].labels.placement == "horizontal"
    assert again.layers[1].labels.placement == "line"  # not written: the default


def test_saved_arrays_read_as_an_officer_would_write_them(tmp_path):
    project = sample_project(tmp_path)
    project.joins[0].on.append(["pcode", "admin2 [code], text"])
    path = save_project(project, tmp_path / "p.toml")
    text = path.read_text(encoding="utf-8")
    assert 'on = [["name", "district"], ["pcode", "admin2 [code], text"]]' in text
    assert 'popup_fields = ["name", "refugees"]' in text
    assert load_project(path).joins[0].on == [["name", "district"], ["pcode", "admin2 [code], text"]]


@pytest.mark.parametrize(
    "view, problem",
    [
        ("extent = [70, 30, 69, 31]", "is not a box"),
        ("extent = [70, 30, 71]", "is not a box"),
        ("extent = [70, 30, nan, 31]", "not a finite number"),
        ('panels = { layers = "yes" }', "panels.layers"),
        ("zoom = 3", "unknown key"),
    ],
)
def test_a_bad_view_table_is_a_one_line_error(tmp_path, view, problem):
    from pakmap.errors import ProjectError
    from pakmap.project import load_project

    path = tmp_path / "p.toml"
    path.write_text(f"[pakmap]\nformat = 1\n\n[view]\n{view}\n")
    with pytest.raises(ProjectError, match=problem) as info:
        load_project(path)
    assert "\n" not in str(info.value)


def test_the_view_round_trips(tmp_path):
    from pakmap.project import Project, ViewSpec, load_project, save_project

    view = ViewSpec([66.6, 24.7, 67.4, 25.3], {"layers": False, "identify": True})
    path = save_project(Project(view=view), tmp_path / "p.toml")
    assert load_project(path).view == view
