"""The bounds on what pakmap reads and draws, in one place.

Files arrive by e-mail from anyone: a 1 MB zip can inflate to gigabytes, a 2 kB workbook can declare
seventeen billion cells, a project can ask for a label a kilometre high. Each bound below is far
above what real data needs (the largest real files in ``../shared/data`` use a few per cent of them)
and far below what would exhaust an officer's laptop. Going over one is a ``LimitError`` that names
the bound and the environment variable that raises it (README, "Limits").
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from .errors import PakmapError


class LimitError(PakmapError):
    """Input beyond one of pakmap's stated bounds (a bomb, or data far larger than maps need)."""


@dataclass(frozen=True)
class Limit:
    """One bound: what it bounds, its default, its unit, and the variable that raises it."""

    what: str  # "the uncompressed size of an archive", for messages
    default: float
    unit: str  # "MB", "cells", "pt"…
    env: str  # environment variable that replaces the default

    def value(self) -> float:
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise LimitError(
                f"the environment variable {self.env}={raw!r} is not a positive number",
                fix=f"unset it, or give a number of {self.unit} (default {self.default:g})",
            )
        return value

    def check(self, amount: float, *, path=None, subject: str | None = None) -> None:
        """``LimitError`` when ``amount`` (in this limit's unit) exceeds the bound."""
        bound = self.value()
        if amount > bound or math.isnan(amount):
            raise LimitError(
                f"{subject or self.what} is {_amount(amount)} {self.unit}, over pakmap's limit of "
                f"{_amount(bound)} {self.unit}",
                path=path,
                fix=self.how_to_raise(),
            )

    def how_to_raise(self) -> str:
        return f"if this is intended, raise the limit with the environment variable {self.env}"


def _amount(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:.3g}"


# --- reading ----------------------------------------------------------------------------------------

# Zip, KMZ and XLSX archives: the total size of the members once inflated, and the inflation ratio of
# any member over ZIP_RATIO_FLOOR. Shapefile DBFs padded with blanks compress ~20:1, rarely 100:1;
# deflate cannot exceed ~1,030:1, which is what bombs use.
UNZIPPED_SIZE = Limit("the uncompressed size of the archive", 1024, "MB", "PAKMAP_MAX_UNZIPPED_MB")
ZIP_RATIO = Limit("the compression ratio of a member of the archive", 200, ": 1", "PAKMAP_MAX_ZIP_RATIO")
ZIP_RATIO_FLOOR = 50 * 2**20  # members under 50 MB inflated are harmless whatever their ratio

# Worksheets: cells spanned by the rows read (empty cells up to each row's last one included).
SHEET_CELLS = Limit("the cells the sheet spans", 20_000_000, "cells", "PAKMAP_MAX_SHEET_CELLS")

# One CSV field (a long WKT polygon is the legitimate large field).
CSV_FIELD = Limit("a field of the CSV", 64, "MB", "PAKMAP_MAX_CSV_FIELD_MB")

# Rasters: pixels read at full resolution to draw one view (files without overviews read every pixel
# under the view; a sparse 50,000 × 50,000 file has 2.5 billion).
RASTER_READ_PIXELS = Limit(
    "the pixels to read from the raster for one view", 1_000_000_000, "pixels", "PAKMAP_MAX_RASTER_PIXELS"
)

# Database servers (pakmap.postgis): how long to wait for one to answer, and for one query to finish.
# A server gone away or a query stuck behind a lock is then one line, never a hang.
PG_CONNECT_TIMEOUT = Limit("the time to connect to the database server", 10, "s", "PAKMAP_PG_CONNECT_TIMEOUT")
PG_STATEMENT_TIMEOUT = Limit("the time one database query may take", 120, "s", "PAKMAP_PG_STATEMENT_TIMEOUT")

# --- drawing ----------------------------------------------------------------------------------------

LABEL_SIZE = Limit("the label size", 144, "pt", "PAKMAP_MAX_LABEL_PT")  # 2 inches: a map title's size
LINE_WIDTH = Limit("the line width", 50, "mm", "PAKMAP_MAX_LINE_MM")  # halos, outlines, strokes
MARKER_SIZE = Limit("the marker size", 200, "mm", "PAKMAP_MAX_MARKER_MM")  # markers, proportional circles
PAGE_SIDE = Limit("the page side", 5000, "mm", "PAKMAP_MAX_PAGE_MM")  # A0 is 1189 mm; plotters roll 5 m
PAGE_PIXELS = Limit("the rendered page", 300_000_000, "pixels", "PAKMAP_MAX_PAGE_PIXELS")  # A0 at 300 dpi: 140 M
DPI_RANGE = (30, 1200)  # print resolutions pakmap renders; outside is a typo, not a need


def check_page(width_mm: float, height_mm: float, dpi: float, *, path=None) -> None:
    """A page of this size at this dpi can be rendered (sides, then pixels in memory)."""
    for side in (width_mm, height_mm):
        if not (math.isfinite(side) and side > 0):
            raise LimitError(
                f"the page size {width_mm:g} × {height_mm:g} mm is not a size",
                path=path,
                fix="give the page's width and height in mm (A4 landscape: 297 × 210)",
            )
        PAGE_SIDE.check(side, path=path, subject=f"the page side ({side:g} mm)")
    if not (math.isfinite(dpi) and DPI_RANGE[0] <= dpi <= DPI_RANGE[1]):
        raise LimitError(
            f"dpi {dpi:g} is out of range",
            path=path,
            fix=f"use {DPI_RANGE[0]} to {DPI_RANGE[1]} (150, 300 or 600 for print)",
        )
    pixels = (width_mm / 25.4 * dpi) * (height_mm / 25.4 * dpi)
    PAGE_PIXELS.check(pixels, path=path, subject=f"a {width_mm:g} × {height_mm:g} mm page at {dpi:g} dpi")


def check_size(limit: Limit, value, key: str, where: str) -> None:
    """A size ``key`` from a project or template: a finite number from 0 up to ``limit``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise LimitError(f"'{key}' in {where} ({value!r}) is not a size", fix=f"give a number of {limit.unit}")
    limit.check(value, subject=f"'{key}' in {where} ({limit.what})")


__all__ = [
    "Limit",
    "LimitError",
    "UNZIPPED_SIZE",
    "ZIP_RATIO",
    "ZIP_RATIO_FLOOR",
    "SHEET_CELLS",
    "CSV_FIELD",
    "RASTER_READ_PIXELS",
    "LABEL_SIZE",
    "LINE_WIDTH",
    "MARKER_SIZE",
    "PAGE_SIDE",
    "PAGE_PIXELS",
    "DPI_RANGE",
    "check_page",
    "check_size",
]
