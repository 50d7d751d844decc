"""Style dialogs: manual class breaks for choropleths, and raster styles, live on the canvas."""

from __future__ import annotations

import pytest

from pakmap.errors import StyleError
from pakmap.project import JoinSpec, load_project
from pakmap.style import GraduatedStyle
from pakmap_ui.style_editor import break_text, parse_breaks, round_bounds

from gui_helpers import WAIT_MS, add_files, dominant_colour, wait_rendered

pytestmark = pytest.mark.gui

BREAKS_TEXT = "500,000\n1 000 000\n2000000\n5,000,000"
BREAKS = [500_000.0, 1_000_000.0, 2_000_000.0, 5_000_000.0]


def test_typed_breaks_are_parsed_with_thousands_separators_and_checked():
    assert parse_breaks(BREAKS_TEXT) == BREAKS
    assert parse_breaks("0.5; 1.25\n\n 10 ") == [0.5, 1.25, 10.0]
    for text, message in [("100\nlots", "break 2 ('lots') is not a number"),
                          ("100\nnan", "break 2 ('nan') is not a number"),
                          ("100\n50", "break 2 (50) is not above break 1 (100)"),
                          ("100\n100", "must increase"),
                          ("  \n", "needs at least one upper bound")]:
        with pytest.raises(StyleError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_breaks(text)
    assert [break_text(b) for b in (1_000_000.0, 0.125, 2.5e3)] == ["1,000,000", "0.125", "2,500"]
    assert parse_breaks("\n".join(break_text(b) for b in (0.125, 1234.5, 7e6))) == [0.125, 1234.5, 7e6]
    assert round_bounds([1_234_567.0, 4_567_890.0, 13_004_385.0]) == [1_230_000.0, 4_570_000.0, 13_004_385.0]
    assert round_bounds([1001.0, 1004.0, 2000.0]) == [1001.0, 1004.0, 2000.0]  # rounding would merge two


@pytest.fixture
def census_districts(window, qtbot, shared_data):
    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_census2023_districts.csv")
    window.document.apply_join(JoinSpec(layer="pak_districts", table="pak_census2023_districts",
                                        on=[["name", "district"]]))
    return window.document.layer("pak_districts")


def _legend(editor) -> list[str]:
    return [editor.preview.item(i).text() for i in range(editor.preview.count())]


@pytest.mark.realdata
def test_manual_breaks_reach_the_map_the_legend_and_the_project_file(window, qtbot, census_districts, tmp_path):
    editor = window.open_style_editor(census_districts)
    editor.kind.setCurrentIndex(editor.kind.findData("graduated"))
    editor.field.setCurrentText("population_2023")
    assert not editor.breaks.isVisibleTo(editor) and editor.classes.isVisibleTo(editor)
    editor.method.setCurrentIndex(editor.method.findData("manual"))
    assert editor.breaks.isVisibleTo(editor) and not editor.classes.isVisibleTo(editor)
    # Switching to manual starts from the natural-breaks classes on the map, rounded for reading.
    started = parse_breaks(editor.breaks.toPlainText())
    assert len(started) == 5 and started[-1] == census_districts.values("population_2023").max()
    assert all(float(f"{b:.3g}") == b for b in started[:-1])
    assert census_districts.style.method == "manual" and census_districts.style.breaks == started

    editor.breaks.setPlainText(BREAKS_TEXT)  # as typed; applied once the officer pauses
    qtbot.waitUntil(lambda: census_districts.style.breaks == BREAKS, timeout=WAIT_MS)
    assert editor.message.text() == ""
    # Four bounds below the largest value: a fifth class above 5,000,000, then the districts without figures.
    largest = int(census_districts.values("population_2023").max())
    assert _legend(editor)[1:] == ["500,001 – 1,000,000", "1,000,001 – 2,000,000", "2,000,001 – 5,000,000",
                                   f"5,000,001 – {largest:,}", "No data"]
    assert _legend(editor)[0].endswith("– 500,000")
    editor.accept()
    wait_rendered(window, qtbot)
    assert dominant_colour(window, "pak_districts", "Lahore") == "#0B3754"  # 13 million: the top class

    project_path = tmp_path / "manual.toml"
    assert window.files.save_as(str(project_path))
    style = load_project(project_path).layer_spec("pak_districts").style
    assert style["method"] == "manual" and style["breaks"] == BREAKS
    assert "breaks = [" in project_path.read_text(encoding="utf-8")
    window.files.new()
    opened = []
    window.files.open(str(project_path), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened or window.last_error), timeout=WAIT_MS)
    assert window.last_error is None
    reopened = window.document.layer("pak_districts").style
    assert isinstance(reopened, GraduatedStyle) and reopened.method == "manual" and reopened.breaks == BREAKS
    editor = window.open_style_editor(window.document.layer("pak_districts"))
    assert parse_breaks(editor.breaks.toPlainText()) == BREAKS and editor.breaks.isVisibleTo(editor)
    editor.reject()


@pytest.mark.realdata
def test_invalid_breaks_show_a_message_and_leave_the_style_unchanged(window, qtbot, census_districts):
    census_districts.update(style=GraduatedStyle(field="population_2023", method="manual", breaks=BREAKS))
    before = census_districts.style
    editor = window.open_style_editor(census_districts)
    legend = _legend(editor)
    for text, message in [("500,000\nlots", "break 2 ('lots') is not a number"),
                          ("2,000,000\n1,000,000", "break 2 (1,000,000) is not above break 1 (2,000,000)"),
                          ("", "needs at least one upper bound")]:
        shown = census_districts.style
        editor.breaks.setPlainText(text)
        qtbot.waitUntil(lambda: editor.message.text() != "", timeout=WAIT_MS)
        assert message in editor.message.text() and "\n" not in editor.message.text()
        assert census_districts.style is shown and shown == before and _legend(editor) == legend
        editor.accept()  # OK with a bad bound: the dialog stays open, its message shown
        assert editor.isVisible() and census_districts.style is shown
        editor.breaks.setPlainText(BREAKS_TEXT)
        qtbot.waitUntil(lambda: editor.message.text() == "", timeout=WAIT_MS)
    editor.breaks.setPlainText("1,000,000")
    editor.reject()  # Cancel, with an edit still waiting: the style is the one the dialog opened with
    assert census_districts.style is before
