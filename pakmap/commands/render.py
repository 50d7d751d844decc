"""``pakmap render PROJECT -o OUT``: re-render a saved project headless (next month's edition)."""

from __future__ import annotations

import sys

from ..project import load_project
from ..project.loader import load_layers
from .common import add_output_options, parse_aggregate, print_join_reports, run_outputs


def register(sub) -> None:
    p = sub.add_parser("render", help="render a project file to PDF, PNG, SVG or HTML",
                       description="Render a project to the format of OUT (.pdf, .png, .svg, .html). "
                                   "Without -o, writes every export listed in the project.")
    p.add_argument("project", help="the project file (.toml)")
    p.add_argument("-o", "--output", help="output file; the format follows the extension (.pdf, .png, .svg, .html, .gpkg)")
    p.add_argument("--atlas", metavar="LAYER", help="one page per feature of LAYER (PDF: one file, PNG: one file per page)")
    add_output_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    project = load_project(args.project)
    loaded = load_layers(project)
    print_join_reports(loaded, strict=False)
    if args.output:
        targets = [(args.output, args.dpi, args.atlas, args.world_file)]
    else:
        if not project.exports:
            print(f"pakmap: error: {args.project}: the project lists no exports — give -o OUT "
                  "or add an [[exports]] table with a path", file=sys.stderr)
            return 2
        targets = [(project.resolve(e.path), e.dpi, args.atlas or (project.layout.atlas.layer if e.atlas and project.layout.atlas else None),
                    e.world_file or args.world_file) for e in project.exports]
    for out, dpi, atlas, world_file in targets:
        run_outputs(loaded, out, dpi=dpi, atlas=atlas, world_file=world_file, allow_sensitive=args.allow_sensitive,
                    aggregate=parse_aggregate(args.aggregate))
    return 0
