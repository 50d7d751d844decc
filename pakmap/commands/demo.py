"""``pakmap demo [OUTDIR] [--data DIR]``: the newcomer's first run, offline."""

from __future__ import annotations

from pathlib import Path

from ..jobs.demo import build_demo, check_demo_outputs
from ..project.loader import load_layers
from .common import print_join_reports, run_project_exports


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="build and render a complete example project (works offline)",
        description="Writes an example project (boundaries, refugee villages, a messy "
        "statistics table joined to districts, a choropleth, a UNHCR layout) "
        "into OUTDIR and renders it to PDF, PNG, SVG and HTML.",
    )
    p.add_argument("outdir", nargs="?", default="pakmap-demo", help="folder for the project and its outputs")
    p.add_argument(
        "--data", metavar="DIR", help="folder of COD-AB style boundary files to use instead of generated ones"
    )
    p.set_defaults(func=run)


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
