"""Whole-process start-up of the command line: ``pakmap --version``, ``--help`` and ``pakmap info``.

Each run is a fresh interpreter doing what the ``pakmap`` script does (``pakmap.cli.run``), timed
from launch to exit; runs of the commands (and of each revision, with ``--before``) alternate, and
the table shows medians. ``python -c pass`` is the floor: the interpreter alone;
``python -c 'import geopandas, pyogrio, pyproj'`` the floor of reading any vector file.
The imports of one more run under ``python -X importtime`` are summed per command.

``--before DIR``: another checkout of pakmap (``git archive main | tar -x -C DIR``) run by this same
virtual environment (``PYTHONPATH=DIR``), for before/after figures from one run on one machine.
"""

from __future__ import annotations

import argparse
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
# What the ``pakmap`` script runs (``run``; checkouts given by ``--before`` older than it had ``main``).
SCRIPT = "import sys, pakmap.cli as cli; sys.exit(cli.run() if hasattr(cli, 'run') else cli.main())"


def commands() -> dict[str, list[str]]:
    from peers import READERS

    found = {
        "python -c pass": ["-c", "pass"],
        f"python -c '{READERS}'": ["-c", READERS],
        "pakmap --version": ["-c", SCRIPT, "--version"],
        "pakmap --help": ["-c", SCRIPT, "--help"],
    }
    for name in ("pak_districts.geojson", "pakistan_admin.gpkg"):  # the target; four layers
        if (DATA / name).exists():
            found[f"pakmap info {name}"] = ["-c", SCRIPT, "info", str(DATA / name)]
    return found


# Outside any checkout: ``python -c`` puts the working folder first on sys.path.
NEUTRAL = tempfile.gettempdir()


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run: on a shared machine the CPU time is the
    steadier figure, the wall time is what the officer waits."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *args], env=env, cwd=NEUTRAL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"{args} exited with {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def import_seconds(args: list[str], env: dict[str, str]) -> float:
    """The summed cumulative time of the top-level imports of one run (``-X importtime``)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        env=env,
        cwd=NEUTRAL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    total = 0
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if (
            line.startswith("import time:")
            and len(parts) == 3
            and not parts[2].startswith("  ")
            and parts[1].strip().isdigit()
        ):
            total += int(parts[1])  # microseconds, top-level modules only (they include their imports)
    return total / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 11")
    parser.add_argument("--runs", type=int, help="runs of each command")
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision to compare against")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 11)
    base_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    revisions = {"now": dict(base_env, PYTHONPATH=str(REPO))}
    if args.before:
        revisions = {"before": dict(base_env, PYTHONPATH=str(args.before.resolve())), **revisions}
    cmds = commands()
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(c, r): [] for c in cmds for r in revisions}
    for _ in range(runs):
        for name, cmd in cmds.items():
            for revision, env in revisions.items():
                times[(name, revision)].append(run_once(cmd, env))
    print(f"whole process, medians of {runs} alternated runs: wall s, CPU s (user + system), imports s (-X importtime)")
    head = " | ".join(f"{r} wall s | {r} CPU s | {r} imports s" for r in revisions)
    print(f"| command | {head} |" + (" wall after/before |" if args.before else ""))
    print("|---" * (1 + 3 * len(revisions) + bool(args.before)) + "|")
    for name, cmd in cmds.items():
        cells = []
        walls = {}
        for revision, env in revisions.items():
            walls[revision] = statistics.median(t[0] for t in times[(name, revision)])
            cpu = statistics.median(t[1] for t in times[(name, revision)])
            imports = statistics.median(import_seconds(cmd, env) for _ in range(3))
            cells += [f"{walls[revision]:.3f}", f"{cpu:.3f}", f"{imports:.3f}"]
        ratio = f" {walls['now'] / walls['before']:.2f}x |" if args.before else ""
        print(f"| {name} | " + " | ".join(cells) + " |" + ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
