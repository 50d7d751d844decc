"""A partner activity table (3W) as partners send it, built on the real district names and P-codes of
../shared/data. The partners are fictional; the districts are the boundaries' own, spelled the ways
partner tables spell them.

``ACTIVITIES`` is the truth: (partner, sector key, district as the boundaries name it, table spelling
of the district, table spelling of the sector, people reached). ``write_activity_workbook`` writes it
as a partner's workbook: a title and a date line above the header, each partner's name merged over
its rows, sectors and districts spelled every which way, one activity reported twice, a row whose
partner cell was left empty, a district that is no district, and a totals row. ``expected_counts``
gives the distinct partners per district (all sectors and per sector) the product must find.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import openpyxl

# partner, sector key, district (boundaries' name), district as written, sector as written, reached
ACTIVITIES = [
    ("Indus Relief Network", "wash", "Dera Ismail Khan", "D.I. Khan", "WASH", 1200),
    ("Indus Relief Network", "wash", "Tank", "Tank", "Wash", 640),
    ("Indus Relief Network", "shelter", "Dera Ismail Khan", "DI Khan District", "Shelter/NFI", 300),
    ("Indus Relief Network", "health", "Bannu", "Bannu", "health", 880),
    ("Khyber Community Health", "health", "Kurram", "Kurram Agency", "Health", 1500),
    ("Khyber Community Health", "health", "Peshawar", "PESHAWAR", "Health ", 2300),
    ("Khyber Community Health", "nutrition", "Peshawar", "Peshawar", "Nutrition", 410),
    ("Khyber Community Health", "nutrition", "Khyber", "Khyber Agency", "NUTRITION", 3),  # a small count of people
    ("Thar Water Trust", "wash", "Tharparkar", "Thar Parkar", "water, sanitation & hygiene", 5100),
    ("Thar Water Trust", "wash", "Umerkot", "Umarkot", "Water Sanitation and Hygiene", 2250),
    ("Thar Water Trust", "wash", "Mirpur Khas", "Mirpurkhas", "WASH", 1900),
    ("Pak Shelter Alliance", "shelter", "Dadu", "Dadu", "Shelter & NFI", 4200),
    ("Pak Shelter Alliance", "shelter", "Jamshoro", "Jamshoro", "shelter", 2600),
    ("Pak Shelter Alliance", "shelter", "Kambar Shahdadkot", "Qambar Shahdadkot", "NFI", 1800),
    ("Pak Shelter Alliance", "wash", "Dadu", "Dadu", "wash", 950),
    ("Crescent Education Society", "education", "Peshawar", "Peshawar", "Education", 720),
    ("Crescent Education Society", "education", "Nowshera", "Nowshehra", "EDUCATION", 560),
    ("Crescent Education Society", "education", "Quetta", "Quetta", "Education in Emergencies", 630),
    ("Crescent Education Society", "protection", "Quetta", "Quetta", "Child Protection", 210),
    ("Frontier Protection Initiative", "protection", "Peshawar", "Peshawar", "Protection", 1300),
    ("Frontier Protection Initiative", "protection", "Kurram", "Kurram", "protection", 450),
    ("Frontier Protection Initiative", "protection", "Dera Ismail Khan", "D I Khan", "GBV", 380),
    ("Frontier Protection Initiative", "protection", "Bajaur", "Bajaur Agency", "PROTECTION", 270),
    ("Balochistan Aid Collective", "food_security", "Quetta", "Quetta", "Food Security", 3300),
    ("Balochistan Aid Collective", "food_security", "Pishin", "Pishin", "Food", 1700),
    ("Balochistan Aid Collective", "food_security", "Killa Abdullah", "Qilla Abdullah", "food security", 1450),
    ("Balochistan Aid Collective", "cash", "Quetta", "Quetta", "MPCA", 900),
    ("Balochistan Aid Collective", "nutrition", "Pishin", "Pishin", "Nutrition", 2),  # a small count of people
    ("Green Valley Livelihoods", "livelihoods", "Swat", "Swat", "Livelihoods", 640),
    ("Green Valley Livelihoods", "livelihoods", "Lower Dir", "Dir Lower", "Livelihood", 520),
    ("Green Valley Livelihoods", "livelihoods", "Peshawar", "Peshawar", "Early Recovery & Livelihoods", 330),
    ("Mehran Women's Forum", "protection", "Hyderabad", "Hyderabad", "Protection", 780),
    ("Mehran Women's Forum", "health", "Hyderabad", "Hyderabad", "Primary Health Care", 1100),
    ("Mehran Women's Forum", "livelihoods", "Sukkur", "Sukkur", "livelihoods", 460),
    ("Mehran Women's Forum", "cash", "Karachi East", "Karachi East", "Multi-purpose cash", 650),
    ("National Nutrition Partners", "nutrition", "Dadu", "Dadu", "Nutrition", 1250),
    ("National Nutrition Partners", "nutrition", "Tharparkar", "Thar", "Nutrition", 980),
    ("National Nutrition Partners", "health", "Dera Ismail Khan", "Dera Ismail Khan", "Health", 1400),
    ("UNHCR", "protection", "Peshawar", "Peshawar", "Protection", 5200),
    ("UNHCR", "protection", "Quetta", "Quetta", "Protection", 4100),
    ("UNHCR", "cash", "Peshawar", "Peshawar", "Cash", 2100),
    ("UNHCR", "shelter", "Dadu", "Dadu", "Shelter", 1600),
    ("unhcr ", "cccm", "Pishin", "Pishin", "CCCM", 700),  # the same organisation, spelt otherwise
]
DUPLICATED = 5  # index of the activity reported twice
UNKNOWN_DISTRICT = ("Karakoram Cash Programme", "cash", "Zhob Cantonment", "Multi Purpose Cash", 300)
EMPTY_PARTNER_SECTOR = ("wash", "Tank", "WASH", 150)  # a row whose partner cell is empty (not merged)
MONTHS = ("2026-09", "2026-10")
STATUSES = ("Ongoing", "Completed")


def write_activity_workbook(path: Path) -> Path:
    """The partners' 3W workbook (``ACTIVITIES`` as a partner sends it)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "3W"
    ws.append(["Pakistan refugee response: who does what where, September–October 2026"])  # row 1
    ws.merge_cells("A1:H1")
    ws.append(["Compiled by the IM working group; figures as reported by partners"])  # row 2
    ws.append([])  # row 3
    ws.append(
        ["Organization", "Sector / Cluster", "Activity", "District", "Status", "Month", "People reached", "Remarks"]
    )
    rows = []
    for k, (partner, _, _, district, sector, reached) in enumerate(ACTIVITIES):
        rows.append(
            [
                partner,
                sector,
                f"{sector.strip().title()} activity {k + 1}",
                district,
                STATUSES[k % 2],
                MONTHS[k % 2],
                reached,
                "",
            ]
        )
        if k == DUPLICATED:
            rows.append(list(rows[-1]))
    partner, _, district, sector, reached = UNKNOWN_DISTRICT
    rows.append([partner, sector, "Cash distribution", district, "Ongoing", MONTHS[1], reached, "new partner"])
    _, district, sector, reached = EMPTY_PARTNER_SECTOR
    rows.append([None, sector, "Water trucking", district, "Ongoing", MONTHS[1], reached, "partner to confirm"])
    first = ws.max_row + 1
    for row in rows:
        ws.append(row)
    # Each partner's name merged over its run of rows, as partners format their sheets.
    start = first
    for r in range(first + 1, ws.max_row + 2):
        same = r <= ws.max_row and ws.cell(r, 1).value == ws.cell(start, 1).value and ws.cell(r, 1).value
        if not same:
            if r - 1 > start:
                for rr in range(start + 1, r):
                    ws.cell(rr, 1).value = None
                ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
            start = r
    ws.append(["Grand Total", None, None, None, None, None, sum(a[5] for a in ACTIVITIES), None])
    wb.save(path)
    return path


