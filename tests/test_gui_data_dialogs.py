"""The desktop dialogs for what was command-line only: the CRS picker (map and layer), relinking a
project's missing files, repairing geometries, dissolving, the field calculator, and the status
bar's progress while a file loads. Driven through the real widgets, on the real districts."""

from __future__ import annotations

import shutil
import threading

import pytest
from gui_helpers import WAIT_MS, add_files, wait_rendered
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from pakmap.project import JoinSpec, load_project

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def _ok(dialog):
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_map_crs_picker_searches_the_database_and_remembers_what_was_used(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    picker = window.choose_crs()
    assert picker.model.shown[0].code == "EPSG:4326"  # Pakistan's common ones first
    assert [c.code for c in picker.model.shown[:5]] == [
        "EPSG:4326",
        "EPSG:3857",
        "EPSG:32641",
        "EPSG:32642",
        "EPSG:32643",
    ]
    assert picker.selected().code == "EPSG:4326"  # the current map CRS
    assert len(picker.model.shown) > 5000  # the whole EPSG database, not a short list
    qtbot.keyClicks(picker.search, "utm 42n")
    assert picker.model.shown[0].code == "EPSG:32642" and picker.selected().code == "EPSG:32642"
    assert all("42n" in c.words for c in picker.model.shown)
    picker.search.setText("kalianpur 43n")
    assert [c.code for c in picker.model.shown][:1] == ["EPSG:24313"]
    picker.search.setText("no such crs anywhere")
    assert picker.chosen() is None
    assert not picker.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    picker.search.setText("32642")
    _ok(picker)
    assert window.crs_button.text() == "EPSG:32642"
    window.undo()
    assert window.crs_button.text() == "EPSG:4326"
    again = window.choose_crs()
    assert again.model.shown[0].code == "EPSG:32642"  # used last: first
    again.reject()


def test_layer_crs_picker_declares_a_layer_crs_as_one_undo_step(window, qtbot, shared_data, tmp_path):
    # A shapefile whose .prj went missing: the officer knows it is WGS 84.
    shutil.unpack_archive(shared_data / "pak_districts_shp.zip", tmp_path / "shp")
    shp = next((tmp_path / "shp").rglob("*.shp"))
    shp.with_suffix(".prj").unlink()
    add_files(window, qtbot, shp)
    layer = window.document.layers[0]
    assert layer.crs is None
    picker = window.choose_layer_crs(layer)
    assert "none (the file does not say)" in picker.findChildren(type(picker.detail))[0].text()
    picker.search.setText("4326")
    _ok(picker)
    layer = window.document.layer(layer.name)
    assert layer.crs.to_epsg() == 4326
    assert window.document.project.layer_spec(layer.name).crs == "EPSG:4326"
    wait_rendered(window, qtbot)
    window.undo()
    assert window.document.layer(layer.name).crs is None


def test_a_project_whose_file_moved_opens_with_a_relink_dialog(window, qtbot, shared_data, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("pak_districts.geojson", "pak_census2023_districts.csv", "pak_provinces.geojson"):
        shutil.copy(shared_data / name, data / name)
    add_files(
        window,
        qtbot,
        data / "pak_census2023_districts.csv",
        data / "pak_districts.geojson",
        data / "pak_provinces.geojson",
    )
    window.document.apply_join(
        JoinSpec(layer="pak_districts", table="pak_census2023_districts", on=[["name", "district"]])
    )
    project = tmp_path / "map.toml"
    assert window.files.save_as(str(project))
    moved = tmp_path / "moved"
    data.rename(moved)  # the folder was renamed: all three files are missing
    (moved / "pak_provinces.geojson").unlink()  # and one is gone for good

    opened = []
    assert window.files.open(str(project), on_done=opened.append)
    dialog = window.files.relink_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.table.rowCount() == 3 and dialog.skipped() == {
        "pak_districts",
        "pak_census2023_districts",
        "pak_provinces",
    }
    dialog.relink(1, moved / "pak_districts.geojson")  # Browse… found one: the others in its folder too
    assert set(dialog.found()) == {"pak_districts", "pak_census2023_districts"}
    assert dialog.skipped() == {"pak_provinces"}
    dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)

    document = window.document
    assert window.windowTitle().startswith("[*]map.toml")  # not an empty "Untitled" window
    assert document.dirty  # the paths found are saved with the next save
    assert [l.name for l in document.layers] == ["pak_census2023_districts", "pak_districts", "pak_provinces"]
    assert "population_2023" in document.layer("pak_districts").fields  # the join ran
    assert document.layer("pak_provinces").missing
    model = window.layers_panel.model
    row = next(r for r in range(model.rowCount()) if model.layer_at(r).name == "pak_provinces")
    shown = model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole)
    assert "missing" in shown
    assert "not found" in model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "pak_provinces" in window.statusBar().currentMessage()
    wait_rendered(window, qtbot)

    assert window.files.save()
    saved = load_project(project)
    assert saved.layer_spec("pak_districts").path == "moved/pak_districts.geojson"
    assert saved.layer_spec("pak_provinces").path == "data/pak_provinces.geojson"  # skipped: kept as it was
    assert len(saved.joins) == 1


