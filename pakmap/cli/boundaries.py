"""The parser of ``pakmap boundaries``: the command is ``pakmap.commands.boundaries``, imported when it runs."""

from __future__ import annotations


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
    fetch.set_defaults(run="pakmap.commands.boundaries:run")
