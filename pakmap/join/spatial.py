"""Points in polygons: how many refugee villages (and how many households) each district holds.

``aggregate_points_in_polygons(districts, villages, {"villages": "count", "households": "sum:hh"})``
returns the polygons (every one, in order, copied) with one column per statistic and a
``SpatialJoinReport``. It is vectorized: one ``shapely.STRtree.query`` finds every (point, polygon)
pair, numpy does the rest.

Rules that make the result deterministic and accountable:

- The points are reprojected to the polygons' CRS (a layer without a CRS next to one with a CRS is
  an error, never a guess).
- A point on a shared boundary (or inside overlapping polygons) belongs to the polygon that comes
  **first in the polygon layer** (lowest row position); such points are counted in the report.
- A point outside every polygon, or without a location, is counted nowhere and listed in the report.
- ``count`` is 0 for a polygon without points; ``sum`` is 0 for a polygon without points and empty
  (no data) for a polygon whose points all lack the value; ``mean`` is empty without values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..csv_out import write_rows_csv
from ..errors import JoinError

STAT_KINDS = ("count", "sum", "mean")


@dataclass
class SpatialJoinReport:
    """What happened to every point."""

    polygons_name: str = "polygons"
    points_name: str = "points"
    total: int = 0
    assigned: int = 0
    on_boundary: int = 0  # points touching several polygons, given to the first of them
    outside: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["point_row", "x", "y"]))
    no_location: list = field(default_factory=list)  # point rows with a null or empty geometry
    stats: dict[str, str] = field(default_factory=dict)
    reprojected: str = ""  # "EPSG:32642 → EPSG:4326" when the points were reprojected
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"spatial join {self.points_name} → {self.polygons_name}: {self.assigned} of {self.total} points "
            f"in a polygon"
        ]
        if self.on_boundary:
            lines.append(f"  on a shared boundary (given to the first polygon in the layer): {self.on_boundary}")
        if len(self.outside):
            lines.append(
                f"  outside every polygon: {len(self.outside)} (rows "
                f"{', '.join(map(str, self.outside['point_row'].head(10)))}{' …' if len(self.outside) > 10 else ''})"
            )
        if self.no_location:
            lines.append(f"  without a location: {len(self.no_location)}")
        if self.reprojected:
            lines.append(f"  points reprojected {self.reprojected}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_csv(self, path: str | os.PathLike) -> None:
        """The points that were not counted (outside, without location), written atomically."""
        rows = [["section", "point_row", "x", "y"]]
        rows += [["outside", r.point_row, r.x, r.y] for r in self.outside.itertuples()]
        rows += [["no_location", r, "", ""] for r in self.no_location]
        write_rows_csv(path, rows)


@dataclass
class SpatialJoinResult:
    data: gpd.GeoDataFrame
    report: SpatialJoinReport
    # Output field of a sum or mean → points it was made of, per polygon (``pakmap.protection.contributors``).
    contributors: dict[str, np.ndarray] = field(default_factory=dict)


def parse_stats(stats: dict[str, str], points: pd.DataFrame) -> list[tuple[str, str, str | None]]:
    """``{"hh": "sum:households"}`` → ``[("hh", "sum", "households")]``, checked against the points' fields."""
    if not stats:
        raise JoinError("no statistic asked for", fix='e.g. stats = { villages = "count", hh = "sum:households" }')
    parsed: list[tuple[str, str, str | None]] = []
    for out, spec in stats.items():
        kind, _, field = str(spec).partition(":")
        kind = kind.strip().lower()
        source = field.strip() or None
        if kind not in STAT_KINDS:
            raise JoinError(f"unknown statistic {spec!r} for {out!r}", fix='use "count", "sum:FIELD" or "mean:FIELD"')
        if kind == "count" and source:
            source = None  # "count:FIELD" counts points, like "count"
        if kind != "count":
            if not source:
                raise JoinError(f"statistic {spec!r} for {out!r} names no field", fix=f'write "{kind}:FIELD"')
            if source not in points.columns:
                raise JoinError(
                    f"the points have no field {source!r}",
                    fix=f"use one of: {', '.join(c for c in points.columns if c != points.geometry.name)}",
                )
            if not pd.api.types.is_numeric_dtype(points[source]) or pd.api.types.is_bool_dtype(points[source]):
                raise JoinError(
                    f"field {source!r} of the points is not numeric, so its {kind} cannot be taken",
                    fix="choose a numeric field, or convert the column in the source file",
                )
        parsed.append((str(out), kind, source))
    return parsed


