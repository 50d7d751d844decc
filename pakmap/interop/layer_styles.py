"""The GeoPackage ``layer_styles`` table: each exported layer's style, as QGIS stores it.

QGIS (and GDAL-based tools that follow it) open a GeoPackage layer with the row of this table
marked ``useAsDefault`` for it, so a published GeoPackage opens looking like the pakmap map. The
table has QGIS's own columns; it is written through GDAL so it is registered in ``gpkg_contents``
as an attribute table, as QGIS itself does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import pyogrio

from ..dates import creation_date

STYLE_NAME = "pakmap"
TABLE = "layer_styles"
COLUMNS = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)


@dataclass(frozen=True)
class LayerStyleRow:
    table: str  # the GeoPackage table the style is for
    geometry_column: str
    qml: str
    sld: str
    description: str


def write_layer_styles(gpkg_path: str | os.PathLike, rows: list[LayerStyleRow]) -> None:
    """Add the ``layer_styles`` table with ``rows`` to the GeoPackage being written at ``gpkg_path``."""
    if not rows:
        return
    stamp = pd.Timestamp(creation_date())
    frame = pd.DataFrame(
        [
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": row.table,
                "f_geometry_column": row.geometry_column,
                "styleName": STYLE_NAME,
                "styleQML": row.qml,
                "styleSLD": row.sld,
                "useAsDefault": True,
                "description": row.description,
                "owner": "",
                "ui": None,
                "update_time": stamp,
            }
            for row in rows
        ],
        columns=list(COLUMNS),
    )
    frame["ui"] = frame["ui"].astype(object)
    pyogrio.write_dataframe(frame, gpkg_path, layer=TABLE, driver="GPKG", append=True)
