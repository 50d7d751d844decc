"""A GIS officer's day through the real widgets: boundaries, a census join, a choropleth, a PDF,
saving and reopening the project."""

from __future__ import annotations

import subprocess

import pytest
from gui_helpers import WAIT_MS, add_files, dominant_colour, wait_rendered

from pakmap.project import load_project
from pakmap.style import GraduatedStyle

pytestmark = [pytest.mark.gui, pytest.mark.realdata]


def join_census(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_census2023_districts.csv")
    dialog = window.open_join_dialog()
    assert (dialog.layer.currentText(), dialog.table.currentText()) == ("pak_districts", "pak_census2023_districts")
    assert (dialog.layer_key.currentText(), dialog.table_key.currentText()) == ("name", "district")  # guessed
    applied = []
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    report = applied[0]
    dialog.close()
    return report


def style_choropleth(window, field="population_2023"):
    layer = window.document.layer("pak_districts")
    editor = window.open_style_editor(layer)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText(field)
    editor.classes.setValue(5)
    editor.labels_on.setChecked(True)
    editor.label_field.setCurrentText("name")
    assert editor.message.text() == ""
    legend = [editor.preview.item(i).text() for i in range(editor.preview.count())]
    editor.accept()
    return layer, legend


def test_join_census_style_choropleth_export_pdf_save_and_reopen(window, qtbot, shared_data, tmp_path):
    report = join_census(window, qtbot, shared_data)
    assert report.matched == 136 and report.count("unmatched") == 0
    assert len(report.unmatched_layer) == 20  # AJK and Gilgit-Baltistan: no PBS census figures
    assert window.document.project.joins[0].on == [["name", "district"]]

    layer, legend = style_choropleth(window)
    assert isinstance(layer.style, GraduatedStyle) and layer.style.field == "population_2023"
    assert layer.labels.field == "name"
    assert len(legend) == 6 and legend[-1] == "No data"  # 5 classes + the districts without figures
    wait_rendered(window, qtbot)
    # Lahore, 13 million people: the darkest UNHCR blue class; AJK: no data, not the lightest class.
    assert dominant_colour(window, "pak_districts", "Lahore") == "#0B3754"
    assert dominant_colour(window, "pak_districts", "Muzaffarabad") == "#E6E6E6"
    assert window.windowTitle().startswith("[*]Untitled") and window.isWindowModified()

    # Print layout: edit the title, preview, export a PDF in the background.
    layout = window.open_layout()
    layout.set_field("title", "Pakistan: population by district")
    layout.set_field("sources", "Pakistan Bureau of Statistics, Census 2023; boundaries © OpenStreetMap contributors")
    qtbot.waitUntil(lambda: bool(layout.preview_image is not None), timeout=WAIT_MS)
    assert layout.preview_image.width() > layout.preview_image.height()  # A4 landscape
    written = []
    pdf = tmp_path / "population.pdf"
    layout.export_to(pdf, on_done=written.extend)
    qtbot.waitUntil(lambda: bool(written or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Pakistan: population by district" in text and "Pakistan Bureau of Statistics" in text
    assert legend[0] in text and "No data" in text  # the legend is the style editor's preview
    layout.close()

    # Save, then reopen in a fresh document: join, style, labels and title are all there.
    project_path = tmp_path / "maps" / "population.toml"
    project_path.parent.mkdir()
    assert window.files.save_as(str(project_path))
    assert not window.isWindowModified() and window.windowTitle().startswith("[*]population.toml")
    saved = load_project(project_path)
    assert saved.layout.title == "Pakistan: population by district"
    assert saved.layer_spec("pak_districts").style.field == "population_2023"
    assert saved.layer_spec("pak_districts").path.startswith("../")  # relative to the project file

    window.files.new()
    assert window.document.layers == []
    opened = []
    window.files.open(str(project_path), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    reopened = window.document.layer("pak_districts")
    assert reopened.style.field == "population_2023" and reopened.labels.field == "name"
    assert "population_2023" in reopened.fields  # the join was replayed from the project
    assert window.files.recent()[0] == str(project_path.resolve())
    wait_rendered(window, qtbot)
    assert dominant_colour(window, "pak_districts", "Lahore") == "#0B3754"


def test_fuzzy_suggestions_accepted_are_saved_in_the_project(window, qtbot, districts_path, tmp_path):
    table = tmp_path / "partner table.csv"  # a partner's spellings, with a space in the file name
    table.write_text("district,refugees\nPeshwar,1200\nLahore,300\nQuetta City,4500\n", encoding="utf-8")
    add_files(window, qtbot, districts_path, table)
    dialog = window.open_join_dialog()
    dialog.table.setCurrentText("partner table")
    dialog.table_key.setCurrentText("district")
    reports = []
    dialog.preview(on_done=reports.append)
    qtbot.waitUntil(lambda: bool(reports), timeout=WAIT_MS)
    report = reports[0]
    assert report.count("unmatched") >= 1
    unmatched_keys = [dialog.unmatched_table.item(r, 1).text() for r in range(dialog.unmatched_table.rowCount())]
    assert "Peshwar" in unmatched_keys
    assert dialog.suggestions.rowCount() >= 1
    assert dialog.accept_suggestion("Peshwar", "Peshawar")
    applied = []
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert applied[0].count("accepted") == 1
    assert window.document.project.joins[0].accepted["Peshwar"] == "Peshawar"
    layer = window.document.layer("pak_districts")
    assert layer.data.loc[layer.data["name"] == "Peshawar", "refugees"].iloc[0] == 1200
    dialog.close()


def test_bad_files_show_a_message_and_nothing_is_lost(window, qtbot, districts_path, tmp_path):
    add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    broken = tmp_path / "villages.shp"
    broken.write_bytes(b"not a shapefile at all")
    window.add_files([str(broken), str(tmp_path / "missing.geojson")])
    qtbot.waitUntil(lambda: len(window.errors) == 2, timeout=WAIT_MS)
    villages, missing = sorted(window.errors, key=lambda e: "missing.geojson" in e)
    assert "villages.shp" in villages and ".shx" in villages  # names the file, the problem, the fix
    assert "missing.geojson" in missing and "not found" in missing
    assert all("\n" not in e and "Traceback" not in e for e in window.errors)
    assert window.isVisible()
    assert [l.name for l in window.document.layers] == ["pak_districts"]

    bad_project = tmp_path / "broken.toml"
    bad_project.write_text("[pakmap]\nformat = 1\n[map]\ntitel = 'typo'\n", encoding="utf-8")
    window.files.ask_save_changes = lambda: "discard"
    window.files.open(str(bad_project))
    qtbot.waitUntil(lambda: len(window.errors) == 3, timeout=WAIT_MS)
    assert "titel" in window.last_error and "broken.toml" in window.last_error
    # The map on screen is untouched: the project replaces it only once it has loaded.
    assert [l.name for l in window.document.layers] == ["pak_districts"]
    assert window.isVisible() and window.canvas.image is not None