def _common_crs(polygons: gpd.GeoDataFrame, points: gpd.GeoDataFrame, report: SpatialJoinReport) -> gpd.GeoDataFrame:
    if polygons.crs is None and points.crs is None:
        report.notes.append("neither layer has a CRS: coordinates compared as they are")
        return points
    if polygons.crs is None or points.crs is None:
        which = report.polygons_name if polygons.crs is None else report.points_name
        raise JoinError(
            f"'{which}' has no coordinate reference system, so it cannot be compared with the other layer",
            fix='set the layer\'s CRS (crs = "EPSG:…" in the project, or fix the source file)',
        )
    if polygons.crs != points.crs:
        report.reprojected = f"{points.crs.to_string()} → {polygons.crs.to_string()}"
        return points.to_crs(polygons.crs)
    return points


def assign_points(polygons: gpd.GeoSeries, points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """For every point, the position of its polygon (-1: none) and how many polygons it touches.

    Points on boundaries belong to the lowest polygon position (see the module docstring).
    """
    tree = shapely.STRtree(np.asarray(polygons.values))
    pt_idx, poly_idx = tree.query(np.asarray(points.values), predicate="intersects")
    assigned = np.full(len(points), -1, dtype=np.int64)
    hits = np.bincount(pt_idx, minlength=len(points)) if len(pt_idx) else np.zeros(len(points), dtype=np.int64)
    if len(pt_idx):
        order = np.lexsort((poly_idx, pt_idx))  # by point, then polygon position
        first_pt, first_at = np.unique(pt_idx[order], return_index=True)
        assigned[first_pt] = poly_idx[order][first_at]
    return assigned, hits


def aggregate_points_in_polygons(
    polygons: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    stats: dict[str, str],
    *,
    polygons_name: str = "polygons",
    points_name: str = "points",
) -> SpatialJoinResult:
    """Count points and sum/average their fields per polygon; see the module docstring for the rules."""
    parsed = parse_stats(stats, points)
    taken = [out for out, _, _ in parsed if out in polygons.columns]
    if taken:
        raise JoinError(
            f"the polygons already have the field(s) {', '.join(map(repr, taken))}",
            fix="choose other output names for the statistics",
        )
    report = SpatialJoinReport(polygons_name, points_name, total=len(points), stats=dict(stats))
    pts = _common_crs(polygons, points, report)
    geoms = pts.geometry
    located = (geoms.notna() & ~geoms.is_empty).to_numpy()
    kinds = set(geoms[located].geom_type.unique())
    if kinds - {"Point"}:
        raise JoinError(
            f"'{points_name}' holds {', '.join(sorted(kinds - {'Point'}))} geometries, not points",
            fix="use a point layer (or the polygons' centroids) for a points-in-polygons join",
        )
    report.no_location = list(points.index[~located])
    assigned = np.full(len(pts), -1, dtype=np.int64)
    hits = np.zeros(len(pts), dtype=np.int64)
    if located.any():
        assigned[located], hits[located] = assign_points(polygons.geometry, geoms[located])
    inside = assigned >= 0
    report.assigned = int(inside.sum())
    report.on_boundary = int((hits > 1).sum())
    out_mask = located & ~inside
    xy = shapely.get_coordinates(np.asarray(points.geometry.values)[out_mask]) if out_mask.any() else np.empty((0, 2))
    report.outside = pd.DataFrame({"point_row": list(points.index[out_mask]), "x": xy[:, 0], "y": xy[:, 1]})
    if len(report.outside):
        report.warnings.append(
            f"{len(report.outside)} point(s) of '{points_name}' fall outside every polygon "
            f"of '{polygons_name}' and are counted nowhere"
        )
    if report.no_location:
        report.warnings.append(f"{len(report.no_location)} point(s) of '{points_name}' have no location")

    n = len(polygons)
    target = assigned[inside]
    count = np.bincount(target, minlength=n)
    out = polygons.copy()
    contributors = {}
    for name, kind, source in parsed:
        if kind == "count":
            out[name] = count
            continue
        contributors[name] = count
        values = pts[source].to_numpy(dtype=float, na_value=np.nan)[inside]
        valid = ~np.isnan(values)
        sums = np.bincount(target[valid], weights=values[valid], minlength=n)
        valid_count = np.bincount(target[valid], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            if kind == "sum":
                # No points: 0 (truly nothing there). Points but no values: no data.
                column = np.where((count > 0) & (valid_count == 0), np.nan, sums)
            else:
                column = np.where(valid_count > 0, sums / valid_count, np.nan)
        out[name] = column
        missing = int((~valid).sum())
        if missing:
            report.notes.append(f"{missing} point(s) inside a polygon have no {source!r}; left out of {name!r}")
    return SpatialJoinResult(out, report, contributors)


__all__ = [
    "aggregate_points_in_polygons",
    "assign_points",
    "parse_stats",
    "SpatialJoinReport",
    "SpatialJoinResult",
    "STAT_KINDS",
]
