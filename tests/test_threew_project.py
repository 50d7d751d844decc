"""A 3W product kept in a project file (``[[products]] kind = "3w"``): ``pakmap render`` makes it again
next month from the partners' new workbook, and the file form is checked like the other products."""

from __future__ import annotations

import csv

import openpyxl
import pytest
from activity_data import write_activity_workbook
from test_cli import assert_one_line_error, run_cli

from pakmap.errors import ProjectError
from pakmap.project import load_project, save_project

pytestmark = pytest.mark.realdata

PROJECT = """[pakmap]
format = 1

[[products]]
kind = "3w"
title = "Who does what where, refugee response"
input = "data/activities.xlsx"
by = "data/pakistan_admin.gpkg"
by_layer = "districts"
statuses = ["Ongoing", "Completed"]
outputs = ["out/3w.csv", "out/3w.html"]
"""


@pytest.fixture
def monthly(shared_data, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "out").mkdir()
    (data / "pakistan_admin.gpkg").symlink_to(shared_data / "pakistan_admin.gpkg")
    write_activity_workbook(data / "activities.xlsx")
    (tmp_path / "monthly.toml").write_text(PROJECT, encoding="utf-8")
    return tmp_path


def _matrix(path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["District"]: row for row in csv.DictReader(handle)}


def test_render_remakes_the_3w_next_month(monthly):
    result = run_cli("render", str(monthly / "monthly.toml"))
    assert result.returncode == 0, result.stderr
    assert "11 partner(s)" in result.stderr
    matrix = _matrix(monthly / "out" / "3w.csv")
    assert matrix["Quetta"]["All sectors"] == "3" and "Zhob" not in matrix
    assert "Who does what where, refugee response" in (monthly / "out" / "3w.html").read_text(encoding="utf-8")
    # Next month a partner corrected its district (Zhob Cantonment -> Zhob) and started in Quetta.
    wb = openpyxl.load_workbook(monthly / "data" / "activities.xlsx")
    ws = wb.active
    ws.cell(49, 4).value = "Zhob"
    ws.insert_rows(50)
    for col, value in enumerate(["Karakoram Cash Programme", "Cash", "Cash grants", "Quetta", "Ongoing"], 1):
        ws.cell(50, col).value = value
    wb.save(monthly / "data" / "activities.xlsx")
    result = run_cli("render", str(monthly / "monthly.toml"))
    assert result.returncode == 0, result.stderr
    matrix = _matrix(monthly / "out" / "3w.csv")
    assert matrix["Zhob"]["Multi-purpose cash"] == "1"
    assert matrix["Quetta"]["All sectors"] == "4" and matrix["Quetta"]["Multi-purpose cash"] == "2"


def test_statuses_filter_the_rows(monthly):
    path = monthly / "monthly.toml"
    path.write_text(PROJECT.replace('["Ongoing", "Completed"]', '["Ongoing"]'), encoding="utf-8")
    result = run_cli("render", str(path))
    assert result.returncode == 0, result.stderr
    # Only every other activity row is "Ongoing" (activity_data): fewer partners in Peshawar.
    assert int(_matrix(monthly / "out" / "3w.csv")["Peshawar"]["All sectors"]) < 5


def test_saved_and_read_back(monthly, tmp_path):
    project = load_project(monthly / "monthly.toml")
    product = project.products[0]
    assert (product.kind, product.by_layer, product.statuses) == ("3w", "districts", ["Ongoing", "Completed"])
    saved = load_project(save_project(project, monthly / "again.toml")).products[0]
    assert (saved.input, saved.by, saved.outputs) == (product.input, product.by, product.outputs)


@pytest.mark.parametrize(
    "change, message",
    [
        (('by = "data/pakistan_admin.gpkg"\n', ""), "3w product 1 lacks by"),
        (('"out/3w.html"', '"out/3w.gpkg"'), "cannot write 'out/3w.gpkg'"),
        (("statuses = [", "status = ["), "unknown key(s) 'status'"),
    ],
)
def test_malformed_3w_products_are_one_line(monthly, change, message):
    path = monthly / "monthly.toml"
    path.write_text(PROJECT.replace(*change), encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_project(path)
    assert message in str(caught.value)
    assert_one_line_error(run_cli("render", str(path)), message)
