"""The parser of ``pakmap quality``: the command is ``pakmap.commands.quality``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "quality",
        help="data-quality report of a table or point layer: P-codes, names, duplicates, stray points",
        description="Check FILE: malformed or unknown P-codes, names that match no boundary (with suggestions), "
        "duplicate keys, points outside the unit they name or far from their unit's other points, missing and "
        "zero values, totals rows, mixed units. Writes an HTML, PDF or CSV report.",
    )
    p.add_argument("file", help="the table (CSV/XLSX) or layer to check")
    p.add_argument("--against", metavar="BOUNDARIES", help="boundary layer whose names and P-codes the file should use")
    p.add_argument("--layer-name", dest="layer", metavar="NAME", help="layer or sheet inside FILE")
    p.add_argument("--against-layer", metavar="NAME", help="layer inside the BOUNDARIES file")
    p.add_argument("--header-row", type=int, metavar="N", help="the row of FILE that holds the column names")
    p.add_argument("--name-field", metavar="FIELD", help="the column naming the admin unit (default: guessed)")
    p.add_argument("--pcode-field", metavar="FIELD", help="the P-code column (default: columns of PK… codes)")
    p.add_argument("--key", dest="key_field", metavar="FIELD", help="the record ID column checked for duplicates")
    p.add_argument("--places", action="store_true", help="the points are sites or villages, not people (recorded)")
    p.add_argument("--allow-sensitive", action="append", default=[], metavar="FIELD", help="show this personal field")
    p.add_argument("--reason", default="", metavar="TEXT", help="why --allow-sensitive fields may be shown (recorded)")
    p.add_argument("-o", "--output", action="append", default=[], help="report file: .html, .pdf or .csv (repeatable)")
    p.set_defaults(run="pakmap.commands.quality:run")
