"""Charts and tables of the map's data on the print page: rows, suppression, placement, PDF and SVG.

Real boundaries and census figures from ``../shared/data``. No refugee counts by district are
public, so the tests make them: a deterministic share of each district's census households, with
four districts given counts of 1 to 4 people (the small counts protection must hide).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from test_protection_data import households

from pakmap.errors import ProjectError
from pakmap.jobs.outputs import write_output
from pakmap.layer import TableLayer
from pakmap.layout.box import Box, overlaps
from pakmap.layout.chart import draw_chart
from pakmap.layout.chart_data import WITHHELD, ChartTable, chart_table
from pakmap.layout.chart_panel import CHART_STYLE
from pakmap.layout.compose import compose_page
from pakmap.layout.template import ElementSpec, load_template
from pakmap.project import load_project, save_project
from pakmap.project.loaded import LoadedProject
from pakmap.project.loader import load_layers
from pakmap.project.model import ChartSpec, LayerSpec, LayoutSpec, Project
from pakmap.protection.complementary import SECONDARY_MARK
from pakmap.protection.policy import plan_export, safe_loaded

SMALL = {"Tank": 3, "Awaran": 2, "Ziarat": 4, "Lakki Marwat": 1}


def refugee_counts(shared_data: Path) -> pd.DataFrame:
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    census["refugees"] = (census["households"] // 900).astype(int)
    for district, value in SMALL.items():
        census.loc[census["district"] == district, "refugees"] = value
    return census[["district", "province", "refugees"]]


def write_project(tmp_path: Path, shared_data: Path, charts: str, template: str = "a4_landscape") -> Path:
    refugee_counts(shared_data).to_csv(tmp_path / "refugees.csv", index=False)
    gpkg = (shared_data / "pakistan_admin.gpkg").as_posix()
    path = tmp_path / "refugees.toml"
    path.write_text(
        f"""[pakmap]
format = 1

[[layers]]
name = "refugees"
path = "refugees.csv"
visible = false
legend = false

[[layers]]
name = "districts"
path = "{gpkg}"
layer = "districts"
style = {{ kind = "graduated", field = "refugees", classes = 5 }}

[[layers]]
name = "provinces"
path = "{gpkg}"
layer = "provinces"
style = {{ kind = "single", symbol = {{ fill = "#00000000", stroke = "#333333", stroke_width = 0.35 }} }}

[[joins]]
layer = "districts"
table = "refugees"
on = [["name", "district"]]

[layout]
template = "{template}"
title = "Refugees by district"
{charts}
""",
        encoding="utf-8",
    )
    return path


TWO_CHARTS = """
[[layout.charts]]
kind = "bar"
layer = "districts"

