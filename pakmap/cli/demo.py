"""The parser of ``pakmap demo``: the command is ``pakmap.commands.demo``, imported when it runs."""

from __future__ import annotations


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
    p.set_defaults(run="pakmap.commands.demo:run")
