"""``pakmap-gui [PROJECT]``: start the desktop application."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from pakmap.gc_pause import start_up


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="pakmap-gui", description="pakmap desktop GIS")
    parser.add_argument("project", nargs="?", help="a project file (.toml) or data files to open")
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def create_app():
    """The QApplication, with pakmap's names (for QSettings) and the Lato font registered."""
    # The data stack (pandas, pyarrow, geopandas) first: once PySide6 is imported, its import hook
    # reads the source of every module imported after it, looking for ``from __feature__``: hundreds
    # of modules of these libraries, read again at every start otherwise and kept in ``linecache``
    # (36 MB with Qt first). The project model, the joins (rapidfuzz) and the readers need no Qt either.
    importlib.import_module("pakmap.layer")
    importlib.import_module("pakmap.project")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1] or ["pakmap-gui"])
    app.setOrganizationName("UNHCR Pakistan")
    app.setApplicationName("pakmap")
    from pakmap.render.qt import ensure_gui_app

    ensure_gui_app()  # registers Lato with Qt (the renderer's fonts)
    return app


def run_until(condition, seconds: float = 120.0, poll_ms: int = 10) -> None:
    """Run the Qt event loop until ``condition()`` is true (scripts and benchmarks driving the window).

    A ``QEventLoop``, not a loop of ``QTest.qWait``: PySide's qWait keeps Python's GIL while it
    waits, so the canvas's render thread crawls (importing mapclassify there took over a minute
    instead of a second); the event loop, like the application's own, lets it run.
    """
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    end = time.monotonic() + seconds
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(poll_ms)
    timer.timeout.connect(lambda: loop.exit(0) if condition() else (time.monotonic() > end and loop.exit(1)))
    timer.start()
    failed = loop.exec()
    timer.stop()
    if failed:
        raise TimeoutError(f"the window did not finish in {seconds:g} s")


def start_app():
    """The QApplication and the main window's class, loaded as ``pakmap-gui`` starts: the start-up
    imports' objects frozen out of the collector's sight (``pakmap.gc_pause.start_up``)."""
    with start_up():
        app = create_app()
        from .main_window import MainWindow
    return app, MainWindow


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app, MainWindow = start_app()
    window = MainWindow()
    window.show()
    paths = [p for p in [args.project, *args.files] if p]
    projects = [p for p in paths if p.lower().endswith(".toml")]
    data = [p for p in paths if not p.lower().endswith(".toml")]
    if not window.files.offer_recovery():
        if projects:
            window.files.open(str(Path(projects[0]).resolve()))
    if data:
        window.add_files(data)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
