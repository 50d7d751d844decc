"""The join dialog with several key pairs and a parent unit ("match within the same province")."""

from __future__ import annotations

import geopandas as gpd
import pytest
from gui_helpers import WAIT_MS, add_files
from shapely.geometry import box

from pakmap.project import load_project

pytestmark = pytest.mark.gui


def _preview(dialog, qtbot, window):
    reports, errors = [], len(window.errors)
    dialog.preview(on_done=reports.append)
    qtbot.waitUntil(lambda: bool(reports) or len(window.errors) > errors, timeout=WAIT_MS)
    return reports[0] if reports else None


@pytest.mark.realdata
def test_two_key_pairs_join_the_census_by_district_and_province(window, qtbot, shared_data, tmp_path):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_census2023_districts.csv")
    dialog = window.open_join_dialog()
    assert dialog.keys.pairs() == [["name", "district"]]
    assert not dialog.keys.rows[0].remove.isEnabled()  # a join needs a key
    second = dialog.keys.add_pair()
    # A new pair starts from the next layer field, with the table field sharing its values.
    assert dialog.keys.pairs()[1] == ["division", "division"]
    second.layer.setCurrentText("province")
    assert second.table.currentText() == "division"  # the officer's choice is not second-guessed…
    second.table.setCurrentText("province")
    extra = dialog.keys.add_pair()
    assert len(dialog.keys.rows) == 3 and extra.remove.isEnabled()
    extra.remove.click()
    assert dialog.keys.pairs() == [["name", "district"], ["province", "province"]]

    report = _preview(dialog, qtbot, window)
    assert report.matched == 136 and report.count("unmatched") == 0 and len(report.unmatched_layer) == 20
    matched = [dialog.matched.item(r, 0).text() for r in range(dialog.matched.rowCount())]
    assert "Lahore | Punjab" in matched  # the composite key, as the report writes it
    applied = []
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert window.document.project.joins[0].on == [["name", "district"], ["province", "province"]]
    layer = window.document.layer("pak_districts")
    lahore = layer.values("population_2023")[layer.values("name") == "Lahore"].iloc[0]
    assert lahore > 10_000_000
    dialog.close()

    project_path = tmp_path / "census.toml"
    assert window.files.save_as(str(project_path))
    assert load_project(project_path).joins[0].on == [["name", "district"], ["province", "province"]]
    reopened = window.open_join_dialog()  # the saved join's pairs come back in the dialog
    assert reopened.keys.pairs() == [["name", "district"], ["province", "province"]]
    assert not reopened.within.isChecked()
    reopened.close()


@pytest.fixture
def two_hyderabads(tmp_path):
    """Two districts named Hyderabad in different provinces (as in old boundary sets), one table row each."""
    layer = gpd.GeoDataFrame(
        {"name": ["Hyderabad", "Hyderabad", "Kohat"], "province": ["Sindh", "Punjab", "KP"]},
        geometry=[box(68, 25, 69, 26), box(72, 31, 73, 32), box(71, 33, 72, 34)],
        crs=4326,
    )
    layer.to_file(tmp_path / "units.geojson", driver="GeoJSON")
    (tmp_path / "figures.csv").write_text(
        "district,prov,refugees\nHyderabad,Sindh,100\nHyderabad,Punjab,200\nKohat,KP,300\n", encoding="utf-8"
    )
    return tmp_path / "units.geojson", tmp_path / "figures.csv"


def test_a_second_key_pair_tells_namesakes_apart(window, qtbot, two_hyderabads):
    add_files(window, qtbot, *two_hyderabads)
    dialog = window.open_join_dialog()
    assert dialog.keys.pairs() == [["name", "district"]]
    # One pair: both Hyderabads receive both rows — refused, with the reason in the window.
    assert _preview(dialog, qtbot, window) is None
    assert "would receive several rows" in window.last_error
    dialog.keys.add_pair("province", "prov")
    report = _preview(dialog, qtbot, window)
    assert report.matched == 3 and report.count("exact") == 3
    applied = []
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    layer = window.document.layer("units")
    assert list(layer.values("refugees")) == [100, 200, 300]
    dialog.close()


def test_match_within_a_parent_unit(window, qtbot, two_hyderabads):
    add_files(window, qtbot, *two_hyderabads)
    dialog = window.open_join_dialog()
    assert dialog.layer_parent.currentText() == "province"  # offered when the layer has one
    dialog.within.setChecked(True)
    assert dialog.table_parent.currentText() == "prov"  # guessed from shared values
    assert dialog.spec().within == ["province", "prov"]
    report = _preview(dialog, qtbot, window)
    assert report.matched == 3 and report.duplicate_layer_keys == {}
    applied = []
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert window.document.project.joins[0].within == ["province", "prov"]
    assert list(window.document.layer("units").values("refugees")) == [100, 200, 300]
    dialog.close()
    again = window.open_join_dialog()
    assert again.within.isChecked() and (again.layer_parent.currentText(), again.table_parent.currentText()) == (
        "province",
        "prov",
    )
    again.close()


