"""People and places inside a hazard footprint, per admin unit: ``exposure(units, hazard, points)``.

The footprint is a raster's cells above ``threshold`` (a flood mask, depths, a probability) or the
polygons of a vector layer (a flood extent as delineated by UNOSAT). Per unit of ``units``:

- ``area_km2``, ``hazard_km2``, ``hazard_area_pct``: the unit's area, the footprint's area inside it
  and its share (a raster: the area of the valid cells whose centre is in the unit, cells above the
  threshold; geodesic cell areas for a raster in degrees);
- ``places``, ``places_exposed``, ``places_exposed_pct``: the points in the unit, those in the
  footprint and their share (a point is exposed when the cell under it is above the threshold, or
  when it is inside a footprint polygon);
- with ``value`` (e.g. ``population``): ``people``, ``people_exposed``, ``people_exposed_pct``, the
  sums of that field.

A raster is never read whole: it is read in windows aligned on its internal blocks (``CHUNK_CELLS``
square, about 16 MB of float32 at a time), so a 20,000 × 20,000 flood raster of Sindh at 30 m
(400 million cells) is processed within a workstation's memory; windows that no unit reaches are not
read at all. Points are sampled block by block too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio.errors import RasterioError
from rasterio.features import rasterize
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds

from ..crs import WGS84
from ..errors import JoinError, SourceError
from ..sources.raster_errors import damaged_pixels

CHUNK_CELLS = 2048  # a processing window's side, rounded to whole blocks
EQUAL_AREA = "EPSG:6933"  # WGS 84 / NSIDC EASE-Grid 2.0 Global: areas of polygon footprints
EARTH_RADIUS_KM = 6371.0072  # authalic radius: cell areas of rasters in degrees

COUNT_FIELDS = ("places", "places_exposed", "people", "people_exposed")
SHARE_FIELDS = ("hazard_area_pct", "places_exposed_pct", "people_exposed_pct")
AREA_FIELDS = ("area_km2", "hazard_km2")


@dataclass
class ExposureResult:
    units: gpd.GeoDataFrame  # the units with the exposure fields added
    fields: dict[str, str]  # added field -> field kind (count, rate, measure) for the guard
    hazard: str = ""
    threshold: float | None = None
    windows_read: int = 0
    windows_total: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        data = self.units
        lines = [
            f"exposure to {self.hazard}" + (f" (cells > {self.threshold:g})" if self.threshold is not None else "")
        ]
        if self.windows_total:
            lines.append(f"  raster read in {self.windows_read} of {self.windows_total} windows")
        if "places" in data:
            lines.append(f"  places exposed: {int(data['places_exposed'].sum()):,} of {int(data['places'].sum()):,}")
        if "people" in data:
            lines.append(f"  people exposed: {data['people_exposed'].sum():,.0f} of {data['people'].sum():,.0f}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _pct(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, 100.0 * part / whole, np.nan)


def _unit_of_points(units: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """Each point's unit position (-1: in none); a point on a shared edge goes to the first unit."""
    pts = points.geometry.to_crs(units.crs) if points.crs != units.crs else points.geometry
    out = np.full(len(pts), -1, dtype=np.int64)
    p_idx, u_idx = shapely.STRtree(units.geometry.values).query(pts.values, predicate="intersects")
    order = np.lexsort((u_idx, p_idx))
    p_idx, u_idx = p_idx[order], u_idx[order]
    first = np.unique(p_idx, return_index=True)[1]
    out[p_idx[first]] = u_idx[first]
    return out


def _cell_areas_km2(transform, crs, rows: np.ndarray, width: int) -> np.ndarray:
    """Area of the cells of ``rows`` (km², one per row): exact on the sphere for a raster in degrees."""
    if crs is not None and crs.is_geographic:
        top = transform.f + transform.e * rows
        bottom = top + transform.e
        dlon = math.radians(abs(transform.a))
        return EARTH_RADIUS_KM**2 * dlon * np.abs(np.sin(np.radians(top)) - np.sin(np.radians(bottom)))
    factor = crs.linear_units_factor[1] / 1000 if crs is not None and crs.linear_units_factor else 0.001
    return np.full(len(rows), abs(transform.a * transform.e) * factor**2)


