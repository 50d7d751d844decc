"""Drawing a 1,000,000-point PostGIS table at two zoom levels: pakmap against QGIS, same server, same run.

A throwaway PostgreSQL + PostGIS server is started (``tests/pg_cluster.py``: ``initdb`` into a
temporary folder, as the ``postgres`` user when run as root) holding ``public.bench_points``:
1,000,000 points (``--quick``: 100,000), 70 % clustered around 150 centres, 30 % scattered over
Pakistan, with a spatial index. Each peer, in its own subprocess, connects through the same
``pg_service.conf`` service and password file, opens the table and draws it into a 1600 × 1200
canvas image (red 1 mm circles), saved as PNG:

- **full**: the whole layer's extent;
- **district**: a 0.4° × 0.3° view around Peshawar (about a district).

Peers: **pakmap** (``open_layer`` on the address, ``render_image``: the view's bounding box is
pushed to the server) and **PyQGIS** (``QgsVectorLayer`` with the ``postgres`` provider,
``QgsMapRendererParallelJob``) when ``/usr/bin/python3 -c "import qgis.core"`` works. **time s**:
open + draw + save, inside the child (imports and QGIS's ``initQgis`` excluded, shown as start s;
pakmap's ``open`` includes reading the first 5,000 rows for personal-data detection);
median of 3 runs (``--quick``: 1).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WIDTH, HEIGHT = 1600, 1200
VIEWS = {"full": None, "district": (71.35, 33.85, 71.75, 34.15)}

PAKMAP_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import pakmap.postgis.open, pakmap.sensitivity.detect, psycopg  # imported lazily by the first open
from pakmap.mapview import MapView
from pakmap.render.offscreen import render_image
from pakmap.sources import open_layer
from pakmap.style import SingleSymbolStyle, Symbol
address, extent, out, width, height = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
t1 = time.perf_counter()
layer = open_layer(address)
opened = time.perf_counter()
layer.style = SingleSymbolStyle(Symbol(fill="#E73F3F", stroke_width=0, size=1.0))
box = tuple(layer.bounds) if extent == "full" else tuple(map(float, extent.split(",")))
view = MapView((layer,), box, layer.crs, width, height)
image, _ = render_image(view)
image.save(out)
t2 = time.perf_counter()
drawn = layer.drawn_part(view.fitted().extent, view.crs).feature_count
print(json.dumps({"time": t2 - t1, "open": opened - t1, "start": t1 - t0, "rows": drawn}))
"""

QGIS_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from qgis.core import (QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsMarkerSymbol,
                       QgsRectangle, QgsSingleSymbolRenderer, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False)
app.initQgis()
service, table, extent, out, width, height = sys.argv[1:5] + [int(sys.argv[5]), int(sys.argv[6])]
t1 = time.perf_counter()
uri = f"service='{service}' key='id' srid=4326 type=Point checkPrimaryKeyUnicity='0' table=\"public\".\"{table}\" (geom)"
layer = QgsVectorLayer(uri, table, "postgres")
if not layer.isValid():
    print(json.dumps({"error": "layer not valid"})); sys.exit(1)
opened = time.perf_counter()
layer.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple(
    {"name": "circle", "color": "231,63,63", "size": "1.0", "size_unit": "MM", "outline_style": "no"})))
settings = QgsMapSettings()
settings.setLayers([layer])
settings.setDestinationCrs(layer.crs())
box = layer.extent() if extent == "full" else QgsRectangle(*map(float, extent.split(",")))
settings.setExtent(box)
settings.setOutputSize(QSize(width, height))
settings.setOutputDpi(96)
settings.setBackgroundColor(QColor("white"))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
job.renderedImage().save(out)
t2 = time.perf_counter()
print(json.dumps({"time": t2 - t1, "open": opened - t1, "start": t1 - t0}))
app.exitQgis()
"""


def _make_table(cluster, rows: int) -> None:
    cluster.sql(
        "SELECT setseed(0.42)",
        "CREATE TABLE centres AS SELECT c AS id, 62 + random() * 13 AS x, 25 + random() * 11 AS y "
        "FROM generate_series(1, 150) AS c",
        f"CREATE TABLE bench_points AS SELECT i AS id, (i % 5) AS kind, CASE WHEN i % 10 < 7 THEN "
        "ST_SetSRID(ST_MakePoint(c.x + (random() - 0.5) * 0.8, c.y + (random() - 0.5) * 0.8), 4326) ELSE "
        "ST_SetSRID(ST_MakePoint(61 + random() * 16, 24 + random() * 13), 4326) END::geometry(Point, 4326) AS geom "
        f"FROM generate_series(1, {rows}) AS i JOIN centres c ON c.id = 1 + (i % 150)",
        "ALTER TABLE bench_points ADD PRIMARY KEY (id)",
        "CREATE INDEX ON bench_points USING GIST (geom)",
        "ALTER TABLE bench_points OWNER TO officer",
        "VACUUM ANALYZE bench_points",
        database="pakmap",
    )


def _run(args: list[str], env: dict) -> dict:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]}
    return json.loads(lines[-1])


def _median(runs: list[dict]) -> dict:
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0]
    return {k: statistics.median(r[k] for r in good) for k in good[0]}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    sys.path.insert(0, str(REPO / "tests"))
    sys.path.insert(0, str(HERE))
    from peers import QGIS_PYTHON, qgis_available
    from pg_cluster import Cluster, postgis_installed, server_binaries

    binaries = server_binaries()
    if binaries is None or not postgis_installed(binaries):
        print("(PostgreSQL/PostGIS not installed: apt-get install postgresql postgis; skipped)")
        return 0
    rows = 100_000 if quick else 1_000_000
    repeats = 1 if quick else 3
    peers = ["pakmap"] + (["qgis"] if qgis_available() else [])
    cluster = Cluster(binaries).start()
    try:
        with tempfile.TemporaryDirectory(prefix="pakmap-bench-pg-") as folder:
            services, passfile = cluster.write_service_file(Path(folder))
            env = {**os.environ, "PGSERVICEFILE": str(services), "PGPASSFILE": str(passfile)}
            env["QT_QPA_PLATFORM"] = "offscreen"
            _make_table(cluster, rows)
            address = "postgresql:///public.bench_points?service=pakmap"
            print(f"{rows:,} points in PostGIS, drawn at {WIDTH} x {HEIGHT}; median of {repeats}")
            print(f"{'view':<10} {'peer':<8} {'time s':>8} {'open s':>8} {'start s':>8} {'rows read':>10}")
            for view, box in VIEWS.items():
                extent = "full" if box is None else ",".join(map(str, box))
                for peer in peers:
                    out = str(Path(folder) / f"{peer}-{view}.png")
                    if peer == "pakmap":
                        args = [sys.executable, "-c", PAKMAP_CHILD, address, extent, out, str(WIDTH), str(HEIGHT)]
                    else:
                        args = [QGIS_PYTHON, "-c", QGIS_CHILD, "pakmap", "bench_points", extent, out]
                        args += [str(WIDTH), str(HEIGHT)]
                    result = _median([_run(args, env) for _ in range(repeats)])
                    if "error" in result:
                        print(f"{view:<10} {peer:<8} failed: {result['error']}")
                        continue
                    read = f"{int(result['rows']):,}" if "rows" in result else "-"
                    print(
                        f"{view:<10} {peer:<8} {result['time']:8.2f} {result['open']:8.2f} "
                        f"{result['start']:8.2f} {read:>10}"
                    )
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
