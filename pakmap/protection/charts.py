"""The charts and tables an export publishes, under the same small-count decisions as its map.

A chart of the top districts reads the protected copy of its layer: "<5" and "x" cells are the
map's. A table of totals per province needs more: a province total is worked out from the
unprotected values (the copy has lost the values of its "x" cells), and it is a published total,
so every suppressed district in it must stay hidden given the total — the layer's complementary
suppression counts the chart's groups among its relations (``chart_groups``). The totals themselves
are counts: a total under the threshold is "<5", and with the national total known, one "<5"
province would be recovered by subtraction, so the totals get their own complementary cells.
"""

from __future__ import annotations

import pandas as pd

from ..errors import PakmapError
from ..layer import Layer, TableLayer, VectorLayer
from ..layout.chart_data import ChartFields, ChartTable, chart_fields, chart_table, group_sums
from ..project.loaded import LoadedProject
from ..project.model import ChartSpec
from .complementary import complementary_suppression


def resolved_fields(specs: list[ChartSpec], layer: Layer) -> list[ChartFields]:
    """The columns each chart of ``specs`` on ``layer`` reads (charts that cannot be resolved are
    left out here: the page or dashboard reports them when it is made)."""
    out = []
    for spec in specs:
        if spec.layer != layer.name or not isinstance(layer, (VectorLayer, TableLayer)):
            continue
        try:
            out.append(chart_fields(spec, layer))
        except PakmapError:
            continue
    return out


def chart_groups(specs: list[ChartSpec], layer: Layer) -> list[str]:
    """The columns whose group totals the charts on ``layer`` publish."""
    return sorted({f.by for f in resolved_fields(specs, layer) if f.by})


def totals_table(layer: VectorLayer | TableLayer, fields: ChartFields) -> pd.DataFrame:
    """The totals of ``fields.value`` per ``fields.by`` from the unprotected ``layer``: one row per group,
    named in the ``by`` column (a table of the export's system, ``pakmap.protection.system``)."""
    frame = layer.attributes
    sums = group_sums(frame[fields.by], frame[fields.value])
    return pd.DataFrame({fields.by: [str(g) for g in sums.index], fields.value: sums.to_numpy()})


def protected_totals(layer: VectorLayer | TableLayer, fields: ChartFields, threshold: int) -> pd.Series:
    """Totals of ``fields.value`` per ``fields.by`` from the unprotected ``layer``, as published:
    numbers (shown as "<5" under the threshold) and "x" where a total is withheld."""
    frame = layer.attributes
    sums = group_sums(frame[fields.by], frame[fields.value])
    table = pd.DataFrame({fields.value: sums.to_numpy()}, index=sums.index)
    protected, _counts = complementary_suppression(table, [fields.value], threshold)
    return protected[fields.value]


def published_charts(
    loaded: LoadedProject,
    safe_layers: list[Layer],
    specs: list[ChartSpec],
    threshold: int,
    solved: dict[int, pd.Series] | None = None,
) -> list[tuple[ChartSpec, ChartTable]]:
    """Each chart of ``specs`` as it may be published: rows from the protected ``safe_layers``,
    totals per group from ``loaded``'s values with their own suppression; ``solved``: spec position →
    its totals as protected together with the layers (``pakmap.protection.system``)."""
    safe = {layer.name: layer for layer in safe_layers}
    out = []
    for i, spec in enumerate(specs):
        layer = safe.get(spec.layer)
        if not isinstance(layer, (VectorLayer, TableLayer)):
            continue  # left out of the export (a list of people): no chart of it either
        fields = chart_fields(spec, layer)
        totals = None
        if fields.by:
            original = loaded.layer(spec.layer)
            if not isinstance(original, (VectorLayer, TableLayer)) or not {fields.by, fields.value} <= set(
                map(str, original.attributes.columns)
            ):
                continue  # an aggregated point layer: its totals are not the points' columns
            totals = (solved or {}).get(i)
            if totals is None:
                totals = protected_totals(original, fields, threshold)
        out.append((spec, chart_table(spec, layer, threshold, totals)))
    return out


__all__ = ["chart_groups", "totals_table", "protected_totals", "published_charts"]
