"""Whole-process benchmark: what an officer waits for, from the command to the written files.

``python bench/bench_process.py [--quick] [--runs N] [--maps small,large]`` (or ``python bench/run.py``) renders the same
map by three programs, each a new process per run, start-up and imports included:

- **pakmap**: ``pakmap render map.toml`` of a project listing a PNG and a PDF export (A4 landscape,
  300 dpi, the default template: map, title, legend, scale bar, locator, north arrow);
- **qgis**: ``qgis_layout.py``, a PyQGIS script under Debian's ``/usr/bin/python3`` (print layout
  with the map, title, legend and scale bar, exported to PNG and PDF at 300 dpi), when
  ``python3-qgis`` is installed;
- **geopandas+matplotlib**: ``mpl_layout.py`` (title and legend; matplotlib has no scale bar).

Maps: the real 156 districts (``pak_districts.geojson`` joined with the 2023 census table, 5 quantile
classes of population) with 100,000 points; and 1,000 generated districts with 1,000,000 points
(``datagen.py``). Runs alternate between the programs (the order turns each round), and each cell is
the median of ``--runs`` runs (5; ``--quick``: the small map, 1 run).

Each run is started by a small launcher process that forks the program and waits for it with
``os.wait4``: **wall s** is fork to exit, **cpu s** the program's user + system time (on a busy
shared machine the wall time also counts waiting for a core), **peak MiB** its ``ru_maxrss``. (Forked straight
from this process, Linux would count this process's own size into the child's ``ru_maxrss``: the
launcher is a bare interpreter of ~10 MB, smaller than any of the programs measured.) **files MB**
is the PNG plus the PDF. The ratios are against QGIS. Then ``pakmap --version`` and ``pakmap info``
of the real districts, timed the same way.
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
DATA = Path(os.environ.get("PAKMAP_SHARED_DATA", REPO.parent / "shared" / "data"))
RUNS = 5
TITLE = {"small": "Population by district, census 2023", "large": "Population by district (generated)"}
# (whole-process wall time / QGIS's, peak memory / QGIS's) asked for by issue 15.
TARGETS = {"small": (0.5, 1.0), "large": (0.25, 1.0)}
ALONE_TARGETS = {"pakmap --version": 0.2, "pakmap info pak_districts.geojson": 0.8}

# Fork, exec, wait4: prints the wall time, the child's peak resident memory and its exit status.
LAUNCHER = """
import json, os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        os.execv(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"wall": wall, "cpu": cpu, "peak_kib": usage.ru_maxrss, "status": os.waitstatus_to_exitcode(status)}))
"""


def measure(command: list[str], env: dict | None = None) -> dict:
    """Run ``command`` through the launcher: {"wall": s, "cpu": s, "peak_kib": KiB, "status": code}."""
    out = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *command], capture_output=True, text=True, env=env, timeout=3600
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _environment() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once, not at every start
    return env


def pakmap_command() -> list[str]:
    script = Path(sys.executable).parent / "pakmap"  # the console script an officer runs
    return [str(script)] if script.exists() else [sys.executable, "-m", "pakmap"]


def _toml(value) -> str:
    return json.dumps(str(value))


def write_project(folder: Path, size: str, districts: Path, points: Path, table: Path | None) -> Path:
    """The pakmap project of one map, exporting ``out.png`` and ``out.pdf`` in ``folder``."""
    field = "population_2023" if table else "population"
    lines = ["[pakmap]", "format = 1", ""]
    if table:
        lines += ["[[layers]]", 'name = "census"', f"path = {_toml(table)}", "visible = false", ""]
    lines += ["[[layers]]", 'name = "districts"', f"path = {_toml(districts)}", ""]
    lines += ["[layers.style]", 'kind = "graduated"', f'field = "{field}"', 'method = "quantiles"', "classes = 5"]
    lines += ['palette = "unhcr_blue"', ""]
    lines += ["[[layers]]", 'name = "points"', f"path = {_toml(points)}", ""]
    lines += ["[layers.style]", 'kind = "single"', 'symbol = { fill = "#EF4A60", stroke_width = 0, size = 0.6 }', ""]
    if table:
        lines += ["[[joins]]", 'layer = "districts"', 'table = "census"', 'on = [["name", "district"]]']
        lines += ['within = ["province", "province"]', ""]
    lines += ["[layout]", f"title = {_toml(TITLE[size])}", 'sources = "Boundaries: OpenStreetMap; census: PBS"', ""]
    for suffix in ("png", "pdf"):
        lines += ["[[exports]]", f'path = "out/pakmap.{suffix}"', "dpi = 300", ""]
    path = folder / "map.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_spec(folder: Path, peer: str, size: str, districts: Path, points: Path, table: Path | None) -> Path:
    """The JSON that ``qgis_layout.py`` and ``mpl_layout.py`` read."""
    spec = {
        "districts": str(districts),
        "points": str(points),
        "field": "population_2023" if table else "population",
        "title": TITLE[size],
        "png": str(folder / "out" / f"{peer}.png"),
        "pdf": str(folder / "out" / f"{peer}.pdf"),
    }
    if table:
        spec.update(table=str(table), key="name", table_key="district")
    path = folder / f"{peer}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def peers(folder: Path, size: str, districts: Path, points: Path, table: Path | None) -> dict[str, list[str]]:
    from peers import QGIS_PYTHON, qgis_available

    commands = {"pakmap": [*pakmap_command(), "render", str(write_project(folder, size, districts, points, table))]}
    if qgis_available():
        spec = write_spec(folder, "qgis", size, districts, points, table)
        commands["qgis"] = [QGIS_PYTHON, str(HERE / "qgis_layout.py"), str(spec)]
    spec = write_spec(folder, "matplotlib", size, districts, points, table)
    commands["geopandas+matplotlib"] = [sys.executable, str(HERE / "mpl_layout.py"), str(spec)]
    return commands


def run_map(size: str, runs: int, districts: Path, points: Path, table: Path | None) -> dict[str, dict]:
    """Median wall time and peak memory of each program over ``runs`` alternated runs."""
    with tempfile.TemporaryDirectory(prefix="pakmap-bench-process-") as tmp:
        folder = Path(tmp)
        (folder / "out").mkdir()
        commands = peers(folder, size, districts, points, table)
        env = _environment()
        results: dict[str, list[dict]] = {name: [] for name in commands}
        names = list(commands)
        for i in range(runs):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                for old in (folder / "out").glob("*"):
                    old.unlink()
                run = measure(commands[name], env)
                stem = "pakmap" if name == "pakmap" else ("qgis" if name == "qgis" else "matplotlib")
                files = [folder / "out" / f"{stem}.{suffix}" for suffix in ("png", "pdf")]
                run["bytes"] = sum(f.stat().st_size for f in files if f.exists())
                run["complete"] = all(f.exists() for f in files)
                results[name].append(run)
                print(
                    f"  {size} run {i + 1}/{runs} {name}: {run['wall']:.2f} s, cpu {run['cpu']:.2f} s, "
                    f"{run['peak_kib'] / 1024:.0f} MiB, exit {run['status']}",
                    flush=True,
                )
        return {name: _summary(values) for name, values in results.items()}


def _summary(runs: list[dict]) -> dict:
    failed = [r for r in runs if r["status"] != 0 or not r.get("complete", True)]
    if failed:
        return {"error": f"exit status {failed[0]['status']}, files written: {failed[0].get('complete')}"}
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak": statistics.median(r["peak_kib"] for r in runs) / 1024,
        "bytes": statistics.median(r.get("bytes", 0) for r in runs),
        "runs": len(runs),
        "walls": [round(r["wall"], 2) for r in runs],
    }


def run_alone(runs: int) -> dict[str, dict]:
    """``pakmap --version`` and ``pakmap info`` of the real districts, whole process, runs alternated
    with the floor of ``info``: importing the libraries any vector read needs (pyogrio imports
    pandas, pyarrow and geopandas itself), in the same minutes."""
    from peers import READERS

    env = _environment()
    commands = {
        "pakmap --version": [*pakmap_command(), "--version"],
        "pakmap info pak_districts.geojson": [*pakmap_command(), "info", str(DATA / "pak_districts.geojson")],
        f"python -c '{READERS}'": [sys.executable, "-c", READERS],
    }
    results: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            results[name].append(measure(command, env))
    return {name: _summary(r) for name, r in results.items()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(HERE))
    from datagen import ensure

    quick = "--quick" in argv
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else (1 if quick else RUNS)
    if not (DATA / "pak_districts.geojson").exists():
        print(f"bench_process: real data not found at {DATA}: skipped")
        return 0
    wanted = argv[argv.index("--maps") + 1].split(",") if "--maps" in argv else ["small"] if quick else list(LABEL)
    maps = {}
    if "small" in wanted:
        maps["small"] = (DATA / "pak_districts.geojson", ensure(160, 100_000)[1], DATA / "pak_census2023_districts.csv")
    if "large" in wanted:
        dpath, ppath = ensure(1000, 1_000_000)
        maps["large"] = (dpath, ppath, None)
    rows = {size: run_map(size, runs, *paths) for size, paths in maps.items()}
    alone = run_alone(max(runs, 5))
    print(report(rows, alone, runs))
    return 0


LABEL = {"small": "156 real districts + 100,000 points", "large": "1,000 districts + 1,000,000 points"}


def report(rows: dict, alone: dict, runs: int) -> str:
    lines = [
        f"Whole process, start-up included: PNG + PDF, A4 landscape at 300 dpi (median of {runs} alternated runs)",
        f"{'map':<37} {'program':<21} {'wall s':>7} {'cpu s':>6} {'peak MiB':>9} {'files MB':>9} {'wall/QGIS':>10} "
        f"{'cpu/QGIS':>9} {'peak/QGIS':>10}  targets (wall, peak)",
    ]
    for size, results in rows.items():
        qgis = results.get("qgis", {})
        for name, r in results.items():
            if "error" in r:
                lines.append(f"{LABEL[size]:<37} {name:<21} error: {r['error']}")
                continue
            ratio = cpu_ratio = peak_ratio = target = ""
            if "wall" in qgis and name != "qgis":
                ratio, peak_ratio = f"{r['wall'] / qgis['wall']:.2f}x", f"{r['peak'] / qgis['peak']:.2f}x"
                cpu_ratio = f"{r['cpu'] / qgis['cpu']:.2f}x"
                if name == "pakmap":
                    wall_t, peak_t = TARGETS[size]
                    met = (
                        ("met" if r["wall"] <= wall_t * qgis["wall"] else "NOT met")
                        + ", "
                        + ("met" if r["peak"] <= peak_t * qgis["peak"] else "NOT met")
                    )
                    target = f"≤ {wall_t}x, ≤ {peak_t}x: {met}"
            lines.append(
                f"{LABEL[size]:<37} {name:<21} {r['wall']:>7.2f} {r['cpu']:>6.2f} {r['peak']:>9.0f} {r['bytes'] / 1e6:>9.2f} "
                f"{ratio:>10} {cpu_ratio:>9} {peak_ratio:>10}  {target}"
            )
    lines.append("")
    for name, r in alone.items():
        if "error" in r:
            lines.append(f"{name:<58} error: {r['error']}")
            continue
        limit = ALONE_TARGETS.get(name)
        verdict = f"target ≤ {limit} s: {'met' if r['wall'] <= limit else 'NOT met'}" if limit else "the floor of info"
        lines.append(f"{name:<58} {r['wall']:>8.2f} {r['cpu']:>6.2f} {r['peak']:>9.0f}  {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
