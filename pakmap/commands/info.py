"""``pakmap info PATH [--layer NAME]``: what a data file holds, and whether it is fit to map."""

from __future__ import annotations

from ..jobs.info import describe


def run(args) -> int:
    given = {
        "crs": args.crs,
        "repair": args.repair,
        "encoding": args.encoding,
        "delimiter": args.delimiter,
        "header_row": args.header_row,
        "lat": args.lat,
        "lon": args.lon,
        "wkt": args.wkt,
    }
    # Options that do not apply to the file's kind are reported by open_layer, naming those that do.
    options = {k: v for k, v in given.items() if v is not None and v is not False}
    print(describe(args.path, layer=args.layer, **options))
    return 0
