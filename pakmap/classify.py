"""Classification of numeric values into map classes, in numpy, with mapclassify's results.

Quantiles, equal interval, standard deviation, manual breaks and Fisher-Jenks (natural breaks) give
the bounds mapclassify gives for the same values (tests/test_classify.py checks them against it):
mapclassify itself imports scipy and matplotlib, over two seconds before the first map is drawn.
One result object (``Classes``) feeds the renderer's colours, the legend's entries and the web map's
colours, so the three always agree. Missing values are never classified: they go to the "no data"
class, which styles draw in a colour that is not part of the ramp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import StyleError
from .numbers import format_number, format_range, significant

# Fisher-Jenks is exact in O(k·n²); beyond this many values it classifies an even sample of the
# sorted values (the smallest and largest included), as mapclassify's FisherJenksSampled classifies
# a random one of the same size: the same map every time, in bounded time and memory.
FISHER_JENKS_EXACT_LIMIT = 1000
# Ends of classes handled at once by the Fisher-Jenks programme: a (n+1)×256 block, never (n+1)².
_FISHER_JENKS_BLOCK = 256


def fisher_jenks_sample(values: np.ndarray, size: int = FISHER_JENKS_EXACT_LIMIT) -> np.ndarray:
    """``size`` evenly spaced order statistics of ``values`` (all of them if there are no more)."""
    y = np.sort(np.asarray(values, float))
    if len(y) <= size:
        return y
    return y[np.linspace(0, len(y) - 1, size).round().astype(int)]


def fisher_jenks_bins(values: np.ndarray, k: int) -> list[float]:
    """Exact Fisher-Jenks upper bounds, as mapclassify's FisherJenks gives them.

    A dynamic programme over prefix sums: the cost of a class ``y[start:end]`` is its within-class
    squared deviation; each step adds one class to the best split of every prefix. Ties go to the
    first split, as in mapclassify.
    """
    y = np.sort(np.asarray(values, float))
    n = len(y)
    s1 = np.r_[0.0, np.cumsum(y)]
    s2 = np.r_[0.0, np.cumsum(y * y)]
    start = np.arange(n + 1)[:, None]  # first index of the last class

    def ssd(ends: np.ndarray) -> np.ndarray:
        """Within-class squared deviation of y[start:end] for every start and these ends."""
        end = ends[None, :]
        count = (end - start).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = s2[end] - s2[start] - (s1[end] - s1[start]) ** 2 / count
        out[count <= 0] = np.inf
        return out

    ends_all = np.arange(n + 1)
    cost = np.empty(n + 1)
    for lo in range(0, n + 1, _FISHER_JENKS_BLOCK):
        ends = ends_all[lo : lo + _FISHER_JENKS_BLOCK]
        cost[ends] = ssd(ends)[0]  # one class: y[0:end]
    back = []
    for _ in range(1, k):
        new_cost = np.empty(n + 1)
        best = np.empty(n + 1, dtype=int)
        for lo in range(0, n + 1, _FISHER_JENKS_BLOCK):
            ends = ends_all[lo : lo + _FISHER_JENKS_BLOCK]
            total = cost[:, None] + ssd(ends)  # best split of y[0:start] plus the last class y[start:end]
            best[ends] = np.argmin(total, axis=0)
            new_cost[ends] = total[best[ends], np.arange(len(ends))]
        cost = new_cost
        back.append(best)
    class_ends = [n]
    for best in reversed(back):
        class_ends.append(int(best[class_ends[-1]]))
    return [float(y[e - 1]) for e in reversed(class_ends)]


def quantile_bins(y: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's Quantiles: the k quantiles by linear interpolation between order statistics
    (scipy's ``scoreatpercentile``, computed the same way), repeated bounds merged."""
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    if p[-1] > 100.0:
        p[-1] = 100.0
    ys = np.sort(y)
    idx = p / 100.0 * (len(ys) - 1)
    i = idx.astype(int)
    exact = i == idx
    j = np.minimum(i + 1, len(ys) - 1)
    lower, upper = j - idx, idx - i  # the weights of ys[i] and ys[i + 1]
    with np.errstate(invalid="ignore"):
        between = (ys[i] * lower + ys[j] * upper) / (lower + upper)
    return np.unique(np.where(exact, ys[i], between))


