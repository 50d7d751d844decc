"""Render benchmark: the same choropleth + points map, A4 landscape at 300 dpi, PNG and PDF.

Peers: pakmap, geopandas + matplotlib, and PyQGIS when Debian's ``python3-qgis`` is installed (it
runs under the system ``python3``: the venv cannot import it). Every render runs in its own
subprocess; the child times loading + rendering + writing (imports excluded) and reports its own
peak memory (``VmHWM``). Output files go to a temporary folder and their sizes are
reported too.

    python bench/bench_render.py [--quick]      # or: python bench/run.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT, DPI = 3508, 2480, 300  # A4 landscape at 300 dpi
PAGE_MM = (297.0, 210.0)
BOUNDS = (60.87, 24.05, 77.12, 37.09)
RAMP = ["#CDE3F1", "#8FC1E1", "#4F9ED0", "#0072BC", "#05568B"]  # 5 classes of unhcr_blue
NODATA = "#E6E6E6"
POINT_COLOR = "#EF4A60"
POINT_MM = 0.6
LINE_MM = 0.1
SIZES = {"small": (160, 100_000), "large": (1000, 1_000_000)}
REPEATS = 3  # runs per cell, the median reported (the machine is shared)


# --- peers (run in child processes) -----------------------------------------------------------


def peer_pakmap(districts: str, points: str, out: str, fmt: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pyproj import CRS
    from PySide6.QtGui import QImage, QPainter

    from pakmap.export.pdf import pdf_document
    from pakmap.export.png import save_png
    from pakmap.render import MapView, render_map
    from pakmap.render.qt import ensure_gui_app
    from pakmap.sources import open_layer
    from pakmap.style import GraduatedStyle, SingleSymbolStyle, Symbol

    ensure_gui_app()
    t0 = time.perf_counter()
    # The application's own reader: validity check and personal-data flags included, as in the app.
    d = open_layer(districts)
    p = open_layer(points)
    read = time.perf_counter() - t0
    d.style = GraduatedStyle(
        field="population",
        method="natural_breaks",
        classes=5,
        palette="unhcr_blue",
        nodata_color=NODATA,
        symbol=Symbol(stroke="#FFFFFF", stroke_width=LINE_MM),
    )
    p.style = SingleSymbolStyle(Symbol(fill=POINT_COLOR, stroke_width=0, size=POINT_MM))
    layers = (d, p)
    view = MapView(layers, BOUNDS, CRS.from_epsg(4326), WIDTH, HEIGHT, dpi=DPI)
    if fmt == "png":
        image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)  # opaque map: an RGB PNG, as the app exports
        painter = QPainter(image)
        render_map(view, painter)
        painter.end()
        save_png(image, out)  # the app's PNG writer (atomic, its zlib level)
    else:
        # The app's PDF writer (atomic, dense points as indexed images), without the document info.
        with pdf_document(out, dpi=DPI) as pdf:
            render_map(view, pdf.new_page(*PAGE_MM), pdf.context)
    return time.perf_counter() - t0, read


def peer_matplotlib(districts: str, points: str, out: str, fmt: str) -> float:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import geopandas as gpd
    import mapclassify  # noqa: F401  (imported lazily by geopandas' scheme=…: not part of the timing)
    import matplotlib.pyplot as plt
    import pyogrio.geopandas  # noqa: F401
    from matplotlib.colors import ListedColormap

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    d = gpd.read_file(districts, engine="pyogrio")
    p = gpd.read_file(points, engine="pyogrio")
    read = time.perf_counter() - t0
    fig = plt.figure(figsize=(PAGE_MM[0] / 25.4, PAGE_MM[1] / 25.4), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    lw = LINE_MM / 25.4 * 72
    d.plot(
        ax=ax,
        column="population",
        scheme="NaturalBreaks",
        k=5,
        cmap=ListedColormap(RAMP),
        edgecolor="white",
        linewidth=lw,
        missing_kwds={"color": NODATA, "edgecolor": "white", "linewidth": lw},
    )
    xy = p.geometry.get_coordinates().to_numpy()
    ax.scatter(xy[:, 0], xy[:, 1], s=(POINT_MM / 25.4 * 72) ** 2, c=POINT_COLOR, linewidths=0)
    ax.set_xlim(BOUNDS[0], BOUNDS[2])
    ax.set_ylim(BOUNDS[1], BOUNDS[3])
    ax.set_aspect("auto")
    fig.savefig(out, dpi=DPI, format=fmt)
    plt.close(fig)
    return time.perf_counter() - t0, read


def peer_qgis(districts: str, points: str, out: str, fmt: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsClassificationJenks,
        QgsFillSymbol,
        QgsGradientColorRamp,
        QgsGraduatedSymbolRenderer,
        QgsLayoutExporter,
        QgsLayoutItemMap,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsMarkerSymbol,
        QgsPrintLayout,
        QgsProject,
        QgsRectangle,
        QgsSingleSymbolRenderer,
        QgsUnitTypes,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    t0 = time.perf_counter()
    d = QgsVectorLayer(districts, "districts", "ogr")
    p = QgsVectorLayer(points, "points", "ogr")
    read = time.perf_counter() - t0  # QGIS reads features lazily while rendering: this is opening only
    renderer = QgsGraduatedSymbolRenderer("population")
    renderer.setSourceSymbol(QgsFillSymbol.createSimple({"outline_color": "#FFFFFF", "outline_width": str(LINE_MM)}))
    renderer.setClassificationMethod(QgsClassificationJenks())
    renderer.updateClasses(d, 5)
    renderer.updateColorRamp(QgsGradientColorRamp(QColor(RAMP[0]), QColor(RAMP[-1])))
    d.setRenderer(renderer)
    p.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"name": "circle", "color": POINT_COLOR, "size": str(POINT_MM), "outline_style": "no"}
            )
        )
    )
    extent = QgsRectangle(*BOUNDS)
    if fmt == "png":
        settings = QgsMapSettings()
        settings.setLayers([p, d])
        settings.setDestinationCrs(d.crs())
        settings.setExtent(extent)
        settings.setOutputSize(QSize(WIDTH, HEIGHT))
        settings.setOutputDpi(DPI)
        settings.setBackgroundColor(QColor("#FFFFFF"))
        job = QgsMapRendererParallelJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(out, "PNG")
    else:
        project = QgsProject.instance()
        project.addMapLayers([d, p])
        layout = QgsPrintLayout(project)
        layout.initializeDefaults()  # one A4 page
        page = layout.pageCollection().page(0)
        page.setPageSize("A4", page.Landscape)
        item = QgsLayoutItemMap(layout)
        item.attemptMove(QgsLayoutPoint(0, 0, QgsUnitTypes.LayoutMillimeters))
        item.attemptResize(QgsLayoutSize(*PAGE_MM, QgsUnitTypes.LayoutMillimeters))
        item.setLayers([p, d])
        item.setExtent(extent)
        item.setFrameEnabled(False)
        layout.addLayoutItem(item)
        settings = QgsLayoutExporter.PdfExportSettings()
        settings.dpi = DPI
        QgsLayoutExporter(layout).exportToPdf(out, settings)
    return time.perf_counter() - t0, read  # (no exitQgis: QGIS 3.22 may crash tearing down; see _child)


PEERS = {"pakmap": peer_pakmap, "geopandas+matplotlib": peer_matplotlib, "qgis": peer_qgis}


# --- parent: run the children and report -----------------------------------------------------


def _popen_wait4(args, env):
    """Popen + os.wait4 so the peak memory is this child's alone (getrusage(CHILDREN) is the max of all)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return out, err, usage


