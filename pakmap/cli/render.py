"""The parser of ``pakmap render``: the command is ``pakmap.commands.render``, imported when it runs."""

from __future__ import annotations

from .options import add_output_options


def register(sub) -> None:
    p = sub.add_parser(
        "render",
        help="render a project file to PDF, PNG, SVG or HTML",
        description="Render a project to the format of OUT (.pdf, .png, .svg, .html). "
        "Without -o, writes every export listed in the project, then makes its [[products]] "
        "(quality reports, exposure tables and maps).",
    )
    p.add_argument("project", help="the project file (.toml)")
    p.add_argument(
        "-o", "--output", help="output file; the format follows the extension (.pdf, .png, .svg, .html, .gpkg)"
    )
    p.add_argument(
        "--atlas", metavar="LAYER", help="one page per feature of LAYER (PDF: one file, PNG: one file per page)"
    )
    p.add_argument(
        "--dashboard",
        action="store_true",
        help="with an .html output: the web dashboard, the map beside a sortable table and a bar chart "
        "that follow a province (and sector) filter",
    )
    add_output_options(p)
    p.set_defaults(run="pakmap.commands.render:run")
