"""``pakmap boundaries fetch PAK --level 2 [-o OUT]``: administrative boundaries from geoBoundaries."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import SourceError
from ..file_guard import check_outputs, sources_of
from ..layer import VectorLayer


def register(sub) -> None:
    p = sub.add_parser(
        "boundaries",
        help="download administrative boundaries (geoBoundaries), cached",
        description="Administrative boundaries from the public geoBoundaries API, kept in a "
        "disk cache so that later runs work offline.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    fetch = actions.add_parser(
        "fetch",
        help="fetch one country's boundaries at one admin level",
        description="Download (or take from the cache) the boundaries of COUNTRY at "
        "--level and print where they are; -o also writes a copy.",
    )
    fetch.add_argument("country", help="ISO 3166 three-letter code, e.g. PAK")
    fetch.add_argument("--level", type=int, default=2, help="administrative level: 0 country … 2 districts (default 2)")
    fetch.add_argument("--cache-dir", help="cache folder (default: $PAKMAP_CACHE_DIR or the user cache folder)")
    fetch.add_argument("--url", help="geoBoundaries API address (default: $PAKMAP_GEOBOUNDARIES_URL or the public API)")
    fetch.add_argument(
        "-o", "--output", help="also write the boundaries here (.geojson copies; .gpkg and .fgb convert)"
    )
    fetch.add_argument("--refresh", action="store_true", help="download again even if cached")
    fetch.add_argument("--offline", action="store_true", help="never download; use the cache only")
    fetch.set_defaults(func=run)


def run(args) -> int:
    from ..sources import open_layer
    from ..sources.boundaries import fetch_boundaries

    if args.output:
        check_outputs([args.output])  # before downloading: the folder is there and writable
    result = fetch_boundaries(
        args.country,
        args.level,
        cache_dir=args.cache_dir,
        base_url=args.url,
        refresh=args.refresh,
        offline=args.offline,
    )
    layer = open_layer(result.path)
    if not isinstance(layer, VectorLayer):
        raise SourceError(
            "the boundary file holds no features with geometry",
            path=result.path,
            fix="delete it and run pakmap boundaries again with --refresh",
        )
    origin = "from the cache" if result.from_cache else "downloaded"
    print(f"{result.iso} ADM{result.level}: {len(layer.data)} features, {origin}: {result.path}", file=sys.stderr)
    print(f"geometry: {layer.validity.summary()}", file=sys.stderr)
    print(result.attribution, file=sys.stderr)
    out = result.path
    if args.output:
        check_outputs([args.output], sources_of(result.path, "the cached copy this command reads"))
        out = _write(layer, result.path, Path(args.output), f"{result.iso}_ADM{result.level}")
    print(out)
    return 0


def _write(layer, cached: Path, target: Path, layer_name: str) -> Path:
    """A copy in the format of ``target``'s extension, written atomically."""
    from ..atomic import atomic_path, write_bytes_atomic

    ext = target.suffix.lower()
    if ext in (".geojson", ".json"):
        write_bytes_atomic(target, cached.read_bytes())
        return target
    # Single-file formats only: a shapefile is several files and cannot be replaced atomically.
    drivers = {".gpkg": "GPKG", ".fgb": "FlatGeobuf"}
    if ext not in drivers:
        raise SourceError(
            f"cannot write boundaries as '{ext or 'no extension'}'", path=target, fix="use .geojson, .gpkg or .fgb"
        )
    with atomic_path(target) as tmp:
        # Name the layer: GDAL would take the temporary file's name (".out.x1y2z3").
        layer.data.to_file(tmp, driver=drivers[ext], engine="pyogrio", layer=layer_name)
    return target
