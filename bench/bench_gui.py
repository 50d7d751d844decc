"""Desktop app speed: start-up to the first drawn map, and canvas frames with 1,000,000 points.

``python bench/bench_gui.py [--quick]`` prints a table:

- start-up: a fresh ``python`` process imports the app, opens the main window, reads the real
  districts (``../shared/data/pak_districts.geojson``) and finishes the first background render
  (target < 2 s);
- pan/zoom frame: what the user sees while dragging or wheel-zooming over 1,000,000 points is the
  last rendered image moved/scaled by ``paintEvent``; timed per frame (target < 100 ms);
- full re-render: the background render of the same view after the movement stops (shown when it
  arrives; the window never waits for it).

Runs offscreen (``QT_QPA_PLATFORM=offscreen``) unless a display is set.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = Path(os.environ.get("PAKMAP_SHARED_DATA", REPO.parent / "shared" / "data"))


def _wait(condition, seconds: float = 120.0) -> None:
    from pakmap_ui.app import run_until

    run_until(condition, seconds, poll_ms=2)


def startup_child() -> None:
    """Run in a fresh process: window up, districts read, first map drawn; print the seconds."""
    start = time.perf_counter()
    from PySide6.QtCore import QSettings

    from pakmap_ui.app import create_app
    from pakmap_ui.main_window import MainWindow

    create_app()
    scratch = Path(tempfile.mkdtemp(prefix="pakmap-bench-gui-"))
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_path=scratch / "recovery.toml")
    window.resize(1400, 900)
    window.show()
    window.add_files([str(DATA / "pak_districts.geojson")])
    _wait(lambda: window.canvas.image is not None and not window.canvas.is_rendering)
    print(f"{time.perf_counter() - start:.4f}", flush=True)
    os._exit(0)  # measured; skip teardown


def measure_startup(runs: int) -> list[float]:
    """Wall time of fresh processes from launch to the first drawn map."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), PYTHONPATH=str(REPO))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--startup-child"], capture_output=True, text=True, env=env, timeout=300
        )
        wall = time.perf_counter() - t0
        if out.returncode != 0 or not out.stdout.strip():
            raise RuntimeError(f"start-up run failed: {out.stderr[-2000:]}")
        times.append(wall)
    return times


def million_points(n: int):
    import geopandas as gpd
    import numpy as np

    from pakmap.layer import VectorLayer
    from pakmap.style import SingleSymbolStyle, Symbol

    rng = np.random.default_rng(42)
    x, y = rng.uniform(61, 77, n), rng.uniform(24, 37, n)
    frame = gpd.GeoDataFrame({"households": rng.integers(1, 500, n)}, geometry=gpd.points_from_xy(x, y), crs=4326)
    return VectorLayer(
        "points", frame, style=SingleSymbolStyle(Symbol(fill="#0072BC", stroke="#FFFFFF", stroke_width=0.0, size=1.0))
    )


def measure_canvas(n: int, frames: int) -> dict[str, list[float]]:
    from PySide6.QtGui import QImage

    from pakmap.session import Session
    from pakmap_ui.app import create_app
    from pakmap_ui.canvas import MapCanvas

    create_app()
    doc = Session()
    doc.add_layer(million_points(n), "points.gpkg")
    canvas = MapCanvas(doc)
    canvas.resize(1400, 900)
    canvas.show()
    canvas.zoom_full()
    _wait(lambda: canvas.image is not None and not canvas.is_rendering and not canvas._timer.isActive())
    target = QImage(canvas.size(), QImage.Format.Format_ARGB32_Premultiplied)

    def frame() -> float:
        t0 = time.perf_counter()
        canvas.render(target)  # paintEvent: the cached image moved/scaled to the new view
        return time.perf_counter() - t0

    pan, zoom, rerender = [], [], []
    for _ in range(frames):
        canvas.pan_pixels(7, -3)
        pan.append(frame())
    for i in range(frames):
        canvas.zoom_by(0.97 if i % 2 else 1 / 0.97)
        zoom.append(frame())
    for i in range(3):
        canvas.pan_pixels(40, 0) if i % 2 else canvas.zoom_by(0.8)
        before = canvas.rendered_generation
        _wait(
            lambda before=before: (
                canvas.rendered_generation > before and not canvas.is_rendering and not canvas._timer.isActive()
            )
        )
        rerender.append(canvas.last_render_seconds)
    canvas.wait_idle()
    return {
        "pan frame (cached image moved)": pan,
        "zoom frame (cached image scaled)": zoom,
        "full background re-render": rerender,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--startup-child" in argv:
        startup_child()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    quick = "--quick" in argv
    n = 100_000 if quick else 1_000_000
    if not (DATA / "pak_districts.geojson").exists():
        print(f"bench_gui: real data not found at {DATA}: skipped")
        return 0
    startup = measure_startup(1 if quick else 3)
    canvas = measure_canvas(n, 20 if quick else 60)
    rows = [("start-up to first drawn map (real districts)", startup, 2.0)]
    rows += [(f"{name}, {n:,} points", values, 0.1 if "frame" in name else None) for name, values in canvas.items()]
    print(f"{'measure':<58} {'median':>9} {'max':>9} {'target':>9}  ok")
    for name, values, target in rows:
        med, worst = statistics.median(values), max(values)
        verdict = "-" if target is None else ("yes" if med < target else "NO")
        shown = "-" if target is None else f"{target * 1000:.0f} ms"
        print(f"{name:<58} {med * 1000:>6.1f} ms {worst * 1000:>6.1f} ms {shown:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
