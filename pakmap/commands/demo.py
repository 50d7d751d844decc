"""``pakmap demo [OUTDIR] [--data DIR]``: the newcomer's first run, offline."""

from __future__ import annotations

from pathlib import Path

from ..jobs.demo import build_demo, check_demo_outputs
from ..project.loader import load_layers
from .common import print_join_reports, run_project_exports


def run(args) -> int:
    outdir = Path(args.outdir).resolve()
    data_dir = Path(args.data).resolve() if args.data else None
    check_demo_outputs(outdir, data_dir)
    project = build_demo(outdir, data_dir)
    print(project.path)
    loaded = load_layers(project)
    print_join_reports(loaded, strict=False)
    run_project_exports(loaded)
    return 0
