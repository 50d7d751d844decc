"""Classification of numeric values into map classes, through mapclassify.

One result object (``Classes``) feeds the renderer's colours, the legend's entries and the web map's
colours, so the three always agree. Missing values are never classified: they go to the "no data"
class, which styles draw in a colour that is not part of the ramp.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import StyleError
from .numbers import format_number, format_range


@functools.lru_cache(maxsize=1)
def _mapclassify():
    """mapclassify, imported on first use: it pulls in scipy and scikit-learn (over a second),
    which the desktop app should not wait for before drawing its first map."""
    with warnings.catch_warnings():
        # mapclassify warns once that numba would be faster; we classify large inputs differently.
        warnings.simplefilter("ignore")
        import mapclassify
    return mapclassify


# Fisher-Jenks is exact in O(k·n²); beyond this many values a sample is classified (as mapclassify's
# FisherJenksSampled does) to keep time and the n² cost matrix bounded.
_FISHER_JENKS_EXACT_LIMIT = 3000


def _fisher_jenks_bins(values: np.ndarray, k: int) -> list[float]:
    """Exact Fisher-Jenks upper bounds, as mapclassify's FisherJenks gives them.

    mapclassify's own implementation is pure Python unless numba is installed; this dynamic
    programme over prefix sums does the same optimisation in numpy (measured in bench/README.md).
    """
    y = np.sort(np.asarray(values, float))
    n = len(y)
    s1 = np.r_[0.0, np.cumsum(y)]
    s2 = np.r_[0.0, np.cumsum(y * y)]
    start = np.arange(n + 1)[:, None]  # first index of the last class
    end = np.arange(n + 1)[None, :]  # end index (exclusive)
    count = (end - start).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = s2[end] - s2[start] - (s1[end] - s1[start]) ** 2 / count  # within-class squared deviation
    ssd[count <= 0] = np.inf
    cost = ssd[0].copy()  # one class: y[0:end]
    back = []
    for _ in range(1, k):
        total = cost[:, None] + ssd  # best split of y[0:start] plus the last class y[start:end]
        best = np.argmin(total, axis=0)
        cost = total[best, np.arange(n + 1)]
        back.append(best)
    ends = [n]
    for best in reversed(back):
        ends.append(int(best[ends[-1]]))
    return [float(y[e - 1]) for e in reversed(ends)]


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class, the class of every value (-1 = no data) and the counts.

    ``below``: class 0 holds every value under this protection threshold and reads "<5" (a count
    field's small counts, ``pakmap.field_kinds``); the other classes keep their own bounds, starting
    at ``lower``. ``open_low``/``open_high``: bounds kept from an earlier month, and this month's
    values reach beyond them, so the first/last class takes them in and its label says so.
    """

    bins: tuple[float, ...]
    lower: float  # smallest value of the first class that is not the "<5" class
    class_of: np.ndarray  # int, one per input value, -1 for missing
    counts: tuple[int, ...]
    integer: bool  # all values whole numbers: ranges are written 1,001 – 5,000
    below: int | None = None
    open_low: bool = False
    open_high: bool = False

    @property
    def k(self) -> int:
        return len(self.bins)

    @property
    def bounds(self) -> tuple[float, ...]:
        """The upper bounds of the classes other than "<5": what ``breaks = "keep"`` records."""
        return self.bins[1:] if self.below is not None else self.bins

    def ranges(self) -> list[tuple[float, float]]:
        """(lower, upper) of each class as shown in the legend (integer data: next class starts at +1)."""
        out = [(0.0, float(self.below))] if self.below is not None else []
        lo = self.lower
        for upper in self.bounds:
            out.append((lo, upper))
            lo = upper + 1 if self.integer else upper
        return out

    def labels(self) -> list[str]:
        ranges = self.ranges()
        first = 0 if self.below is None else 1
        last = len(ranges) - 1
        out = []
        for i, (lo, hi) in enumerate(ranges):
            if i < first:
                out.append(f"<{self.below}")  # every small count in one class: 1 and 4 look the same
            elif self.open_low and i == first and i < last:
                out.append(f"≤ {format_number(hi, decimals=0 if self.integer else None)}")
            elif self.open_high and i == last and i > first:
                out.append(f"> {format_number(ranges[i - 1][1], decimals=0 if self.integer else None)}")
            else:
                out.append(format_range(lo, hi, integer=self.integer))
        return out


