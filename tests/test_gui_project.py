"""Layers panel actions and project files: reorder, rename, show/hide, opacity, remove, drops;
unsaved-changes prompt, recent projects, autosave and recovery after a crash."""

from __future__ import annotations

import pytest
from gui_helpers import WAIT_MS, add_files, wait_rendered
from PySide6.QtCore import QMimeData, QModelIndex, Qt, QUrl

from pakmap_ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def names(window):
    return [window.layers_panel.model.layer_at(r).name for r in range(window.layers_panel.model.rowCount())]


def test_layers_panel_edits_the_document(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_provinces.geojson")
    model = window.layers_panel.model
    assert names(window) == ["pak_provinces", "pak_districts"]  # top of the map first
    model.move_to_row("pak_districts", 0)
    assert names(window) == ["pak_districts", "pak_provinces"]
    assert [s.name for s in window.document.project.layers] == ["pak_provinces", "pak_districts"]  # draw order
    assert model.setData(model.index(0), "Districts", Qt.ItemDataRole.EditRole)
    assert window.document.project.layers[1].name == "Districts"
    model.setData(model.index(1), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert not window.document.layer("pak_provinces").visible
    window.layers_panel.select_layer("Districts")
    window.layers_panel.opacity.setValue(40)
    assert window.document.layer("Districts").opacity == pytest.approx(0.4)
    tooltip = model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert "156 features" in tooltip and "4 invalid" in tooltip
    window.remove_layer(window.document.layer("pak_provinces"))
    assert names(window) == ["Districts"]
    spec = window.document.project.layer_spec("Districts")  # the spec is the layer's, nothing copied
    assert spec.opacity == pytest.approx(0.4) and spec.visible


def test_dropping_several_files_including_a_zip_adds_them(window, qtbot, shared_data):
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(shared_data / "pak_districts_shp.zip")),
            QUrl.fromLocalFile(str(shared_data / "pak_admin_centres.csv")),
        ]
    )
    assert window.layers_panel.model.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    qtbot.waitUntil(lambda: len(window.document.layers) == 2, timeout=WAIT_MS)
    shapefile, centres = window.document.layers  # in the order dropped
    assert str(shapefile.source.path).endswith("pak_districts_shp.zip") and len(shapefile.data) == 156
    assert centres.geometry_type == "Point" and len(centres.data) == 7  # lat/lon columns became points
    wait_rendered(window, qtbot)


def test_unsaved_changes_prompt_and_recent_projects(window, qtbot, districts_path, tmp_path):
    add_files(window, qtbot, districts_path)
    assert window.document.dirty
    window.files.ask_save_changes = lambda: "cancel"
    assert not window.files.new()
    assert len(window.document.layers) == 1  # nothing lost
    window.files.ask_save_path = lambda: str(tmp_path / "saved.toml")
    window.files.ask_save_changes = lambda: "save"
    assert window.files.new()
    assert (tmp_path / "saved.toml").exists() and window.document.layers == []
    assert window.files.recent() == [str((tmp_path / "saved.toml").resolve())]
    assert window.recent_menu.actions()[0].text() == str((tmp_path / "saved.toml").resolve())


def test_autosave_and_recovery_after_a_crash(qtbot, tmp_path, gui_settings, districts_path):
    recovery = tmp_path / "recovery.toml"
    first = MainWindow(settings=gui_settings, recovery_path=recovery, autosave_seconds=3600)
    added = []
    first.add_files([str(districts_path)], on_done=added.append)
    qtbot.waitUntil(lambda: bool(added), timeout=WAIT_MS)
    first.document.set_opacity("pak_districts", 0.5)
    assert first.files.autosave() == recovery.resolve()
    first.tasks.wait(WAIT_MS)
    first.canvas.wait_idle(WAIT_MS)
    first.deleteLater()  # the session "crashes": no closeEvent, the recovery file stays

    second = MainWindow(settings=gui_settings, recovery_path=recovery, autosave_seconds=3600)
    asked = []
    second.files.ask_recover = lambda original: asked.append(original) or True
    restored = []
    assert second.files.offer_recovery(on_done=restored.append)
    qtbot.waitUntil(lambda: bool(restored), timeout=WAIT_MS)
    assert asked == [None]  # it was an untitled project
    layer = second.document.layer("pak_districts")
    assert layer.opacity == 0.5 and len(layer.data) == 156
    assert second.document.dirty  # recovered work still has to be saved
    second.document.mark_dirty(False)
    second.close()  # a clean exit removes the recovery file
    assert not recovery.exists()


def test_reopening_a_project_restores_its_extent_and_only_the_open_panels(window, qtbot, districts_path, tmp_path):
    add_files(window, qtbot, districts_path)
    karachi = (66.6, 24.7, 67.4, 25.3)
    window.canvas.set_extent(karachi)
    window.identify_dock.show()
    window.layers_dock.hide()
    wait_rendered(window, qtbot)
    saved_extent = window.canvas.extent()
    assert window.files.save_as(str(tmp_path / "karachi.toml"))
    text = (tmp_path / "karachi.toml").read_text()
    assert "[view]" in text and "identify = true" in text and "layers = false" in text

    window.layers_dock.show()  # the window changes after the save: the file decides on reopening
    window.identify_dock.hide()
    window.tables_dock.show()
    window.canvas.zoom_full()
    assert window.files.new()
    opened = []
    assert window.files.open(str(tmp_path / "karachi.toml"), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
    wait_rendered(window, qtbot)
    assert window.identify_dock.isVisible() and not window.layers_dock.isVisible()
    assert not window.tables_dock.isVisible()
    assert window.canvas.extent() == pytest.approx(saved_extent, abs=1e-3)


def test_a_project_without_a_view_opens_at_its_full_extent(window, qtbot, districts_path, tmp_path):
    from pakmap.project import LayerSpec, Project, save_project

    path = save_project(Project(layers=[LayerSpec("districts", str(districts_path))]), tmp_path / "old.toml")
    assert "[view]" not in path.read_text()  # as written before windows were remembered
    opened = []
    window.files.open(str(path), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT_MS)
    xmin, ymin, xmax, ymax = window.canvas.extent()
    assert xmin < 61 and xmax > 77 and ymin < 24 and ymax > 37  # all of Pakistan
    assert window.layers_dock.isVisible()
