"""``[[products]]`` in a project file: ``pakmap render`` makes them again next month from the new files."""

from __future__ import annotations

import csv
import shutil

import pytest
from product_data import write_flood_raster, write_site_list, write_villages
from test_cli import assert_one_line_error, run_cli

from pakmap.errors import ProjectError
from pakmap.project import load_project

pytestmark = pytest.mark.realdata

PROJECT = """[pakmap]
format = 1

[[products]]
kind = "quality"
input = "data/sites.csv"
against = "data/sindh.geojson"
places = true
outputs = ["out/quality.csv", "out/quality.pdf"]

[[products]]
kind = "exposure"
hazard = "data/flood.tif"
people = "data/villages.gpkg"
value = "population"
by = "data/sindh.geojson"
outputs = ["out/exposure.csv"]
"""


@pytest.fixture
def monthly(shared_data, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "out").mkdir()
    shutil.copy(shared_data / "sindh_cod_adm2_pcodes.geojson", data / "sindh.geojson")
    sites = write_site_list(shared_data, data / "sites.csv")
    write_flood_raster(data / "flood.tif", 1000)
    write_villages(shared_data, data / "villages.gpkg", per_district=6)
    (tmp_path / "monthly.toml").write_text(PROJECT, encoding="utf-8")
    return tmp_path, sites


def _checks(path) -> list[tuple[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["check"], row["row"]) for row in csv.DictReader(handle)]


def test_render_remakes_the_products_next_month(monthly):
    folder, sites = monthly
    result = run_cli("render", str(folder / "monthly.toml"))
    assert result.returncode == 0, result.stderr
    stray = f"file line {sites['stray_line']}"
    assert ("outside_unit", stray) in _checks(folder / "out" / "quality.csv")
    assert (folder / "out" / "quality.pdf").stat().st_size > 10_000
    assert "people_exposed_pct" in (folder / "out" / "exposure.csv").read_text(encoding="utf-8")
    # Next month the partner fixed the latitude: the same project, a clean report.
    rows = list(csv.reader(open(folder / "data" / "sites.csv", encoding="utf-8")))
    good = list(csv.reader(open(folder / "data" / "sites.csv", encoding="utf-8")))[3]
    rows[sites["stray_line"] - 1][5:7] = good[5:7]
    with open(folder / "data" / "sites.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    result = run_cli("render", str(folder / "monthly.toml"))
    assert result.returncode == 0, result.stderr
    assert not [c for c in _checks(folder / "out" / "quality.csv") if c[0] in ("outside_unit", "far_from_cluster")]


@pytest.mark.parametrize(
    "change, message",
    [
        (('kind = "exposure"', 'kind = "4w"'), "product 2 has kind '4w'"),
        (('outputs = ["out/exposure.csv"]', 'outputs = ["out/exposure.docx"]'), "cannot write 'out/exposure.docx'"),
        (('input = "data/sites.csv"\n', ""), "quality product 1 lacks input"),
        (("places = true", "places = true\ncolour = 1"), "unknown key(s) 'colour'"),
    ],
)
def test_malformed_products_are_one_line(monthly, change, message):
    folder, _ = monthly
    path = folder / "monthly.toml"
    path.write_text(PROJECT.replace(*change), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    assert message in str(caught.value)
    assert_one_line_error(run_cli("render", str(path)), message)


def test_a_product_never_writes_over_its_input(monthly):
    folder, _ = monthly
    path = folder / "monthly.toml"
    path.write_text(PROJECT.replace('"out/quality.csv"', '"data/sites.csv"'), encoding="utf-8")
    before = (folder / "data" / "sites.csv").read_bytes()
    assert_one_line_error(run_cli("render", str(path)), "sites.csv")
    assert (folder / "data" / "sites.csv").read_bytes() == before
