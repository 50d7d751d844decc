"""The parser of ``pakmap join``: the command is ``pakmap.commands.join``, imported when it runs."""

from __future__ import annotations

from .options import add_threshold_option


def register(sub) -> None:
    p = sub.add_parser(
        "join",
        help="join a table, points or a raster to boundaries, with a join report",
        description="Join TABLE to LAYER and write the joined layer. Every join prints a report: "
        "what matched exactly, after normalization, by alias or by accepted "
        "suggestion, and every table row that matched nothing, with suggestions.",
    )
    p.add_argument("layer", help="boundary layer (shapefile, zip, GeoPackage, GeoJSON, …)")
    p.add_argument("table", help="statistics table (CSV/XLSX), point layer, or GeoTIFF")
    p.add_argument("--layer-name", dest="inner_layer", metavar="NAME", help="layer inside a multi-layer LAYER file")
    p.add_argument("--table-layer", metavar="NAME", help="layer or sheet inside TABLE")
    p.add_argument(
        "--on",
        action="append",
        default=[],
        metavar="LAYER_FIELD=TABLE_FIELD",
        help="join key pair (repeat for a composite key)",
    )
    p.add_argument(
        "--within",
        metavar="LAYER_PARENT=TABLE_PARENT",
        help="match names within the same parent unit (e.g. province=Province)",
    )
    p.add_argument("--fields", default="", metavar="F,…", help="table fields to bring over (default: all)")
    p.add_argument(
        "--aggregate",
        choices=("sum", "mean", "count", "first"),
        help="how to combine several table rows for one feature (otherwise refused)",
    )
    p.add_argument(
        "--aliases",
        action="append",
        default=[],
        metavar="FILE",
        help="your own alias CSV (alias,name,province,note), after the built-in ones",
    )
    p.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="TABLE_KEY=LAYER_KEY",
        help="accept a suggested match (repeat for more)",
    )
    p.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="NAME=UNIT+UNIT+…",
        help="a table row NAME is one figure for these units, drawn dissolved as one feature "
        '(e.g. "Karachi=Karachi East+Karachi West+Malir"; repeat for more)',
    )
    p.add_argument(
        "--stat",
        action="append",
        default=[],
        metavar="OUT=STAT",
        help="points: OUT=count | OUT=sum:FIELD | OUT=mean:FIELD; raster: OUT=sum | mean | count",
    )
    p.add_argument("--band", type=int, default=1, help="raster band for zonal statistics (default 1)")
    p.add_argument("--strict", action="store_true", help="unmatched table rows with values are an error")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file (.gpkg, .geojson, .fgb, .shp.zip, or .csv without geometry), or a database table "
        "postgresql://…/schema.table (with its join report and export record in companion tables)",
    )
    p.add_argument("--report", metavar="CSV", help="write the join report as CSV")
    p.add_argument(
        "--replace",
        action="store_true",
        help="with -o postgresql://…/schema.table: replace the table if it exists (in one transaction)",
    )
    p.add_argument(
        "--allow-sensitive",
        action="append",
        default=[],
        metavar="FIELD",
        help="let this sensitive table field (FIELD or TABLE:FIELD) into the output (repeat for more; recorded)",
    )
    p.add_argument(
        "--reason",
        default="",
        metavar="TEXT",
        help="why --allow-sensitive fields may be published (a data-sharing agreement), or why "
        "--threshold below 5 is enough (recorded)",
    )
    add_threshold_option(p)
    p.set_defaults(run="pakmap.commands.join:run")
