"""Map scale on the ground: metres per map unit, 1:N of a map frame or of the screen.

One geodesic computation (``pyproj.Geod`` on WGS 84, along the horizontal through the centre of the
view) serves the print scale bar, the scale of a page's map frame, a fixed scale in the project and
the scale the canvas shows in the status bar, so the canvas and the printed map never disagree. It is
right in any CRS: Web Mercator's scale grows with latitude (at 30°N one unit is 0.87 m on the
ground, not 1 m) and a degree of longitude shrinks with the cosine of the latitude.
"""

from __future__ import annotations

import functools

from pyproj import CRS, Geod, Transformer

GEOD = Geod(ellps="WGS84")
SCREEN_PROBE_PX = 100  # the stretch of screen the canvas's scale is measured along


@functools.lru_cache(maxsize=16)
def _to_lonlat(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, CRS.from_epsg(4326), always_xy=True)


def metres_per_map_unit(crs: CRS, extent: tuple[float, float, float, float]) -> float:
    """Ground metres per map unit along the horizontal line through the centre of ``extent``."""
    xmin, ymin, xmax, ymax = extent
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    half = (xmax - xmin) / 20  # a tenth of the map width: long enough to be exact, short enough to be local
    to_lonlat = _to_lonlat(crs)
    (lon1, lon2), (lat1, lat2) = to_lonlat.transform([cx - half, cx + half], [cy, cy])
    _, _, distance = GEOD.inv(lon1, lat1, lon2, lat2)
    return distance / (2 * half)


def scale_denominator(crs: CRS, extent, frame_width_mm: float) -> float:
    """The map's scale at its centre as 1:N (N returned)."""
    units_per_mm = (extent[2] - extent[0]) / frame_width_mm
    return metres_per_map_unit(crs, extent) * units_per_mm * 1000.0


def extent_for_scale(
    crs: CRS, centre: tuple[float, float], denominator: float, width_mm: float, height_mm: float
) -> tuple[float, float, float, float]:
    """The extent a ``width_mm``×``height_mm`` frame shows at 1:``denominator`` around ``centre``."""
    cx, cy = centre
    probe = (cx - 1, cy - 1, cx + 1, cy + 1)
    m_per_unit = metres_per_map_unit(crs, probe)
    half_w = width_mm / 1000.0 * denominator / m_per_unit / 2
    half_h = half_w * height_mm / width_mm
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def screen_scale_denominator(crs: CRS, centre: tuple[float, float], units_per_pixel: float, dpi: float) -> float:
    """1:N of a screen view: ``units_per_pixel`` map units per pixel around ``centre`` at ``dpi``."""
    cx, cy = centre
    half = SCREEN_PROBE_PX / 2 * units_per_pixel
    width_mm = SCREEN_PROBE_PX / dpi * 25.4
    return scale_denominator(crs, (cx - half, cy - half, cx + half, cy + half), width_mm)


__all__ = ["GEOD", "extent_for_scale", "metres_per_map_unit", "scale_denominator", "screen_scale_denominator"]
