"""The parser of ``pakmap map``: the command is ``pakmap.commands.map``, imported when it runs."""

from __future__ import annotations

from .options import add_output_options


def register(sub) -> None:
    p = sub.add_parser(
        "map",
        help="make a UNHCR map of a layer in one command",
        description="Build a project in memory (default UNHCR A4 template), render it to OUT, "
        "and optionally save the project to edit and re-render later.",
    )
    p.add_argument(
        "layer", help="boundary, point or raster file (shapefile, zip, GeoPackage, GeoJSON, KML, CSV, GeoTIFF…)"
    )
    p.add_argument("--layer-name", dest="inner_layer", metavar="NAME", help="layer inside a multi-layer file")
    p.add_argument("--table", help="statistics table (CSV/XLSX) to join to the layer")
    p.add_argument(
        "--on",
        action="append",
        default=[],
        metavar="LAYER_FIELD=TABLE_FIELD",
        help="join key pair (repeat for several keys)",
    )
    p.add_argument("--by", metavar="FIELD", help="field to map: choropleth for numbers, categories for text")
    p.add_argument("--fields", default="", metavar="F,…", help="fields for labels (first) and popups")
    p.add_argument(
        "--label",
        default=None,
        metavar="TEXT",
        help="label text: a field, or an expression such as '{name}\\n{name_local}' (English above Urdu)",
    )
    p.add_argument("--title", help="map title (default from --by and the layer name)")
    p.add_argument(
        "--crs",
        metavar="EPSG:…",
        help="CRS of the layer when its file has none (e.g. EPSG:4326); a file that has one keeps it",
    )
    p.add_argument("--strict", action="store_true", help="unmatched table rows are an error, not a warning")
    p.add_argument("--save-project", metavar="P.toml", help="also save the project built for this map")
    p.add_argument(
        "--keep-breaks",
        action="store_true",
        help='record the computed class bounds in the saved project (breaks = "keep"), so next '
        "month's map uses the same classes",
    )
    p.add_argument(
        "-o", "--output", required=True, help="output file (.pdf, .png, .svg, .html, or .gpkg for the protected layers)"
    )
    add_output_options(p)
    p.set_defaults(run="pakmap.commands.map:run")
