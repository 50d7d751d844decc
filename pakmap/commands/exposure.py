"""``pakmap exposure --hazard flood.tif|flood.gpkg --people villages.gpkg --by districts.gpkg -o exposure.csv``.

People and places inside a hazard footprint per admin unit (``pakmap.products.exposure``): the
raster is read window by window, never whole. Outputs: a table (.csv), a layer (.gpkg), a map
(.png) or a report with map and table (.pdf), each with its export record; small counts of people
print as "<5".
"""

from __future__ import annotations

import sys

from ..products.exposure_report import ExposureOptions, write_exposure_outputs


def options_from(args) -> ExposureOptions:
    return ExposureOptions(
        hazard=args.hazard,
        by=args.by,
        people=args.people,
        value=args.value,
        threshold=args.threshold,
        by_layer=args.by_layer,
        hazard_layer=args.hazard_layer,
        people_layer=args.people_layer,
        places=args.places,
        title=args.title,
    )


def run(args) -> int:
    result, written = write_exposure_outputs(args.output, options_from(args))
    print(result.summary(), file=sys.stderr)
    for path in written:
        print(path)
    return 0
