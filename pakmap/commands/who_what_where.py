"""``pakmap 3w ACTIVITIES.xlsx --by districts.gpkg -o 3w.pdf -o 3w.html``.

Who does what where (``pakmap.products.activities``): the distinct partners per admin unit, in all
sectors and per sector, from a partner activity table joined to the boundaries through the
accountable join. Prints the summary (and the rows that name no unit); writes each output with its
export record.
"""

from __future__ import annotations

import sys

from ..errors import PakmapError
from ..products.activities import ThreeWOptions
from ..products.threew_report import ThreeWFiles, write_threew_outputs


def files_from(args) -> ThreeWFiles:
    return ThreeWFiles(
        input=args.activities,
        by=args.by,
        sheet=args.sheet,
        header_row=args.header_row,
        by_layer=args.by_layer,
        columns=ThreeWOptions(
            partner_field=args.partner_field,
            sector_field=args.sector_field,
            name_field=args.name_field,
            pcode_field=args.pcode_field,
            value_field=args.value,
            statuses=list(args.status),
        ),
        title=args.title,
    )


def run(args) -> int:
    if not args.output:
        raise PakmapError("no output given", fix="add -o 3w.pdf (or .png, .csv, .xlsx, .html)")
    result, written = write_threew_outputs(args.output, files_from(args))
    print(result.summary(), file=sys.stderr)
    for path in written:
        print(path)
    return 0
