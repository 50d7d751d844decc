"""Edit ▸ Undo / Redo in the real window: every change to the project is undone and redone, and the
canvas, the legend, the layers panel and the layout's boxes show the state they go back to."""

from __future__ import annotations

import pytest
from gui_helpers import WAIT_MS, add_files, dominant_colour, wait_rendered
from PySide6.QtCore import Qt
from test_gui_style import census_districts  # noqa: F401 - the fixture: districts with the census joined

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def _legend(window) -> list[str]:
    """The legend rows the style dialog shows (what the print legend lists), read from the widget."""
    editor = window.open_style_editor(window.document.layer("pak_districts"))
    rows = [editor.preview.item(i).text() for i in range(editor.preview.count())]
    editor.reject()
    return rows


def _press(window, qtbot, key: str) -> None:
    """Ctrl+Z / Ctrl+Shift+Z as the officer types them."""
    window.activateWindow()  # a shortcut goes to the active window: the style dialog was, a moment ago
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    modifiers = Qt.KeyboardModifier.ControlModifier
    if key == "redo":
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, modifiers)


def test_undo_and_redo_a_style_change_made_in_the_style_dialog(window, qtbot, census_districts):
    wait_rendered(window, qtbot)
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    assert undo.shortcut().toString() == "Ctrl+Z" and redo.shortcut().toString() == "Ctrl+Shift+Z"
    plain_colour = dominant_colour(window, "pak_districts", "Lahore")
    plain_legend = _legend(window)
    assert undo.isEnabled() and not redo.isEnabled()  # the window's history: adding and joining

    editor = window.open_style_editor(census_districts)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("population_2023")
    editor.accept()
    wait_rendered(window, qtbot)
    styled_colour = dominant_colour(window, "pak_districts", "Lahore")
    styled_legend = _legend(window)
    assert styled_colour == "#0B3754" != plain_colour  # 13 million people: the darkest class
    assert len(styled_legend) == 6 and styled_legend != plain_legend  # five classes and "No data"
    assert undo.text() == "&Undo Style of pak_districts"  # the dialog's changes are one step

    _press(window, qtbot, "undo")
    wait_rendered(window, qtbot)
    assert dominant_colour(window, "pak_districts", "Lahore") == plain_colour
    assert _legend(window) == plain_legend
    assert window.document.project.layer_spec("pak_districts").style is window.document.layer("pak_districts").style
    assert redo.isEnabled() and redo.text() == "&Redo Style of pak_districts"

    _press(window, qtbot, "redo")
    wait_rendered(window, qtbot)
    assert dominant_colour(window, "pak_districts", "Lahore") == styled_colour
    assert _legend(window) == styled_legend
    assert not redo.isEnabled() and redo.text() == "&Redo"


def test_undo_follows_layers_panel_edits_joins_and_the_layout(window, qtbot, census_districts, shared_data):
    undo, redo = window.actions_by_name["undo"], window.actions_by_name["redo"]
    document = window.document
    add_files(window, qtbot, shared_data / "pak_provinces.geojson")
    model = window.layers_panel.model
    names = lambda: [model.data(model.index(r), Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())]  # noqa: E731
    before = names()
    assert model.setData(model.index(0), "Provinces", Qt.ItemDataRole.EditRole)  # rename
    model.setData(model.index(0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)  # hide
    document.move_layer("Provinces", 0)  # what a drag in the panel does
    window.layers_panel.select_layer("pak_districts")
    window.layers_panel.opacity.setValue(40)
    layout = window.open_layout()
    layout.set_field("title", "Afghan refugees by district")
    assert document.dirty and window.isWindowModified()

    undo.trigger()  # the layout's title
    assert layout.edits["title"].text() != "Afghan refugees by district"
    assert document.project.layout.title == ""
    undo.trigger()  # opacity
    assert document.layer("pak_districts").opacity == 1.0 and window.layers_panel.opacity.value() == 100
    undo.trigger()  # order
    undo.trigger()  # visibility
    assert document.layer("Provinces").visible and names() == ["Provinces", *before[1:]]
    undo.trigger()  # name
    assert names() == before and document.project.layer_spec("pak_provinces").visible
    undo.trigger()  # the provinces added
    undo.trigger()  # the join
    assert document.project.joins == [] and "population_2023" not in document.layer("pak_districts").fields
    wait_rendered(window, qtbot)
    for _ in range(7):
        redo.trigger()
    assert document.project.layout.title == "Afghan refugees by district"
    assert layout.edits["title"].text() == "Afghan refugees by district"
    assert "population_2023" in document.layer("pak_districts").fields and names()[-1] == "Provinces"
    assert document.layer("pak_districts").opacity == pytest.approx(0.4)
    assert not redo.isEnabled()
    layout.close()
    qtbot.waitUntil(lambda: not window.tasks.running, timeout=WAIT_MS)


def test_an_open_style_dialog_follows_undo_and_redo(window, qtbot, census_districts):
    editor = window.open_style_editor(census_districts)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("population_2023")
    graduated = [editor.preview.item(i).text() for i in range(editor.preview.count())]
    window.actions_by_name["undo"].trigger()
    assert editor.kind.currentData() == "single" and editor.preview.count() == 1
    window.actions_by_name["redo"].trigger()
    assert editor.kind.currentData() == "graduated" and editor.field.currentText() == "population_2023"
    assert [editor.preview.item(i).text() for i in range(editor.preview.count())] == graduated
    editor.reject()  # Cancel: back to the style the dialog opened with, and no step left to undo
    assert census_districts.style.kind == "single"
    assert window.document.history.undo_text.startswith("Join")


def test_an_open_raster_style_dialog_follows_undo_and_redo(window, qtbot, tmp_path):
    from test_gui_style import _gradient_tif

    add_files(window, qtbot, _gradient_tif(tmp_path / "surface.tif"))
    layer = window.document.layer("surface")
    editor = window.open_style_editor(layer)
    editor.palette.setCurrentIndex(editor.palette.findData("unhcr_green"))
    editor.vmax.setText("1,000")
    assert editor.apply()
    editor.opacity.setValue(60)
    assert (layer.style.palette, layer.style.vmax, layer.style.opacity) == ("unhcr_green", 1000, 0.6)

    window.actions_by_name["undo"].trigger()  # the dialog's changes are one step
    assert layer.style.palette == "unhcr_blue" and layer.style.vmax is None
    assert (editor.palette.currentData(), editor.vmax.text(), editor.opacity.value()) == ("unhcr_blue", "", 100)
    assert "automatic" in editor.ramp_label.text()
    window.actions_by_name["redo"].trigger()
    assert (editor.palette.currentData(), editor.vmax.text(), editor.opacity.value()) == ("unhcr_green", "1,000", 60)
    assert editor.ramp_label.text().startswith("automatic – 1,000")
    editor.accept()
    assert layer.style.palette == "unhcr_green"
    wait_rendered(window, qtbot)
