"""Row numbers as the officer finds them in the file: a text editor's line, a spreadsheet's row.

Tables read from CSV or XLSX keep, as their index, the number of the line or sheet row each record
came from (title rows, the header, HXL and blank rows counted), and the index's name says which
(``FILE_LINE`` or ``SHEET_ROW``). Errors and join reports name rows this way, so "file line 7" is
line 7 in Notepad and "sheet row 7" is row 7 in Excel. Any other frame (a layer's attributes, a
frame built in code) is named by its own index labels ("row 3").
"""

from __future__ import annotations

import pandas as pd

FILE_LINE = "file line"
SHEET_ROW = "sheet row"
LABEL = "row"  # the frame's own index label, when the file's numbering is unknown


def row_kind(index: pd.Index) -> str:
    """``FILE_LINE``, ``SHEET_ROW`` or ``LABEL``: what the labels of ``index`` are."""
    return index.name if index.name in (FILE_LINE, SHEET_ROW) else LABEL


def row_name(index: pd.Index, position: int) -> str:
    """``"file line 7"``, ``"sheet row 7"``, or ``"data row 3"`` (1-based position) for other frames."""
    kind = row_kind(index)
    return f"{kind} {index[position]}" if kind != LABEL else f"data row {position + 1}"


__all__ = ["FILE_LINE", "SHEET_ROW", "LABEL", "row_kind", "row_name"]