def _upper_bounds(y: np.ndarray, method: str, k: int, breaks) -> list[float]:
    """The classes' upper bounds for the values ``y`` (no missing values)."""
    if method == "manual":
        if not breaks:
            raise StyleError("manual classification needs breaks", fix="give breaks = [upper bounds]")
        bins = sorted(float(b) for b in breaks)
        return bins + [float(y.max())] if bins[-1] < y.max() else bins
    if method == "natural_breaks" and len(y) <= _FISHER_JENKS_EXACT_LIMIT:
        return _fisher_jenks_bins(y, k)
    mapclassify = _mapclassify()
    if method == "natural_breaks":
        return mapclassify.FisherJenksSampled(y, k=k, pct=_FISHER_JENKS_EXACT_LIMIT / len(y)).bins
    if method == "quantiles":
        return mapclassify.Quantiles(y, k=k).bins
    if method == "equal_interval":
        return mapclassify.EqualInterval(y, k=k).bins
    if method == "std_mean":
        return mapclassify.StdMean(y).bins
    raise StyleError(
        f"unknown classification method '{method}'",
        fix="use quantiles, natural_breaks, equal_interval, std_mean or manual",
    )


def classify(
    values,
    method: str = "natural_breaks",
    k: int = 5,
    breaks=None,
    *,
    below: int | None = None,
    kept: bool = False,
    kept_lower: float | None = None,
) -> Classes:
    """Classify ``values`` (NaN/None allowed) with a mapclassify scheme.

    Methods: ``quantiles``, ``natural_breaks`` (Fisher-Jenks), ``equal_interval``, ``std_mean``,
    ``manual`` (``breaks`` = upper bounds; values above the last break go in a class of their own).
    ``kept``: ``breaks`` are bounds kept from an earlier month, used as they are (no class added or
    dropped): values beyond them join the first or last class, which says so in its label.
    ``below``: the values are a count field's, suppressed under this threshold: if any value is
    under it, all of those form one "<below" class and the others are classified into ``k - 1``
    classes by ``method`` (so ``k`` classes in all, none merged).
    """
    series = pd.to_numeric(pd.Series(values), errors="coerce")
    present = series.notna().to_numpy()
    y = series.to_numpy(dtype=float)[present]
    class_of = np.full(len(series), -1, dtype=int)
    if len(y) == 0:
        return Classes((), 0.0, class_of, (), True)
    integer = bool(np.all(np.equal(np.mod(y, 1), 0)))
    # Bounds kept with a "<5" class (kept_lower under the threshold) keep it even when it is empty
    # this month: the other classes keep last month's colours.
    kept_split = bool(kept and below and kept_lower is not None and kept_lower < below)
    split = bool(below) and (kept_split or bool(np.any((y > 0) & (y < below))))
    split_at = int(below) if split and below else 0  # the "<5" class's upper bound when split
    small = (y < below) if split else np.zeros(len(y), dtype=bool)
    rest = y[~small]
    yb = np.zeros(len(y), dtype=int)
    if split and len(rest) == 0 and not kept:
        class_of[present] = 0
        return Classes((float(split_at),), float(split_at), class_of, (len(y),), integer, below=split_at)
    if kept:
        bins = np.asarray(sorted(float(b) for b in breaks), dtype=float)
    else:
        k = max(1, int(k) - 1 if split else int(k))
        k = min(k, len(np.unique(rest)))
        bins = np.asarray(_upper_bounds(rest, method, k, breaks), dtype=float)
    if split:
        # Bounds under the threshold would split the "<5" class: it is one class, whatever the method.
        bins = bins[bins >= below] if np.any(bins >= below) else np.asarray([max(rest.max(initial=below), below)])
    # A value belongs to the first class whose upper bound it does not exceed: mapclassify's rule.
    rb = np.minimum(np.searchsorted(bins, rest, side="left"), len(bins) - 1)
    open_low = open_high = False
    if kept:
        open_high = bool(len(rest) and rest.max() > bins[-1])
        if split:
            lower = float(split_at)  # the classes above "<5" start at the threshold, month after month
        else:
            lower = float(rest.min()) if len(rest) else float(kept_lower or 0.0)
            open_low = kept_lower is not None and lower < kept_lower
            if kept_lower is not None and not open_low:
                lower = float(kept_lower)  # the legend reads as last month's
    else:
        lower = float(rest.min())
        # mapclassify may return empty leading classes (StdMean below the minimum): drop them so the
        # legend never shows a class no feature can be in.
        used = np.unique(rb)
        bins = bins[np.arange(len(bins)) >= used.min()]
        rb = rb - int(used.min())
    shift = 1 if split else 0
    yb[~small] = rb + shift
    class_of[present] = yb
    all_bins = ((float(split_at),) if shift else ()) + tuple(float(b) for b in bins)
    counts = tuple(int((yb == i).sum()) for i in range(len(all_bins)))
    return Classes(
        all_bins,
        lower,
        class_of,
        counts,
        integer,
        below=split_at if shift else None,
        open_low=open_low,
        open_high=open_high,
    )