def test_incomplete_or_repeated_pairs_are_explained_before_running(window, qtbot, two_hyderabads):
    add_files(window, qtbot, *two_hyderabads)
    dialog = window.open_join_dialog()
    dialog.keys.add_pair("name", "district")
    dialog.preview()
    assert "the key pair 'units'.name = 'figures'.district is given twice" in window.last_error
    dialog.keys.remove_pair(1)
    dialog.keys.rows[0].table.setCurrentIndex(-1)
    dialog.preview()
    assert "both fields of every key pair joining 'figures' to 'units'" in window.last_error
    assert window.tasks.running == []  # nothing was started
    dialog.close()


def test_dialog_shows_totals_rows_apart_and_rows_as_the_file_numbers_them(window, qtbot, tmp_path):
    layer = gpd.GeoDataFrame(
        {"name": ["Kohat", "Bannu"]}, geometry=[box(71, 33, 72, 34), box(70, 32, 71, 33)], crs=4326
    )
    layer.to_file(tmp_path / "units.geojson", driver="GeoJSON")
    (tmp_path / "figures.csv").write_text(
        "Refugees in October\n\ndistrict,refugees\nKohat,300\nKohatt Town,5\nGrand Total,305\n", encoding="utf-8"
    )
    add_files(window, qtbot, tmp_path / "units.geojson", tmp_path / "figures.csv")
    dialog = window.open_join_dialog()
    report = _preview(dialog, qtbot, window)
    assert report.count("total") == 1 and report.count("unmatched") == 1
    assert "Totals rows left out of the join: file line 6: &#x27;Grand Total&#x27; is a total" in dialog.summary.text()
    assert dialog.unmatched_table.horizontalHeaderItem(0).text() == "Table row (file line)"
    assert dialog.unmatched_table.item(0, 0).text() == "5"  # line 5 in a text editor
    matched = [dialog.matched.item(r, 0).text() for r in range(dialog.matched.rowCount())]
    assert matched == ["Kohat"]  # the totals row is not listed as matched
    dialog.close()


@pytest.mark.realdata
def test_dialog_starts_on_the_layer_the_table_matches_and_names_both(window, qtbot, shared_data, tmp_path):
    census = tmp_path / "census_oct.csv"
    text = (shared_data / "pak_census2023_districts.csv").read_text(encoding="utf-8")
    census.write_text(text.replace("\nLahore,", "\nLahorr,"), encoding="utf-8")
    # The provinces come after the districts in the layer list and the census names them too (its
    # province column): the districts still match it best, 135 of their names against 5 provinces.
    add_files(window, qtbot, shared_data / "pak_provinces.geojson", shared_data / "pak_districts.geojson", census)
    dialog = window.open_join_dialog()
    assert dialog.layer.currentText() == "pak_districts"
    assert dialog.table.currentText() == "census_oct"
    assert dialog.keys.pairs() == [["name", "district"]]

    report = _preview(dialog, qtbot, window)
    summary = dialog.summary.text()
    assert "135 of 136 rows of 'census_oct' matched a feature of 'pak_districts'" in summary
    assert "features of 'pak_districts' without data" in summary
    assert "1 row(s) of 'census_oct' with values match no feature of 'pak_districts': 'Lahorr'" in summary
    assert " table rows" not in summary

    # The officer takes the suggestion for 'Lahorr' in the Suggestions tab and applies: the join
    # runs again with it, and the tab in view stays in view.
    assert dialog.tabs.currentIndex() == 0 and dialog.accept_suggestion("Lahorr")
    assert dialog.accepted_suggestions() == {"Lahorr": "Lahore"}
    applied = []
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: bool(applied), timeout=WAIT_MS)
    assert applied[0].matched == 136 and report.matched == 135
    assert dialog.isVisible() and dialog.tabs.currentIndex() == 0
    assert "Applied" in dialog.summary.text()
    dialog.tabs.setCurrentIndex(3)  # the Matched tab, then Apply again without changes: it stays
    dialog.apply(on_done=applied.append)
    qtbot.waitUntil(lambda: len(applied) == 2, timeout=WAIT_MS)
    assert dialog.tabs.currentIndex() == 3
    dialog.close()
