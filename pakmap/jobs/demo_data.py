"""Illustrative data for ``pakmap demo``: a rough Pakistan, its districts, refugee villages, a table.

Nothing here is real data. The outline is a coarse hand-drawn polygon, the districts are Voronoi
cells around approximate district seats, and the refugee figures are random. It exists so a newcomer
sees every step (messy names joined, a choropleth, villages, a full UNHCR layout) on a machine with no
data and no network; every output of the demo says "illustrative" on its face.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# A coarse outline of Pakistan (lon, lat), clockwise from the Iranian coast. Illustrative only.
OUTLINE = [
    (61.6, 25.2),
    (61.8, 26.2),
    (63.2, 26.6),
    (63.3, 27.2),
    (62.8, 27.3),
    (62.8, 28.2),
    (61.9, 28.6),
    (60.9, 29.4),
    (60.9, 29.9),
    (62.5, 29.4),
    (64.2, 29.5),
    (66.3, 29.9),
    (66.5, 30.9),
    (67.8, 31.5),
    (69.3, 31.9),
    (69.5, 33.0),
    (70.0, 33.2),
    (69.9, 33.9),
    (71.1, 34.1),
    (71.1, 34.5),
    (71.6, 35.4),
    (71.2, 36.0),
    (72.5, 36.8),
    (73.9, 36.9),
    (74.6, 37.0),
    (75.2, 37.0),
    (75.9, 36.6),
    (77.0, 35.6),
    (77.8, 35.5),
    (76.8, 34.6),
    (75.7, 34.5),
    (74.3, 34.8),
    (73.9, 33.6),
    (74.6, 32.8),
    (74.6, 32.1),
    (74.5, 31.1),
    (74.7, 30.9),
    (74.0, 30.3),
    (73.4, 29.9),
    (72.9, 29.0),
    (72.2, 28.2),
    (71.1, 27.9),
    (70.4, 27.9),
    (69.6, 27.1),
    (70.1, 26.4),
    (70.2, 25.7),
    (71.0, 24.4),
    (70.0, 24.2),
    (68.8, 24.2),
    (68.2, 23.7),
    (67.4, 24.0),
    (66.9, 24.8),
    (66.6, 25.4),
    (65.0, 25.3),
    (63.5, 25.2),
    (62.3, 25.1),
]

PROVINCES = {  # name -> illustrative P-code
    "Balochistan": "PK1",
    "Khyber Pakhtunkhwa": "PK2",
    "Punjab": "PK3",
    "Sindh": "PK4",
    "Islamabad Capital Territory": "PK5",
    "Gilgit-Baltistan": "PK6",
    "Azad Jammu & Kashmir": "PK7",
}

# Approximate district seats (lon, lat) — spelled as in the OSM/PBS boundaries pakmap is tested on.
SEATS = [
    ("Peshawar", "Khyber Pakhtunkhwa", 71.57, 34.01),
    ("Mardan", "Khyber Pakhtunkhwa", 72.05, 34.25),
    ("Swat", "Khyber Pakhtunkhwa", 72.35, 35.2),
    ("Lower Chitral", "Khyber Pakhtunkhwa", 71.8, 35.85),
    ("Abbotabad", "Khyber Pakhtunkhwa", 73.2, 34.15),
    ("Kohat", "Khyber Pakhtunkhwa", 71.45, 33.55),
    ("Bannu", "Khyber Pakhtunkhwa", 70.6, 33.0),
    ("Dera Ismail Khan", "Khyber Pakhtunkhwa", 70.9, 31.8),
    ("Kurram", "Khyber Pakhtunkhwa", 70.1, 33.75),
    ("Khyber", "Khyber Pakhtunkhwa", 71.1, 34.15),
    ("North Waziristan", "Khyber Pakhtunkhwa", 70.0, 32.95),
    ("South Waziristan", "Khyber Pakhtunkhwa", 69.85, 32.3),
    ("Haripur", "Khyber Pakhtunkhwa", 72.9, 33.95),
    ("Nowshera", "Khyber Pakhtunkhwa", 71.95, 33.95),
    ("Mansehra", "Khyber Pakhtunkhwa", 73.2, 34.7),
    ("Quetta", "Balochistan", 67.0, 30.2),
    ("Pishin", "Balochistan", 67.2, 30.65),
    ("Zhob", "Balochistan", 69.45, 31.35),
    ("Loralai", "Balochistan", 68.6, 30.4),
    ("Chagai", "Balochistan", 64.5, 29.0),
    ("Kharan", "Balochistan", 65.4, 28.3),
    ("Khuzdar", "Balochistan", 66.6, 27.8),
    ("Kech", "Balochistan", 63.05, 26.0),
    ("Gwadar", "Balochistan", 62.6, 25.4),
    ("Lasbela", "Balochistan", 66.6, 26.0),
    ("Sibi", "Balochistan", 67.9, 29.5),
    ("Nasirabad", "Balochistan", 68.0, 28.6),
    ("Killa Abdullah", "Balochistan", 66.5, 30.6),
    ("Panjgur", "Balochistan", 64.1, 27.0),
    ("Kalat", "Balochistan", 66.6, 29.0),
    ("Lahore", "Punjab", 74.35, 31.5),
    ("Rawalpindi", "Punjab", 73.05, 33.45),
    ("Faisalabad", "Punjab", 73.1, 31.4),
    ("Multan", "Punjab", 71.5, 30.2),
    ("Bahawalpur", "Punjab", 71.7, 29.2),
    ("Rahim Yar Khan", "Punjab", 70.3, 28.4),
    ("Dera Ghazi Khan", "Punjab", 70.4, 30.05),
    ("Sargodha", "Punjab", 72.7, 32.1),
    ("Gujranwala", "Punjab", 74.0, 32.2),
    ("Sialkot", "Punjab", 74.5, 32.5),
    ("Mianwali", "Punjab", 71.5, 32.6),
    ("Attock", "Punjab", 72.4, 33.75),
    ("Bahawalnagar", "Punjab", 73.25, 29.9),
    ("Layyah", "Punjab", 71.0, 30.96),
    ("Jhelum", "Punjab", 73.6, 32.9),
    ("Toba Tek Singh", "Punjab", 72.48, 30.97),
    ("Karachi South", "Sindh", 67.0, 24.9),
    ("Hyderabad", "Sindh", 68.37, 25.4),
    ("Sukkur", "Sindh", 68.85, 27.7),
    ("Larkana", "Sindh", 68.2, 27.55),
    ("Jacobabad", "Sindh", 68.45, 28.3),
    ("Tharparkar", "Sindh", 70.0, 24.8),
    ("Thatta", "Sindh", 67.9, 24.6),
    ("Sanghar", "Sindh", 69.0, 26.0),
    ("Dadu", "Sindh", 67.6, 26.7),
    ("Khairpur", "Sindh", 69.0, 27.1),
    ("Umerkot", "Sindh", 69.7, 25.4),
    ("Islamabad", "Islamabad Capital Territory", 73.1, 33.72),
    ("Gilgit", "Gilgit-Baltistan", 74.3, 35.9),
    ("Skardu", "Gilgit-Baltistan", 75.6, 35.3),
    ("Hunza", "Gilgit-Baltistan", 74.7, 36.5),
    ("Muzaffarabad", "Azad Jammu & Kashmir", 73.5, 34.4),
    ("Mirpur", "Azad Jammu & Kashmir", 73.85, 33.2),
]

# Districts hosting refugees in the illustrative table, with how the partner spelled them: abbreviations,
# pre-2018 FATA agency names and one typo, so the demo shows every kind of match in the join report.
REFUGEE_TABLE_SPELLINGS = {
    "Peshawar": "Peshwar",
    "Dera Ismail Khan": "D.I. Khan",
    "Kurram": "Kurram Agency",
    "Khyber": "Khyber Agency",
    "North Waziristan": "N. Waziristan",
    "Abbotabad": "Abbottabad",
    "Dera Ghazi Khan": "D.G. Khan",
    "Toba Tek Singh": "T.T. Singh",
    "Killa Abdullah": "Qila Abdullah",
    "Quetta": "QUETTA",
    "Karachi South": "Karachi South",
    "Mianwali": "Mianwali District",
}
REFUGEE_DISTRICTS = [
    "Peshawar",
    "Nowshera",
    "Mardan",
    "Kohat",
    "Haripur",
    "Abbotabad",
    "Mansehra",
    "Swat",
    "Lower Chitral",
    "Bannu",
    "Dera Ismail Khan",
    "Kurram",
    "Khyber",
    "North Waziristan",
    "Quetta",
    "Pishin",
    "Killa Abdullah",
    "Loralai",
    "Zhob",
    "Chagai",
    "Lahore",
    "Rawalpindi",
    "Attock",
    "Mianwali",
    "Dera Ghazi Khan",
    "Toba Tek Singh",
    "Karachi South",
    "Hyderabad",
    "Islamabad",
    "Tharparkar",
]
VILLAGE_SHARE = {"Khyber Pakhtunkhwa": 43, "Balochistan": 10, "Punjab": 1}  # 54 refugee villages


def illustrative_boundaries() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(provinces, districts) in EPSG:4326: Voronoi cells around SEATS clipped to OUTLINE."""
    outline = shapely.Polygon(OUTLINE)
    seats = shapely.points([(lon, lat) for _, _, lon, lat in SEATS])
    cells = shapely.voronoi_polygons(shapely.multipoints(seats), extend_to=outline.buffer(2))
    cells = np.asarray(shapely.get_parts(cells))
    # voronoi_polygons does not keep input order: match each cell to the seat it contains.
    order = [int(np.flatnonzero(shapely.contains(cells, s))[0]) for s in seats]
    geoms = shapely.intersection(cells[order], outline)
    names = [s[0] for s in SEATS]
    provinces = [s[1] for s in SEATS]
    counters: dict[str, int] = {}
    pcodes = []
    for prov in provinces:
        counters[prov] = counters.get(prov, 0) + 1
        pcodes.append(f"{PROVINCES[prov]}{counters[prov]:02d}")
    districts = gpd.GeoDataFrame(
        {"ADM2_EN": names, "ADM2_PCODE": pcodes, "ADM1_EN": provinces, "ADM1_PCODE": [PROVINCES[p] for p in provinces]},
        geometry=list(geoms),
        crs="EPSG:4326",
    )
    prov = districts.dissolve(by=["ADM1_EN", "ADM1_PCODE"], as_index=False)[["ADM1_EN", "ADM1_PCODE", "geometry"]]
    return prov, districts


