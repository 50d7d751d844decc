"""What every reader does to geometry once read: the CRS set on request, validity counted, repair
only on request. One place, so vectors and tables with coordinates behave the same."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .. import validity
from ..crs import check_placeable, parse_crs
from ..errors import SourceError
from ..layer import ValidityReport
from ..point_columns import PointColumns


def finish_geometry(
    gdf: gpd.GeoDataFrame | PointColumns, options: dict, *, path, crs=None, repair: bool = False
) -> tuple[gpd.GeoDataFrame | PointColumns, ValidityReport]:
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
    _refuse_infinite(gdf, path)
    gdf = _collections_as_multi(gdf)
    report = validity.check(gdf)
    if repair:
        gdf, report = validity.repair(gdf)
        options["repair"] = True
    return gdf, report


__all__ = ["finish_geometry"]


def _refuse_infinite(gdf: gpd.GeoDataFrame, path) -> None:
    """Infinite coordinates (``Infinity`` in a GeoJSON, ``1e999`` in a CSV) cannot be drawn, measured
    or repaired: every bound computed from the layer would be infinite."""
    coords, index = shapely.get_coordinates(gdf.geometry.values, return_index=True)
    infinite = np.isinf(coords).any(axis=1)
    if infinite.any():
        features = np.unique(index[infinite])
        raise SourceError(
            f"{len(features)} feature(s) have infinite coordinates (first: feature {features[0] + 1})",
            path=path,
            fix="correct or remove those features in the source and export it again",
        )


# shapely type ids by dimension: points, lines, polygons (multi-part types included).
_FAMILIES = ({0, 4}, {1, 2, 5}, {3, 6})
_MULTI = (shapely.multipoints, shapely.multilinestrings, shapely.multipolygons)


def _collections_as_multi(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Geometry collections (nested or not) whose parts are all polygons, all lines or all points
    become the MultiPolygon, MultiLineString or MultiPoint they are (KML's MultiGeometry reads as a
    collection); collections mixing dimensions stay as they are."""
    geoms = gdf.geometry.values
    collections = np.flatnonzero(shapely.get_type_id(geoms) == 7)
    if not len(collections):
        return gdf
    replaced = np.array(geoms, dtype=object)
    for i in collections:
        parts = shapely.get_parts(replaced[i])
        while len(parts) and np.isin(shapely.get_type_id(parts), [4, 5, 6, 7]).any():
            parts = shapely.get_parts(parts)
        parts = parts[~shapely.is_empty(parts)]
        types = set(shapely.get_type_id(parts).tolist())
        for family, multi in zip(_FAMILIES, _MULTI):
            if types and types <= family:
                replaced[i] = multi(parts)
    gdf = gdf.copy()
    gdf[gdf.geometry.name] = gpd.GeoSeries(replaced, index=gdf.index, crs=gdf.crs)
    return gdf
