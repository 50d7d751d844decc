"""Geometry for the web: generalized with shared borders kept, coordinates rounded.

A web map is downloaded whole, so every vertex costs bytes. Polygons are simplified as a *coverage*
(``shapely.coverage_simplify``): each border shared by two districts is simplified once and used by
both, so neighbours never drift apart (no slivers, no overlaps), unlike simplifying each polygon on
its own. Coordinates are then rounded to a fifth of the simplification tolerance: finer digits would
describe detail the simplification has already removed.

The tolerance is one screen pixel at the *detail zoom*: two zoom levels (4×) in from the zoom that
fits the map's extent, capped by the web map's maximum zoom. Borders stay pixel-exact while the
officer zooms into a province from the country view; the file stays small enough to e-mail.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

# Leaflet's tiles are 256 px; at zoom z the world's 360° of longitude span 256·2^z pixels.
TILE_SIZE = 256
# The viewport the opening zoom is computed for (a laptop browser window).
REFERENCE_VIEWPORT = (1024, 700)
# Zoom levels kept pixel-exact beyond the opening view.
DETAIL_ZOOM_STEPS = 2
# Rounding step as a fraction of the tolerance: rounding error stays well under the generalization.
ROUNDING_FRACTION = 5


def degrees_per_pixel(zoom: int) -> float:
    """The width of one screen pixel in degrees of longitude at ``zoom``."""
    return 360.0 / (TILE_SIZE * 2**zoom)


def fit_zoom(bounds: tuple[float, float, float, float], viewport: tuple[int, int] = REFERENCE_VIEWPORT) -> int:
    """The largest zoom at which lon/lat ``bounds`` fit in ``viewport`` pixels (Web Mercator)."""
    xmin, ymin, xmax, ymax = bounds

    def merc_y(lat: float) -> float:  # Web Mercator y in [0, 1] world units (0 at the equator)
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    world_w = max(xmax - xmin, 1e-9) / 360.0
    world_h = max(merc_y(ymax) - merc_y(ymin), 1e-12)
    zoom_x = math.log2(viewport[0] / (TILE_SIZE * world_w))
    zoom_y = math.log2(viewport[1] / (TILE_SIZE * world_h))
    return int(math.floor(min(zoom_x, zoom_y)))


def detail_zoom(bounds, min_zoom: int, max_zoom: int) -> int:
    """The zoom whose pixel is the generalization tolerance (see the module docstring)."""
    return int(min(max(fit_zoom(bounds) + DETAIL_ZOOM_STEPS, min_zoom), max_zoom))


def decimals_for(tolerance: float) -> int:
    """Decimal digits that round coordinates to at most ``tolerance / ROUNDING_FRACTION``."""
    return max(0, int(math.ceil(-math.log10(tolerance / ROUNDING_FRACTION))))


def repair_coverage(geoms: np.ndarray) -> np.ndarray:
    """Valid polygons that do not overlap, as coverage simplification requires.

    Published boundaries often have self-intersections and hairline overlaps between neighbours
    (OSM's Karachi South and Keamari overlap by a few metres). Invalid polygons are made valid
    (keeping only their areal parts) and each overlap is given to the feature listed first.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms[invalid] = [_polygonal(g) for g in fixed]  # per feature: invalid ones are few
    tree = shapely.STRtree(geoms)
    first, second = tree.query(geoms, predicate="overlaps")
    keep = first < second
    for a, b in zip(first[keep], second[keep]):  # overlaps are rare: a handful of pairs at most
        geoms[b] = _polygonal(shapely.difference(geoms[b], geoms[a]))
    return geoms


def _polygonal(geom):
    """Only the polygon parts of ``geom`` (make_valid and difference can return collections)."""
    if geom is None or shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(geom)
    polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    if len(polys) == 0:
        return shapely.Polygon()
    return shapely.multipolygons(shapely.get_parts(polys)) if len(polys) > 1 else polys[0]


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Polygons simplified together so shared borders stay shared (no gaps, no overlaps)."""
    geoms = np.asarray(geoms, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out = geoms.copy()
    if present.any():
        out[present] = shapely.coverage_simplify(repair_coverage(geoms[present]), tolerance)
    return out


def round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Coordinates snapped to a grid of ``10**-decimals`` degrees.

    Every vertex snaps to the same grid point in both neighbours, so shared borders stay shared;
    ``set_precision`` also drops the repeated points and the slivers of islands that collapse.
    """
    return shapely.set_precision(np.asarray(geoms, dtype=object), 10.0**-decimals)


def generalize(geoms: np.ndarray, tolerance: float, decimals: int) -> np.ndarray:
    """Geometries ready for the web: polygons coverage-simplified, everything rounded.

    Points and lines are only rounded: a village is a vertex, and lines (roads, the Line of Control)
    are few enough not to matter for size.
    """
    geoms = np.asarray(geoms, dtype=object)
    types = shapely.get_type_id(geoms)
    polygonal = np.isin(types, (3, 6))
    out = geoms.copy()
    if polygonal.any():
        out[polygonal] = simplify_coverage(geoms[polygonal], tolerance)
    return round_coordinates(out, decimals)
