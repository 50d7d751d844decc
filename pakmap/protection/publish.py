"""Exported layers: a GeoPackage of the map's data, as it may be published.

Works from the safe copy (``guard_export``): withheld fields are already gone and individual points
aggregated or left out. Each layer carries only the fields the officer chose for the map (style,
labels, popups, atlas, extent: ``used_fields``), never everything its table had; each count field
holding a suppressed value is written as text ("1,234", "<5"), so no count under the threshold
survives in the file as a number. Each layer's style goes into the ``layer_styles`` table
(``pakmap.interop.layer_styles``), so QGIS opens the GeoPackage looking like the map.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import geopandas as gpd
import pyogrio

from ..atomic import atomic_path
from ..errors import ExportError
from ..field_kinds import count_fields_of
from ..interop.layer_styles import LayerStyleRow, write_layer_styles
from ..interop.qml import style_to_qml
from ..interop.sld import style_to_sld
from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from .counts import published_frame
from .policy import used_fields

GEOPACKAGE_SUFFIX = ".gpkg"


def _table_name(name: str, taken: set[str]) -> str:
    """A GeoPackage table name from a layer name: letters, digits and "_", unique in the file."""
    base = re.sub(r"[^0-9A-Za-z_]+", "_", name).strip("_") or "layer"
    if base[0].isdigit():
        base = f"layer_{base}"
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate, i = f"{base}_{i}", i + 1
    taken.add(candidate.lower())
    return candidate


def published_layer(safe: LoadedProject, layer: VectorLayer) -> gpd.GeoDataFrame:
    """``layer`` of the safe copy as it is published as data: the fields the map uses, and count
    fields holding a suppressed value as text."""
    threshold = int(safe.project.protection.threshold)
    chosen = used_fields(safe.project, layer)
    columns = [c for c in layer.fields if str(c) in chosen] + [layer.data.geometry.name]
    published = published_frame(layer.data[columns], threshold, [f for f in count_fields_of(layer) if f in columns])
    return gpd.GeoDataFrame(published, geometry=layer.data.geometry.name, crs=layer.data.crs)


def write_geopackage(safe: LoadedProject, out_path: str | os.PathLike) -> Path:
    """Write every vector layer of the safe copy ``safe`` to one GeoPackage (atomically)."""
    write_geopackage_tables(safe, out_path)
    return Path(out_path)


def write_geopackage_tables(safe: LoadedProject, out_path: str | os.PathLike) -> dict[str, str]:
    """``write_geopackage``, answering which table each layer went to (layer name → table name)."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != GEOPACKAGE_SUFFIX:
        raise ExportError(
            "exported layers are written as a GeoPackage", path=out_path, fix="end the output name with .gpkg"
        )
    layers = [l for l in safe.layers if isinstance(l, VectorLayer)]
    if not layers:
        raise ExportError(
            "the project has no vector layer to export", path=out_path, fix="add a boundary or point layer"
        )
    threshold = int(safe.project.protection.threshold)
    taken: set[str] = set()
    tables: dict[str, str] = {}
    styles: list[LayerStyleRow] = []
    with atomic_path(out_path) as tmp:
        for layer in layers:
            published = published_layer(safe, layer)
            table = tables[layer.name] = _table_name(layer.name, taken)
            pyogrio.write_dataframe(published, tmp, layer=table, driver="GPKG", append=tmp.exists())
            geometry_column = pyogrio.read_info(tmp, layer=table).get("geometry_name") or "geom"
            opacity = float(getattr(layer, "opacity", 1.0))
            styles.append(
                LayerStyleRow(
                    table,
                    geometry_column,
                    style_to_qml(layer, threshold, published=published, opacity=opacity),
                    style_to_sld(layer, threshold, published=published),
                    f"{layer.name}, as styled in pakmap",
                )
            )
        write_layer_styles(tmp, styles)
    return tables


__all__ = ["write_geopackage", "write_geopackage_tables", "published_layer"]
