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


# --- PostgreSQL/PostGIS (tests/test_postgis_*.py): a real throwaway server, never a mock -----------


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory, shared_data):
    """A PostGIS server for the session (``tests/pg_cluster.py``) holding the real districts as
    ``public.districts`` and the census table as ``public.census`` (non-spatial); stopped and
    removed at the end. Skipped only when Debian's ``postgresql``/``postgis`` are not installed."""
    import geopandas as gpd
    from pg_cluster import Cluster, postgis_installed, server_binaries

    from pakmap.postgis.address import PgSource
    from pakmap.sources import open_layer

    binaries = server_binaries()
    if binaries is None or not postgis_installed(binaries):
        pytest.skip("PostgreSQL/PostGIS server binaries not installed (apt-get install postgresql postgis)")
    cluster = Cluster(binaries).start()
    try:
        services, passfile = cluster.write_service_file(tmp_path_factory.mktemp("pg-client"))
        cluster.services, cluster.passfile = services, passfile
        env = {"PGSERVICEFILE": str(services), "PGPASSFILE": str(passfile)}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            from pakmap.postgis.write import write_tables

            target = PgSource((("service", "pakmap"),), ("public", "districts"))
            write_tables(target, gpd.read_file(shared_data / "pak_districts.geojson"), [], replace=True)
            census = open_layer(shared_data / "pak_census2023_districts.csv").data
            write_tables(target.with_table("public.census"), census, [], replace=True)
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg(pg_cluster, monkeypatch):
    """The session's server, with this test's environment pointing libpq at its service file and
    password file (``service=pakmap`` over TCP, ``service=pakmap-socket`` over the Unix socket)."""
    monkeypatch.setenv("PGSERVICEFILE", str(pg_cluster.services))
    monkeypatch.setenv("PGPASSFILE", str(pg_cluster.passfile))
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE"):
        monkeypatch.delenv(name, raising=False)
    return pg_cluster


@pytest.fixture(scope="session")
def pg_million_points(pg_cluster):
    """``public.million_points``: 1,000,000 points over Pakistan, made on the server (seeded)."""
    pg_cluster.sql(
        "SELECT setseed(0.18)",
        "CREATE TABLE million_points AS SELECT i AS id, (i % 7) AS kind, "
        "ST_SetSRID(ST_MakePoint(61 + random() * 16, 24 + random() * 13), 4326)::geometry(Point, 4326) AS geom "
        "FROM generate_series(1, 1000000) AS i",
        "CREATE INDEX ON million_points USING GIST (geom)",
        "ALTER TABLE million_points OWNER TO officer",
        "ANALYZE million_points",
        database="pakmap",
    )
    return "postgresql:///public.million_points?service=pakmap"
