"""Zonal statistics: raster values summed or averaged per polygon (population in a flood extent).

``zonal_statistics(districts, "population.tif", {"pop": "sum", "pop_mean": "mean"})`` returns the
polygons (all, in order, copied) with one column per statistic, computed by exactextract, which
weighs every cell by the fraction of it the polygon covers (so a district boundary cutting through
a 1 km cell takes its share of that cell, not all or nothing).

- The raster's nodata value is honoured: nodata cells add nothing to ``sum`` or ``count`` and do not
  pull ``mean`` down; a polygon covering only nodata has no data (empty), not 0.
- The polygons are reprojected to the raster's CRS (reprojecting the raster would resample values);
  a raster or polygon layer without a CRS is an error.
- ``count`` is the covered cell count (fractional at the edges, as exactextract defines it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..csv_out import write_rows_csv
from ..errors import JoinError, SourceError
from ..sources.raster_errors import damaged_pixels

ZONAL_STATS = ("sum", "mean", "count", "min", "max", "median")


@dataclass
class ZonalReport:
    raster: str = ""
    band: int = 1
    nodata: float | None = None
    reprojected: str = ""
    no_data_polygons: list = field(default_factory=list)  # polygon rows with no valid cell
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"zonal statistics of {self.raster} (band {self.band}, nodata {self.nodata})"]
        if self.reprojected:
            lines.append(f"  polygons reprojected {self.reprojected}")
        if self.no_data_polygons:
            lines.append(f"  polygons without any valid cell: {len(self.no_data_polygons)}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_csv(self, path: str | os.PathLike) -> None:
        """The polygons that got no value (no valid cell under them), written atomically."""
        write_rows_csv(path, [["section", "polygon_row"], *(["no_valid_cell", r] for r in self.no_data_polygons)])


@dataclass
class ZonalResult:
    data: gpd.GeoDataFrame
    report: ZonalReport


def _raster_path(raster) -> Path:
    return Path(getattr(raster, "path", raster))


def zonal_statistics(
    polygons: gpd.GeoDataFrame, raster: str | os.PathLike, stats: dict[str, str], *, band: int = 1
) -> ZonalResult:
    """``stats``: output field → one of ``ZONAL_STATS``. ``raster``: a path or a ``RasterLayer``."""
    # exactextract and rasterio's dataset machinery only when zonal statistics run.
    import rasterio
    from exactextract import exact_extract
    from exactextract.raster import RasterioRasterSource

    if not stats:
        raise JoinError("no statistic asked for", fix='e.g. stats = { population = "sum" }')
    for out, op in stats.items():
        if op not in ZONAL_STATS:
            raise JoinError(f"unknown zonal statistic {op!r} for {out!r}", fix=f"use one of: {', '.join(ZONAL_STATS)}")
    taken = [out for out in stats if out in polygons.columns]
    if taken:
        raise JoinError(
            f"the polygons already have the field(s) {', '.join(map(repr, taken))}",
            fix="choose other output names for the statistics",
        )
    path = _raster_path(raster)
    try:
        dataset = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise SourceError(
            f"cannot read the raster ({' '.join(str(exc).split())})", path=path, fix="check that the file is a GeoTIFF"
        ) from None
    with dataset:
        if not 1 <= band <= dataset.count:
            raise JoinError(
                f"the raster has {dataset.count} band(s), not band {band}",
                path=path,
                fix=f"choose a band from 1 to {dataset.count}",
            )
        report = ZonalReport(raster=path.name, band=band, nodata=dataset.nodatavals[band - 1])
        if dataset.crs is None or polygons.crs is None:
            which = path if dataset.crs is None else "the polygon layer"
            raise JoinError(
                f"{which} has no coordinate reference system, so the two cannot be overlaid",
                fix='set the missing CRS (crs = "EPSG:…" in the project) or fix the source file',
            )
        zones = polygons[[polygons.geometry.name]].reset_index(drop=True)
        if zones.crs != dataset.crs:
            report.reprojected = f"{zones.crs.to_string()} → {dataset.crs.to_string()}"
            zones = zones.to_crs(dataset.crs)
        # "count" is always computed: it tells polygons without any valid cell apart.
        ops = list(dict.fromkeys([*stats.values(), "count"]))
        if len(zones):
            try:
                table = exact_extract(RasterioRasterSource(dataset, band), zones, ops, output="pandas")
            except rasterio.errors.RasterioError as exc:
                raise damaged_pixels(exc, path) from None
        else:
            table = pd.DataFrame({op: np.zeros(0) for op in ops})
    empty = table["count"].to_numpy(dtype=float) <= 0
    out = polygons.copy()
    for name, op in stats.items():
        values = table[op].to_numpy(dtype=float, copy=True)
        if op != "count":
            values[empty] = np.nan  # exactextract says 0 where nothing valid is covered: that is no data
        out[name] = values
    report.no_data_polygons = list(polygons.index[empty])
    if report.no_data_polygons:
        report.warnings.append(f"{len(report.no_data_polygons)} polygon(s) cover no valid cell of {path.name}")
    return ZonalResult(out, report)


__all__ = ["zonal_statistics", "ZonalReport", "ZonalResult", "ZONAL_STATS"]
