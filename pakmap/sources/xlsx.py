"""Excel workbooks (.xlsx) through openpyxl: sheet choice and header row detection.

Sheet choice follows the layer rule of ``pakmap.sources.vector``: the sheet asked for, else the
only sheet with data; with several sheets holding data, ``SourceError`` lists them rather than guess.
The workbook is opened read-only with cached formula values (what Excel shows, not the formulas).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from ..errors import SourceError
from .table import frame_from_rows


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


def read_xlsx(path: Path, *, sheet: str | None = None, header_row: int | None = None) -> tuple[pd.DataFrame, str, dict]:
    """The table, the sheet read, and the options that reproduce the reading (``header_row`` 1-based)."""
    workbook = _open(path)
    try:
        names = list(workbook.sheetnames)
        if sheet is not None:
            match = [n for n in names if n == sheet] or [n for n in names if n.lower() == str(sheet).lower()]
            if not match:
                raise SourceError(f"has no sheet '{sheet}'", path=path, fix=f"use one of: {', '.join(names)}")
            chosen, rows = match[0], _rows(workbook[match[0]])
        else:
            with_data = {n: r for n in names if (r := _rows(workbook[n]))}
            if len(with_data) != 1:
                raise SourceError(f"has {len(with_data) or 'no'} sheets with data ({', '.join(with_data) or 'all empty'})"
                                  + (" and pakmap will not guess which one you mean" if with_data else ""),
                                  path=path, fix="choose one: --layer SHEET on the command line, layer = \"SHEET\" "
                                  "in a project" if with_data else "check you chose the right file")
            chosen, rows = next(iter(with_data.items()))
    finally:
        workbook.close()
    df, index = frame_from_rows(rows, None if header_row is None else int(header_row) - 1, path)
    options = {"header_row": index + 1} if index else {}
    return df, chosen, options


def _rows(worksheet) -> list[list]:
    """All rows with at least one value, trailing empty rows dropped."""
    rows = [list(r) for r in worksheet.iter_rows(values_only=True)]
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()
    return rows


__all__ = ["read_xlsx", "sheet_names"]
