"""Desktop app speed: start-up to the first drawn map, and canvas frames with 1,000,000 points.

``python bench/bench_gui.py [--quick] [--runs N]`` prints a table:

- cold start: a fresh ``python`` process imports the app, opens the main window, reads the real
  districts (``pak_districts.geojson``; with 1,000,000 generated points too) and finishes the first
  background render: the wall time of the whole process (targets 1.2 s and 2 s, issue 15), the
  median of 5, with its CPU time and the child's own split (imports and window, reading, drawing);
  alternated with the same files in a PyQGIS window's map canvas (``qgis_canvas.py``, when
  ``python3-qgis`` is installed), with the ratios;
- pan/zoom frame: what the user sees while dragging or wheel-zooming over 1,000,000 points is the
  last rendered image moved/scaled by ``paintEvent``; timed per frame (targets 50 ms and 100 ms);
- full re-render: the background render of the same view after the movement stops (shown when it
  arrives; the window never waits for it).

Runs offscreen (``QT_QPA_PLATFORM=offscreen``) unless a display is set.
"""

from __future__ import annotations

import os
import resource
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


def startup_child(paths: list[str]) -> None:
    """Run in a fresh process: window up, ``paths`` read, the map with all of them drawn; print the
    seconds since the interpreter started (``time.perf_counter`` is not: it starts at 0 here, and
    the parent times the whole process from outside)."""
    start = time.perf_counter()
    # In the order ``pakmap-gui`` imports them: the app module, which loads the data stack before
    # PySide6 (whose import hook would otherwise read the source of every module imported after it).
    from pakmap_ui.app import start_app

    _, MainWindow = start_app()
    from PySide6.QtCore import QSettings

    scratch = Path(tempfile.mkdtemp(prefix="pakmap-bench-gui-"))
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_path=scratch / "recovery.toml")
    window.resize(1400, 900)
    window.show()
    imported = time.perf_counter()
    added = []
    window.add_files(paths, on_done=added.append)
    _wait(lambda: len(added) == len(paths))
    read = time.perf_counter()
    canvas = window.canvas
    _wait(lambda: canvas.image is not None and not canvas.is_rendering and not canvas._timer.isActive())
    drawn = time.perf_counter()
    print(f"{imported - start:.4f} {read - imported:.4f} {drawn - read:.4f}", flush=True)
    os._exit(0)  # measured; skip teardown


def startup_commands(paths: list[Path]) -> dict[str, list[str]]:
    """The programs whose cold start is measured: pakmap's window, and a PyQGIS canvas
    (``qgis_canvas.py``) when ``python3-qgis`` is installed."""
    from peers import QGIS_PYTHON, qgis_available

    commands = {"pakmap": [sys.executable, __file__, "--startup-child", *map(str, paths)]}
    if qgis_available():
        commands["qgis"] = [QGIS_PYTHON, str(HERE / "qgis_canvas.py"), *map(str, paths)]
    return commands


def measure_startup(paths: list[Path], runs: int) -> dict[str, tuple[list[float], list[list[float]], list[float]]]:
    """For each program (``startup_commands``), runs alternated: the wall times of fresh processes from
    launch to the first drawn map of ``paths``, the child's own split of each (imports and window,
    reading, drawing) and its CPU time (user + system: on a busy shared machine the wall time also
    counts waiting for a core)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), PYTHONPATH=str(REPO))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once, not at every start
    commands = startup_commands(paths)
    results: dict[str, tuple[list[float], list[list[float]], list[float]]] = {n: ([], [], []) for n in commands}
    names = list(commands)
    for i in range(runs):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            times, phases, cpu = results[name]
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            out = subprocess.run(commands[name], capture_output=True, text=True, env=env, timeout=600)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if out.returncode != 0 or not out.stdout.strip():
                raise RuntimeError(f"{name} start-up run failed: {out.stderr[-2000:]}")
            times.append(wall)
            cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
            phases.append([float(v) for v in out.stdout.split()[-3:]])
    return results


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
        startup_child(argv[argv.index("--startup-child") + 1 :])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(HERE))
    from datagen import ensure

    quick = "--quick" in argv
    n = 100_000 if quick else 1_000_000
    districts = DATA / "pak_districts.geojson"
    if not districts.exists():
        print(f"bench_gui: real data not found at {DATA}: skipped")
        return 0
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else (1 if quick else 5)
    starts = {"cold start to the first drawn map: real districts": ([districts], 1.2)}
    starts[f"cold start: real districts + {n:,} points"] = ([districts, ensure(1000, n)[1]], 2.0)
    rows, splits, cold = [], [], []
    for name, (paths, target) in starts.items():
        measured = measure_startup(paths, runs)
        times, phases, cpu = measured["pakmap"]
        rows.append((name, times, target))
        for program, (p_times, p_phases, p_cpu) in measured.items():
            middle = p_phases[sorted(range(runs), key=lambda i: p_times[i])[runs // 2]]
            cold.append((name, program, statistics.median(p_times), statistics.median(p_cpu)))
            splits.append(
                f"{name}, {program}: imports and window {middle[0]:.2f} s, reading {middle[1]:.2f} s, "
                f"drawing {middle[2]:.2f} s"
            )
    canvas = measure_canvas(n, 20 if quick else 60)
    targets = {"pan frame": 0.05, "zoom frame": 0.1}
    for name, values in canvas.items():
        rows.append(
            (f"{name}, {n:,} points", values, next((t for k, t in targets.items() if name.startswith(k)), None))
        )
    print(f"{'measure':<58} {'median':>9} {'max':>9} {'target':>9}  ok")
    for name, values, target in rows:
        med, worst = statistics.median(values), max(values)
        verdict = "-" if target is None else ("yes" if med <= target else "NO")
        shown = "-" if target is None else f"{target * 1000:.0f} ms"
        print(f"{name:<58} {med * 1000:>6.1f} ms {worst * 1000:>6.1f} ms {shown:>9}  {verdict}")
    print()
    print(f"Cold start, median of {runs} alternated runs (QGIS: a PyQGIS window with a map canvas, qgis_canvas.py)")
    print(f"{'start':<58} {'program':<8} {'wall s':>7} {'cpu s':>6} {'wall/QGIS':>10} {'cpu/QGIS':>9}")
    for name, program, wall, cpu in cold:
        qgis = next(((w, c) for n, p, w, c in cold if n == name and p == "qgis"), None)
        ratios = f"{wall / qgis[0]:>9.2f}x {cpu / qgis[1]:>8.2f}x" if qgis and program != "qgis" else ""
        print(f"{name:<58} {program:<8} {wall:>7.2f} {cpu:>6.2f} {ratios}")
    print("(median run's split, inside the process after interpreter start-up)")
    for line in splits:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
