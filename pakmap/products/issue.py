"""One finding of a data-quality report (``pakmap.products.quality``), shared with the spatial checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    check: str
    row: str  # "file line 7", "sheet row 7", "data row 3", or "column" for a whole-column finding
    field: str
    value: str  # as published: withheld or "<5" where the guard says so
    detail: str
    position: int | None = None  # the row's position in the checked table (for its point)
