"""The parser of ``pakmap check``: the command is ``pakmap.commands.check``, imported when it runs."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "check",
        help="list the data-protection findings of a project (exit 3 if an export would be refused)",
        description="Detect personal data (names, phone numbers, CNIC/PoR card numbers, case IDs, "
        "exact household locations) and specific needs (GBV, UASC, disability…) "
        "by header and by value in every layer of PROJECT and say what each export "
        "would withhold or refuse. Exit 0: exports can run; 3: an export would be refused.",
    )
    p.add_argument("project", help="the project file (.toml)")
    p.add_argument("-o", "--output", metavar="OUT", help="check for this export only (allows are per export)")
    p.add_argument(
        "--allow-sensitive",
        action="append",
        default=[],
        metavar="FIELD",
        help="as for render: FIELD or LAYER:FIELD counts as allowed (repeat for more)",
    )
    p.set_defaults(run="pakmap.commands.check:run")
