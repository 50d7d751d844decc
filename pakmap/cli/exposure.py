"""The parser of ``pakmap exposure``: the command is ``pakmap.commands.exposure``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "exposure",
        help="people and places inside a hazard footprint (flood raster or polygons), per admin unit",
        description="Count and sum the people and places of --people inside the hazard footprint "
        "(raster cells above --threshold, or polygons), per unit of --by, with the share exposed.",
    )
    p.add_argument("--hazard", required=True, help="flood raster (GeoTIFF) or footprint polygons")
    p.add_argument(
        "--threshold", type=float, default=0.0, help="raster cells above this value are the footprint (default 0)"
    )
    p.add_argument("--people", help="points: villages, sites or households (GeoPackage, CSV/XLSX with lat/lon…)")
    p.add_argument("--value", metavar="FIELD", help="field of --people to sum (e.g. population); default: count rows")
    p.add_argument("--by", required=True, help="admin units (districts, tehsils)")
    p.add_argument("--by-layer", metavar="NAME", help="layer inside the --by file")
    p.add_argument("--hazard-layer", metavar="NAME", help="layer inside a vector --hazard file")
    p.add_argument("--people-layer", metavar="NAME", help="layer or sheet inside the --people file")
    p.add_argument("--places", action="store_true", help="the --people rows are villages or sites, not households")
    p.add_argument("--title", default="", help="map and report title")
    p.add_argument("-o", "--output", action="append", default=[], help="output: .csv, .gpkg, .pdf or .png (repeatable)")
    p.set_defaults(run="pakmap.commands.exposure:run")