def _zone_areas(zone: np.ndarray, cells: np.ndarray, cell_km2: np.ndarray, n: int) -> np.ndarray:
    """Area (km²) of the ``cells`` of each zone 0..n in one window: cells counted per zone and row
    (integer counts, one pass), then weighted by the row's cell area."""
    rows = (np.arange(zone.shape[0], dtype=np.int64) * (n + 1))[:, None]
    key = np.where(cells, zone, 0) + rows
    counts = np.bincount(key.ravel(), minlength=zone.shape[0] * (n + 1)).reshape(zone.shape[0], n + 1)
    counts[:, 0] = 0  # cells of no zone, and cells not asked about
    return cell_km2 @ counts


def _chunks(src):
    """Windows of about ``CHUNK_CELLS`` square, each made of whole internal blocks."""
    bh, bw = src.block_shapes[0]
    step_r = max(bh, CHUNK_CELLS // bh * bh)
    step_c = max(bw, CHUNK_CELLS // bw * bw)
    for row in range(0, src.height, step_r):
        for col in range(0, src.width, step_c):
            yield Window(col, row, min(step_c, src.width - col), min(step_r, src.height - row))


def _hazard_cells(values: np.ndarray, nodata, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    valid = np.isfinite(values) if values.dtype.kind == "f" else np.ones(values.shape, bool)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        valid &= values != nodata
    return valid, valid & (values > threshold)


def open_hazard_raster(path: Path):
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise SourceError(
            f"cannot read the hazard raster ({' '.join(str(exc).split())})",
            path=path,
            fix="give a GeoTIFF, or a polygon layer of the footprint",
        ) from None
    if src.crs is None:
        src.close()
        raise JoinError("the hazard raster has no CRS", path=path, fix="set its CRS (gdal_edit.py -a_srs EPSG:…)")
    return src


def raster_exposure(units: gpd.GeoDataFrame, path: Path, threshold: float, point_lists: list[gpd.GeoDataFrame]):
    """(area, hazard area per unit, each point list's exposed flags, windows read, windows in all)."""
    n = len(units)
    area = np.zeros(n + 1)
    hazard = np.zeros(n + 1)
    # Each block is read once: GDAL's block cache (5 % of the memory by default) would only hold
    # blocks that are never read again.
    with rasterio.Env(GDAL_CACHEMAX=64), open_hazard_raster(path) as src:
        zones = units.geometry.to_crs(src.crs).values if units.crs != src.crs else units.geometry.values
        tree = shapely.STRtree(zones)
        nodata = src.nodata
        # Points: their cell in the raster, so each window reads the cells under its points once.
        cells = []
        for points in point_lists:
            geo = points.geometry.to_crs(src.crs) if points.crs != src.crs else points.geometry
            cols, rows = ~src.transform @ (shapely.get_x(geo.values), shapely.get_y(geo.values))
            rows = np.floor(np.nan_to_num(np.asarray(rows, float), nan=-1)).astype(np.int64)
            cols = np.floor(np.nan_to_num(np.asarray(cols, float), nan=-1)).astype(np.int64)
            cells.append((rows, cols, np.zeros(len(geo), bool)))
        read = total = 0
        for window in _chunks(src):
            total += 1
            box = shapely.box(*window_bounds(window, src.transform))
            hit = tree.query(box, predicate="intersects")
            has_points = [
                (r >= window.row_off)
                & (r < window.row_off + window.height)
                & (c >= window.col_off)
                & (c < window.col_off + window.width)
                for r, c, _ in cells
            ]
            if not len(hit) and not any(m.any() for m in has_points):
                continue
            try:
                values = src.read(1, window=window)
            except RasterioError as exc:
                raise damaged_pixels(exc, path) from None
            read += 1
            valid, above = _hazard_cells(values, nodata, threshold)
            for (r, c, exposed), inside in zip(cells, has_points):
                if inside.any():
                    exposed[inside] = above[r[inside] - window.row_off, c[inside] - window.col_off]
            if not len(hit):
                continue
            transform = src.window_transform(window)
            shapes = [(shapely.clip_by_rect(zones[i], *box.bounds), int(i) + 1) for i in hit]
            zone = rasterize(shapes, out_shape=values.shape, transform=transform, fill=0, dtype="int32")
            cell_km2 = _cell_areas_km2(
                src.transform, src.crs, np.arange(window.row_off, window.row_off + window.height), src.width
            )
            area += _zone_areas(zone, valid, cell_km2, n)
            if above.any():
                hazard += _zone_areas(zone, above, cell_km2, n)
    return area[1:], hazard[1:], [exposed for _, _, exposed in cells], read, total


def polygon_exposure(units: gpd.GeoDataFrame, footprint: gpd.GeoDataFrame, point_lists: list[gpd.GeoDataFrame]):
    """(area, hazard area per unit, each point list's exposed flags) for a footprint of polygons."""
    zones = units.geometry.to_crs(EQUAL_AREA)
    flood = shapely.union_all(shapely.make_valid(footprint.geometry.to_crs(EQUAL_AREA).values))
    area = zones.area.to_numpy() / 1e6
    hazard = shapely.area(shapely.intersection(zones.values, flood)) / 1e6
    flooded = []
    prepared = footprint.geometry.to_crs(WGS84).values
    tree = shapely.STRtree(prepared)
    for points in point_lists:
        geo = points.geometry.to_crs(WGS84) if points.crs != WGS84 else points.geometry
        exposed = np.zeros(len(geo), bool)
        p_idx, _ = tree.query(geo.values, predicate="intersects")
        exposed[np.unique(p_idx)] = True
        flooded.append(exposed)
    return area, hazard, flooded


def exposure(
    units: gpd.GeoDataFrame,
    hazard: Path,
    *,
    points: gpd.GeoDataFrame | None = None,
    value: str | None = None,
    threshold: float = 0.0,
    footprint: gpd.GeoDataFrame | None = None,
    places_kind: str = "count",
) -> ExposureResult:
    """Exposure per unit of ``units``; ``footprint`` given means the hazard is those polygons, else
    ``hazard`` is a raster read by windows. ``places_kind``: what the places count is (``count`` for
    people or households, suppressed when small; ``other`` for villages or facilities)."""
    if units.crs is None:
        raise JoinError("the admin units have no CRS", fix="set the CRS of the boundary file")
    units = units.reset_index(drop=True)
    point_lists = [points] if points is not None else []
    if points is not None and points.crs is None:
        raise JoinError("the people/places layer has no CRS", fix="give a file with coordinates in a known CRS")
    if value is not None and points is not None:
        if value not in points.columns:
            raise JoinError(
                f"the people/places layer has no field '{value}'",
                fix=f"use one of: {', '.join(c for c in points.columns if c != points.geometry.name)}",
            )
    result_notes: list[str] = []
    if footprint is None:
        area, hazard_km2, flooded, read, total = raster_exposure(units, hazard, threshold, point_lists)
    else:
        area, hazard_km2, flooded = polygon_exposure(units, footprint, point_lists)
        read = total = 0
    out = units.copy()
    kinds = {"area_km2": "measure", "hazard_km2": "measure", "hazard_area_pct": "rate"}
    out["area_km2"] = area
    out["hazard_km2"] = hazard_km2
    out["hazard_area_pct"] = _pct(hazard_km2, area)
    if points is not None:
        where = _unit_of_points(units, points)
        inside = where >= 0
        if (~inside).any():
            result_notes.append(f"{int((~inside).sum()):,} point(s) fall in no unit and are not counted")
        exposed = flooded[0]
        n = len(units)
        out["places"] = np.bincount(where[inside], minlength=n)
        out["places_exposed"] = np.bincount(where[inside & exposed], minlength=n)
        out["places_exposed_pct"] = _pct(out["places_exposed"].to_numpy(float), out["places"].to_numpy(float))
        kinds.update(places=places_kind, places_exposed=places_kind, places_exposed_pct="rate")
        if value is not None:
            amount = pd.to_numeric(points[value], errors="coerce").fillna(0).to_numpy(float)
            out["people"] = np.bincount(where[inside], weights=amount[inside], minlength=n)
            out["people_exposed"] = np.bincount(where[inside & exposed], weights=amount[inside & exposed], minlength=n)
            out["people_exposed_pct"] = _pct(out["people_exposed"].to_numpy(), out["people"].to_numpy())
            kinds.update(people="count", people_exposed="count", people_exposed_pct="rate")
    return ExposureResult(
        out,
        kinds,
        hazard=hazard.name,
        threshold=threshold if footprint is None else None,
        windows_read=read,
        windows_total=total,
        notes=result_notes,
    )


__all__ = ["exposure", "ExposureResult", "raster_exposure", "polygon_exposure", "CHUNK_CELLS"]
