"""Project ▸ Export as QGIS project…, Layer ▸ Import QGIS style…, Layer ▸ Export style… in the real
window, with the file dialogs answered by the test."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest
from gui_helpers import WAIT_MS, add_files, dominant_colour, wait_rendered

from pakmap.interop import read_qml
from pakmap.project import JoinSpec
from pakmap.style import CategorizedStyle, GraduatedStyle

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


@pytest.fixture
def census_districts(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_census2023_districts.csv")
    window.document.apply_join(
        JoinSpec(layer="pak_districts", table="pak_census2023_districts", on=[["name", "district"]])
    )
    layer = window.document.layer("pak_districts")
    window.document.set_style("pak_districts", GraduatedStyle(field="population_2023", classes=5))
    window.layers_panel.select_layer("pak_districts")
    return layer


def _menu_action(window, menu: str, text: str):
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == menu:
            for entry in action.menu().actions():
                if entry.text().replace("&", "") == text:
                    return entry
    raise AssertionError(f"no {menu} ▸ {text}")


def test_export_as_qgis_project_from_the_project_menu(window, qtbot, census_districts, tmp_path, monkeypatch):
    out = tmp_path / "map.qgz"
    monkeypatch.setattr(window.interop, "ask_qgz_path", lambda: str(out))
    with qtbot.waitSignal(window.interop.exported, timeout=WAIT_MS) as written:
        _menu_action(window, "Project", "Export as QGIS project…").trigger()
    assert [p.name for p in written.args[0]] == ["map.qgz", "map.gpkg", "map.qgz.record.json"]
    with zipfile.ZipFile(out) as archive:
        qgs = archive.read("map.qgs").decode("utf-8")
    assert "./map.gpkg|layername=pak_districts" in qgs and 'type="graduatedSymbol"' in qgs
    with sqlite3.connect(out.with_suffix(".gpkg")) as db:
        assert db.execute("SELECT f_table_name FROM layer_styles").fetchall() == [("pak_districts",)]


def test_export_style_then_import_it_restyles_the_map(window, qtbot, census_districts, tmp_path, monkeypatch):
    qml = tmp_path / "districts.qml"
    monkeypatch.setattr(window.interop, "ask_style_save_path", lambda name: str(qml))
    with qtbot.waitSignal(window.interop.exported, timeout=WAIT_MS):
        _menu_action(window, "Layer", "Export style…").trigger()
    exported = read_qml(qml.read_bytes())
    assert isinstance(exported.style, GraduatedStyle) and exported.style.method == "manual"
    # Restyle the layer, then bring the exported style back: the map is drawn with its colours again.
    window.document.set_style("pak_districts", CategorizedStyle(field="province"))
    wait_rendered(window, qtbot)
    before = dominant_colour(window, "pak_districts", "Lahore")
    monkeypatch.setattr(window.interop, "ask_style_open_path", lambda: str(qml))
    with qtbot.waitSignal(window.interop.imported, timeout=WAIT_MS) as summary:
        _menu_action(window, "Layer", "Import QGIS style…").trigger()
    assert "everything in the QGIS style was carried over" in summary.args[0]
    assert isinstance(census_districts.style, GraduatedStyle)
    assert window.document.dirty
    wait_rendered(window, qtbot)
    after = dominant_colour(window, "pak_districts", "Lahore")
    assert after != before and after == "#0B3754"  # Lahore is in the darkest class


def test_importing_a_style_for_another_field_is_one_line_and_changes_nothing(
    window, qtbot, census_districts, tmp_path, monkeypatch
):
    qml = tmp_path / "camps.qml"
    qml.write_text(
        '<qgis><renderer-v2 type="categorizedSymbol" attr="camp_type"><categories>'
        '<category value="a" symbol="0" label="a"/></categories><symbols><symbol type="fill" name="0">'
        '<layer class="SimpleFill"><prop k="color" v="1,2,3,255"/></layer></symbol></symbols>'
        "</renderer-v2></qgis>",
        encoding="utf-8",
    )
    style = census_districts.style
    monkeypatch.setattr(window.interop, "ask_style_open_path", lambda: str(qml))
    _menu_action(window, "Layer", "Import QGIS style…").trigger()
    assert "does not have" in window.last_error and "camp_type" in window.last_error
    assert census_districts.style is style
