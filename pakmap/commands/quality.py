"""``pakmap quality FILE [--against districts.gpkg] [-o report.html|report.pdf|findings.csv]``.

Checks a table or point layer (``pakmap.products.quality``) and prints the summary; with ``-o``
writes the report (several ``-o`` for several formats), each with its export record.
"""

from __future__ import annotations

import sys

from ..products.quality_report import QualityOptions, write_quality_outputs


def options_from(args) -> QualityOptions:
    return QualityOptions(
        against=args.against,
        layer=args.layer,
        header_row=args.header_row,
        against_layer=args.against_layer,
        name_field=args.name_field,
        pcode_field=args.pcode_field,
        key_field=args.key_field,
        places=args.places,
        allow_sensitive=list(args.allow_sensitive),
        reason=args.reason,
    )


def run(args) -> int:
    report, written = write_quality_outputs(args.file, args.output, options_from(args))
    print(report.summary(), file=sys.stderr)
    for path in written:
        print(path)
    return 0
