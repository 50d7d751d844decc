"""The parser of ``pakmap dissolve``: the command is ``pakmap.commands.dissolve``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "dissolve",
        help="merge boundaries by a field (districts into divisions or provinces)",
        description="Dissolve the features of LAYER by the values of one or more fields and write "
        "the result. Fields that differ within a unit are left out, and said so.",
    )
    p.add_argument("layer", help="boundary layer (shapefile, zip, GeoPackage, GeoJSON, …)")
    p.add_argument("--layer-name", dest="inner_layer", metavar="NAME", help="layer inside a multi-layer LAYER file")
    p.add_argument(
        "--by",
        action="append",
        required=True,
        metavar="FIELD",
        help="field whose values become the new features (repeat for several)",
    )
    p.add_argument(
        "-o", "--output", required=True, help="output file (.gpkg, .geojson, .fgb, .shp.zip, or .csv without geometry)"
    )
    p.set_defaults(run="pakmap.commands.dissolve:run")