def refugee_table(districts: gpd.GeoDataFrame, name_field: str, seed: int = 2026) -> pd.DataFrame:
    """Refugees per district as a partner would send it: names spelled their way, one tiny count."""
    rng = np.random.default_rng(seed)
    known = set(districts[name_field])
    rows = []
    for name in REFUGEE_DISTRICTS:
        if name not in known:
            continue
        refugees = int(rng.lognormal(mean=9.3, sigma=1.1))
        rows.append(
            {
                "District": REFUGEE_TABLE_SPELLINGS.get(name, name),
                "Refugees": refugees,
                "Households": max(1, refugees // 6),
            }
        )
    if rows:  # one district with a count small enough to identify people: shown as "<5"
        rows[-1].update(Refugees=3, Households=1)
    return pd.DataFrame(rows)


def refugee_villages(districts: gpd.GeoDataFrame, province_field: str, seed: int = 2026) -> gpd.GeoDataFrame:
    """54 illustrative refugee-village points inside districts of KP, Balochistan and Punjab."""
    rng = np.random.default_rng(seed)
    points, names, pops = [], [], []
    for province, count in VILLAGE_SHARE.items():
        area = (
            districts.loc[districts[province_field] == province].union_all()
            if (districts[province_field] == province).any()
            else None
        )
        if area is None:
            continue
        # Villages cluster near the border districts: sample inside the province, keep the first hits.
        xmin, ymin, xmax, ymax = area.bounds
        found = 0
        while found < count:
            candidates = shapely.points(rng.uniform(xmin, xmax, 256), rng.uniform(ymin, ymax, 256))
            inside = candidates[shapely.contains(area, candidates)]
            for p in inside[: count - found]:
                found += 1
                points.append(p)
                names.append(f"Refugee Village {len(points):02d}")
                pops.append(int(rng.integers(800, 25000)))
    return gpd.GeoDataFrame({"village": names, "population": pops}, geometry=points, crs="EPSG:4326")