def expected_counts() -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Distinct partners per district, and per (district, sector key), from the truth."""
    per_district: dict[str, set] = defaultdict(set)
    per_sector: dict[tuple[str, str], set] = defaultdict(set)
    for partner, sector, district, *_ in ACTIVITIES:
        key = partner.strip().casefold()
        per_district[district].add(key)
        per_sector[(district, sector)].add(key)
    return {d: len(p) for d, p in per_district.items()}, {k: len(p) for k, p in per_sector.items()}


def expected_reached() -> dict[str, int]:
    """People reached per district (the duplicated row counted once)."""
    out: dict[str, int] = defaultdict(int)
    for _, _, district, _, _, reached in ACTIVITIES:
        out[district] += reached
    return dict(out)


# The same kind of table keyed by P-code, for the OCHA COD-AB Sindh districts: codes written the ways
# partners write them ("PK-706", "pk 723"), one code that is no district (PK799).
PCODE_ACTIVITIES = [
    ("Thar Water Trust", "WASH", "PK-726", "Tharparkar", 2100),
    ("Thar Water Trust", "wash", "pk 728", "Umerkot", 900),
    ("Pak Shelter Alliance", "Shelter", "PK703", "Dadu", 1500),
    ("Pak Shelter Alliance", "NFI", "PK706", "Hyderabad", 800),
    ("Mehran Women's Forum", "Protection", "PK706", "Hyderabad", 640),
    ("Mehran Women's Forum", "Health", "PK723", "Sukkur", 720),
    ("National Nutrition Partners", "Nutrition", "PK703", "Dadu", 1100),
    ("Indus Relief Network", "Food Security", "PK799", "Dadu", 400),  # a code of no district: unmatched
    ("Indus Relief Network", "Food Security", "", "Larkana", 350),  # no code: matched by its name
]
PCODE_EXPECTED = {"PK726": 1, "PK728": 1, "PK703": 2, "PK706": 2, "PK723": 1, "PK713": 1}  # PK713: Larkana


def write_pcode_activity_csv(path: Path) -> Path:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Implementing partner", "Cluster", "Admin2 Pcode", "District name", "Beneficiaries"])
        for row in PCODE_ACTIVITIES:
            writer.writerow(row)
    return path
