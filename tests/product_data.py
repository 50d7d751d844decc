"""Inputs for the data-quality and exposure tests, built from the real boundaries in ../shared/data.

Nothing here is a real site list: the sites are placed inside real Sindh districts (OCHA COD-AB) on
a fixed grid, so every run builds the same file; one site names Hyderabad but lies ~130 km north of
that district, as a partner's typo in the latitude would put it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import shapely

SITE_DISTRICTS = ("Hyderabad", "Sukkur", "Larkana", "Badin", "Tharparkar", "Dadu")
STRAY_LAT_SHIFT = 1.47  # degrees north of Hyderabad's site cluster: ~130 km beyond the district's edge


def sindh_districts(shared_data: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(shared_data / "sindh_cod_adm2_pcodes.geojson")


def grid_points(polygon, n: int) -> list[tuple[float, float]]:
    """``n`` points inside ``polygon`` on a regular grid (the same every run)."""
    xmin, ymin, xmax, ymax = polygon.bounds
    for steps in range(3, 60):
        xs, ys = np.meshgrid(np.linspace(xmin, xmax, steps + 2)[1:-1], np.linspace(ymin, ymax, steps + 2)[1:-1])
        inside = shapely.contains_xy(polygon, xs.ravel(), ys.ravel())
        if inside.sum() >= n:
            picked = np.flatnonzero(inside)[np.linspace(0, inside.sum() - 1, n).round().astype(int)]
            return [(float(xs.ravel()[i]), float(ys.ravel()[i])) for i in picked]
    raise AssertionError("no grid fits")


def write_site_list(shared_data: Path, path: Path) -> dict:
    """Sites (6 per district) as CSV with lat/lon; one Hyderabad site lies ~130 km north of it.
    Returns what the test needs to know: the stray site's ID and file line."""
    districts = sindh_districts(shared_data)
    rows = []
    for name in SITE_DISTRICTS:
        unit = districts[districts.ADM2_EN == name].iloc[0]
        for k, (lon, lat) in enumerate(grid_points(unit.geometry, 6), 1):
            rows.append(
                [f"SD-{unit.ADM2_PCODE}-{k:02d}", f"{name} site {k}", name, unit.ADM2_PCODE, 40 + 7 * k, lat, lon]
            )
    stray = next(r for r in rows if r[2] == "Hyderabad")
    stray[5] = round(stray[5] + STRAY_LAT_SHIFT, 5)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["site_id", "site_name", "district", "district_pcode", "households", "lat", "lon"])
        writer.writerows(rows)
    return {"stray_id": stray[0], "stray_line": 2 + rows.index(stray), "rows": len(rows)}


