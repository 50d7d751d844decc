"""Nothing heavy is imported before it is needed, and the core never imports Qt widgets.

Each check runs in a fresh interpreter and looks at ``sys.modules`` afterwards: what a command, a
render or the desktop app really loaded, not what a test process happened to import before.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Libraries no command, render, export or the desktop app needs: scipy and scikit-learn came in
# through mapclassify, matplotlib through mapclassify and geopandas' plotting.
NEVER = ("scipy", "matplotlib", "sklearn", "mapclassify")
# Everything --help and --version must not wait for.
HEAVY = ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio", "rasterio", "PySide6", "pakmap.commands")


def loaded_after(code: str, tmp_path: Path, timeout: float = 240) -> set[str]:
    """The top-level and pakmap module names loaded once ``code`` has run in a fresh interpreter."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
            import json as _json, sys as _sys
            _names = {m for m in _sys.modules if not m.startswith("pakmap")}
            _names = {m.split(".")[0] for m in _names} | {m for m in _sys.modules if m.startswith(("pakmap", "PySide6"))}
            print("MODULES " + _json.dumps(sorted(_names)))
            """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=timeout
    )
    assert out.returncode == 0, out.stderr[-3000:]
    line = next(line for line in out.stdout.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line[len("MODULES ") :]))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["render", "--help"], ["join", "--help"]])
def test_help_and_version_load_no_command(argv, tmp_path):
    loaded = loaded_after(
        f"""
        from pakmap.cli import main
        try:
            main({argv!r})
        except SystemExit:
            pass
        """,
        tmp_path,
    )
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_info_loads_no_scipy_matplotlib_or_sklearn(tmp_path, districts_path):
    loaded = loaded_after(
        f"""
        from pakmap.cli import main
        assert main(["info", {str(districts_path)!r}]) == 0
        """,
        tmp_path,
    )
    assert "geopandas" in loaded  # the file was really read
    assert not loaded & set(NEVER), sorted(loaded & set(NEVER))
    assert "PySide6.QtWidgets" not in loaded


def test_a_command_freezes_its_imports_once_and_collects_again(tmp_path, districts_path):
    """The objects the command's imports made are frozen out of the collector's sight once per
    process (``pakmap.gc_pause.start_up``); the collector runs again afterwards."""
    code = (
        "import gc; from pakmap.cli import main; "
        f"main(['info', {str(districts_path)!r}]); first = gc.get_freeze_count(); "
        f"main(['info', {str(districts_path)!r}]); print(first, gc.get_freeze_count(), gc.isenabled())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    first, second, enabled = out.stdout.split()[-3:]
    # Frozen objects freed by reference counting leave the count; a second freeze would add the first
    # run's objects to it.
    assert int(first) > 20_000 and int(second) <= int(first) and enabled == "True"


def test_render_of_the_demo_loads_no_scipy_matplotlib_or_sklearn(tmp_path):
    """The demo's choropleth classifies a field: every print format and the web map, from the CLI."""
    loaded = loaded_after(
        """
        from pathlib import Path
        from pakmap.cli import main
        from pakmap.jobs.demo import build_demo
        project = build_demo(Path("demo"))
        for suffix in (".pdf", ".png", ".svg", ".html"):
            assert main(["render", str(project.path), "-o", "map" + suffix, "--dpi", "72"]) == 0
        assert all(Path("map" + s).stat().st_size > 0 for s in (".pdf", ".png", ".svg", ".html"))
        """,
        tmp_path,
        timeout=280,
    )
    assert {"pakmap.render", "pakmap.export", "pakmap.web", "pakmap.classify"} <= loaded
    assert not loaded & set(NEVER), sorted(loaded & set(NEVER))
    assert "PySide6.QtWidgets" not in loaded
    # A map without rasters: rasterio's own GDAL (~30 MB resident) stays out of the process.
    assert "rasterio" not in loaded
    # A project without [[products]]: no quality report, 3W or exposure code (report pages, checks).
    assert not {m for m in loaded if m.startswith("pakmap.products")}, sorted(m for m in loaded if "products" in m)