def test_cancelling_the_relink_dialog_keeps_the_open_project(window, qtbot, shared_data, tmp_path):
    shutil.copy(shared_data / "pak_provinces.geojson", tmp_path / "provinces.geojson")
    add_files(window, qtbot, tmp_path / "provinces.geojson")
    assert window.files.save_as(str(tmp_path / "p.toml"))
    (tmp_path / "provinces.geojson").unlink()
    window.files.open(str(tmp_path / "p.toml"))
    before = window.document
    window.files.relink_dialog.reject()
    assert window.document is before and window.files.relink_dialog is None


def test_repair_dialog_repairs_the_real_districts_in_place_and_undo_takes_it_back(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    dialog = window.open_repair_dialog()
    assert "4 invalid" in dialog.summary.text() and dialog.apply_button.isEnabled()
    made = []
    dialog.apply(on_done=made.append)
    qtbot.waitUntil(lambda: bool(made) or bool(window.errors), timeout=WAIT_MS)
    assert made, window.last_error
    assert "Repaired 4 of 156 features of pak_districts in place" in dialog.summary.text()
    assert window.document.layer("pak_districts").validity.invalid == 0
    assert window.document.project.layer_spec("pak_districts").repair
    window.undo()
    assert window.document.layer("pak_districts").validity.invalid == 4
    dialog.close()


def test_repair_dialog_into_a_new_layer_on_hostile_polygons(window, qtbot, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Polygon

    hostile = gpd.GeoDataFrame(
        {"name": ["bow-tie", "spike", "fine"]},
        geometry=[
            Polygon([(66, 30), (67, 31), (67, 30), (66, 31)]),
            Polygon([(70, 30), (71, 30), (71, 31), (70.5, 31), (70.5, 33), (70.5, 31), (70, 31)]),
            Polygon([(72, 30), (73, 30), (73, 31)]),
        ],
        crs="EPSG:4326",
    )
    hostile.to_file(tmp_path / "hostile.geojson", driver="GeoJSON")
    add_files(window, qtbot, tmp_path / "hostile.geojson")
    dialog = window.open_repair_dialog()
    dialog.as_new.setChecked(True)
    assert dialog.new_name.isEnabled() and dialog.new_name.text() == "hostile repaired"
    made = []
    dialog.apply(on_done=made.append)
    qtbot.waitUntil(lambda: bool(made) or bool(window.errors), timeout=WAIT_MS)
    assert made, window.last_error
    assert [l.name for l in window.document.layers] == ["hostile", "hostile repaired"]
    assert window.document.layer("hostile repaired").validity.ok
    assert window.document.layer("hostile").validity.invalid == 2
    assert "Repaired 2 of 3" in dialog.summary.text()
    wait_rendered(window, qtbot)


def test_dissolve_dialog_makes_provinces_from_the_real_districts(window, qtbot, districts_path):
    add_files(window, qtbot, districts_path)
    dialog = window.open_dissolve_dialog()
    offered = [dialog.field.itemData(i) for i in range(dialog.field.count())]
    assert "province" in offered and "name" not in offered  # a field that groups, not one per feature
    dialog.field.setCurrentIndex(offered.index("province"))
    assert dialog.new_name.text() == "pak_districts by province"
    made = []
    dialog.apply(on_done=made.append)
    qtbot.waitUntil(lambda: bool(made) or bool(window.errors), timeout=WAIT_MS)
    assert made, window.last_error
    provinces = window.document.layer("pak_districts by province")
    assert set(provinces.data["province"]) >= {"Punjab", "Sindh", "Balochistan", "Khyber Pakhtunkhwa"}
    assert len(provinces.data) == provinces.data["province"].nunique()
    assert "4 invalid geometries made valid" in dialog.summary.text()
    spec = window.document.project.layer_spec("pak_districts by province")
    assert spec.dissolve.source == "pak_districts" and spec.dissolve.by == "province"
    wait_rendered(window, qtbot)
    window.undo()
    assert [l.name for l in window.document.layers] == ["pak_districts"]


def test_field_calculator_previews_refuses_hostile_input_and_applies_one_undo_step(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_census2023_districts.csv", shared_data / "pak_districts.geojson")
    window.document.apply_join(
        JoinSpec(layer="pak_districts", table="pak_census2023_districts", on=[["name", "district"]])
    )
    calc = window.open_field_calculator(window.document.layer("pak_districts"))
    assert calc.layer.currentText() == "pak_districts"
    calc.field.setEditText("label")
    qtbot.keyClicks(calc.expression, "__import__('os').system('touch /tmp/pwned')")
    assert not calc.apply_button.isEnabled() and "attribute" in calc.message.text()
    calc.expression.setText("name.__class__")
    assert not calc.apply_button.isEnabled()
    calc.expression.setText("9 ** 9 ** 9 ** 9")  # no hang: no data
    assert calc.apply_button.isEnabled() and calc.preview.item(0, 1).text() == "no data"
    calc.expression.clear()
    calc.functions.itemDoubleClicked.emit(calc.functions.findItems("upper(name)", Qt.MatchFlag.MatchExactly)[0])
    calc.fields.itemDoubleClicked.emit(calc.fields.findItems("name", Qt.MatchFlag.MatchExactly)[0])
    assert calc.expression.text() == "upper(name"
    calc.expression.insert(")")
    assert calc.apply_button.isEnabled()
    assert calc.preview.rowCount() == 8
    first = window.document.layer("pak_districts").data["name"].iloc[0]
    assert calc.preview.item(0, 1).text() == first.upper()
    calc.field.setEditText("density")
    calc.expression.setText("round(population_2023 / area_sq_km, 1)")
    assert calc.apply_button.isEnabled(), calc.message.text()
    calc.apply_button.click()
    layer = window.document.layer("pak_districts")
    assert "density" in layer.fields and layer.data["density"].notna().sum() > 100
    assert window.document.project.layer_spec("pak_districts").calculate == {
        "density": "round(population_2023 / area_sq_km, 1)"
    }
    assert "Calculated density for 156 features" in calc.message.text()
    window.undo()
    assert "density" not in window.document.layer("pak_districts").fields
    calc.close()


def test_the_status_bar_shows_a_moving_bar_with_the_file_name_while_it_loads(
    window, qtbot, districts_path, monkeypatch
):
    import pakmap.sources as sources

    release, reading = threading.Event(), threading.Event()
    real_open = sources.open_layer

    def slow_open(path, **options):
        reading.set()
        release.wait(WAIT_MS / 1000)
        return real_open(path, **options)

    monkeypatch.setattr(sources, "open_layer", slow_open)
    window.add_files([str(districts_path)])
    qtbot.waitUntil(lambda: reading.is_set() and window.task_bar.isVisible(), timeout=WAIT_MS)
    bar = window.task_bar
    assert bar.bar.minimum() == bar.bar.maximum() == 0  # busy: it moves, it does not stand at 0 %
    assert "pak_districts.geojson" in bar.label.text()
    assert bar.cancel_button.isEnabled()
    bar.cancel_button.click()
    assert "cancelling" in bar.label.text()
    release.set()
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=WAIT_MS)
    assert window.document.layers == []  # cancelled: nothing added, no error shown
    assert window.errors == []


def test_a_raster_without_crs_is_drawn_once_its_crs_is_set(window, qtbot, districts_path, tmp_path):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    raster = tmp_path / "no_crs.tif"
    with rasterio.open(
        raster,
        "w",
        driver="GTiff",
        width=40,
        height=40,
        count=1,
        dtype="uint8",
        transform=from_origin(66, 30, 0.1, 0.1),
    ) as dst:
        dst.write(np.full((1, 40, 40), 200, dtype="uint8"))
    add_files(window, qtbot, districts_path, raster)
    qtbot.waitUntil(lambda: window.canvas.unplaced == ("no_crs",), timeout=WAIT_MS)
    assert "Layer ▸ Set layer CRS…" in window.statusBar().currentMessage()
    picker = window.choose_layer_crs(window.document.layer("no_crs"))
    picker.search.setText("EPSG:4326")
    _ok(picker)
    assert window.document.project.layer_spec("no_crs").crs == "EPSG:4326"
    qtbot.waitUntil(lambda: window.canvas.unplaced == (), timeout=WAIT_MS)
    wait_rendered(window, qtbot)


def test_recovered_work_whose_file_moved_asks_for_it_too(qtbot, tmp_path, gui_settings, shared_data):
    from pakmap_ui.main_window import MainWindow

    recovery = tmp_path / "recovery.toml"
    shutil.copy(shared_data / "pak_provinces.geojson", tmp_path / "provinces.geojson")
    first = MainWindow(settings=gui_settings, recovery_path=recovery, autosave_seconds=3600)
    add_files(first, qtbot, tmp_path / "provinces.geojson")
    assert first.files.autosave() == recovery.resolve()
    first.tasks.wait(WAIT_MS)
    first.canvas.wait_idle(WAIT_MS)
    first.deleteLater()  # the session "crashes"
    (tmp_path / "provinces.geojson").rename(tmp_path / "renamed.geojson")

    second = MainWindow(settings=gui_settings, recovery_path=recovery, autosave_seconds=3600)
    second.files.ask_recover = lambda original: True
    restored = []
    assert second.files.offer_recovery(on_done=restored.append)
    dialog = second.files.relink_dialog
    assert dialog is not None and dialog.skipped() == {"provinces"}
    dialog.relink(0, tmp_path / "renamed.geojson")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    qtbot.waitUntil(lambda: bool(restored), timeout=WAIT_MS)
    assert len(second.document.layer("provinces").data) > 0 and second.document.dirty
    second.document.mark_dirty(False)
    second.close()
    second.deleteLater()