[[layout.charts]]
kind = "table"
layer = "districts"
by = "province"
"""


@pytest.fixture
def project_path(tmp_path, shared_data):
    return write_project(tmp_path, shared_data, TWO_CHARTS)


def _expected(shared_data: Path):
    counts = refugee_counts(shared_data)
    top = counts.sort_values(["refugees", "district"], ascending=[False, True]).head(10)
    totals = counts.groupby("province")["refugees"].sum()
    return top, totals


def test_the_page_shows_the_top_ten_and_the_totals_per_province(project_path, shared_data):
    loaded = load_layers(load_project(project_path))
    page = compose_page(safe_loaded(loaded))
    bar, table = page.charts["chart_1"], page.charts["chart_2"]
    top, totals = _expected(shared_data)
    assert [r.label for r in bar.rows] == top["district"].tolist()
    assert [r.value for r in bar.rows] == [float(v) for v in top["refugees"]]
    assert bar.title == "Top 10: refugees by district" and bar.kind == "bar"
    # Totals from every district's count, the small ones included: the province totals as published.
    assert {r.label: r.value for r in table.rows} == {p: float(v) for p, v in totals.items()}
    assert [r.value for r in table.rows] == sorted((r.value for r in table.rows), reverse=True)
    assert table.label_heading == "Province" and table.value_heading == "Refugees"


def test_the_charts_take_a_panel_of_the_map_frame_and_overlap_nothing(project_path):
    loaded = load_layers(load_project(project_path))
    for name in ("a4_landscape", "a4_portrait", "a3_landscape", "a3_portrait"):
        template = load_template(name)
        page = compose_page(loaded, template)
        assert {"chart_1", "chart_2"} <= set(page.boxes), name
        assert overlaps(page.boxes) == [], name
        printable = template.page.inset(template.margin)
        assert all(box.inside(printable) for box in page.boxes.values()), name
        frame = template.elements["map"].box
        assert page.boxes["map"].inside(frame) and page.boxes["map"].width * page.boxes["map"].height < (
            frame.width * frame.height
        )
        for chart in ("chart_1", "chart_2"):
            assert page.boxes[chart].inside(frame), (name, chart)
            assert page.boxes[chart].width > 50 and page.boxes[chart].height > 40, (name, chart)


def test_a_project_without_charts_keeps_its_page(tmp_path, shared_data):
    loaded = load_layers(load_project(write_project(tmp_path, shared_data, "")))
    page = compose_page(loaded)
    template = load_template("a4_landscape")
    assert page.charts == {}
    assert safe_loaded(loaded).published_charts == []  # no chart (nor dashboard) is worked out for it
    assert page.boxes["map"] == template.elements["map"].box
    assert not any(name.startswith("chart") for name in page.boxes)


def test_a_template_places_the_charts_box_itself(project_path, tmp_path):
    text = Path(load_template("a4_landscape").path).read_text(encoding="utf-8")
    text = text.replace("[elements.map]\nbox = [8, 27, 210, 158]", "[elements.map]\nbox = [8, 27, 130, 158]")
    text += '\n[elements.charts]\nbox = [142, 27, 76, 158]\nsize = 6.5\ncolor = "#18375F"\nfill = "#18375F"\n'
    custom = tmp_path / "with_charts.toml"
    custom.write_text(text, encoding="utf-8")
    loaded = load_layers(load_project(project_path))
    page = compose_page(loaded, load_template(custom))
    assert page.boxes["map"] == Box(8, 27, 130, 158)
    assert page.boxes["chart_1"].x == 142 and page.boxes["chart_2"].bottom == pytest.approx(185)
    assert page.elements["chart_1"].fill == "#18375F" and page.elements["chart_1"].size == 6.5
    assert "charts" not in page.boxes


def test_small_counts_are_written_not_drawn(tmp_path, shared_data):
    # The eight largest districts and the four with counts under 5.
    counts = refugee_counts(shared_data).sort_values("refugees")
    counts = pd.concat([counts.head(4), counts.tail(8)])
    layer = TableLayer("districts", counts.rename(columns={"district": "name"}))
    table = chart_table(ChartSpec("bar", "districts", field="refugees", top=12), layer, 5)
    small = [r for r in table.rows if r.label in SMALL]
    assert {r.text for r in small} == {"<5"} and all(r.value is None for r in small)
    # Among themselves they are in alphabetical order: never in the order of their true counts.
    assert [r.label for r in table.rows[-4:]] == sorted(SMALL)
    assert "<5: fewer than 5" in table.note
    drawn = _bar_rects(table)
    assert len(drawn) == len(table.rows) - len(SMALL)
    widths = np.array([w for _x, w in drawn])
    values = np.array([r.value for r in table.rows if r.value is not None])
    assert np.allclose(widths / widths.max(), values / values.max(), atol=1e-3)


def _bar_rects(table: ChartTable) -> list[tuple[float, float]]:
    """The rectangles a chart draws, from an SVG of it (x, width)."""
    data = QByteArray()  # kept alive until the generator is done with it
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(800, 3000))
    generator.setResolution(300)
    painter = QPainter(generator)
    spec = ElementSpec(name="chart_1", box=Box(0, 0, 60, 250), **CHART_STYLE)
    draw_chart(painter, table, spec, "Lato", QRectF(0, 0, 700, 2950), 300)
    painter.end()
    buffer.close()
    svg = bytes(data.data()).decode("utf-8")
    return [
        (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+"', svg)
    ]


def test_a_province_total_never_gives_back_a_suppressed_district(tmp_path, shared_data):
    """Totals per group are published: in every group holding a "<5" district, another district
    is hidden too, so total − the published others is never one district's count. The grouping here
    is a column no name rule knows ("zone"): the chart's own groups are the relations."""
    counts = refugee_counts(shared_data)
    # Tank (3) alone in its zone with one large district; Awaran (2) with two others.
    counts["zone"] = "Z" + (counts.index % 20).astype(str)
    counts.loc[counts["district"] == "Tank", "zone"] = "Tank zone"
    counts.loc[counts["district"] == "Peshawar", "zone"] = "Tank zone"
    counts.to_csv(tmp_path / "zones.csv", index=False)
    path = write_project(tmp_path, shared_data, TWO_CHARTS.replace('by = "province"', 'by = "zone"\ntop = 40'))
    text = path.read_text(encoding="utf-8").replace('path = "refugees.csv"', 'path = "zones.csv"')
    path.write_text(text, encoding="utf-8")
    loaded = load_layers(load_project(path))
    safe = safe_loaded(loaded)
    published = safe.layer("districts").attributes
    assert (published.loc[published["name"] == "Peshawar", "refugees"] == SECONDARY_MARK).all()
    zones = published.dropna(subset=["zone"])
    for zone, rows in zones.groupby("zone"):
        values = pd.to_numeric(rows["refugees"], errors="coerce")
        small = ((values > 0) & (values < 5)).sum()
        if small:
            hidden = small + (rows["refugees"] == SECONDARY_MARK).sum()
            assert hidden >= 2, zone
    # The same decision on the map's layer, in the chart and in the legend: one set of "x" cells.
    page = compose_page(safe)
    totals = {r.label: r for r in page.charts["chart_2"].rows}
    assert totals["Tank zone"].value == float(counts.loc[counts["zone"] == "Tank zone", "refugees"].sum())
    # Without the chart the map has no reason to hide Peshawar.
    plain = write_project(tmp_path, shared_data, "")
    plain.write_text(plain.read_text(encoding="utf-8").replace('path = "refugees.csv"', 'path = "zones.csv"'))
    unchanged = safe_loaded(load_layers(load_project(plain))).layer("districts").attributes
    assert (unchanged.loc[unchanged["name"] == "Peshawar", "refugees"] != SECONDARY_MARK).all()


