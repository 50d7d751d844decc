"""``pakmap quality``: the checks on real boundaries (Sindh COD-AB, the 2023-census districts), the
reports (PDF through the page layout, offline HTML, CSV) and the protection of a household list."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import geopandas as gpd
import pytest
from product_data import write_household_list, write_partner_table, write_site_list
from test_cli import assert_one_line_error, run_cli

from pakmap.layer import VectorLayer
from pakmap.products.pcodes import check_pcode
from pakmap.products.quality import check_quality
from pakmap.products.quality_spatial import cluster_issues
from pakmap.sources import open_layer

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def data(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality")
    sites = write_site_list(shared_data, folder / "sites.csv")
    write_partner_table(folder / "partner.xlsx")
    write_household_list(shared_data, folder / "households.csv")
    return {"folder": folder, "sites": sites, "sindh": shared_data / "sindh_cod_adm2_pcodes.geojson"}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_site_130_km_north_of_the_district_it_names(data):
    folder = data["folder"]
    result = run_cli(
        "quality", str(folder / "sites.csv"), "--against", str(data["sindh"]), "--places",
        "-o", str(folder / "sites.csv.quality.csv"), "-o", str(folder / "sites.pdf"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    findings = _rows(folder / "sites.csv.quality.csv")
    line = f"file line {data['sites']['stray_line']}"
    # Only the stray site has a finding about its position: the 35 others are where they say.
    assert {(f["check"], f["row"]) for f in findings} == {("outside_unit", line), ("far_from_cluster", line)}
    outside = next(f for f in findings if f["check"] == "outside_unit")
    km = int(re.search(r"(\d+) km north of Hyderabad", outside["finding"]).group(1))
    assert 120 <= km <= 140 and "falls in Khairpur" in outside["finding"]
    text = pdf_text(folder / "sites.pdf")
    assert "km north of Hyderabad" in text and "Points outside the unit they name" in text
    assert "Boundaries: sindh_cod_adm2_pcodes.geojson" in text  # the map page's sources line


def test_sites_spread_evenly_over_a_district_are_no_outliers(data):
    layer = open_layer(data["folder"] / "sites.csv")
    boundaries = gpd.read_file(data["sindh"])
    report = check_quality(layer, boundaries, against="sindh")
    far = [i for i in report.issues if i.check == "far_from_cluster"]
    assert [i.position for i in far] == [0]  # the stray alone, not the edges of Tharparkar or Dadu
    # Without it, no outlier at all.
    clean = VectorLayer("clean", layer.data.iloc[1:].reset_index(drop=True), layer.source)
    assert not [i for i in check_quality(clean, boundaries).issues if i.check in ("far_from_cluster", "outside_unit")]


def test_cluster_outlier_by_robust_distance():
    import numpy as np
    import shapely

    rng = np.random.default_rng(7)
    lon, lat = 68.0 + rng.normal(0, 0.05, 20), 26.0 + rng.normal(0, 0.05, 20)
    lon[5], lat[5] = 68.0, 26.6  # ~66 km north of a cluster a few km across
    points = gpd.GeoDataFrame(geometry=shapely.points(lon, lat), crs="EPSG:4326")
    labels = [f"row {i}" for i in range(20)]
    issues = cluster_issues(points, {i: 0 for i in range(20)}, labels)
    assert [i.position for i in issues] == [5] and "km north" in issues[0].detail


def test_pcode_format_and_level():
    known = {"PK701", "PK723"}
    assert check_pcode("PK723", known, 2) is None
    assert check_pcode("PK-723", known, 2).detail.endswith("reads as PK723")
    assert check_pcode("PK7230", known, 2).kind == "malformed"
    assert "level-3 code" in check_pcode("PK70101", known, 2).detail
    assert check_pcode("PK799", known, 2).kind == "unknown"


def test_partner_workbook_merged_header_is_reported(data):
    layer = open_layer(data["folder"] / "partner.xlsx")
    report = check_quality(layer, gpd.read_file(data["sindh"]))
    header = [i for i in report.issues if i.check == "header_row"]
    assert len(header) == 1 and "--header-row 4" in header[0].detail and "District, P-code" in header[0].value


def test_partner_workbook_names_codes_totals_units(data, admin_gpkg):
    layer = open_layer(data["folder"] / "partner.xlsx", header_row=4)
    districts = gpd.read_file(admin_gpkg, layer="districts")
    found = {(i.check, i.row, i.value): i.detail for i in check_quality(layer, districts).issues}
    # Names through the join: normalization and aliases accepted but reported, a typo suggested.
    assert "'Dera Ismail Khan'" in found["name_variant", "sheet row 5", "D.I. Khan"]
    assert "'Kurram'" in found["name_variant", "sheet row 6", "Kurram Agency"]
    assert "Peshawar" in found["name_unmatched", "sheet row 7", "Peshwar"]
    assert ("totals_row", "sheet row 13", "Grand Total") in found
    assert "sheet row 9 also names Sukkur" in found["duplicate_key", "sheet row 10", "Sukkur"]
    assert "PK207" in found["pcode_malformed", "sheet row 6", "PK-207"]
    assert ("pcode_malformed", "sheet row 9", "PK7230") in found
    assert "times the column's median" in found["mixed_units", "sheet row 11", "1100000"]
    assert "sheet row 8" in found["mixed_units", "column", "6 with %"]
    assert "sheet row 12" in found["zero", "column", "1"]
    # The totals row is no unit and no outlier: it is only a totals row.
    assert not [k for k in found if k[1] == "sheet row 13" and k[0] != "totals_row"]
    # Against the Sindh COD-AB, the codes are also checked against the boundaries' own.
    sindh = {(i.check, i.value) for i in check_quality(layer, gpd.read_file(data["sindh"])).issues}
    assert ("pcode_unknown", "PK999") in sindh and ("pcode_unknown", "PK723") not in sindh


def test_household_list_report_withholds_personal_data(data):
    folder = data["folder"]
    outputs = [folder / "hh.html", folder / "hh.pdf", folder / "hh.csv"]
    result = run_cli(
        "quality", str(folder / "households.csv"), "--against", str(data["sindh"]),
        *[arg for out in outputs for arg in ("-o", str(out))],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = outputs[0].read_text(encoding="utf-8")
    texts = [html, pdf_text(outputs[1]), outputs[2].read_text(encoding="utf-8")]
    for text in texts:
        assert "Head of household" not in text and "0300-555" not in text
        assert "north of Hyderabad" in text  # the finding itself is reported, by row
    assert "locations are not drawn" in html and "locations are not drawn" in texts[1]
    record = (folder / "hh.pdf.record.json").read_text(encoding="utf-8")
    assert '"command": "quality"' in record


def test_html_report_is_offline_and_escaped(data, tmp_path):
    folder = data["folder"]
    hostile = tmp_path / "sites.csv"
    text = (folder / "sites.csv").read_text(encoding="utf-8").replace("Sukkur site 1", "<script>alert(1)</script>")
    hostile.write_text(text.replace(",Sukkur,", ",<img src=x onerror=alert(1)>,", 1), encoding="utf-8")
    out = tmp_path / "report.html"
    result = run_cli("quality", str(hostile), "--against", str(data["sindh"]), "--places", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "<img src=x" not in html and "&lt;img src=x" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert 'src="data:image/png;base64,' in html  # the map, embedded


def test_quality_bad_input_is_one_line(data, tmp_path):
    folder = data["folder"]
    assert_one_line_error(run_cli("quality", str(tmp_path / "missing.csv")), "missing.csv")
    assert_one_line_error(
        run_cli("quality", str(folder / "sites.csv"), "-o", str(tmp_path / "r.docx")), "r.docx", ".html, .pdf, .csv"
    )
    # The report never replaces the file it checks.
    copy = tmp_path / "sites.csv"
    shutil.copy(folder / "sites.csv", copy)
    (tmp_path / "link.csv").symlink_to(copy)
    assert_one_line_error(run_cli("quality", str(copy), "-o", str(tmp_path / "link.csv")))
    assert copy.read_bytes() == (folder / "sites.csv").read_bytes()
    assert_one_line_error(
        run_cli("quality", str(folder / "sites.csv"), "--against", str(folder / "sites.csv")), "boundary layer"
    )
