"""A generated household-level table for the protection tests (fictional people, realistic formats).

Other ``test_protection_*`` modules import ``households`` from here; the tests below make sure the
generated values have the formats the detectors must recognise, so a detector test cannot pass on
malformed data.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

# Four places in four units of pak_provinces.geojson (lon, lat).
PLACES = {
    "Peshawar": (71.57, 34.01, "Khyber Pakhtunkhwa"),
    "Quetta": (67.00, 30.18, "Balochistan"),
    "Karachi": (67.05, 24.88, "Sindh"),
    "Islamabad": (73.05, 33.69, "Islamabad Capital Territory"),
}
FIRST = [
    "Gul",
    "Mohammad",
    "Abdul",
    "Zarmina",
    "Nasir",
    "Fatima",
    "Wali",
    "Rahim",
    "Shabana",
    "Karim",
    "Bibi",
    "Hamida",
    "Jawed",
    "Sadia",
    "Noor",
    "Ahmad",
    "Laila",
    "Farid",
    "Pari",
    "Samiullah",
]
LAST = [
    "Khan",
    "Bibi",
    "Shah",
    "Ahmadzai",
    "Durrani",
    "Wardak",
    "Safi",
    "Popal",
    "Hotak",
    "Noorzai",
    "Mohmand",
    "Afridi",
    "Yousafzai",
    "Kakar",
    "Achakzai",
]


def households(n: int = 60, seed: int = 7) -> gpd.GeoDataFrame:
    """``n`` households with names, phones, CNICs, PoR cards, case numbers, exact coordinates."""
    rng = np.random.default_rng(seed)
    place = rng.choice(list(PLACES), n)
    lon = np.array([PLACES[p][0] for p in place]) + rng.uniform(-0.04, 0.04, n)
    lat = np.array([PLACES[p][1] for p in place]) + rng.uniform(-0.04, 0.04, n)
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    mobile = rng.integers(0, 10_000_000, n)
    operator = rng.choice([300, 301, 312, 321, 333, 345, 346], n)
    phone_style = np.arange(n) % 3
    phones = [
        f"0{o}-{m:07d}" if s == 0 else f"+92 {o} {m:07d}" if s == 1 else f"0{o}{m:07d}"
        for o, m, s in zip(operator, mobile, phone_style)
    ]
    cnic = [f"{rng.integers(10000, 79999)}-{rng.integers(0, 9999999):07d}-{rng.integers(1, 9)}" for _ in range(n)]
    por = [f"PoR {rng.integers(10**9, 10**10)}" for _ in range(n)]
    case = [f"PAK-{rng.integers(10, 24)}C{rng.integers(0, 99999):05d}" for _ in range(n)]
    size = rng.integers(1, 12, n)
    size[:10] = [1, 2, 3, 4, 1, 2, 3, 4, 2, 3]  # some small households for suppression
    dob = [
        f"{y}-{m:02d}-{d:02d}"
        for y, m, d in zip(rng.integers(1950, 2000, n), rng.integers(1, 13, n), rng.integers(1, 29, n))
    ]
    frame = pd.DataFrame(
        {
            "case_id": case,
            "head_of_household": [f"{a} {b}" for a, b in zip(first, last)],
            "father_name": [f"{a} {b}" for a, b in zip(rng.choice(FIRST, n), last)],
            "respondent": [f"{a} {b} {c}" for a, b, c in zip(rng.choice(FIRST, n), rng.choice(FIRST, n), last)],
            "phone": phones,
            "cnic": cnic,
            "por_card": por,
            "dob": dob,
            "address": [
                f"House {h}, Street {s}, {p}" for h, s, p in zip(rng.integers(1, 400, n), rng.integers(1, 40, n), place)
            ],
            "district": place,
            "household_size": size,
            "_gps_latitude": lat.round(6),
            "_gps_longitude": lon.round(6),
        }
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def personal_values(gdf: gpd.GeoDataFrame) -> list[str]:
    """Every personal value of the table as text, as it could leak into an output."""
    values = []
    for field in (
        "case_id",
        "head_of_household",
        "father_name",
        "respondent",
        "phone",
        "cnic",
        "por_card",
        "dob",
        "address",
    ):
        values.extend(str(v) for v in gdf[field])
    values.extend(f"{v:.6f}".rstrip("0") for v in gdf["_gps_latitude"])
    return values


def test_generated_values_have_real_formats():
    gdf = households()
    assert len(gdf) == 60 and gdf.crs.to_epsg() == 4326
    assert all(re.fullmatch(r"\d{5}-\d{7}-\d", v) for v in gdf["cnic"])
    assert all(re.fullmatch(r"PAK-\d{2}C\d{5}", v) for v in gdf["case_id"])
    digits = gdf["phone"].str.replace(r"\D", "", regex=True)
    assert all(re.fullmatch(r"(?:92|0)3\d{9}", d) for d in digits)
    assert (gdf["household_size"] < 5).sum() >= 10
    assert gdf["head_of_household"].nunique() > 40


def test_generated_households_lie_in_their_provinces(shared_data):
    gdf = households()
    provinces = gpd.read_file(shared_data / "pak_provinces.geojson")
    joined = gpd.sjoin(gdf, provinces[["name", "geometry"]], predicate="within")
    expected = joined["district"].map(lambda p: PLACES[p][2])
    assert len(joined) == len(gdf)
    assert (joined["name"] == expected).all()


URDU_NAMES = ["گل بی بی", "محمد خان", "عبدالرحیم", "زرمینہ", "نصیر احمد", "فاطمہ بی بی", "ولی شاہ", "شبانہ"]


def messy_households(n: int = 40, seed: int = 11) -> pd.DataFrame:
    """A partner's household list as it arrives: names in Latin and Urdu script, phones grouped
    3-3-4 or with spaces, CNICs with spaces, PoR numbers bare, coordinates as lat/lon, and headers
    that say little (``contact``, ``id_no``) or are in Urdu (``نام``)."""
    rng = np.random.default_rng(seed)
    base = households(n, seed)
    latin = base["head_of_household"].tolist()
    names = [URDU_NAMES[i % len(URDU_NAMES)] if i % 3 == 0 else latin[i] for i in range(n)]
    phones = [
        f"0{o} {m // 10000:03d} {m % 10000:04d}" if i % 2 else f"0{o}-{m:07d}"
        for i, (o, m) in enumerate(zip(rng.choice([300, 312, 333, 345], n), rng.integers(0, 10_000_000, n)))
    ]
    cnics = [
        f"{a} {b:07d} {c}" if i % 2 else f"{a}-{b:07d}-{c}"
        for i, (a, b, c) in enumerate(
            zip(rng.integers(10000, 79999, n), rng.integers(0, 9_999_999, n), rng.integers(1, 9, n))
        )
    ]
    return pd.DataFrame(
        {
            "نام": names,
            "contact": phones,
            "id_no": cnics,
            "por": [str(v) for v in rng.integers(10**9, 10**10, n)],
            "district": base["district"],
            "hh_members": base["household_size"],
            "lat": base["_gps_latitude"],
            "lon": base["_gps_longitude"],
        }
    )


def messy_personal_values(frame: pd.DataFrame) -> list[str]:
    """The values of ``messy_households`` that must never be published, with their digits alone."""
    values = []
    for field in ("نام", "contact", "id_no", "por"):
        values.extend(str(v) for v in frame[field])
    values.extend("".join(ch for ch in str(v) if ch.isdigit()) for v in frame["contact"])
    values.extend("".join(ch for ch in str(v) if ch.isdigit()) for v in frame["id_no"])
    values.extend(f"{v:.6f}".rstrip("0") for v in frame["lat"])
    return values


def test_messy_households_mix_scripts_and_formats():
    frame = messy_households()
    assert frame["نام"].str.contains(r"[\u0600-\u06FF]").sum() >= 10
    assert frame["نام"].str.contains(r"[A-Za-z]").sum() >= 20
    assert frame["contact"].str.fullmatch(r"03\d\d \d{3} \d{4}").sum() >= 10
    assert frame["id_no"].str.fullmatch(r"\d{5} \d{7} \d").sum() >= 10
