"""Geometry validity on load: count what is wrong, repair only when asked.

Published boundaries are often slightly broken (self-intersecting rings where a coastline was
clipped, bow-ties from digitizing). Such polygons still draw, but areas, spatial joins and zonal
statistics on them can be wrong, so pakmap counts them on every load and says so. ``make_valid``
changes geometry, hence it only runs when the user asks (``repair=True``), and the report records
how many features it changed.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import shapely

from .layer import ValidityReport

_REASON_AT = re.compile(r"\s*\[.*\]\s*$")  # "Self-intersection[66.58 25.38]" -> "Self-intersection"


def _masks(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boolean masks (null, empty, invalid) over a geometry array; each feature is in at most one."""
    null = shapely.is_missing(geoms)
    empty = ~null & shapely.is_empty(geoms)
    invalid = ~null & ~empty & ~shapely.is_valid(geoms)
    return null, empty, invalid


def check(gdf: gpd.GeoDataFrame) -> ValidityReport:
    """Count invalid (with GEOS's reasons), empty and null geometries of ``gdf``."""
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    null, empty, invalid = _masks(geoms)
    reasons: dict[str, int] = {}
    if invalid.any():
        for reason in shapely.is_valid_reason(geoms[invalid]):
            key = _REASON_AT.sub("", str(reason)) or "invalid"
            reasons[key] = reasons.get(key, 0) + 1
    return ValidityReport(
        total=len(geoms),
        invalid=int(invalid.sum()),
        empty=int(empty.sum()),
        null=int(null.sum()),
        reasons=reasons,
        invalid_rows=tuple(np.flatnonzero(invalid).tolist()),
    )


def repair(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, ValidityReport]:
    """A copy of ``gdf`` with invalid geometries made valid, and the report after repair.

    Polygon layers stay polygon layers: the "structure" method of ``make_valid`` rebuilds areas and
    drops the zero-area slivers a bow-tie collapses into, instead of returning a collection of
    polygons and stray lines that cannot be filled. Empty and null geometries are left as they are
    (and still reported): there is nothing to rebuild them from.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    _, _, invalid = _masks(geoms)
    out = gdf.copy()
    if invalid.any():
        bad = geoms[invalid]
        polygonal = np.isin(shapely.get_type_id(bad), (3, 6))  # Polygon, MultiPolygon
        fixed = np.empty(len(bad), dtype=object)
        if polygonal.any():
            fixed[polygonal] = shapely.make_valid(bad[polygonal], method="structure", keep_collapsed=False)
        if (~polygonal).any():
            fixed[~polygonal] = shapely.make_valid(bad[~polygonal])
        new = geoms.copy()
        new[invalid] = fixed
        out = out.set_geometry(gpd.GeoSeries(new, index=gdf.index, crs=gdf.crs), crs=gdf.crs)
        out = out.rename_geometry(gdf.geometry.name) if out.geometry.name != gdf.geometry.name else out
    report = check(out)
    report.repaired = int(invalid.sum())
    return out, report


__all__ = ["check", "repair"]
