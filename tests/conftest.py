"""Shared test fixtures.

Real data is read in place from ``../shared/data`` beside the repository (never copied into it);
tests that need it are skipped with a clear reason only when that folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every page prints its creation date: pin it (15 January 2026) so that no test depends on the day it
# runs, whatever the caller's environment says.
os.environ["SOURCE_DATE_EPOCH"] = "1768435200"

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PAKMAP_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session", autouse=True)
def _one_qt_application(qapp):
    """One QApplication for the whole session, created before any test renders.

    The core only needs a QGuiApplication (``pakmap.render.qt.ensure_gui_app`` creates one when none
    exists), but Qt allows one application object per process: if a core test created a
    QGuiApplication first, the GUI tests could not create widgets. pytest-qt's ``qapp`` is a
    QApplication, which serves both.
    """
    return qapp


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public Pakistan data (``../shared/data``)."""
    if not (SHARED_DATA / "pak_districts.geojson").exists():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def districts_path(shared_data: Path) -> Path:
    return shared_data / "pak_districts.geojson"


@pytest.fixture(scope="session")
def admin_gpkg(shared_data: Path) -> Path:
    return shared_data / "pakistan_admin.gpkg"


# --- the desktop app (tests/test_gui_*.py) ---------------------------------------------------------


@pytest.fixture
def gui_settings(tmp_path):
    """QSettings in the test's folder: recent projects and window state never touch the user's."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, gui_settings):
    """The real main window, its recovery file under the test's ``tmp_path``."""
    from pakmap.render.qt import ensure_gui_app

    ensure_gui_app()  # Lato registered, as pakmap-gui does at start-up
    from pakmap_ui.main_window import MainWindow

    win = MainWindow(
        settings=gui_settings, recovery_path=tmp_path / "recovery" / "recovery.toml", autosave_seconds=3600
    )
    win.resize(1200, 800)
    win.show()
    yield win
    win.document.mark_dirty(False)  # no unsaved-changes question while tearing down
    win.close()  # waits for the render thread and background tasks
    win.deleteLater()
