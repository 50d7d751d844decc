"""The two checks of a point layer against the units its rows name.

- **Outside the unit it names**: a site whose district field says Sukkur but whose coordinates fall
  in Shikarpur (or in no unit). Reported with the geodesic distance (km, WGS 84 ellipsoid) from the
  named unit's edge, the direction, and the unit the point does fall in. Points within
  ``EDGE_TOLERANCE_KM`` of the named unit are not reported: boundaries and GPS both have their error.
- **Far from its unit's cluster**: per named unit, the geodesic distance of each point from the
  points' median centre; a point further than ``median + k · 1.4826 · MAD`` of those distances (a
  robust z-score of k, so one stray point cannot hide itself by widening a standard deviation), and
  at least ``SPREAD`` times the median distance and ``MIN_OUTLIER_KM`` (a handful of sites spread
  evenly over a large district have a small MAD, yet none of them is astray), is reported. Units with fewer than ``MIN_CLUSTER`` points are not judged.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

from ..crs import WGS84
from .issue import Issue

GEOD = Geod(ellps="WGS84")
EDGE_TOLERANCE_KM = 1.0
MIN_CLUSTER = 5
MIN_OUTLIER_KM = 10.0
SPREAD = 3.0
MAD_SCALE = 1.4826  # MAD of a normal distribution → its standard deviation
COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def compass(azimuth: float) -> str:
    """A bearing in degrees clockwise from north as one of eight directions."""
    return COMPASS[int(((azimuth % 360) + 22.5) // 45) % 8]


def _lonlat(points: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    geo = points.geometry if points.crs is None or points.crs == WGS84 else points.geometry.to_crs(WGS84)
    return np.asarray(shapely.get_x(geo.values), dtype=float), np.asarray(shapely.get_y(geo.values), dtype=float)


def outside_unit_issues(
    points: gpd.GeoDataFrame,
    boundaries: gpd.GeoDataFrame,
    unit_field: str,
    claimed: dict[int, int],
    claim_field: str | None,
    labels: list[str],
    value_text,
) -> list[Issue]:
    """Points (by position) whose named unit (``claimed``: position → boundary position) does not
    contain them."""
    polygons = (
        boundaries.geometry if boundaries.crs is None or boundaries.crs == WGS84 else boundaries.to_crs(WGS84).geometry
    )
    polygons = polygons.values
    lon, lat = _lonlat(points)
    tree = shapely.STRtree(polygons)
    issues = []
    for position, unit in sorted(claimed.items()):
        x, y = lon[position], lat[position]
        if not (np.isfinite(x) and np.isfinite(y)):
            continue
        point = shapely.Point(x, y)
        if shapely.covers(polygons[unit], point):
            continue
        edge = shapely.ops.nearest_points(polygons[unit], point)[0]
        azimuth, _, metres = GEOD.inv(edge.x, edge.y, x, y)
        km = metres / 1000
        if km < EDGE_TOLERANCE_KM:
            continue
        inside = [int(i) for i in tree.query(point, predicate="intersects")]
        where = f"falls in {boundaries[unit_field].iloc[inside[0]]}" if inside and unit_field else "falls in no unit"
        named = boundaries[unit_field].iloc[unit] if unit_field else f"unit {unit}"
        shown = value_text(claim_field, points[claim_field].iloc[position]) if claim_field else str(named)
        issues.append(
            Issue(
                "outside_unit",
                labels[position],
                claim_field or "",
                shown,
                f"{km:,.0f} km {compass(azimuth)} of {named}; {where}",
                position,
            )
        )
    return issues


def cluster_issues(
    points: gpd.GeoDataFrame, claimed: dict[int, int], labels: list[str], *, k: float = 3.0
) -> list[Issue]:
    """Points far from the median centre of the points naming the same unit (all points as one
    group when no row names a unit)."""
    lon, lat = _lonlat(points)
    ok = np.isfinite(lon) & np.isfinite(lat)
    groups: dict[int, list[int]] = {}
    if claimed:
        for position, unit in claimed.items():
            if ok[position]:
                groups.setdefault(unit, []).append(position)
    else:
        groups[-1] = [int(p) for p in np.flatnonzero(ok)]
    issues = []
    for members in groups.values():
        if len(members) < MIN_CLUSTER:
            continue
        idx = np.array(sorted(members))
        cx, cy = float(np.median(lon[idx])), float(np.median(lat[idx]))
        azimuth, _, metres = GEOD.inv(np.full(len(idx), cx), np.full(len(idx), cy), lon[idx], lat[idx])
        km = np.asarray(metres) / 1000
        median = float(np.median(km))
        mad = float(np.median(np.abs(km - median)))
        limit = max(median + k * MAD_SCALE * mad, SPREAD * median, MIN_OUTLIER_KM)
        for j in np.flatnonzero(km > limit):
            position = int(idx[j])
            issues.append(
                Issue(
                    "far_from_cluster",
                    labels[position],
                    "(coordinates)",
                    "",
                    f"{km[j]:,.0f} km {compass(float(np.asarray(azimuth)[j]))} of the median centre of the "
                    f"{len(idx)} points naming the same unit (half are within {median:,.0f} km; limit {limit:,.0f} km)",
                    position,
                )
            )
    return issues


__all__ = ["outside_unit_issues", "cluster_issues", "compass"]
