"""Classification of numeric values into map classes, through mapclassify.

One result object (``Classes``) feeds the renderer's colours, the legend's entries and the web map's
colours, so the three always agree. Missing values are never classified: they go to the "no data"
class, which styles draw in a colour that is not part of the ramp.
"""

from __future__ import annotations

from dataclasses import dataclass

import functools
import warnings

import numpy as np
import pandas as pd

from .errors import StyleError
from .numbers import format_range



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

    mapclassify's own implementation is pure Python unless numba is installed (about 1 s for 1,000
    values); this dynamic programme over prefix sums does the same optimisation in numpy (~0.1 s).
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
    """Upper bounds of each class, the class of every value (-1 = no data) and the counts."""

    bins: tuple[float, ...]
    lower: float  # smallest classified value: the first class's lower bound
    class_of: np.ndarray  # int, one per input value, -1 for missing
    counts: tuple[int, ...]
    integer: bool  # all values whole numbers: ranges are written 1,001 – 5,000

    @property
    def k(self) -> int:
        return len(self.bins)

    def ranges(self) -> list[tuple[float, float]]:
        """(lower, upper) of each class as shown in the legend (integer data: next class starts at +1)."""
        out = []
        lo = self.lower
        for upper in self.bins:
            out.append((lo, upper))
            lo = upper + 1 if self.integer else upper
        return out

    def labels(self, threshold: int | None = None) -> list[str]:
        return [format_range(lo, hi, threshold=threshold, integer=self.integer) for lo, hi in self.ranges()]

    def suppressed(self, threshold: int | None) -> "Classes":
        """These classes with every class whose upper bound is below ``threshold`` merged into one.

        Its legend label is then a single "<5" and features with 1 and with 4 refugees get the same
        colour: a class holding only suppressed values cannot be told apart from "<5".
        """
        bins = np.asarray(self.bins, dtype=float)
        below = np.flatnonzero(bins < threshold) if threshold else np.array([], dtype=int)
        if len(below) <= 1:
            return self
        merge_to = int(below[-1])  # the last class entirely below the threshold absorbs the earlier ones
        keep = np.ones(len(bins), dtype=bool)
        keep[below[:-1]] = False
        class_of = self.class_of.copy()
        present = class_of >= 0
        class_of[present & (class_of <= merge_to)] = merge_to
        remap = np.cumsum(keep) - 1  # old class index → new index
        class_of[present] = remap[class_of[present]]
        new_bins = tuple(float(b) for b in bins[keep])
        counts = tuple(int((class_of == i).sum()) for i in range(len(new_bins)))
        return Classes(new_bins, self.lower, class_of, counts, self.integer)


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
    raise StyleError(f"unknown classification method '{method}'",
                     fix="use quantiles, natural_breaks, equal_interval, std_mean or manual")


def classify(values, method: str = "natural_breaks", k: int = 5, breaks=None) -> Classes:
    """Classify ``values`` (NaN/None allowed) with a mapclassify scheme.

    Methods: ``quantiles``, ``natural_breaks`` (Fisher-Jenks), ``equal_interval``, ``std_mean``,
    ``manual`` (``breaks`` = upper bounds; values above the last break go in the last class).
    """
    series = pd.to_numeric(pd.Series(values), errors="coerce")
    present = series.notna().to_numpy()
    y = series.to_numpy(dtype=float)[present]
    class_of = np.full(len(series), -1, dtype=int)
    if len(y) == 0:
        return Classes((), 0.0, class_of, (), True)
    k = max(1, min(int(k), len(np.unique(y))))
    bins = np.asarray(_upper_bounds(y, method, k, breaks), dtype=float)
    # A value belongs to the first class whose upper bound it does not exceed: mapclassify's rule.
    yb = np.minimum(np.searchsorted(bins, y, side="left"), len(bins) - 1)
    # mapclassify may return empty leading classes (StdMean below the minimum): drop them so the
    # legend never shows a class no feature can be in.
    used = np.unique(yb)
    keep = np.arange(len(bins)) >= used.min()
    bins = bins[keep]
    yb = yb - int(used.min())
    class_of[present] = yb
    counts = tuple(int((yb == i).sum()) for i in range(len(bins)))
    integer = bool(np.all(np.equal(np.mod(y, 1), 0)))
    return Classes(tuple(float(b) for b in bins), float(y.min()), class_of, counts, integer)