def run_one(peer: str, districts: Path, points: Path, out: Path, fmt: str) -> dict:
    python = "/usr/bin/python3" if peer == "qgis" else sys.executable
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    args = [python, str(Path(__file__).resolve()), "--child", peer, str(districts), str(points), str(out), fmt]
    t = time.perf_counter()
    stdout, stderr, usage = _popen_wait4(args, env)
    wall = time.perf_counter() - t
    try:
        timing = json.loads(stdout.decode().strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": (stderr.decode().strip().splitlines() or ["failed"])[-1][:160]}
    # The child's own high-water mark: wait4's ru_maxrss also counts the parent's memory at fork time
    # (Linux keeps it across exec), which inflates every peer when run.py has grown large.
    peak_mb = timing.get("peak_kb", usage.ru_maxrss) / 1024
    return {
        "seconds": timing["seconds"],
        "read": timing["read"],
        "wall": wall,
        "peak_mb": peak_mb,
        "bytes": out.stat().st_size if out.exists() else 0,
    }


def _median_run(repeats: int, run) -> dict:
    """The run with the median time of ``repeats`` runs (an error if any run failed)."""
    runs = [run() for _ in range(repeats)]
    failed = [r for r in runs if "error" in r]
    if failed:
        return failed[0]
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(HERE))
    from datagen import ensure
    from peers import qgis_available

    quick = "--quick" in argv
    sizes = {"small": SIZES["small"]} if quick else SIZES
    # The machine is shared: the median of three runs per cell keeps one disturbed run from
    # deciding a ratio (--quick: one run).
    repeats = 1 if quick else REPEATS
    peers = ["pakmap", "geopandas+matplotlib"] + (["qgis"] if qgis_available() else [])
    if "qgis" not in peers:
        print("(PyQGIS not importable by /usr/bin/python3: install python3-qgis to compare with QGIS)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="pakmap-bench-") as tmp:
        for size, (nd, npts) in sizes.items():
            dpath, ppath = ensure(nd, npts)
            for fmt in ("png", "pdf"):
                results = {}
                for peer in peers:
                    out = Path(tmp) / f"{peer.replace('+', '_')}_{size}.{fmt}"
                    results[peer] = _median_run(
                        repeats, lambda peer=peer, d=dpath, p=ppath, out=out, fmt=fmt: run_one(peer, d, p, out, fmt)
                    )
                rows.append((f"{nd} districts + {npts:,} points", fmt.upper(), results))
    _print_table(rows, peers)
    return 0


def _print_table(rows, peers) -> None:
    print(
        f"\nRender benchmark: choropleth + points, A4 landscape {WIDTH}x{HEIGHT} px at {DPI} dpi "
        f"(each cell: the median of {REPEATS} runs; --quick: 1).\n"
        "time s = wall time of the whole job inside the process: read both files, classify, draw, write the "
        "file.\nInterpreter start-up and library imports are excluded (a one-off cost for a desktop app); "
        "they are in start s."
    )
    head = (
        f"{'data':<34} {'out':<4} {'peer':<21} {'time s':>7} {'read s':>7} {'draw s':>7} {'start s':>8} "
        f"{'peak MB':>8} {'file MB':>8} {'time/pakmap':>12} {'draw/pakmap':>12}"
    )
    print(head)
    print("-" * len(head))
    for data, fmt, results in rows:
        base = results.get("pakmap", {})
        for peer in peers:
            r = results[peer]
            if "error" in r:
                print(f"{data:<34} {fmt:<4} {peer:<21} error: {r['error']}")
                continue
            draw = r["seconds"] - r["read"]
            ratio = draw_ratio = ""
            if peer != "pakmap" and "seconds" in base:
                ratio = f"{r['seconds'] / base['seconds']:.1f}x"
                draw_ratio = f"{draw / (base['seconds'] - base['read']):.1f}x"
            print(
                f"{data:<34} {fmt:<4} {peer:<21} {r['seconds']:>7.2f} {r['read']:>7.2f} {draw:>7.2f} "
                f"{r['wall'] - r['seconds']:>8.2f} {r['peak_mb']:>8.0f} {r['bytes'] / 1e6:>8.2f} {ratio:>12} "
                f"{draw_ratio:>12}"
            )
    print(
        "read s: reading the two GeoPackages into memory (QGIS: opening them only; it reads while "
        "drawing). draw s = time - read s: classify, render, write the file.\n"
        "start s: the rest of the child process's wall time (interpreter start-up, imports, QGIS's "
        "initQgis). peak MB: the child's maximum resident memory, imports included.\n"
        "time/pakmap: how many times longer the peer took than pakmap (above 1.0x: pakmap is faster)."
    )


def _peak_kb() -> dict:
    """{"peak_kb": this process's peak resident memory} from /proc (Linux), or {} elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return {"peak_kb": int(line.split()[1])}
    except OSError:
        pass
    return {}


def _child(argv: list[str]) -> int:
    peer, districts, points, out, fmt = argv
    seconds, read = PEERS[peer](districts, points, out, fmt)
    print(json.dumps({"seconds": seconds, "read": read, **_peak_kb()}), flush=True)
    # Leave without interpreter/Qt teardown: its cost is not rendering, and QGIS can crash in it.
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(_child(sys.argv[2:]))
    sys.exit(main())
