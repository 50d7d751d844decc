"""Points of individuals or households turned into areas that may be published.

``aggregate_points`` counts points per admin unit (any polygon layer: provinces, districts, camps)
or per cell of a hexagon grid laid in a metric CRS. Only the counts (and sums of chosen fields, e.g.
household size → individuals) leave: no point, no coordinate. Hexagons are cells of a fixed grid (its
origin the CRS's), so a drawn cell or its centre depends on no household's position; hexagons with
fewer households than the project threshold are not produced at all (nor are empty ones). Admin
units stay (their boundaries are public): their counts below the threshold are written as "<5" by
every surface (``pakmap.protection.counts``) and their sums as "x" (``pakmap.protection.contributors``);
a unit of 1 … k − 1 households with a point a map would draw for it (centroid, circle, label) within a
kilometre of one of them publishes no figure at all (``centres_near_homes``), so nothing marks that spot.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ..errors import ProtectionError
from .counts import suppression_counts

MIN_HEX_KM = 1.0  # smaller cells would place a single household almost exactly
NEAR_HOME_KM = 1.0  # no published point of a cell of few households this close to one of them
_SQRT3 = math.sqrt(3.0)


def _point_coords(points: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """x/y of the usable points (non-empty Point geometries) and the mask of rows kept."""
    geoms = points.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & (shapely.get_type_id(geoms) == 0)
    xy = shapely.get_coordinates(geoms[keep])
    return xy, keep


def _metric_crs(points: gpd.GeoDataFrame) -> CRS:
    crs = CRS.from_user_input(points.crs)
    if crs.is_projected and all(a.unit_name in ("metre", "meter") for a in crs.axis_info[:2]):
        return crs
    return points.geometry.estimate_utm_crs()


def _sums(frame: pd.DataFrame, index: np.ndarray, n: int, sums: dict[str, str]) -> dict:
    """Output column → per-group sum of a field of ``frame`` (one row per ``index``; missing = 0)."""
    out = {}
    for name, field in sums.items():
        if field not in frame.columns:
            raise ProtectionError(
                f"cannot sum '{field}': the point layer has no such field",
                fix=f"use one of: {', '.join(map(str, frame.columns))}",
            )
        weights = pd.to_numeric(frame[field], errors="coerce").fillna(0).to_numpy(dtype=float)
        total = np.bincount(index, weights=weights, minlength=n)
        # Sums of whole numbers (people) stay whole: they then format and suppress as counts.
        out[name] = total.astype(np.int64) if np.all(np.mod(weights, 1) == 0) else total
    return out


def hex_cells(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial (q, r) of the pointy-top hexagon (edge length ``size``) holding each point.

    Cube-coordinate rounding (the standard hex-grid method), vectorized.
    """
    qf = (_SQRT3 / 3 * x - y / 3) / size
    rf = (2 / 3 * y) / size
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int64), r.astype(np.int64)


def hex_polygons(q: np.ndarray, r: np.ndarray, size: float) -> np.ndarray:
    """The hexagons of axial cells (q, r) as shapely polygons."""
    cx = size * _SQRT3 * (q + r / 2)
    cy = size * 1.5 * r
    angles = np.radians(np.arange(7) * 60 - 30)  # 7: closed ring
    ring = np.stack([cx[:, None] + size * np.cos(angles), cy[:, None] + size * np.sin(angles)], axis=-1)
    return shapely.polygons(ring)


def _to_admin(points, xy, keep, polygons: gpd.GeoDataFrame, count_name: str, sums: dict[str, str]):
    if (
        polygons.crs is not None
        and points.crs is not None
        and CRS.from_user_input(points.crs) != CRS.from_user_input(polygons.crs)
    ):
        xy = shapely.get_coordinates(points.geometry[keep].to_crs(polygons.crs).to_numpy())
    areas = polygons.geometry.to_numpy()
    invalid = ~shapely.is_valid(areas)
    if invalid.any():  # published boundaries are often slightly invalid: test against repaired copies
        areas = areas.copy()
        areas[invalid] = shapely.make_valid(areas[invalid])
    tree = shapely.STRtree(areas)
    pt_idx, poly_idx = tree.query(shapely.points(xy), predicate="intersects")
    # A point on a shared border belongs to the first unit only: counted once.
    first = np.unique(pt_idx, return_index=True)[1]
    pt_idx, poly_idx = pt_idx[first], poly_idx[first]
    n = len(polygons)
    result = polygons.copy()
    result[count_name] = np.bincount(poly_idx, minlength=n).astype(np.int64)
    frame = points.loc[keep].iloc[pt_idx]
    for name, values in _sums(frame, poly_idx, n, sums).items():
        result[name] = values
    result.attrs["outside"] = int(len(xy) - len(pt_idx))
    return result, xy[pt_idx], poly_idx


