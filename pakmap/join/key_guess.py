"""Which table column a layer's key field joins to: the one sharing most values with it.

The join dialog proposes a table field for each layer field the officer picks ('district' for
'name', 'admin2_pcode' for 'pcode'), and for the parent unit of "match within" ('province' for
'province_name'). The guess is a plain comparison of values, so it lives here with the joins and
not in the dialog.
"""

from __future__ import annotations

import pandas as pd

from ..layer import Layer, RasterLayer, VectorLayer


def guess_table_key(layer_values: pd.Series, table: pd.DataFrame) -> str | None:
    """The table column sharing most values with the layer key (case-insensitive): 'district' for 'name'."""
    wanted = set(layer_values.dropna().astype(str).str.strip().str.casefold())
    best, best_hits = None, 0
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            hits = int(table[column].dropna().astype(str).str.strip().str.casefold().isin(wanted).sum())
            if hits > best_hits:
                best, best_hits = column, hits
    return None if best is None else str(best)


def guess_table_field(layer: VectorLayer, layer_field: str, table: Layer) -> str | None:
    """The field of ``table`` (a table or another vector layer) to join ``layer_field`` of ``layer`` on;
    ``None`` when the field is not the layer's or no text column shares a value with it."""
    if not isinstance(layer, VectorLayer) or isinstance(table, RasterLayer) or layer_field not in layer.fields:
        return None
    return guess_table_key(layer.values(layer_field), table.attributes)


__all__ = ["guess_table_field", "guess_table_key"]
