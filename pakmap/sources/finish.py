"""What every reader does to geometry once read: the CRS set on request, validity counted, repair
only on request. One place, so vectors and tables with coordinates behave the same."""

from __future__ import annotations

import geopandas as gpd

from ..crs import check_placeable, parse_crs
from ..layer import ValidityReport
from ..point_columns import PointColumns
from .. import validity


def finish_geometry(gdf: gpd.GeoDataFrame | PointColumns, options: dict, *, path, crs=None,
                    repair: bool = False) -> tuple[gpd.GeoDataFrame | PointColumns, ValidityReport]:
    """Apply ``crs`` (set, or replace a wrong one) and ``repair``; record both in ``options``."""
    if crs is not None:
        parsed = parse_crs(crs, path=path)
        gdf = gdf.with_crs(parsed) if isinstance(gdf, PointColumns) else gdf.set_crs(parsed, allow_override=True)
        options["crs"] = str(crs)
    check_placeable(gdf.crs, path=path)
    if isinstance(gdf, PointColumns):
        # Finite 2D points are always valid, never empty or null: there is nothing to count or repair.
        if repair:
            options["repair"] = True
        return gdf, ValidityReport(total=len(gdf))
    report = validity.check(gdf)
    if repair:
        gdf, report = validity.repair(gdf)
        options["repair"] = True
    return gdf, report


__all__ = ["finish_geometry"]
