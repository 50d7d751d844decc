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


GEODESIC_STEPS = 32  # points per edge of a drawn geodesic: smooth on screen at any zoom of Pakistan


def geodesic_path(
    crs: CRS, xy: Sequence[tuple[float, float]], closed: bool = False, steps: int = GEODESIC_STEPS
) -> list[tuple[float, float]]:
    """The map points ``xy`` joined by the geodesics that ``geodesic_length`` measures, each edge
    densified to ``steps`` points in the map CRS: a measured line drawn as it is measured (in degrees a
    long east-west geodesic bows toward the pole). ``closed`` adds the edge back to the first point."""
    points = [(float(x), float(y)) for x, y in xy]
    if closed and len(points) > 2:
        points.append(points[0])
    if len(points) < 2:
        return points
    transformer, geod = _to_lonlat(CRS.from_user_input(crs))
    lon, lat, _ = _lonlat(crs, points)
    out_lon, out_lat = [float(lon[0])], [float(lat[0])]
    for i in range(len(points) - 1):
        between = geod.npts(lon[i], lat[i], lon[i + 1], lat[i + 1], steps - 1) if steps > 1 else []
        out_lon += [p[0] for p in between] + [float(lon[i + 1])]
        out_lat += [p[1] for p in between] + [float(lat[i + 1])]
    x, y = transformer.transform(out_lon, out_lat, direction="INVERSE")
    path = list(zip(map(float, x), map(float, y)))
    # The measured vertices themselves are kept exactly (no round trip through the datum).
    anchors = range(0, len(path), steps)
    for k, i in enumerate(anchors):
        path[i] = points[k]
    return path