def test_a_small_province_total_is_suppressed_with_a_complement(tmp_path, shared_data):
    counts = refugee_counts(shared_data)
    # A unit of its own holding Tank alone: its total is Tank's 3.
    counts.loc[counts["district"] == "Tank", "province"] = "Tank agency"
    counts.to_csv(tmp_path / "agency.csv", index=False)
    path = write_project(tmp_path, shared_data, TWO_CHARTS.replace('by = "province"', 'by = "province_table"'))
    path.write_text(path.read_text(encoding="utf-8").replace('path = "refugees.csv"', 'path = "agency.csv"'))
    safe = safe_loaded(load_layers(load_project(path)))
    rows = {r.label: r for r in compose_page(safe).charts["chart_2"].rows}
    assert rows["Tank agency"].text == "<5" and rows["Tank agency"].value is None
    withheld = [r for r in rows.values() if r.text == WITHHELD]
    assert withheld and all(r.value is None for r in withheld)  # the national total cannot give Tank back
    # Khyber Pakhtunkhwa's total without Tank, beside the province's own total (the districts'
    # "province" column, taken as known), would be Tank's 3 too: withheld with the districts it needs.
    assert rows["Khyber Pakhtunkhwa"].text == WITHHELD
    assert "x: withheld" in compose_page(safe).charts["chart_2"].note


