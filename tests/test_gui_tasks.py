"""Background work and the application entry point: progress, cancel, ``pakmap-gui PROJECT``."""

from __future__ import annotations

import threading

import pytest
from gui_helpers import WAIT_MS, add_files

from pakmap.project import JoinSpec, LayerSpec, LayoutSpec, Project, save_project

pytestmark = pytest.mark.gui


def test_cancel_button_stops_a_running_task(window, qtbot):
    started = threading.Event()
    finished, failed = [], []

    def slow(progress, cancelled):
        started.set()
        for i in range(10_000):
            progress(f"step {i}", i / 10_000)  # raises Cancelled once the user pressed Cancel
            threading.Event().wait(0.01)
        return "done"

    task = window.tasks.start("Long export", slow, finished.append, failed.append)
    qtbot.waitUntil(lambda: started.is_set() and window.task_bar.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.task_bar.bar.value() > 0, timeout=WAIT_MS)
    assert "Long export" in window.task_bar.label.text()
    window.task_bar.cancel_button.click()
    qtbot.waitUntil(lambda: task.done.is_set() and not window.task_bar.isVisible(), timeout=WAIT_MS)
    assert finished == [] and failed == []  # cancelled is not an error to show
    assert window.tasks.running == []


def test_style_editor_cancel_restores_the_style(window, qtbot, districts_path):

    add_files(window, qtbot, districts_path)
    layer = window.document.layer("pak_districts")
    original = layer.style
    editor = window.open_style_editor(layer)
    editor.kind.setCurrentIndex(editor.kind.findData("categorized"))
    editor.field.setCurrentText("province")
    assert layer.style.kind == "categorized" and layer.style.field == "province"  # live on the map
    from pakmap.palettes import palettes

    offered = [editor.palette.itemData(i) for i in range(editor.palette.count())]
    assert offered and all(palettes()[name].kind == "categorical" for name in offered)
    safe = [
        editor.palette.itemText(i)
        for i in range(editor.palette.count())
        if palettes()[editor.palette.itemData(i)].colorblind_safe
    ]
    assert all(text.endswith("✓ colour-blind safe") for text in safe)
    editor.reject()
    assert layer.style is original


# Run in a fresh process: the real entry point owns the event loop (app.exec() and quit() would
# leave this test session's loop unusable), and its settings and recovery file go to a scratch HOME.
_ENTRY_CHILD = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pakmap_ui.app import create_app, main
create_app()  # the timer below needs the application's event loop; main() reuses this application
seen = {}
def check():
    wins = [w for w in QApplication.topLevelWidgets() if hasattr(w, "document")]
    win = wins[0] if wins else None
    if win and win.document.layers and win.canvas.image is not None and not win.canvas.is_rendering:
        seen.update(layers=[l.name for l in win.document.layers], title=win.windowTitle(),
                    joined="population_2023" in win.document.layer("districts").fields)
        win.document.mark_dirty(False)
        win.close()
        QApplication.instance().quit()
    else:
        QTimer.singleShot(50, check)
QTimer.singleShot(50, check)
code = main(sys.argv[1:])
print(json.dumps(dict(seen, code=code)))
"""


@pytest.mark.realdata
def test_pakmap_gui_opens_a_project_given_on_the_command_line(tmp_path, shared_data):
    import json
    import os
    import subprocess
    import sys

    project = Project(
        layers=[
            LayerSpec("districts", str(shared_data / "pak_districts.geojson")),
            LayerSpec("census", str(shared_data / "pak_census2023_districts.csv"), visible=False),
        ],
        joins=[JoinSpec(layer="districts", table="census", on=[["name", "district"]])],
        layout=LayoutSpec(title="Census 2023"),
    )
    path = save_project(project, tmp_path / "census map.toml")
    env = dict(
        os.environ,
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    out = subprocess.run(
        [sys.executable, "-c", _ENTRY_CHILD, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {
        "layers": ["districts", "census"],
        "title": "[*]census map.toml — pakmap",
        "joined": True,
        "code": 0,
    }


@pytest.mark.realdata
def test_web_map_and_atlas_export_from_the_layout_view(window, qtbot, admin_gpkg, tmp_path):
    import re
    import subprocess

    add_files(window, qtbot, admin_gpkg, sublayer="provinces")
    layout = window.open_layout()
    written = []
    layout.export_to(tmp_path / "web map.html", on_done=written.append)
    qtbot.waitUntil(lambda: bool(written or window.errors), timeout=WAIT_MS)
    assert window.errors == []
    html = tmp_path / "web map.html"
    assert html in written[0] and "leaflet" in html.read_text(encoding="utf-8").lower()
    assert (tmp_path / "web map.html.record.json").exists()  # the export record is never skipped
    layout.atlas.setChecked(True)
    layout.atlas_layer.setCurrentText("provinces")
    written.clear()
    layout.export_to(tmp_path / "atlas.pdf", on_done=written.append)
    qtbot.waitUntil(lambda: bool(written or window.errors), timeout=WAIT_MS)
    assert window.errors == []
    info = subprocess.run(["pdfinfo", str(tmp_path / "atlas.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+7$", info, re.M), info  # one page per province
    layout.close()


@pytest.mark.realdata
def test_style_editor_closes_when_a_join_replaces_its_layer(window, qtbot, shared_data):

    add_files(window, qtbot, shared_data / "pak_districts.geojson", shared_data / "pak_census2023_districts.csv")
    editor = window.open_style_editor(window.document.layer("pak_districts"))
    assert editor.isVisible()
    window.document.apply_join(
        JoinSpec(layer="pak_districts", table="pak_census2023_districts", on=[["name", "district"]])
    )
    assert not editor.isVisible()
    window.document.remove_layer("pak_districts")  # later structure changes reach no closed editor


def test_run_until_lets_python_threads_run_and_times_out():
    from pakmap_ui.app import run_until

    done = threading.Event()
    counted = []

    def busy():  # pure-Python work, as an import or a classification in the canvas thread is
        n = 0
        while n < 2_000_000:
            n += 1
        counted.append(n)
        done.set()

    threading.Thread(target=busy, daemon=True).start()
    run_until(done.is_set, seconds=60)
    assert counted == [2_000_000]
    with pytest.raises(TimeoutError):
        run_until(lambda: False, seconds=0.05)


@pytest.mark.realdata
def test_closing_the_layout_right_after_an_export_touches_no_deleted_widget(window, qtbot, admin_gpkg, tmp_path):
    """The export goes on in the background and its file is written; the closed view's labels, which
    Qt has already deleted, are left alone (a callback on them raised RuntimeError before)."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    add_files(window, qtbot, admin_gpkg, sublayer="provinces")
    layout = window.open_layout()
    task = layout.export_to(tmp_path / "map.pdf")
    layout.close()  # WA_DeleteOnClose: deleted at the next deferred-delete pass
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(layout)
    qtbot.waitUntil(lambda: task.done.is_set() and not window.tasks.running, timeout=WAIT_MS)
    qtbot.wait(50)  # let queued signals arrive
    assert (tmp_path / "map.pdf").exists() and window.errors == []
