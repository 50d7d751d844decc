"""Qt start-up for rendering: a Gui application when there is none, Lato registered once."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

from pakmap.fonts import lato_files, register_fonts
from pakmap.render.qt import ensure_gui_app, qcolor


def test_lato_registered_and_resolvable():
    ensure_gui_app()
    assert "Lato" in register_fonts()
    assert register_fonts() is register_fonts()  # once
    assert "Lato" in QFontDatabase.families()
    assert QFontInfo(QFont("Lato")).family() == "Lato"
    assert any(p.name == "Lato-Bold.ttf" for p in lato_files())


def test_ensure_gui_app_reuses_existing_app():
    assert ensure_gui_app() is ensure_gui_app()


def test_renders_headless_in_a_fresh_process_without_display():
    code = (
        "import os; os.environ.pop('DISPLAY', None); os.environ.pop('QT_QPA_PLATFORM', None)\n"
        "import geopandas as gpd; from shapely.geometry import box; from pyproj import CRS\n"
        "from pakmap.layer import VectorLayer; from pakmap.render import MapView\n"
        "from pakmap.render.offscreen import render_image\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "lyr = VectorLayer('x', gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=3857))\n"
        "img, _ = render_image(MapView((lyr,), (0, 0, 1, 1), CRS.from_epsg(3857), 10, 10))\n"
        "assert type(QGuiApplication.instance()).__name__ == 'QGuiApplication'\n"
        "print(hex(img.pixel(5, 5)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0xff0072bc"  # the default UNHCR blue fill


def test_qcolor_opacity_and_none():
    assert qcolor("#0072BC", 0.5).alpha() == 128
    assert qcolor("none").alpha() == 0
