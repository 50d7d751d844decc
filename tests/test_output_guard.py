"""Issue 13, "a source overwritten": no output may land on a file the command reads, refused before
anything is read, with one line and exit status 2, through every command and the desktop app's save."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from safe_write_helpers import assert_one_line_error, hashes, temp_files, write_districts, write_project, write_table

import pakmap.sources.open as source_open
from pakmap.cli import main
from pakmap.errors import ExportError
from pakmap.file_guard import check_outputs, regular_file, same_file, sources_of
from pakmap.project import load_project, save_project


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    write_districts(folder)
    write_table(folder)
    return folder


@pytest.fixture
def nothing_read(monkeypatch):
    """Any data read fails the test: the refusal must come before the first reader runs."""

    def refuse(*args, **kwargs):
        raise AssertionError("a source was read before the outputs were checked")

    monkeypatch.setattr(source_open, "_read", refuse)


def _refused(capsys, argv, folder: Path, *words: str) -> str:
    before = hashes(folder)
    assert main(argv) == 2
    line = assert_one_line_error(capsys.readouterr().err, *words)
    assert hashes(folder) == before  # sources unchanged, and nothing new written
    assert not temp_files(folder)
    return line


def test_join_output_over_its_layer_is_refused(data, capsys, nothing_read):
    layer = str(data / "districts.geojson")
    line = _refused(
        capsys,
        ["join", layer, str(data / "census.csv"), "--on", "name=district", "-o", layer],
        data,
        "districts.geojson",
        "the layer file",
        "another name",
    )
    assert "never overwrites a source" in line


def test_join_report_over_its_table_is_refused(data, capsys, nothing_read):
    _refused(
        capsys,
        [
            "join",
            str(data / "districts.geojson"),
            str(data / "census.csv"),
            "--on",
            "name=district",
            "-o",
            str(data / "joined.gpkg"),
            "--report",
            str(data / "census.csv"),
        ],
        data,
        "census.csv",
        "the table file",
    )


def test_join_output_over_an_alias_table_is_refused(data, capsys, nothing_read):
    aliases = data / "aliases.csv"
    aliases.write_text("alias,name,province,note\nDistt 1,District 001,,\n", encoding="utf-8")
    _refused(
        capsys,
        [
            "join",
            str(data / "districts.geojson"),
            str(data / "census.csv"),
            "--on",
            "name=district",
            "--aliases",
            str(aliases),
            "-o",
            str(data / "joined.csv"),
            "--report",
            str(aliases),
        ],
        data,
        "aliases.csv",
        "alias table",
    )


def test_output_through_a_symlink_a_hard_link_or_dotdot_is_refused(data, capsys, nothing_read):
    layer = data / "districts.geojson"
    (data / "link.geojson").symlink_to(layer)
    os.link(layer, data / "hard.geojson")
    (data / "sub").mkdir()
    for out in (data / "link.geojson", data / "hard.geojson", data / "sub" / ".." / "districts.geojson"):
        _refused(
            capsys,
            ["join", str(layer), str(data / "census.csv"), "--on", "name=district", "-o", str(out)],
            data,
            "the layer file",
        )


def test_a_shapefile_sidecar_is_a_source_too(data, capsys, nothing_read, tmp_path):
    import geopandas as gpd

    gpd.read_file(data / "districts.geojson").to_file(data / "districts.shp")
    _refused(
        capsys,
        [
            "join",
            str(data / "districts.shp"),
            str(data / "census.csv"),
            "--on",
            "name=district",
            "-o",
            str(data / "joined.gpkg"),
            "--report",
            str(data / "districts.dbf"),
        ],
        data,
        "districts.dbf",
        ".dbf file",
    )


def test_two_outputs_of_one_command_may_not_be_one_file(data, capsys, nothing_read):
    _refused(
        capsys,
        [
            "join",
            str(data / "districts.geojson"),
            str(data / "census.csv"),
            "--on",
            "name=district",
            "-o",
            str(data / "out.csv"),
            "--report",
            str(data / "out.csv"),
        ],
        data,
        "written twice",
    )


def test_map_output_over_its_own_geopackage_is_refused(data, capsys, nothing_read):
    import geopandas as gpd

    gpd.read_file(data / "districts.geojson").to_file(data / "admin.gpkg", layer="districts")
    _refused(
        capsys, ["map", str(data / "admin.gpkg"), "-o", str(data / "admin.gpkg")], data, "admin.gpkg", "layer 'admin'"
    )


def test_map_save_project_over_the_layer_or_the_table_is_refused(data, capsys, nothing_read):
    layer, table = str(data / "districts.geojson"), str(data / "census.csv")
    _refused(capsys, ["map", layer, "-o", str(data / "m.pdf"), "--save-project", layer], data, "districts.geojson")
    _refused(
        capsys,
        ["map", layer, "--table", table, "--on", "name=district", "-o", str(data / "m.pdf"), "--save-project", table],
        data,
        "census.csv",
    )


def test_export_record_over_a_source_is_refused(data, capsys, nothing_read):
    # The record of m.pdf is m.pdf.record.json: a GeoJSON of that name is a layer pakmap reads.
    shutil.copy(data / "districts.geojson", data / "m.pdf.record.json")
    _refused(capsys, ["map", str(data / "m.pdf.record.json"), "-o", str(data / "m.pdf")], data, "record.json")


def test_render_a_project_whose_export_is_its_own_layer_is_refused(data, capsys, nothing_read):
    project = write_project(data, data / "districts.geojson", exports=("map.pdf", "districts.geojson"))
    _refused(capsys, ["render", str(project)], data, "districts.geojson", "layer 'districts'")
    (data / "sub").mkdir()
    _refused(
        capsys,
        ["render", str(project), "-o", str(data / "sub" / ".." / "districts.geojson")],
        data,
        "layer 'districts'",
    )


def test_render_output_over_the_project_or_its_template_is_refused(data, capsys, nothing_read):
    template = data / "page.toml"
    from pakmap.layout.template import template_path

    shutil.copy(template_path("a4_landscape"), template)
    project = write_project(data, data / "districts.geojson", extra=f'template = "{template.as_posix()}"')
    link = data / "project_link.svg"
    link.symlink_to(project)
    _refused(capsys, ["render", str(project), "-o", str(link)], data, "the project file")
    (data / "template_link.svg").symlink_to(template)
    _refused(capsys, ["render", str(project), "-o", str(data / "template_link.svg")], data, "the page template")


def test_atlas_pages_are_checked_once_their_names_are_known(data, tmp_path):
    from pakmap.export.atlas import write_atlas
    from pakmap.project.loader import load_layers

    project = load_project(write_project(data, data / "districts.geojson"))
    loaded = load_layers(project)
    pages = tmp_path / "pages"
    pages.mkdir()
    # A page file that is a symlink to the project's layer: writing "District 000.png" would replace it.
    (pages / "District_000.png").symlink_to(data / "districts.geojson")
    before = hashes(data)
    with pytest.raises(ExportError, match="District_000.png: this output is the data of layer 'districts'"):
        write_atlas(loaded, pages, "districts", dpi=72)
    assert hashes(data) == before
    assert sorted(p.name for p in pages.iterdir()) == ["District_000.png"]


def test_demo_into_its_own_data_folder_is_refused(tmp_path, capsys, nothing_read):
    out = tmp_path / "demo"
    (out / "data").mkdir(parents=True)
    import geopandas as gpd

    boundaries = gpd.read_file(write_districts(tmp_path))
    boundaries.rename(columns={"name": "ADM2_EN"}).assign(ADM1_EN="Sindh").to_file(
        out / "data" / "boundaries.gpkg", layer="adm2_districts"
    )
    _refused(capsys, ["demo", str(out), "--data", str(out / "data")], out, "boundaries.gpkg", "boundary file")


def test_save_project_never_over_its_own_data(data, tmp_path):
    project = load_project(write_project(data, data / "districts.geojson"))
    before = hashes(data)
    with pytest.raises(ExportError, match="this output is the data of layer 'districts'"):
        save_project(project, data / "districts.geojson")
    assert hashes(data) == before
    # Its own file is what a save replaces.
    assert save_project(project) == (data / "map.toml").resolve()


def test_missing_or_unwritable_output_folder_is_refused_before_reading(data, capsys, nothing_read):
    _refused(
        capsys,
        ["map", str(data / "districts.geojson"), "-o", str(data / "no" / "such" / "m.pdf")],
        data,
        "the output folder does not exist",
    )
    (data / "m.pdf").mkdir()
    _refused(
        capsys, ["map", str(data / "districts.geojson"), "-o", str(data / "m.pdf")], data, "the output is a folder"
    )


def _writing_commands(data: Path, project: Path, missing: Path) -> dict[str, list[str]]:
    layer, table = str(data / "districts.geojson"), str(data / "census.csv")
    return {
        "map": ["map", layer, "-o", str(missing / "m.pdf")],
        "map --save-project": ["map", layer, "-o", str(data / "m.pdf"), "--save-project", str(missing / "m.toml")],
        "render": ["render", str(project), "-o", str(missing / "m.png")],
        "join": ["join", layer, table, "--on", "name=district", "-o", str(missing / "j.gpkg")],
        "join --report": [
            "join", layer, table, "--on", "name=district", "-o", str(data / "j.gpkg"), "--report", str(missing / "r.csv")
        ],
        "dissolve": ["dissolve", layer, "--by", "province", "-o", str(missing / "d.gpkg")],
        "export-qgis": ["export-qgis", str(project), "-o", str(missing / "m.qgz")],
        "style export": ["style", "export", str(project), "--layer", "districts", "-o", str(missing / "s.qml")],
        "boundaries fetch": ["boundaries", "fetch", "PAK", "--offline", "-o", str(missing / "b.geojson")],
    }  # fmt: skip


WRITING_COMMANDS = list(_writing_commands(Path("."), Path("."), Path(".")))


@pytest.mark.parametrize("command", WRITING_COMMANDS)
def test_every_command_checks_its_outputs_before_reading(command, data, capsys, nothing_read):
    """An output in a folder that does not exist is refused before any source is read, by every
    command that writes (pakmap demo creates its own folder; info and check write nothing)."""
    project = write_project(data, data / "districts.geojson")
    argv = _writing_commands(data, project, data / "no" / "such")[command]
    _refused(capsys, argv, data, "the output folder does not exist")


def test_style_import_checks_the_project_folder_before_reading(data, capsys, nothing_read, monkeypatch):
    """style import --project saves the project in place: a folder refusing the write is said first."""
    from pakmap import file_guard

    project = write_project(data, data / "districts.geojson")
    qml = data / "style.qml"
    qml.write_text("<qgis/>", encoding="utf-8")

    def unwritable(folder, *args, **kwargs):
        raise ExportError("cannot write into the output folder", path=folder, fix="choose another folder")

    monkeypatch.setattr(file_guard, "check_output_folder", unwritable)
    _refused(
        capsys,
        ["style", "import", str(qml), "--layer", "districts", "--project", str(project)],
        data,
        "cannot write into the output folder",
    )


def test_same_file_and_sources_of():
    assert same_file("/tmp/a/../b.txt", "/tmp/b.txt")
    assert not same_file("/tmp/b.txt", "/tmp/c.txt")
    names = {s.path.name for s in sources_of("/x/roads.SHP", "the layer")}
    assert {"roads.SHP", "roads.dbf", "roads.DBF", "roads.shx", "roads.prj", "roads.cpg"} <= names
    check_outputs([])  # nothing to check is fine


def test_regular_file_refuses_pipes_and_devices(tmp_path):
    pipe = tmp_path / "layer.geojson"
    os.mkfifo(pipe)
    with pytest.raises(Exception, match="is a named pipe, not a data file"):
        regular_file(pipe)
    with pytest.raises(Exception, match="is a device"):
        regular_file("/dev/zero")
    assert regular_file(tmp_path) == tmp_path  # folders go on to the readers (File Geodatabases)


@pytest.mark.gui
def test_desktop_save_and_export_never_over_a_source(window, qtbot, data):
    from gui_helpers import WAIT_MS, add_files

    layer = data / "districts.geojson"
    add_files(window, qtbot, layer)
    before = hashes(data)
    assert not window.files.save_as(str(layer))
    assert "this output is the data of layer 'districts'" in window.last_error
    layout = window.open_layout()
    failures = []
    layout.failed.connect(failures.append)
    written = []
    layout.export_to(str(data / "districts.geojson.pdf"), on_done=written.append)  # a name of its own: written
    qtbot.waitUntil(lambda: bool(written or failures), timeout=WAIT_MS)
    assert not failures and (data / "districts.geojson.pdf").exists()
    (data / "link.pdf").symlink_to(layer)
    layout.export_to(str(data / "link.pdf"))
    qtbot.waitUntil(lambda: bool(failures), timeout=WAIT_MS)
    assert "this output is the data of layer 'districts'" in str(failures[0])
    layout.close()
    assert hashes(data)["districts.geojson"] == before["districts.geojson"]
    assert not temp_files(data)
