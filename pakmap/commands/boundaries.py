"""``pakmap boundaries fetch PAK --level 2 [-o OUT]``: administrative boundaries from geoBoundaries."""

from __future__ import annotations

import sys
from pathlib import Path

from ..atomic import atomic_path, write_bytes_atomic
from ..errors import SourceError
from ..file_guard import check_outputs, sources_of
from ..layer import VectorLayer
from ..sources import open_layer
from ..sources.boundaries import fetch_boundaries


def run(args) -> int:

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
