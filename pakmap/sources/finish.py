"""What every reader does to geometry once read: the CRS set on request, validity counted, repair
only on request. One place, so vectors and tables with coordinates behave the same."""

from __future__ import annotations

import geopandas as gpd

from ..crs import parse_crs
from ..layer import ValidityReport
from .. import validity


def finish_geometry(gdf: gpd.GeoDataFrame, options: dict, *, path, crs=None,
                    repair: bool = False) -> tuple[gpd.GeoDataFrame, ValidityReport]:
    """Apply ``crs`` (set, or replace a wrong one) and ``repair``; record both in ``options``."""
    if crs is not None:
        gdf = gdf.set_crs(parse_crs(crs, path=path), allow_override=True)
        options["crs"] = str(crs)
    report = validity.check(gdf)
    if repair:
        gdf, report = validity.repair(gdf)
        options["repair"] = True
    return gdf, report


__all__ = ["finish_geometry"]
