"""The web dashboard: the map beside a sortable table and a bar chart that follow a filter.

Real districts and census households from ``../shared/data`` with made-up refugee counts (none are
public; ``test_layout_charts.refugee_counts`` says how). The page is opened in headless Chromium
(Playwright) as ``test_web_browser`` does; the file itself is checked byte by byte for small counts.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_layout_charts import SMALL, TWO_CHARTS, refugee_counts, write_project
from test_web_browser import CHROMIUM, browser  # noqa: F401 - the fixture: headless Chromium

from pakmap.errors import ExportError
from pakmap.jobs.outputs import write_output
from pakmap.project import load_project
from pakmap.project.loader import load_layers

pytestmark = pytest.mark.realdata

DATA = re.compile(r"var pmDashboard = (\{.*?\});\n")


def dashboard_json(text: str) -> dict:
    return json.loads(DATA.search(text).group(1))


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, shared_data) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    loaded = load_layers(load_project(write_project(folder, shared_data, TWO_CHARTS)))
    return write_output(loaded, folder / "dashboard.html", dashboard=True)[0]


@pytest.fixture(scope="module")
def sectors(tmp_path_factory, shared_data) -> Path:
    """Sindh's real districts, one row per district and sector (as a who-does-what-where table is
    joined to them), people reached per row, a few of them under 5."""
    folder = tmp_path_factory.mktemp("sectors")
    districts = gpd.read_file(shared_data / "pakistan_admin.gpkg", layer="districts")
    sindh = districts[districts["province"] == "Sindh"][["name", "division", "geometry"]].reset_index(drop=True)
    rows = []
    for k, sector in enumerate(("Education", "Health", "Protection")):
        part = sindh.copy()
        part["sector"] = sector
        part["people"] = [(i * 37 + k * 101) % 400 + 20 for i in range(len(part))]
        rows.append(part)
    table = gpd.GeoDataFrame(pd.concat(rows, ignore_index=True), crs=districts.crs)
    table.loc[(table["name"] == "Thatta") & (table["sector"] == "Health"), "people"] = 2
    table.to_file(folder / "activities.gpkg", layer="activities")
    project = folder / "activities.toml"
    project.write_text(
        f"""[pakmap]
format = 1

[[layers]]
name = "activities"
path = "{(folder / "activities.gpkg").as_posix()}"
style = {{ kind = "graduated", field = "people", classes = 4 }}

[layout]
title = "People reached in Sindh"

[[layout.charts]]
kind = "bar"
layer = "activities"

[[layout.charts]]
kind = "table"
layer = "activities"
by = "division"