def test_the_secondary_mark_is_the_protection_policys():
    assert WITHHELD == SECONDARY_MARK


def test_pdf_and_svg_carry_the_charts_as_vector_text(project_path, tmp_path, shared_data):
    loaded = load_layers(load_project(project_path))
    pdf = write_output(loaded, tmp_path / "map.pdf")[0]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    top, totals = _expected(shared_data)
    assert "Top 10: refugees by district" in text and "Refugees by province" in text
    for district, value in zip(top["district"], top["refugees"]):
        assert district in text and f"{value:,}" in text
    for province, total in totals.items():
        assert f"{total:,}" in text, province
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Lato" in fonts
    svg = write_output(loaded, tmp_path / "map.svg")[0].read_text(encoding="utf-8")
    assert ">Lahore</text>" in svg and "Refugees by province" in svg


def test_charts_round_trip_through_the_project_file(project_path, tmp_path):
    project = load_project(project_path)
    assert project.layout.charts == [
        ChartSpec("bar", "districts"),
        ChartSpec("table", "districts", by="province"),
    ]
    saved = save_project(project, tmp_path / "again.toml")
    assert 'charts = [{ kind = "bar", layer = "districts" }' in saved.read_text(encoding="utf-8")
    assert load_project(saved).layout.charts == project.layout.charts


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('kind = "pie"\nlayer = "districts"', "has kind 'pie'"),
        ('kind = "bar"\nlayer = "camps"', "names layer 'camps'"),
        ('kind = "bar"\nlayer = "districts"\ntop = 0', "top = 0"),
        ('kind = "bar"\nlayer = "districts"\ncolour = "red"', "unknown key(s) 'colour'"),
        ('kind = "bar"\nlayer = "districts"\n\n[[exports]]\npath = "m.pdf"\ndashboard = true', "asks for a dashboard"),
    ],
)
def test_a_wrong_chart_entry_is_one_line_naming_the_fix(tmp_path, shared_data, entry, problem):
    path = write_project(tmp_path, shared_data, f"[[layout.charts]]\n{entry}\n")
    with pytest.raises(ProjectError) as info:
        load_project(path)
    assert problem in str(info.value) and "\n" not in str(info.value)


def test_a_chart_of_a_missing_column_fails_in_one_line_at_the_command_line(tmp_path, shared_data):
    path = write_project(
        tmp_path, shared_data, '[[layout.charts]]\nkind = "bar"\nlayer = "districts"\nfield = "idps"\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "pakmap", "render", str(path), "-o", str(tmp_path / "m.pdf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "field = 'idps' is not a column of layer 'districts'" in result.stderr
    assert "Traceback" not in result.stderr


def test_totals_of_a_rate_are_refused(shared_data):
    counts = refugee_counts(shared_data)
    counts["share"] = counts["refugees"] / 10_000
    layer = TableLayer("districts", counts)
    with pytest.raises(ProjectError, match="would add up a rate or share"):
        chart_table(ChartSpec("table", "districts", field="share", by="province"), layer, 5)


def test_a_chart_that_would_print_names_of_people_blocks_the_export(tmp_path):
    """A chart is a use of its fields like a popup: a name column of a household list is personal."""
    table = TableLayer("households", pd.DataFrame(households().drop(columns="geometry")))
    chart = ChartSpec("table", "households", field="household_size", label="head_of_household")
    project = Project(layers=[LayerSpec("households", "households.csv")], layout=LayoutSpec(charts=[chart]))
    plan = plan_export(LoadedProject(project, [table]), tmp_path / "map.pdf")
    assert [(f.layer, f.field, f.used_by) for f in plan.blocking] == [("households", "head_of_household", ("chart",))]
    project.layout.charts = []
    assert plan_export(LoadedProject(project, [table]), tmp_path / "map.pdf").blocking == []