def test_a_png_render_loads_no_pdf_finisher(tmp_path):
    """pikepdf (qpdf and lxml) is loaded by the first PDF finished: a PNG's page is drawn without it."""
    loaded = loaded_after(
        """
        from pathlib import Path
        from pakmap.cli import main
        from pakmap.jobs.demo import build_demo
        project = build_demo(Path("demo"))
        assert main(["render", str(project.path), "-o", "map.png", "--dpi", "72"]) == 0
        """,
        tmp_path,
    )
    assert {"pakmap.render", "pakmap.export"} <= loaded
    assert not loaded & {"pikepdf", "lxml", "pakmap.export.pdf_finish"}, sorted(loaded & {"pikepdf", "lxml"})


@pytest.mark.gui
def test_desktop_app_drawing_the_demo_loads_no_scipy_matplotlib_or_sklearn(tmp_path):
    loaded = loaded_after(
        """
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from pakmap.jobs.demo import build_demo
        from pakmap_ui.app import create_app, run_until
        from pakmap_ui.main_window import MainWindow

        project = build_demo(Path("demo"))
        create_app()
        settings = QSettings("settings.ini", QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery_path=Path("recovery.toml"), autosave_seconds=3600)
        window.show()
        window.files.open(str(project.path))
        canvas = window.canvas
        run_until(lambda: len(window.document.layers) > 1 and canvas.image is not None and not canvas.is_rendering, 200)
        """,
        tmp_path,
        timeout=280,
    )
    assert {"PySide6.QtWidgets", "pakmap.render", "pakmap.classify"} <= loaded
    assert not loaded & set(NEVER), sorted(loaded & set(NEVER))


@pytest.mark.gui
def test_desktop_app_first_map_loads_no_exporter_and_no_rasterio(tmp_path, districts_path):
    """The exporters (and pikepdf, their PDF finisher), the QGIS writer and rasterio wait for their
    first use, not for the window's first map of a vector file."""
    loaded = loaded_after(
        f"""
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from pakmap_ui.app import create_app, run_until
        from pakmap_ui.main_window import MainWindow

        create_app()
        settings = QSettings("settings.ini", QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery_path=Path("recovery.toml"), autosave_seconds=3600)
        window.show()
        added = []
        window.add_files([{str(districts_path)!r}], on_done=added.append)
        canvas = window.canvas
        run_until(lambda: added and canvas.image is not None and not canvas.is_rendering, 200)
        """,
        tmp_path,
        timeout=280,
    )
    assert {"PySide6.QtWidgets", "pakmap.render", "pakmap.sources"} <= loaded
    late = {"pikepdf", "pakmap.export", "pakmap.interop", "pakmap.jobs.qgis_project", "rasterio"}
    assert not loaded & late, sorted(loaded & late)


def _imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_core_never_imports_qt_widgets():
    """Every import statement of pakmap/, inside functions too (import-linter cannot name an external
    subpackage such as PySide6.QtWidgets; pakmap_ui is its contract's)."""
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "pakmap").rglob("*.py"))
        if any(name == "PySide6.QtWidgets" or name.startswith("PySide6.QtWidgets.") for name in _imported_names(path))
    ]
    assert offenders == []


def test_the_whole_core_imports_without_qt_widgets(tmp_path):
    loaded = loaded_after(
        """
        import importlib, pkgutil, pakmap
        for module in pkgutil.walk_packages(pakmap.__path__, "pakmap."):
            if module.name != "pakmap.__main__":
                importlib.import_module(module.name)
        """,
        tmp_path,
    )
    assert "pakmap.jobs.outputs" in loaded and "pakmap.cli.render" in loaded
    assert "PySide6.QtWidgets" not in loaded and "pakmap_ui" not in loaded
    assert not loaded & set(NEVER), sorted(loaded & set(NEVER))


def test_every_core_package_is_installed():
    """A non-editable install ships only the packages pyproject.toml lists: every folder of pakmap/
    with an ``__init__.py`` must be there (pakmap.interop once was not)."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "pakmap").rglob("__init__.py")}
    assert packages - listed == set()