[[exports]]
path = "activities.html"
dashboard = true
""",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pakmap", "render", str(project)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return folder / "activities.html"


# --- the file ----------------------------------------------------------------------------------


def test_the_rows_are_published_as_the_map_publishes_them(dashboard, shared_data):
    text = dashboard.read_text(encoding="utf-8")
    data = dashboard_json(text)
    counts = refugee_counts(shared_data).set_index("district")["refugees"]
    rows = {r[0]: r for r in data["rows"]}
    assert len(data["rows"]) == 156 and len(data["drawn"]) == 156
    for district, value in counts.items():
        label, province, _sector, number, shown, _index = rows[district]
        if district in SMALL:
            assert number is None and shown == "<5", district
        elif shown != "x":  # a complementary cell: no number either
            assert number == value and shown == f"{value:,}", district
    assert [r for r in data["rows"] if r[4] == "x"], "the small counts need complementary cells"
    assert all(r[3] is None for r in data["rows"] if r[4] == "x")
    assert data["title"] == "Top 10: refugees by district"


def test_small_counts_are_not_in_the_file(dashboard):
    """No byte of the page gives a suppressed count: not the dashboard's rows, not the map's data."""
    text = dashboard.read_text(encoding="utf-8")
    for district, value in SMALL.items():
        for match in re.finditer(re.escape(json.dumps(district)), text):
            near = text[match.end() : match.end() + 40]
            assert not re.match(rf'^,"[^"]*","[^"]*",{value}(\.0)?,', near), district
    data = dashboard_json(text)
    assert all(r[3] is None or r[3] >= 5 for r in data["rows"])


def test_totals_per_province_come_from_the_protection_policy(dashboard, shared_data):
    text = dashboard.read_text(encoding="utf-8")
    totals = refugee_counts(shared_data).groupby("province")["refugees"].sum()
    for province, total in totals.items():
        assert f'<tr data-group="{province}"><td>{province}</td><td class="pm-num">{total:,}</td></tr>' in text


def test_the_dashboard_stays_within_its_budget_and_offline(dashboard, tmp_path, shared_data):
    loaded = load_layers(load_project(write_project(tmp_path, shared_data, TWO_CHARTS)))
    webmap = write_output(loaded, tmp_path / "map.html")[0]
    size = dashboard.stat().st_size
    assert size < 1_500_000  # the web map's budget (test_web_export)
    assert size - webmap.stat().st_size < 40_000  # the panel, its script and its rows
    text = dashboard.read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", text)
    assert '<html lang="en">' in text and "<title>Refugees by district — dashboard</title>" in text


def test_a_dashboard_is_an_html_page_only(tmp_path, shared_data):
    loaded = load_layers(load_project(write_project(tmp_path, shared_data, TWO_CHARTS)))
    with pytest.raises(ExportError, match="a dashboard is a web page"):
        write_output(loaded, tmp_path / "dashboard.pdf", dashboard=True)
    result = subprocess.run(
        [sys.executable, "-m", "pakmap", "render", str(tmp_path / "refugees.toml"), "--dashboard"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "--dashboard needs an output file" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_project_exports_form_writes_a_dashboard_with_a_sector_filter(sectors):
    text = sectors.read_text(encoding="utf-8")
    data = dashboard_json(text)
    assert data["sectorHeading"] == "Sector" and data["groupHeading"] == "Division"
    assert '<select id="pm-sector"><option value="">All</option><option value="Education">' in text
    assert (sectors.parent / "activities.html.record.json").exists()


# --- in the browser ----------------------------------------------------------------------------


needs_chromium = pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed")


@contextmanager
def opened(browser, path: Path, viewport=(1366, 768)):  # noqa: F811 - the imported fixture
    """The page of ``path`` in Chromium; when the test is done it has logged no error and asked
    nothing of the network (every http(s) request is aborted, and recorded)."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors, requests = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.route("http*://**", lambda route: route.abort())
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("#pm-rows tr")
        yield page
        assert errors == []
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    finally:
        page.close()


