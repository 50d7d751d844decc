"""Options shared by the parsers of the commands that export (``render``, ``map``, ``export-qgis``)."""

from __future__ import annotations


def add_output_options(parser) -> None:
    parser.add_argument(
        "--dpi",
        type=int,
        default=300,
        choices=(72, 96, 150, 300, 600),
        help="resolution of PNG output and of rasters inside PDFs (default 300)",
    )
    parser.add_argument("--world-file", action="store_true", help="write a world file beside a PNG")
    add_protection_options(parser)


def add_protection_options(parser) -> None:
    """The officer's data-protection decisions for one export (every command that publishes data)."""
    parser.add_argument(
        "--allow-sensitive",
        action="append",
        default=[],
        metavar="FIELD",
        help="let this sensitive field (FIELD or LAYER:FIELD; LAYER:geometry for the points "
        "themselves, with --reason) into the export (repeat for more; recorded)",
    )
    parser.add_argument(
        "--reason",
        default="",
        metavar="TEXT",
        help='why --allow-sensitive fields may be published, e.g. "data-sharing agreement with X, '
        '2026-11" (required for LAYER:geometry and for --threshold below 5; kept in the export record)',
    )
    add_threshold_option(parser)
    parser.add_argument(
        "--aggregate",
        action="append",
        default=[],
        metavar="LAYER=hex:KM|admin:LAYER",
        help="publish a household/individual point layer as counts per hexagon or admin unit",
    )
    parser.add_argument(
        "--places",
        action="append",
        default=[],
        metavar="LAYER",
        help="the points of LAYER (read from CSV, XLSX or KML) are places such as villages or "
        "facilities, not people (recorded; otherwise such points are protected as people)",
    )


def add_threshold_option(parser) -> None:
    parser.add_argument(
        "--threshold",
        type=int,
        default=None,
        metavar="N",
        help='counts of people below N are published as "<N" (default: the project\'s, else 5; '
        "below 5 only with --reason; recorded)",
    )
