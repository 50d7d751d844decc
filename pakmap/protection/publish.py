"""Exported layers: a GeoPackage of the map's data, as it may be published.

Works from the safe copy (``guard_export``): withheld fields are already gone and individual points
aggregated or left out; here each count field holding a suppressed value is written as text
("1,234", "<5"), so no count under the threshold survives in the file as a number.
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
from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from .counts import published_frame

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


def write_geopackage(safe: LoadedProject, out_path: str | os.PathLike) -> Path:
    """Write every vector layer of the safe copy ``safe`` to one GeoPackage (atomically)."""
    out_path = Path(out_path)
    if out_path.suffix.lower() != GEOPACKAGE_SUFFIX:
        raise ExportError("exported layers are written as a GeoPackage", path=out_path,
                          fix="end the output name with .gpkg")
    layers = [l for l in safe.layers if isinstance(l, VectorLayer)]
    if not layers:
        raise ExportError("the project has no vector layer to export", path=out_path,
                          fix="add a boundary or point layer")
    threshold = int(safe.project.protection.threshold)
    taken: set[str] = set()
    with atomic_path(out_path) as tmp:
        for layer in layers:
            data = gpd.GeoDataFrame(published_frame(layer.data, threshold, count_fields_of(layer)), geometry=layer.data.geometry.name,
                                    crs=layer.data.crs)
            pyogrio.write_dataframe(data, tmp, layer=_table_name(layer.name, taken), driver="GPKG",
                                    append=tmp.exists())
    return out_path


__all__ = ["write_geopackage"]
