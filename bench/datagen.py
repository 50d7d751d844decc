"""Benchmark data: Voronoi "districts" with realistic vertex counts, and random settlement points.

Cells of a Voronoi diagram over Pakistan's bounding box stand in for districts. Their edges are
densified and bent by a smooth noise field that depends only on position, so neighbours still share
their borders exactly, to about 600 vertices per district like the real boundaries (median 486,
mean 580 in ``pak_districts.geojson``). Points cluster around district seeds like villages do.

Files are written once to ``bench/data/`` (git-ignored) as GeoPackages and reused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

DATA_DIR = Path(__file__).resolve().parent / "data"
BOUNDS = (60.87, 24.05, 77.12, 37.09)  # Pakistan, lon/lat
VERTICES_PER_DISTRICT = 600
SEED = 20231


def _noise(xy: np.ndarray, amplitude: float) -> np.ndarray:
    """A smooth 2-D displacement field (sum of a few sine octaves) evaluated at ``xy``."""
    x, y = xy[:, 0], xy[:, 1]
    dx = np.zeros(len(xy))
    dy = np.zeros(len(xy))
    for octave, (fx, fy, ph) in enumerate([(1.7, 2.3, 0.3), (4.1, 3.7, 1.1), (9.3, 8.9, 2.2), (21.0, 19.0, 0.7)]):
        a = amplitude / (2**octave)
        dx += a * np.sin(fx * y + ph) * np.cos(fy * x * 0.7 + ph)
        dy += a * np.cos(fx * x + ph * 1.3) * np.sin(fy * y * 0.8 + ph)
    return np.column_stack([dx, dy])


def districts(n: int) -> gpd.GeoDataFrame:
    """``n`` Voronoi districts with ~600 vertices each, a population field (5% missing) and names."""
    rng = np.random.default_rng(SEED + n)
    xmin, ymin, xmax, ymax = BOUNDS
    seeds = np.column_stack([rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)])
    frame = shapely.box(*BOUNDS)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    # Order cells like their seeds so attributes follow.
    order = shapely.STRtree(cells).query(shapely.points(seeds), predicate="intersects")
    cells = cells[order[1][np.unique(order[0], return_index=True)[1]]]
    perimeter = float(np.mean(shapely.length(cells)))
    dense = shapely.segmentize(cells, perimeter / VERTICES_PER_DISTRICT)
    cell_size = np.sqrt((xmax - xmin) * (ymax - ymin) / n)

    # Bend edges inside the box only: the outer frame stays straight so cells still tile it.
    def bend(coords: np.ndarray) -> np.ndarray:
        on_frame = (np.isclose(coords[:, 0], xmin) | np.isclose(coords[:, 0], xmax)) | (
            np.isclose(coords[:, 1], ymin) | np.isclose(coords[:, 1], ymax)
        )
        moved = coords + _noise(coords, 0.12 * cell_size)
        moved[on_frame] = coords[on_frame]
        return moved

    geoms = shapely.make_valid(shapely.transform(dense, bend))
    population = np.round(rng.lognormal(13.5, 0.9, n))
    population[rng.random(n) < 0.05] = np.nan
    return gpd.GeoDataFrame(
        {"name": [f"District {i + 1}" for i in range(n)], "population": population}, geometry=geoms, crs=4326
    )


def points(n: int, around: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``n`` points: 70% clustered around district centres, 30% scattered; a ``households`` field."""
    rng = np.random.default_rng(SEED + n)
    centres = shapely.get_coordinates(shapely.point_on_surface(around.geometry.values))
    n_clustered = int(n * 0.7)
    pick = rng.integers(0, len(centres), n_clustered)
    clustered = centres[pick] + rng.normal(0, 0.25, (n_clustered, 2))
    xmin, ymin, xmax, ymax = BOUNDS
    scattered = np.column_stack([rng.uniform(xmin, xmax, n - n_clustered), rng.uniform(ymin, ymax, n - n_clustered)])
    xy = np.clip(np.vstack([clustered, scattered]), [xmin, ymin], [xmax, ymax])
    return gpd.GeoDataFrame(
        {"households": rng.integers(1, 500, n)}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=4326
    )


def ensure(n_districts: int, n_points: int) -> tuple[Path, Path]:
    """Paths of the districts and points GeoPackages for these sizes, generated if missing."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    dpath = DATA_DIR / f"districts_{n_districts}.gpkg"
    ppath = DATA_DIR / f"points_{n_points}.gpkg"
    d = None
    if not dpath.exists():
        d = districts(n_districts)
        tmp = dpath.with_suffix(".tmp.gpkg")
        d.to_file(tmp, driver="GPKG", engine="pyogrio")
        tmp.replace(dpath)
    if not ppath.exists():
        d = d if d is not None else gpd.read_file(dpath, engine="pyogrio")
        p = points(n_points, d)
        tmp = ppath.with_suffix(".tmp.gpkg")
        p.to_file(tmp, driver="GPKG", engine="pyogrio")
        tmp.replace(ppath)
    return dpath, ppath


def main(argv: list[str] | None = None) -> int:
    for nd, npts in ((160, 100_000), (1000, 1_000_000)):
        dpath, ppath = ensure(nd, npts)
        d = gpd.read_file(dpath, engine="pyogrio")
        print(
            f"{dpath.name}: {len(d)} districts, {shapely.get_num_coordinates(d.geometry.values).sum():,} "
            f"vertices; {ppath.name}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
