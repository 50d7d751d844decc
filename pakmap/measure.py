"""Geodesic lengths and areas of shapes drawn on a map, in any map CRS.

The vertices are taken to the map CRS's own geographic datum (WGS 84 for Web Mercator and UTM zones,
Everest 1830 for the Kalianpur grids) and measured on its ellipsoid with ``pyproj.Geod``: each edge
is the geodesic between its two vertices, as QGIS's ellipsoidal measurements are, so a line measured
in Web Mercator, in UTM or in degrees has one length on the ground.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
from pyproj import CRS, Geod, Transformer


@functools.lru_cache(maxsize=8)
def _to_lonlat(crs: CRS) -> tuple[Transformer, Geod]:
    geographic = crs.geodetic_crs
    if geographic is None:
        raise ValueError(f"{crs.name} has no geographic datum to measure on")
    geod = geographic.get_geod()
    if geod is None:
        raise ValueError(f"{geographic.name} has no ellipsoid to measure on")
    return Transformer.from_crs(crs, geographic, always_xy=True), geod


def _lonlat(crs: CRS, xy: Sequence[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray, Geod]:
    transformer, geod = _to_lonlat(CRS.from_user_input(crs))
    points = np.asarray(xy, dtype=float).reshape(-1, 2)
    lon, lat = transformer.transform(points[:, 0], points[:, 1])
    return np.asarray(lon), np.asarray(lat), geod


def geodesic_length(crs: CRS, xy: Sequence[tuple[float, float]]) -> float:
    """Metres along the geodesics joining the map points ``xy`` (map CRS ``crs``) in turn."""
    if len(xy) < 2:
        return 0.0
    lon, lat, geod = _lonlat(crs, xy)
    return float(geod.line_length(lon, lat))


def geodesic_area(crs: CRS, xy: Sequence[tuple[float, float]]) -> float:
    """Square metres inside the ring of map points ``xy`` (closed by its last edge), either orientation."""
    if len(xy) < 3:
        return 0.0
    lon, lat, geod = _lonlat(crs, xy)
    area, _perimeter = geod.polygon_area_perimeter(lon, lat)
    return abs(float(area))


def geodesic_perimeter(crs: CRS, xy: Sequence[tuple[float, float]]) -> float:
    """Metres around the ring of map points ``xy``, its closing edge included."""
    if len(xy) < 2:
        return 0.0
    return geodesic_length(crs, [*xy, xy[0]])
