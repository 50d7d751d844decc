"""Style → what each feature looks like: the one colour computation shared by map and legend.

``symbolize`` turns a layer's style and data into drawing classes (colour, legend label) and the
class of every feature. The renderer paints with it and ``legend_items`` lists it, so the legend can
never disagree with the map.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..classify import Classes, classify
from ..errors import StyleError
from ..field_kinds import is_count, numeric_values
from ..numbers import is_missing
from ..palettes import palette
from ..style import CategorizedStyle, GraduatedStyle, ProportionalStyle, SingleSymbolStyle, Symbol, kept_breaks


@dataclass(frozen=True)
class DrawClass:
    """One colour the layer is drawn in, with the legend label it stands for."""

    label: str
    fill: str
    nodata: bool = False  # the "no data" class of a graduated or categorized style


@dataclass(frozen=True)
class Symbolization:
    """How every feature of a layer is drawn.

    ``class_of[i]`` indexes ``classes`` for feature ``i``. For proportional styles ``sizes_mm`` holds
    each feature's circle diameter (NaN: no circle) and ``legend_values`` the sizes to show.
    """

    symbol: Symbol
    classes: tuple[DrawClass, ...]
    class_of: np.ndarray
    sizes_mm: np.ndarray | None = None
    legend_values: tuple[float, ...] = ()
    max_value: float | None = None
    max_size: float | None = None
    breaks: Classes | None = None
    below: int | None = None  # proportional: small counts drawn as one "<below" circle

    @property
    def circle_scale(self) -> tuple[float, float]:
        """``(max_size, max_value)`` of a proportional style: the largest circle (mm) and its value."""
        if self.max_size is None or self.max_value is None:
            raise ValueError("only a proportional style's symbolization has a circle scale")
        return self.max_size, self.max_value


def _column(layer, name: str) -> pd.Series:
    if name not in layer.fields:
        raise StyleError(
            f"layer '{layer.name}' has no field '{name}'",
            fix=f"style one of its fields: {', '.join(map(str, layer.fields)) or '(none)'}",
        )
    return layer.values(name)


_lock = threading.Lock()
_cache: "weakref.WeakKeyDictionary[object, tuple]" = weakref.WeakKeyDictionary()


def symbolize(layer, threshold: int | None = None) -> Symbolization:
    """The drawing classes of ``layer`` (a ``VectorLayer``) under its current style.

    Cached per layer while its data frame, style, field kinds and the threshold stay the same: classification
    (Fisher-Jenks especially) must not run again on every repaint of the canvas.
    """
    # A field declared a count (or no longer one) is classified again: its "<5" class comes or goes.
    kinds = tuple((f, k.kind) for f, k in layer.declared_kinds.items())
    key = (layer.data_token, layer.feature_count, repr(layer.style), threshold, kinds)
    with _lock:
        hit = _cache.get(layer)
        if hit is not None and hit[0] == key:
            return hit[1]
    result = _symbolize(layer, threshold)
    with _lock:
        _cache[layer] = (key, result)
    return result


def _symbolize(layer, threshold: int | None) -> Symbolization:
    style = layer.style
    n = layer.feature_count
    if isinstance(style, SingleSymbolStyle):
        return Symbolization(style.symbol, (DrawClass(layer.name, style.symbol.fill),), np.zeros(n, dtype=int))
    if isinstance(style, GraduatedStyle):
        return _graduated(layer, style, threshold)
    if isinstance(style, CategorizedStyle):
        return _categorized(layer, style)
    if isinstance(style, ProportionalStyle):
        return _proportional(layer, style, threshold)
    raise StyleError(f"unknown style {type(style).__name__} on layer '{layer.name}'")


def field_numbers(layer, name: str) -> pd.Series:
    """A field's values as numbers (a partner's text column "1,204", "-" included: NaN where empty)."""
    column = _column(layer, name)
    values = numeric_values(column)
    return pd.to_numeric(column, errors="coerce") if values is None else values


def count_threshold(layer, name: str, threshold: int | None) -> int | None:
    """``threshold`` when ``name`` is a count field of ``layer``, else None: only counts are suppressed."""
    return threshold if threshold is not None and is_count(layer, name) else None


def classes_of(layer, style: GraduatedStyle, threshold: int | None) -> Classes:
    """The classes of a graduated style: kept bounds when the project kept them, a count field's
    small values in one "<5" class (``classify(below=…)``), any other field classified as it is."""
    values = field_numbers(layer, style.field)
    kept = kept_breaks(style)
    breaks = style.breaks if style.method == "manual" or kept else None
    return classify(
        values,
        style.method,
        style.classes,
        breaks,
        below=count_threshold(layer, style.field, threshold),
        kept=kept,
        kept_lower=style.breaks_lower if kept else None,
        readable=style.round_bounds,
    )


def _graduated(layer, style: GraduatedStyle, threshold: int | None) -> Symbolization:
    classes = classes_of(layer, style, threshold)
    if style.colors and len(style.colors) == classes.k:
        colors = list(style.colors)
    else:
        colors = palette(style.palette).ramp(classes.k)
    draw = [DrawClass(label, color) for label, color in zip(classes.labels(), colors)]
    class_of = classes.class_of.copy()
    if (class_of < 0).any():
        class_of[class_of < 0] = len(draw)
        draw.append(DrawClass(style.nodata_label, style.nodata_color, nodata=True))
    return Symbolization(style.symbol, tuple(draw), class_of, breaks=classes)


def _category_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _category_order(key: str) -> tuple:
    """Numbers first in numeric order (2 before 10), then text alphabetically."""
    try:
        return (0, float(key), "")
    except ValueError:
        return (1, 0.0, key)


def _categorized(layer, style: CategorizedStyle) -> Symbolization:
    values = _column(layer, style.field)
    missing = values.map(is_missing).to_numpy(dtype=bool)
    keys = np.array([_category_key(v) for v in values[~missing]], dtype=object)
    uniques = sorted(set(keys), key=_category_order)
    ramp = palette(style.palette).ramp(len(uniques))
    draw = [DrawClass(k, style.colors.get(k, c)) for k, c in zip(uniques, ramp)]
    class_of = np.empty(len(values), dtype=int)
    lookup = {k: i for i, k in enumerate(uniques)}
    class_of[~missing] = [lookup[k] for k in keys]
    if missing.any():
        class_of[missing] = len(draw)
        draw.append(DrawClass("No data", style.other_color, nodata=True))
    return Symbolization(style.symbol, tuple(draw), class_of)


def nice_legend_values(max_value: float, count: int = 3) -> tuple[float, ...]:
    """Round numbers for a proportional legend: the largest 1/2/5×10ⁿ not above ``max_value``, then
    roughly a quarter and a twentieth of it (area halves twice: circles stay distinguishable)."""
    if not max_value or max_value <= 0 or not math.isfinite(max_value):
        return ()

    def nice_floor(v: float) -> float:
        exp = math.floor(math.log10(v))
        for m in (5, 2, 1):
            if m * 10**exp <= v:
                return float(m * 10**exp)
        return float(10**exp)

    top = nice_floor(max_value)
    out = [top]
    for fraction in (0.25, 0.05)[: count - 1]:
        v = nice_floor(top * fraction)
        if v < out[-1]:
            out.append(v)
    return tuple(out)


def circle_diameters(values: np.ndarray, max_value: float, max_size: float) -> np.ndarray:
    """Area-true circle diameters (mm): area ∝ value, so diameter ∝ √value."""
    with np.errstate(invalid="ignore"):
        return max_size * np.sqrt(np.clip(values, 0, None) / max_value)


def _proportional(layer, style: ProportionalStyle, threshold: int | None) -> Symbolization:
    values = field_numbers(layer, style.field).to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    max_value = style.max_value or (float(finite.max()) if len(finite) and finite.max() > 0 else 1.0)
    sizes = circle_diameters(values, max_value, style.max_size)
    sizes[~np.isfinite(values) | (values <= 0)] = np.nan
    legend = tuple(style.legend_values) if style.legend_values else nice_legend_values(max_value)
    below = count_threshold(layer, style.field, threshold)
    if below is not None:
        # Sizes would give 1 and 3 back: every small count is one circle, the size of the threshold,
        # and the legend shows that circle as "<5" instead of values it cannot tell apart.
        with np.errstate(invalid="ignore"):
            small = (values > 0) & (values < below)
        sizes[small] = circle_diameters(np.array([float(below)]), max_value, style.max_size)[0]
        legend = tuple(v for v in legend if v >= below)
    draw = (DrawClass(style.field, style.symbol.fill),)
    return Symbolization(
        style.symbol,
        draw,
        np.zeros(len(values), dtype=int),
        sizes,
        legend,
        max_value,
        style.max_size,
        below=below if below is not None and bool(small.any()) else None,
    )
