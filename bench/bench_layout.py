"""Print-layout benchmark: an A4 landscape PDF of the real districts, with its page furniture.

The same product from each peer: the 156 districts of Pakistan classified by 2023 census population
(5 natural-breaks classes, UNHCR blues, "no data" grey), a title, a legend, a scale bar and a sources
line, written to an A4 landscape PDF.

Peers, each in its own subprocess (time = read + compose + write the PDF, imports excluded):
- pakmap: ``export_print`` with the ``a4_landscape`` template (also north arrow, locator, disclaimer…);
- geopandas + matplotlib: ``GeoDataFrame.plot`` with a legend, ``savefig`` to PDF;
- QGIS: a ``QgsPrintLayout`` (map, label, legend, scale bar) through ``QgsLayoutExporter.exportToPdf``,
  when ``/usr/bin/python3 -c "import qgis.core"`` works (Debian's python3-qgis).

    python bench/bench_layout.py [--repeat N]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("PAKMAP_SHARED_DATA", HERE.parent.parent / "shared" / "data"))
TITLE = "Pakistan: population by district"
SOURCES = "Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023"
RAMP = ["#CDE3F1", "#8FC1E1", "#4F9ED0", "#0072BC", "#05568B"]
NODATA = "#E6E6E6"
PAGE_MM = (297.0, 210.0)


def prepare(folder: Path) -> Path:
    """The districts with the census population joined (pandas merge), as one file all peers read."""
    import geopandas as gpd
    import pandas as pd

    districts = gpd.read_file(DATA / "pakistan_admin.gpkg", layer="districts")
    census = pd.read_csv(DATA / "pak_census2023_districts.csv")
    joined = districts.merge(census[["district", "population_2023"]], left_on="name", right_on="district", how="left")
    # GeoJSON (always EPSG:4326): read alike by the venv's GDAL and the system GDAL that QGIS uses.
    out = folder / "districts_population.geojson"
    joined.drop(columns=["district", "osm_relations"], errors="ignore").to_file(out, driver="GeoJSON")
    return out


# --- peers (run in child processes) -----------------------------------------------------------


def peer_pakmap(data: str, out: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import geopandas as gpd

    from pakmap.export import export_print
    from pakmap.layer import VectorLayer
    from pakmap.project.loaded import LoadedProject
    from pakmap.project.model import LayoutSpec, Project
    from pakmap.render.qt import ensure_gui_app
    from pakmap.style import GraduatedStyle

    ensure_gui_app()
    t0 = time.perf_counter()
    districts = gpd.read_file(data, engine="pyogrio")
    layer = VectorLayer("districts", districts, style=GraduatedStyle(field="population_2023", classes=5))
    loaded = LoadedProject(Project(layout=LayoutSpec(title=TITLE, sources=SOURCES)), [layer])
    export_print(loaded, out)
    return time.perf_counter() - t0


def peer_matplotlib(data: str, out: str) -> float:
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    import geopandas as gpd
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    districts = gpd.read_file(data, engine="pyogrio")
    fig = plt.figure(figsize=(PAGE_MM[0] / 25.4, PAGE_MM[1] / 25.4))
    ax = fig.add_axes((0.03, 0.1, 0.7, 0.75))
    ax.set_axis_off()
    districts.plot(
        ax=ax,
        column="population_2023",
        scheme="NaturalBreaks",
        k=5,
        cmap=ListedColormap(RAMP),
        edgecolor="white",
        linewidth=0.3,
        legend=True,
        legend_kwds={"loc": "upper left", "bbox_to_anchor": (1.02, 1), "title": "Population 2023", "fmt": "{:,.0f}"},
        missing_kwds={"color": NODATA, "label": "No data"},
    )
    fig.text(0.03, 0.93, TITLE, fontsize=20, color="#0072BC", weight="bold")
    fig.text(0.03, 0.04, SOURCES, fontsize=6.5)
    fig.savefig(out, format="pdf")
    plt.close(fig)
    return time.perf_counter() - t0


def peer_qgis(data: str, out: str) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsClassificationJenks,
        QgsFillSymbol,
        QgsGradientColorRamp,
        QgsGraduatedSymbolRenderer,
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutPoint,
        QgsLayoutSize,
        QgsProject,
        QgsUnitTypes,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    t0 = time.perf_counter()
    layer = QgsVectorLayer(data, "districts", "ogr")
    renderer = QgsGraduatedSymbolRenderer("population_2023")
    renderer.setSourceSymbol(QgsFillSymbol.createSimple({"outline_color": "#FFFFFF", "outline_width": "0.1"}))
    renderer.setClassificationMethod(QgsClassificationJenks())
    renderer.updateClasses(layer, 5)
    renderer.updateColorRamp(QgsGradientColorRamp(QColor(RAMP[0]), QColor(RAMP[-1])))
    layer.setRenderer(renderer)
    project = QgsProject.instance()
    project.addMapLayer(layer)
    project.setCrs(layer.crs())
    from qgis_layout import a4_print_layout

    layout = a4_print_layout(project, [layer], layer, TITLE)
    mm = QgsUnitTypes.LayoutMillimeters
    sources = QgsLayoutItemLabel(layout)
    sources.setText(SOURCES)
    sources.attemptMove(QgsLayoutPoint(8, 188, mm))
    sources.attemptResize(QgsLayoutSize(210, 4, mm))
    layout.addLayoutItem(sources)
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = 300
    QgsLayoutExporter(layout).exportToPdf(out, settings)
    elapsed = time.perf_counter() - t0
    app.exitQgis()
    return elapsed


PEERS = {"pakmap": peer_pakmap, "geopandas+matplotlib": peer_matplotlib, "qgis": peer_qgis}


# --- parent ------------------------------------------------------------------------------------


def run_one(peer: str, data: Path, out: Path) -> dict:
    python = "/usr/bin/python3" if peer == "qgis" else sys.executable
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(HERE.parent) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [python, str(Path(__file__).resolve()), "--child", peer, str(data), str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    try:
        seconds = json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]
    except (IndexError, ValueError, KeyError):
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:160]}
    return {"seconds": seconds, "bytes": out.stat().st_size if out.exists() else 0}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(HERE))
    from peers import qgis_available

    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 3
    if not (DATA / "pakistan_admin.gpkg").exists():
        print(f"real data not found at {DATA}: set PAKMAP_SHARED_DATA")
        return 2
    peers = ["pakmap", "geopandas+matplotlib"] + (["qgis"] if qgis_available() else [])
    if "qgis" not in peers:
        print("(PyQGIS not importable by /usr/bin/python3: install python3-qgis to compare with QGIS's layout export)")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pakmap-bench-layout-") as tmp:
        data = prepare(Path(tmp))
        for peer in peers:
            runs = [run_one(peer, data, Path(tmp) / f"{peer.replace('+', '_')}_{i}.pdf") for i in range(repeat)]
            ok = [r for r in runs if "error" not in r]
            results[peer] = (
                {"seconds": statistics.median(r["seconds"] for r in ok), "bytes": ok[-1]["bytes"]} if ok else runs[-1]
            )
    _print_table(results, peers, repeat)
    return 0


def _print_table(results: dict, peers: list[str], repeat: int) -> None:
    print(
        f"\nLayout benchmark: A4 landscape PDF of the 156 real districts (choropleth + title, legend, scale bar, "
        f"sources); median of {repeat} runs, time = read + compose + write, imports excluded"
    )
    head = f"{'peer':<22} {'time s':>8} {'PDF MB':>8} {'time / pakmap':>14}"
    print(head)
    print("-" * len(head))
    base = results.get("pakmap", {}).get("seconds")
    for peer in peers:
        r = results[peer]
        if "error" in r:
            print(f"{peer:<22} error: {r['error']}")
            continue
        ratio = f"{r['seconds'] / base:.2f}x" if base else ""
        print(f"{peer:<22} {r['seconds']:>8.2f} {r['bytes'] / 1e6:>8.2f} {ratio:>14}")


def _child(argv: list[str]) -> int:
    peer, data, out = argv
    print(json.dumps({"seconds": PEERS[peer](data, out)}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(_child(sys.argv[2:]))
    sys.exit(main())