def _table(page) -> list[list[str]]:
    return page.eval_on_selector_all("#pm-rows tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def _bars(page) -> list[str]:
    """The chart's rows that have a bar, by name."""
    return page.eval_on_selector_all(
        "#pm-chart svg text[text-anchor=end]",
        "names => names.filter(n => n.nextSibling && n.nextSibling.tagName === 'rect').map(n => n.textContent)",
    )


def _faded(page) -> int:
    return page.eval_on_selector_all("path.leaflet-interactive[fill-opacity='0.08']", "p => p.length")


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("viewport", [(1366, 768), (390, 844)])
@pytest.mark.timeout(120)
def test_the_province_filter_narrows_table_chart_and_map(browser, dashboard, shared_data, viewport):
    with opened(browser, dashboard, viewport) as page:
        counts = refugee_counts(shared_data)
        assert len(_table(page)) == 156 and _faded(page) == 0
        assert len(_bars(page)) == 10
        page.select_option("#pm-group", "Sindh")
        rows = _table(page)
        sindh = set(counts.loc[counts["province"] == "Sindh", "district"])
        assert {r[0] for r in rows} == sindh and all(r[1] == "Sindh" for r in rows)
        bars = _bars(page)
        expected = counts[counts["province"] == "Sindh"].nlargest(10, "refugees")["district"].tolist()
        assert bars == expected
        assert page.text_content("#pm-chart-title") == "Top 10: refugees by district — Sindh"
        assert _faded(page) == 156 - len(sindh)  # the other districts fade on the map
        assert page.get_attribute('#pm-totals tr[data-group="Sindh"]', "class") == "pm-picked"
        assert page.text_content("#pm-count") == f"{len(sindh)} of 156 districts shown"
        page.select_option("#pm-group", "")
        assert len(_table(page)) == 156 and _faded(page) == 0


@pytest.mark.browser
@needs_chromium
@pytest.mark.timeout(120)
def test_the_table_sorts_from_the_keyboard_and_keeps_small_counts_last(browser, dashboard):
    with opened(browser, dashboard) as page:
        value = page.locator("#pm-table th[data-key='3']")
        assert value.get_attribute("aria-sort") == "descending"
        page.focus("#pm-table th[data-key='0'] button")
        outline = page.eval_on_selector(
            "#pm-table th[data-key='0'] button", "b => getComputedStyle(b).outlineWidth + ' ' + b.matches(':focus')"
        )
        assert outline.endswith("true")
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")  # focus from the keyboard: the outline is drawn
        assert (
            page.eval_on_selector(
                "#pm-table th[data-key='0'] button",
                "b => b.matches(':focus-visible') && getComputedStyle(b).outlineWidth",
            )
            == "3px"
        )
        page.keyboard.press("Enter")
        names = [r[0] for r in _table(page)]
        assert names == sorted(names, key=str.casefold) or names == sorted(names)
        assert page.get_attribute("#pm-table th[data-key='0']", "aria-sort") == "ascending"
        page.keyboard.press("Enter")
        assert page.get_attribute("#pm-table th[data-key='0']", "aria-sort") == "descending"
        page.click("#pm-table th[data-key='3'] button")
        page.click("#pm-table th[data-key='3'] button")  # ascending: smallest published numbers first
        rows = _table(page)
        shown = [r[-1] for r in rows]
        numbers = [int(t.replace(",", "")) for t in shown if t.replace(",", "").isdigit()]
        assert numbers == sorted(numbers)
        marks = [t for t in shown if not t.replace(",", "").isdigit()]
        assert shown[-len(marks) :] == marks  # "<5", "x" and no data after every number, either way
        small = [r[0] for r in rows if r[-1] == "<5"]
        assert sorted(small) == small == sorted(SMALL)


@pytest.mark.browser
@needs_chromium
@pytest.mark.timeout(120)
def test_the_sector_filter_narrows_the_rows(browser, sectors):
    with opened(browser, sectors) as page:
        everything = _table(page)
        assert len(everything) == len(dashboard_json(sectors.read_text(encoding="utf-8"))["rows"])
        assert {r[2] for r in everything} == {"Education", "Health", "Protection"}
        page.select_option("#pm-sector", "Health")
        rows = _table(page)
        assert rows and all(r[2] == "Health" for r in rows)
        thatta = [r for r in rows if r[0] == "Thatta"]
        assert thatta and thatta[0][-1] == "<5"
        assert "Thatta" not in _bars(page)
        assert page.text_content("#pm-totals-scope") == "Totals of all sectors, not of Health alone."
        assert page.text_content("#pm-chart-title") == "Top 10: people by activity — Health"
        assert _faded(page) == 2 * len(rows)


def test_a_project_without_charts_gets_the_default_dashboard(tmp_path, shared_data):
    """The top 10 of the mapped field and its totals per province, protected like the page's."""
    loaded = load_layers(load_project(write_project(tmp_path, shared_data, "")))
    text = write_output(loaded, tmp_path / "dashboard.html", dashboard=True)[0].read_text(encoding="utf-8")
    data = dashboard_json(text)
    assert data["title"] == "Top 10: refugees by district" and data["groupHeading"] == "Province"
    assert "<h2>Refugees by province</h2>" in text
    assert {r[0] for r in data["rows"] if r[4] == "<5"} == set(SMALL)
    assert [r for r in data["rows"] if r[4] == "x"]  # complementary cells for the province totals
    assert loaded.project.layout.charts == []  # the project is not changed by the export
