"""``pakmap join … -o postgresql://…/schema.table``: the joined layer, its join report and its export
record as three tables, written in one transaction.

``schema.table`` holds the published layer (after the protection guard, as a file would);
``schema.table_join_report`` the join report, row for row as the ``--report`` CSV; and
``schema.table_export_record`` one row: the export record as JSON (what ``.record.json`` holds
beside a file).
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pandas as pd

from .address import PgSource
from .write import Companion, check_target, write_tables

REPORT_SUFFIX = "_join_report"
RECORD_SUFFIX = "_export_record"
COMPANIONS = (REPORT_SUFFIX, RECORD_SUFFIX)


def check_join_target(target: PgSource, *, replace: bool) -> None:
    check_target(target, list(COMPANIONS), replace=replace)


def report_frame(report) -> pd.DataFrame:
    """The join report as the ``--report`` CSV has it (every report kind writes its own), as text."""
    with tempfile.TemporaryDirectory(prefix="pakmap-report-") as folder:
        path = Path(folder) / "report.csv"
        report.to_csv(path)
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    header, body = (rows[0], rows[1:]) if rows else (["section"], [])
    return pd.DataFrame(body, columns=header, dtype=object)


def write_joined(target: PgSource, data, report, record: dict, *, replace: bool) -> list[str]:
    """Write the three tables, all or nothing; returns their names."""
    companions = [Companion(REPORT_SUFFIX, report_frame(report))] if hasattr(report, "to_csv") else []
    companions.append(Companion(RECORD_SUFFIX, pd.DataFrame({"record": [json.dumps(record, ensure_ascii=False)]})))
    write_tables(target, data, companions, replace=replace)
    return [target.table_name] + [target.table_name + c.suffix for c in companions]


__all__ = ["write_joined", "check_join_target", "report_frame", "COMPANIONS"]
