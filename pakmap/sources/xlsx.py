"""Excel workbooks (.xlsx) through openpyxl: sheet choice and header row detection.

Sheet choice follows the layer rule of ``pakmap.sources.vector``: the sheet asked for, else the
only sheet with data; with several sheets holding data, ``SourceError`` lists them rather than guess.
The workbook is opened read-only with cached formula values (what Excel shows, not the formulas).

Merged cells are filled down: a "Karachi" merged over five rows of a region column belongs to every
one of them, though Excel stores it in the first cell only. Only ranges that span several rows are
filled, each row with the range's value in the range's first column; a title merged across the
columns of one row stays one cell (it must not look like a header). What was filled is reported.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from .rows import SHEET_ROW
from .table import frame_from_rows

_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
_CHUNK = 1 << 20


def _open(path: Path):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise SourceError(f"is not an Excel workbook that can be read ({type(exc).__name__}: "
                          f"{' '.join(str(exc).split())[:80]})", path=path,
                          fix="open it in Excel and save it as .xlsx (Excel Workbook), or export it as CSV UTF-8") from None


def sheet_names(path: Path) -> list[str]:
    workbook = _open(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def read_xlsx(path: Path, *, sheet: str | None = None,
              header_row: int | None = None) -> tuple[pd.DataFrame, str, dict, list[str]]:
    """The table, the sheet read, the options that reproduce the reading (``header_row`` 1-based) and
    notes on what the reading changed (merged cells filled down)."""
    workbook = _open(path)
    try:
        names = list(workbook.sheetnames)
        if sheet is not None:
            match = [n for n in names if n == sheet] or [n for n in names if n.lower() == str(sheet).lower()]
            if not match:
                raise SourceError(f"has no sheet '{sheet}'", path=path, fix=f"use one of: {', '.join(names)}")
            chosen = match[0]
            rows = _rows(workbook[chosen])
        else:
            with_data = {n: r for n in names if (r := _rows(workbook[n]))}
            if len(with_data) != 1:
                raise SourceError(f"has {len(with_data) or 'no'} sheets with data ({', '.join(with_data) or 'all empty'})"
                                  + (" and pakmap will not guess which one you mean" if with_data else ""),
                                  path=path, fix="choose one: --layer SHEET on the command line, layer = \"SHEET\" "
                                  "in a project" if with_data else "check you chose the right file")
            chosen, rows = next(iter(with_data.items()))
        notes = fill_merged_down(rows, merged_ranges(workbook[chosen]))
    finally:
        workbook.close()
    # Row i of ``rows`` is sheet row i + 1: openpyxl yields every row from the first, empty ones too.
    df, index = frame_from_rows(rows, None if header_row is None else int(header_row) - 1, path,
                                numbering=SHEET_ROW)
    options = {"header_row": index + 1} if index else {}
    return df, chosen, options, notes


def _rows(worksheet) -> list[list]:
    """All rows with at least one value, trailing empty rows dropped."""
    rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    return rows


def merged_ranges(worksheet) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges as (first column, first row, last column, last row), 1-based.

    A read-only worksheet does not parse them, so the sheet's XML is scanned for ``<mergeCell>``
    (they follow the cell data), chunk by chunk: a large sheet is never held in memory at once.
    """
    from openpyxl.utils.cell import column_index_from_string

    found, tail = set(), b""
    with worksheet._get_source() as source:  # the sheet's XML stream inside the workbook zip
        while chunk := source.read(_CHUNK):
            data = tail + chunk
            found.update(_MERGE_REF.findall(data))
            tail = data[-256:]
    return sorted((column_index_from_string(c1.decode()), int(r1), column_index_from_string(c2.decode()), int(r2))
                  for c1, r1, c2, r2 in found)


def fill_merged_down(rows: list[list], ranges) -> list[str]:
    """Put each multi-row merged range's value on every row it covers (first column); notes on it."""
    filled = []
    for first_col, first_row, _, last_row in ranges:
        if last_row <= first_row or first_row > len(rows):
            continue
        col = first_col - 1
        top = rows[first_row - 1]
        value = top[col] if col < len(top) else None
        if value is None or str(value).strip() == "":
            continue
        for r in range(first_row, min(last_row, len(rows))):
            row = rows[r]
            row.extend([None] * (col + 1 - len(row)))
            row[col] = value
        filled.append((first_col, first_row, last_row, value))
    if not filled:
        return []
    from openpyxl.utils.cell import get_column_letter

    shown = "; ".join(f"{get_column_letter(c)}{a}:{get_column_letter(c)}{b} ({str(v)[:30]!r})"
                      for c, a, b, v in filled[:5])
    more = f" and {len(filled) - 5} more" if len(filled) > 5 else ""
    return [f"{len(filled)} merged cell range(s) filled down, each row given the range's value: {shown}{more}"]


__all__ = ["read_xlsx", "sheet_names", "merged_ranges", "fill_merged_down"]
