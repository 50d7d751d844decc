"""``breaks = "keep"``: class bounds computed once and kept, so month-to-month maps compare.

A graduated style with ``breaks = "keep"`` is classified by its method on this month's data; when
the project is saved (GUI save, ``pakmap map --save-project``, ``pakmap render``) those bounds are
written into the style as ``breaks`` with ``breaks_kept_from`` (the method and the data they came
from) and ``breaks_lower``. From then on the map uses them as they are (``pakmap.style.kept_breaks``);
values beyond them join the first or last class, whose legend label says so ("≤ 0.31", "> 0.69").
To compute new bounds, set ``breaks = "keep"`` again.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..layer import VectorLayer
from ..numbers import format_number
from ..render.styling import classes_of, field_numbers
from ..style import KEEP, GraduatedStyle
from .loaded import LoadedProject


def _data_files(loaded: LoadedProject, layer: VectorLayer) -> list[str]:
    """The file names (never paths) the layer's values come from: its own and its joined tables'."""
    project = loaded.project
    names = [layer.name] + [j.table or j.points for j in project.joins if j.layer == layer.name]
    return [Path(project.layer_spec(n).path).name for n in names if any(s.name == n for s in project.layers)]


def record_kept_breaks(loaded: LoadedProject) -> list[str]:
    """Compute and record the bounds of every graduated style with ``breaks = "keep"``, in both the
    layer's style and its project spec; one message per layer recorded."""
    threshold = loaded.project.protection.threshold
    messages = []
    for layer in loaded.layers:
        style = getattr(layer, "style", None)
        if not isinstance(layer, VectorLayer) or not isinstance(style, GraduatedStyle) or style.breaks != KEEP:
            continue
        computed = dataclasses.replace(style, breaks=None, breaks_kept_from="", breaks_lower=None)
        classes = classes_of(layer, computed, threshold)
        if not classes.bounds:
            continue  # no values to compute bounds from: keep asking
        values = field_numbers(layer, style.field).dropna()
        decimals = 0 if classes.integer else None
        source = (
            f"{style.method}, {len(classes.bounds)} classes of {style.field} "
            f"({len(values):,} values, {format_number(values.min(), decimals=decimals)} – "
            f"{format_number(values.max(), decimals=decimals)}) in {', '.join(_data_files(loaded, layer))}"
        )
        # With a "<5" class the first class starts at 0: that class is kept too, even in a month
        # without small counts, so the other classes keep their colours.
        lower = 0.0 if classes.below is not None else float(classes.lower)
        kept = dataclasses.replace(
            style, breaks=[float(b) for b in classes.bounds], breaks_kept_from=source, breaks_lower=lower
        )
        layer.style = loaded.project.layer_spec(layer.name).style = kept
        messages.append(f"layer '{layer.name}': class bounds kept from {source}")
    return messages


__all__ = ["record_kept_breaks"]
