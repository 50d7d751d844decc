"""The parser of ``pakmap info``: the command is ``pakmap.commands.info``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "info",
        help="describe a data file: layers, geometry, CRS, fields, validity",
        description="Describe every layer of PATH (or only --layer): geometry type, "
        "feature count, CRS, bounds, fields, validity; for tables rows, columns "
        "and detected coordinates; for rasters size, bands and overviews.",
    )
    p.add_argument("path", help="a data file: .shp, .zip, .gpkg, .geojson, .kml, .kmz, .fgb, .csv, .xlsx, .tif")
    p.add_argument("--layer", help="only this layer (GeoPackage layer, zip member or workbook sheet)")
    p.add_argument("--crs", help="set the CRS of a file that has none (e.g. EPSG:32642)")
    p.add_argument("--repair", action="store_true", help="repair invalid geometries (make_valid) and report")
    p.add_argument("--encoding", help="text encoding of a CSV or shapefile DBF (default: detected)")
    p.add_argument("--delimiter", help="CSV delimiter: comma, semicolon, tab, pipe (default: detected)")
    p.add_argument("--header-row", type=int, help="row number of a table's header (default: detected)")
    p.add_argument("--lat", help="latitude column of a table (default: detected)")
    p.add_argument("--lon", help="longitude column of a table (default: detected)")
    p.add_argument("--wkt", help="WKT geometry column of a table (default: detected)")
    p.set_defaults(run="pakmap.commands.info:run")