def write_partner_table(path: Path) -> None:
    """A partner's workbook: a title, a two-row merged header, districts spelled every which way, bad
    P-codes, a percentage column with fractions mixed in, a value in the wrong unit, a totals row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Districts"
    ws.append(["Flood response: people reached by district, October 2026"])  # row 1
    ws.merge_cells("A1:F1")
    ws.append([])  # row 2
    ws.append(["Location", None, "People reached", None, "Coverage", None])  # row 3: merged group headers
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:D3")
    ws.append(["District", "P-code", "Women", "Men", "Coverage %", "Partner"])  # row 4
    rows = [
        ("D.I. Khan", "PK208", 1200, 1100, "45%", "Partner A"),  # row 5
        ("Kurram Agency", "PK-207", 800, 760, "38%", "Partner A"),  # row 6
        ("Peshwar", "PK201", 2300, 2100, "51%", "Partner B"),  # row 7: misspelt
        ("Hyderabad", "PK706", 1500, 1400, "0.42", "Partner C"),  # row 8: a fraction among percentages
        ("Sukkur", "PK7230", 900, 870, "36%", "Partner C"),  # row 9: one digit too many
        ("Sukkur", "PK723", 950, 880, "37%", "Partner D"),  # row 10
        ("Larkana", "PK999", 1_100_000, 700, "40%", "Partner D"),  # row 11: unknown code; women in another unit
        ("Badin", None, 0, 0, None, "Partner E"),  # row 12: nothing reported
        ("Grand Total", None, 1_108_650, 7810, None, None),  # row 13
    ]
    for row in rows:
        ws.append(list(row))
    wb.save(path)


def write_household_list(shared_data: Path, path: Path) -> None:
    """Households with names and phone numbers (personal data), a few far from their district."""
    districts = sindh_districts(shared_data)
    rows = []
    for name in ("Hyderabad", "Sukkur"):
        unit = districts[districts.ADM2_EN == name].iloc[0]
        for k, (lon, lat) in enumerate(grid_points(unit.geometry, 6), 1):
            rows.append(
                [
                    f"HH-{name[:3].upper()}-{k}",
                    f"Head of household {name} {k}",
                    f"0300-55501{k:02d}",
                    name,
                    k + 2,
                    lat,
                    lon,
                ]
            )
    rows[0][5] += STRAY_LAT_SHIFT
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["household_id", "head_of_household_name", "phone", "district", "household_size", "lat", "lon"])
        writer.writerows(rows)


SINDH_BOUNDS = (66.6, 23.6, 71.2, 28.6)  # lon/lat box around Sindh


def flood_mask(lon: np.ndarray, lat: np.ndarray, speckle: np.ndarray | None = None) -> np.ndarray:
    """The synthetic flood: a band along a meandering Indus-like line, and a lake west of it near
    Manchar (Dadu/Jamshoro), as the 2022 floods left them. 1 = flooded, 0 = dry. ``speckle`` (uniform
    0–1 per cell) frays the band's edges as a classified satellite image does (so the file
    compresses like a real one, not like a drawing)."""
    river = 68.25 + 0.35 * np.sin(lat * 3.1) + 0.08 * np.sin(lat * 17.0)
    offset = np.abs(lon - river) - (0.12 + 0.05 * np.cos(lat * 5.0))
    band = offset < 0
    if speckle is not None:
        band |= (offset < 0.04) & (speckle < 0.5 - offset / 0.08)
    lake = ((lon - 67.75) / 0.35) ** 2 + ((lat - 26.4) / 0.45) ** 2 < 1.0
    return (band | lake).astype(np.uint8)


def write_flood_raster(path: Path, size: int, *, block: int = 512, bounds=SINDH_BOUNDS, speckle: bool = False) -> Path:
    """A ``size`` × ``size`` flood mask over Sindh (uint8, 0 dry / 1 flooded, 255 no data outside
    the province's box corners), tiled and DEFLATE-compressed, written window by window so even a
    20,000 × 20,000 raster is made in little memory. At 20,000 cells the cells are about 25 × 28 m."""
    import rasterio
    from rasterio.transform import from_bounds
    from rasterio.windows import Window

    xmin, ymin, xmax, ymax = bounds
    transform = from_bounds(xmin, ymin, xmax, ymax, size, size)
    profile = dict(
        driver="GTiff",
        width=size,
        height=size,
        count=1,
        dtype="uint8",
        crs="EPSG:4326",
        transform=transform,
        nodata=255,
        tiled=True,
        blockxsize=block,
        blockysize=block,
        compress="deflate",
        BIGTIFF="IF_SAFER",
    )
    with rasterio.open(path, "w", **profile) as dst:
        rng = np.random.default_rng(20220825)  # the same file every run
        for row in range(0, size, block):
            h = min(block, size - row)
            lat = ymax - (np.arange(row, row + h) + 0.5) * (ymax - ymin) / size
            lon = xmin + (np.arange(size) + 0.5) * (xmax - xmin) / size
            lon2, lat2 = np.meshgrid(lon, lat)
            mask = flood_mask(lon2, lat2, rng.random(lon2.shape, dtype=np.float32) if speckle else None)
            mask[(lat2 < 24.0) & (lon2 > 70.5)] = 255  # a corner of no data, as a satellite swath leaves
            dst.write(mask, 1, window=Window(0, row, size, h))
    return path


def write_villages(shared_data: Path, path: Path, per_district: int = 12) -> Path:
    """Villages (places, with a population) on a grid inside every Sindh district, as a GeoPackage."""
    districts = sindh_districts(shared_data)
    rows = []
    for _, unit in districts.iterrows():
        for k, (lon, lat) in enumerate(grid_points(unit.geometry, per_district), 1):
            rows.append(
                {
                    "village": f"{unit.ADM2_EN} village {k}",
                    "population": 150 * k + 3,
                    "geometry": shapely.Point(lon, lat),
                }
            )
    gpd.GeoDataFrame(rows, crs="EPSG:4326").to_file(path, driver="GPKG", layer="villages")
    return path
