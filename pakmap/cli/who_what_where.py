"""The parser of ``pakmap 3w``: the command is ``pakmap.commands.who_what_where``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "3w",
        aliases=["who-what-where"],
        help="who does what where: partners per district and sector from a partner activity table",
        description="Count the distinct partner organisations per unit of --by, in all sectors and in each, from "
        "ACTIVITIES (partner, sector, district by P-code or name, …; merged cells, totals rows and repeated "
        "rows as partners send them). Writes the map, the sector panels and the district x sector matrix "
        "(.pdf), the map (.png), the matrix (.csv, .xlsx) and a web map with a sector filter (.html).",
    )
    p.add_argument("activities", help="the partners' activity table (XLSX or CSV)")
    p.add_argument("--by", required=True, help="admin units (districts, tehsils) the table names")
    p.add_argument("--by-layer", metavar="NAME", help="layer inside the --by file")
    p.add_argument("--sheet", metavar="NAME", help="sheet of the workbook (default: the only one with data)")
    p.add_argument("--header-row", type=int, metavar="N", help="the row holding the column names (default: found)")
    p.add_argument("--partner-field", metavar="FIELD", help="the partner column (default: guessed from the headers)")
    p.add_argument("--sector-field", metavar="FIELD", help="the sector or cluster column")
    p.add_argument("--name-field", metavar="FIELD", help="the column naming the admin unit")
    p.add_argument("--pcode-field", metavar="FIELD", help="the column of admin unit P-codes")
    p.add_argument("--value", metavar="FIELD", help="the people reached column (a count of people, protected)")
    p.add_argument(
        "--status", action="append", default=[], metavar="TEXT", help="count only rows with this status (repeatable)"
    )
    p.add_argument("--title", default="", help="map and report title")
    p.add_argument(
        "-o", "--output", action="append", default=[], help="output: .pdf, .png, .csv, .xlsx or .html (repeatable)"
    )
    p.set_defaults(run="pakmap.commands.who_what_where:run")
