"""``pakmap render PROJECT -o OUT``: re-render a saved project headless (next month's edition)."""

from __future__ import annotations

import sys

from ..errors import ExportError
from ..project import load_project
from ..session import Session
from .common import (
    check_render_outputs,
    parse_aggregate,
    print_join_reports,
    run_outputs,
    run_project_exports,
)


def run(args) -> int:
    project = load_project(args.project)
    # A project may hold only [[products]] (a monthly quality report): then render makes those.
    maps = bool(args.output or project.exports or not project.products)
    if not maps:
        return _run_products(project)
    if args.dashboard and not args.output:
        raise ExportError(
            "--dashboard needs an output file",
            path=project.path,
            fix="give -o dashboard.html, or set dashboard = true in the project's [[exports]] entry",
        )
    check_render_outputs(project, args.output, atlas=args.atlas, world_file=args.world_file)
    session = Session.open(project)
    loaded = session.loaded
    print_join_reports(loaded, strict=False)
    kept = session.record_kept_breaks()
    if kept:
        # breaks = "keep" asks for exactly this: next month's render uses these bounds.
        written = session.save()
        for message in kept:
            print(f"{message}; recorded in {written.name}")
    decisions = {
        "allow_sensitive": args.allow_sensitive,
        "aggregate": parse_aggregate(args.aggregate),
        "reason": args.reason,
        "places": args.places,
        "threshold": args.threshold,
    }
    if args.output:
        run_outputs(
            loaded,
            args.output,
            dpi=args.dpi,
            atlas=args.atlas,
            world_file=args.world_file,
            dashboard=args.dashboard,
            **decisions,
        )
        return 0
    run_project_exports(loaded, atlas=args.atlas, world_file=args.world_file, **decisions)
    return _run_products(project)


def _run_products(project) -> int:
    """Every ``[[products]]`` entry of the project, in order."""
    if not project.products:
        return 0
    # The report pages, the quality checks and the 3W panels: loaded for a project that lists products only.
    from ..products.spec import run_product

    for product in project.products:
        summary, written = run_product(project, product)
        print(summary, file=sys.stderr)
        for path in written:
            print(path)
    return 0
