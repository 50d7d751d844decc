"""Exposure to a flood raster of Sindh at ~30 m (20,000 × 20,000 cells) beside exactextract and rasterstats.

``python bench/bench_exposure.py [--quick]`` (or through ``bench/run.py``) prints one table. The same
job for every tool: the flooded share of each of the 29 Sindh districts (OCHA COD-AB, from
``../shared/data``) under a flood mask (``uint8``: 1 flooded, 0 dry, 255 no data; tiled 512 × 512,
DEFLATE; the band's edges frayed by speckle as a classified satellite image is, so the file
compresses like a real one), generated once into ``bench/data/`` by ``tests/product_data.write_flood_raster``:

- **pakmap**: ``pakmap.products.exposure.exposure`` (block-aligned windows, cells by centre,
  geodesic cell areas), once for the districts alone and once with 5,800 villages sampled too;
- **exactextract**: ``exact_extract(raster, districts, ["mean"])`` (coverage-weighted: the mean of
  the mask is the flooded share);
- **rasterstats**: ``zonal_stats(districts, raster, stats=["mean"])`` (each district's bounding
  window read whole).

Each run is its own subprocess; **time s** is measured inside it from before reading to the result
(imports excluded), **peak MB** is its ``VmHWM`` (imports included), **max diff** the largest
difference of a district's flooded share (percentage points) from exactextract's. ``--quick``: a
5,000 × 5,000 raster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = Path(os.environ.get("PAKMAP_SHARED_DATA", REPO.parent / "shared" / "data"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(tool: str, raster: str, units_path: str, villages: str) -> None:
    import geopandas as gpd
    import numpy as np

    units = gpd.read_file(units_path)
    start = time.perf_counter()
    if tool.startswith("pakmap"):
        from pakmap.products.exposure import exposure

        points = gpd.read_file(villages) if tool == "pakmap+villages" else None
        result = exposure(units, Path(raster), points=points)
        shares = result.units["hazard_area_pct"].to_numpy() / 100
    elif tool == "exactextract":
        from exactextract import exact_extract

        shares = exact_extract(raster, units, ["mean"], output="pandas")["mean"].to_numpy()
    else:
        from rasterstats import zonal_stats

        shares = np.array([s["mean"] for s in zonal_stats(units, raster, stats=["mean"])], dtype=float)
    elapsed = time.perf_counter() - start
    print(json.dumps({"time": elapsed, "peak_mb": peak_mb(), "shares": [float(s) for s in shares]}))


def run_tool(tool: str, raster: Path, units: Path, villages: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", tool, str(raster), str(units), str(villages)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        child(*argv[1:5])
        return 0
    from product_data import write_flood_raster, write_villages

    size = 5000 if "--quick" in argv else 20000
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    raster = data / f"flood_sindh_{size}_speckled.tif"
    if not raster.exists():
        start = time.perf_counter()
        write_flood_raster(raster, size, speckle=True)
        print(f"generated {raster.name} ({raster.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.0f} s")
    units = SHARED / "sindh_cod_adm2_pcodes.geojson"
    villages = data / "villages_sindh.gpkg"
    if not villages.exists():
        write_villages(SHARED, villages, per_district=200)
    tools = ["pakmap", "pakmap+villages", "exactextract"]
    try:
        import rasterstats  # noqa: F401

        tools.append("rasterstats")
    except ImportError:
        print("rasterstats not installed (pip install .[bench]): skipped")
    results = {tool: run_tool(tool, raster, units, villages) for tool in tools}
    reference = results["exactextract"]["shares"]
    print(
        f"\nflooded share of the 29 Sindh districts, {size:,} × {size:,} cells ({raster.stat().st_size / 1e6:.0f} MB)"
    )
    print(f"{'tool':<18}{'time s':>8}{'peak MB':>9}{'max diff pp':>13}")
    for tool, r in results.items():
        diff = max(abs(a - b) for a, b in zip(r["shares"], reference)) * 100
        print(f"{tool:<18}{r['time']:>8.1f}{r['peak_mb']:>9.0f}{diff:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