def _to_hex(points, xy, keep, size_km: float, count_name: str, sums: dict[str, str]):
    if not size_km >= MIN_HEX_KM:
        raise ProtectionError(
            f"hexagons of {size_km} km would place households almost exactly",
            fix=f"use hexagons of at least {MIN_HEX_KM:g} km, or aggregate to admin units",
        )
    metric = _metric_crs(points)
    if CRS.from_user_input(points.crs) != metric:
        xy = shapely.get_coordinates(points.geometry[keep].to_crs(metric).to_numpy())
    size = size_km * 1000.0
    q, r = hex_cells(xy[:, 0], xy[:, 1], size)
    cells, index = np.unique(np.stack([q, r], axis=1), axis=0, return_inverse=True)
    index = index.ravel()
    n = len(cells)
    data = {"hex_q": cells[:, 0], "hex_r": cells[:, 1], count_name: np.bincount(index, minlength=n).astype(np.int64)}
    data.update(_sums(points.loc[keep], index, n, sums))
    grid = gpd.GeoDataFrame(data, geometry=hex_polygons(cells[:, 0], cells[:, 1], size), crs=metric)
    grid.attrs["hex_size_km"] = float(size_km)
    return grid, xy, index


def centres_near_homes(
    cells: np.ndarray, crs, homes: np.ndarray, cell_of: np.ndarray, counts: np.ndarray, threshold: int, points
) -> np.ndarray:
    """Per cell: it holds 1 … k − 1 households and a point a map may publish for it (its centroid,
    the point on its surface where proportional circles go, the centre of its largest inscribed
    circle where labels go) lies within ``NEAR_HOME_KM`` of one of them. ``homes``: the households'
    coordinates in ``crs``, ``cell_of``: each one's cell. Distances are in metres, in the points'
    metric CRS (their own if projected in metres, else their UTM zone)."""
    near = np.zeros(len(cells), dtype=bool)
    few = np.flatnonzero((counts > 0) & (counts < threshold))
    if not len(few) or not len(homes):
        return near
    metric = _metric_crs(points)
    shapes = cells[few]
    anchors = [
        shapely.centroid(shapes),
        shapely.point_on_surface(shapes),
        shapely.get_point(shapely.maximum_inscribed_circle(shapes, tolerance=0.0), 0),
    ]
    same = CRS.from_user_input(crs) == metric
    to_metric = (lambda g: g) if same else (lambda g: gpd.GeoSeries(g, crs=crs).to_crs(metric).to_numpy())
    home_points = to_metric(shapely.points(homes))
    anchors = [to_metric(a) for a in anchors]
    for i, cell in enumerate(few):
        mine = home_points[cell_of == cell]
        for anchor in anchors:
            if np.any(shapely.distance(anchor[i], mine) < NEAR_HOME_KM * 1000.0):
                near[cell] = True
    return near


def aggregate_points(
    points: gpd.GeoDataFrame,
    to: str = "admin",
    polygons: gpd.GeoDataFrame | None = None,
    size_km: float = 10.0,
    count_name: str = "count",
    sums: dict[str, str] | None = None,
    threshold: int | None = None,
) -> gpd.GeoDataFrame:
    """Count ``points`` per admin unit (``to="admin"``, in ``polygons``) or per hexagon (``to="hex"``).

    ``size_km`` is the hexagon's edge length (its centre-to-corner distance), in a metric CRS (the
    points' own if projected in metres, else their UTM zone). ``sums`` adds totals of point fields,
    e.g. ``{"individuals": "household_size"}``. The result is in the polygons' CRS (admin) or the
    points' CRS (hex) and carries no point attribute. ``result.attrs``: ``skipped`` (rows without a
    point geometry), ``outside`` (admin: points in no unit), ``suppressed`` (field → counts below
    ``threshold``, shown as "<threshold"), ``dropped_cells`` (hex: cells under ``threshold`` left out),
    ``centre_near_home`` (with ``threshold``: per unit, whether one of its 1 … k − 1 households lives
    within a kilometre of a point a map would draw for it: ``centres_near_homes``; the policy then
    publishes none of that unit's figures, so no label or circle is drawn there).
    """
    sums = dict(sums or {})
    if points.crs is None:
        raise ProtectionError(
            "the point layer has no CRS, so it cannot be aggregated", fix="set the layer's crs in the project"
        )
    xy, keep = _point_coords(points)
    if to == "admin":
        if polygons is None:
            raise ProtectionError(
                "aggregation to admin units needs a polygon layer", fix="name the boundary layer to count the points in"
            )
        result, homes, cell_of = _to_admin(points, xy, keep, polygons, count_name, sums)
    elif to == "hex":
        result, homes, cell_of = _to_hex(points, xy, keep, size_km, count_name, sums)
    else:
        raise ProtectionError(f"unknown aggregation '{to}'", fix="aggregate to 'admin' units or a 'hex' grid")
    if threshold is not None and to == "hex":
        # A hexagon of fewer than k households would show where they live: not drawn at all (so no
        # published centre of a grid cell is ever that of fewer than k homes).
        small = result[count_name].to_numpy() < threshold
        result = result.loc[~small].reset_index(drop=True)
        result.attrs["dropped_cells"] = int(small.sum())
    elif threshold is not None:
        counts = result[count_name].to_numpy()
        crs = result.crs if result.crs is not None else points.crs
        result.attrs["centre_near_home"] = centres_near_homes(
            result.geometry.to_numpy(), crs, homes, cell_of, counts, threshold, points
        )
    if to == "hex":
        result = result.to_crs(points.crs)
    result.attrs["skipped"] = int((~keep).sum())
    if threshold is not None:
        result.attrs["suppressed"] = suppression_counts(result, threshold, [count_name, *sums])
    return result


__all__ = ["aggregate_points", "centres_near_homes", "hex_cells", "hex_polygons", "MIN_HEX_KM", "NEAR_HOME_KM"]
