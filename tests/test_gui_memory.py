"""A removed layer is freed: nothing in the window (background tasks, the canvas's render jobs, the
attribute table, the selection, the render caches) keeps it or what was built from it alive once the
undo history no longer holds it (the history keeps it so that Undo brings it back)."""

from __future__ import annotations

import gc
import os
import weakref

import pytest
from gui_helpers import WAIT_MS, add_files, wait_rendered

pytestmark = [pytest.mark.gui, pytest.mark.realdata]

WARM_UP = 3  # first cycles fill the caches that stay whatever the data (fonts, PROJ, GDAL drivers)
CYCLES = 20
GROWTH_MB = 40  # a leaked 4 MB district layer costs ~3.6 MB a cycle: 20 cycles would be ~70 MB


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def add_use_and_remove(window, qtbot, path) -> weakref.ref:
    """What an officer does with a layer before removing it: see it, identify a feature, open its
    table and its style dialog."""
    (layer,) = add_files(window, qtbot, path)
    wait_rendered(window, qtbot)
    canvas = window.canvas
    canvas.identify(canvas.rect().center())
    canvas.select_at(canvas.rect().center())  # the district under the centre: an overlay render
    window.open_table(layer)
    window.open_style_editor(layer)  # left open: removing the layer closes it
    wait_rendered(window, qtbot)
    gone = weakref.ref(layer)
    window.remove_layer(layer)
    del layer
    window.document.history.clear()  # Undo could bring it back until then
    wait_rendered(window, qtbot)  # the map without it
    return gone


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="resident memory is read from /proc")
def test_adding_and_removing_a_layer_frees_it(window, qtbot, districts_path):
    for _ in range(WARM_UP):
        add_use_and_remove(window, qtbot, districts_path)
    gc.collect()
    before = resident_mb()
    gone = [add_use_and_remove(window, qtbot, districts_path) for _ in range(CYCLES)]
    gc.collect()
    alive = sum(ref() is not None for ref in gone)
    assert alive == 0, f"{alive} of {CYCLES} removed layers are still in memory"
    assert window.document.layers == []
    growth = resident_mb() - before
    assert growth < GROWTH_MB, f"resident memory grew {growth:.0f} MB over {CYCLES} add/remove cycles"


def test_a_layer_shown_in_the_print_layout_is_freed_when_removed(window, qtbot, districts_path):
    gone = []
    for _ in range(2):
        (layer,) = add_files(window, qtbot, districts_path)
        layout = window.open_layout()
        qtbot.waitUntil(
            lambda layout=layout: layout.preview_image is not None, timeout=WAIT_MS
        )  # with its locator inset
        layout.close()
        gone += [weakref.ref(layer), weakref.ref(layer.data)]
        window.remove_layer(layer)
        window.document.history.clear()
        del layer, layout
        wait_rendered(window, qtbot)
    gc.collect()
    assert [ref() is None for ref in gone] == [True] * len(gone)  # each layer, then its data frame


def test_removing_a_joined_layer_takes_its_join_report_along(shared_data):
    """The export record pairs joins and reports by position: a stale report would describe another join."""
    from pakmap.project import JoinSpec
    from pakmap.session import Session
    from pakmap.sources import open_layer

    document = Session()
    districts = shared_data / "pak_districts.geojson"
    census = shared_data / "pak_census2023_districts.csv"
    for name, path in (("census", census), ("first", districts), ("second", districts)):
        layer = open_layer(path)
        layer.name = name
        document.add_layer(layer, path)
    document.apply_join(JoinSpec(layer="first", table="census", on=[["name", "district"]]))
    _, second_report = document.apply_join(JoinSpec(layer="second", table="census", on=[["name", "district"]]))
    first = weakref.ref(document.layer("first"))
    document.remove_layer("first")
    assert [(j.layer, j.table) for j in document.project.joins] == [("second", "census")]
    assert [id(r) for r in document.loaded.join_reports] == [id(second_report)]
    assert [key[0] for key in document.join_reports] == ["second"]  # keyed by target layer first
    gc.collect()
    assert first() is not None  # held for Undo
    document.history.clear()
    gc.collect()
    assert first() is None


def test_a_new_project_frees_the_layers_of_the_last_one(window, qtbot, districts_path):
    """An empty map starts no render: the canvas must not keep its last render job, which holds the layers."""
    (layer,) = add_files(window, qtbot, districts_path)
    wait_rendered(window, qtbot)
    window.open_table(layer)
    gone = [weakref.ref(layer), weakref.ref(window.document)]
    del layer
    window.document.mark_dirty(False)  # no unsaved-changes question
    assert window.files.new()

    def freed() -> bool:  # once the event loop has deleted the closed attribute table
        gc.collect()
        return [ref() is None for ref in gone] == [True, True]  # the layer, the document

    qtbot.waitUntil(freed, timeout=10_000)