def equal_interval_bins(y: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's EqualInterval: k classes of equal width from the minimum; the last ends at the maximum."""
    max_y, min_y = float(y.max()), float(y.min())
    if max_y == min_y:
        return np.asarray([max_y])
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # arange can overshoot by one
        cuts = cuts[:k]
    cuts[-1] = max_y
    return cuts


def std_mean_bins(y: np.ndarray) -> np.ndarray:
    """mapclassify's StdMean: the mean ± 1 and 2 sample standard deviations, then the maximum."""
    s = y.std(ddof=1) if len(y) > 1 else 0.0
    if s == 0:  # all values equal: one class (mapclassify would repeat the value as four bounds)
        return np.asarray([float(y.max())])
    m = y.mean()
    cuts = [m + s * w for w in (-2, -1, 1, 2)]
    if cuts[-1] < y.max():
        cuts.append(y.max())
    return np.asarray(cuts, dtype=float)


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


def _round_toward(value: float, digits: int, direction) -> float:
    """``value`` to ``digits`` significant figures, rounded by ``direction`` (``math.floor``/``ceil``)."""
    if value == 0 or not math.isfinite(value):
        return value
    step = 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return float(round(direction(value / step) * step, 12))


def readable_bins(bins: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Upper bounds a reader takes in at a glance: two significant figures if every class keeps a
    value it had (no class emptied) and the bounds stay in order, else three, else the exact ones. The top bound is rounded
    up, so the largest value stays in the last class."""
    if len(bins) == 0:
        return bins
    exact = np.unique(np.minimum(np.searchsorted(bins, values, side="left"), len(bins) - 1))
    for digits in (2, 3):
        rounded = np.asarray(
            [significant(float(b), digits) for b in bins[:-1]] + [_round_toward(float(bins[-1]), digits, math.ceil)]
        )
        if np.any(np.diff(rounded) <= 0):
            continue
        class_of = np.minimum(np.searchsorted(rounded, values, side="left"), len(rounded) - 1)
        if np.array_equal(np.unique(class_of), exact):
            return rounded
    return bins


def _upper_bounds(y: np.ndarray, method: str, k: int, breaks) -> list[float]:
    """The classes' upper bounds for the values ``y`` (no missing values)."""
    if method == "manual":
        if not breaks:
            raise StyleError("manual classification needs breaks", fix="give breaks = [upper bounds]")
        bins = sorted(float(b) for b in breaks)
        return bins + [float(y.max())] if bins[-1] < y.max() else bins
    if method == "natural_breaks":
        return fisher_jenks_bins(fisher_jenks_sample(y), k)
    if method == "quantiles":
        return list(quantile_bins(y, k))
    if method == "equal_interval":
        return list(equal_interval_bins(y, k))
    if method == "std_mean":
        return list(std_mean_bins(y))
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
    readable: bool = False,
) -> Classes:
    """Classify ``values`` (NaN/None allowed) by ``method``.

    Methods: ``quantiles``, ``natural_breaks`` (Fisher-Jenks), ``equal_interval``, ``std_mean``,
    ``manual`` (``breaks`` = upper bounds; values above the last break go in a class of their own).
    ``kept``: ``breaks`` are bounds kept from an earlier month, used as they are (no class added or
    dropped): values beyond them join the first or last class, which says so in its label.
    ``below``: the values are a count field's, suppressed under this threshold: if any value is
    under it, all of those form one "<below" class and the others are classified into ``k - 1``
    classes by ``method`` (so ``k`` classes in all, none merged).
    ``readable``: computed bounds are rounded to two (else three) significant figures *before* the
    values are classified, the lowest bound down and the highest up, so the legend reads
    6,400 – 15,000 and every feature sits in the class the legend gives it; bounds that would empty
    a class or merge two are kept exact.
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
        if readable and method != "manual":
            bins = readable_bins(bins, rest)
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
        if readable and method != "manual":
            lower = max(_round_toward(lower, 2, math.floor), float(split_at))
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
