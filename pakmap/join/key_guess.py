"""Which table column a layer's key field joins to: the one sharing most values with it.

The join dialog proposes a table field for each layer field the officer picks ('district' for
'name', 'admin2_pcode' for 'pcode'), and for the parent unit of "match within" ('province' for
'province_name'). The guess is a plain comparison of values, so it lives here with the joins and
not in the dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..layer import Layer, RasterLayer, VectorLayer


def _keys(values: pd.Series) -> pd.Series:
    return values.dropna().astype(str).str.strip().str.casefold()


def _is_text(column: pd.Series) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column)


def guess_table_key(layer_values: pd.Series, table: pd.DataFrame) -> str | None:
    """The table column sharing most values with the layer key (case-insensitive): 'district' for 'name'."""
    wanted = set(_keys(layer_values))
    best, best_hits = None, 0
    for column in table.columns:
        if _is_text(table[column]):
            hits = int(_keys(table[column]).isin(wanted).sum())
            if hits > best_hits:
                best, best_hits = column, hits
    return None if best is None else str(best)


@dataclass(frozen=True)
class KeyMatch:
    """The best key between a boundary layer and a table, and how many features it gives data."""

    layer: str
    layer_field: str
    table: str
    table_field: str
    features: int  # distinct keys of the layer found in the table field


def best_key(layer: VectorLayer, table: Layer) -> KeyMatch | None:
    """The text field of ``layer`` and the field of ``table`` that share the most distinct keys."""
    if not isinstance(layer, VectorLayer) or isinstance(table, RasterLayer):
        return None
    attributes = table.attributes
    best: KeyMatch | None = None
    for field in layer.fields:
        values = layer.values(field)
        if not _is_text(values):
            continue
        table_field = guess_table_key(values, attributes)
        if table_field is None:
            continue
        shared = len(set(_keys(values)) & set(_keys(attributes[table_field])))
        if best is None or shared > best.features:
            best = KeyMatch(layer.name, str(field), table.name, table_field, shared)
    return best


def best_join(layers: Sequence[VectorLayer], tables: Sequence[Layer]) -> KeyMatch | None:
    """The boundary layer and table that match best (most features given data): the census table
    goes to the districts (136 of them), not to the provinces it also names (7)."""
    best: KeyMatch | None = None
    for table in tables:
        for layer in layers:
            match = best_key(layer, table)
            if match is not None and (best is None or match.features > best.features):
                best = match
    return best


def guess_table_field(layer: VectorLayer, layer_field: str, table: Layer) -> str | None:
    """The field of ``table`` (a table or another vector layer) to join ``layer_field`` of ``layer`` on;
    ``None`` when the field is not the layer's or no text column shares a value with it."""
    if not isinstance(layer, VectorLayer) or isinstance(table, RasterLayer) or layer_field not in layer.fields:
        return None
    return guess_table_key(layer.values(layer_field), table.attributes)


__all__ = ["KeyMatch", "best_join", "best_key", "guess_table_field", "guess_table_key"]
