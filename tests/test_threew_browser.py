"""The 3W web map in headless Chromium: the sector list shows one sector's partner counts at a time,
offline, and a hostile sector or partner name is text, never markup."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from activity_data import write_activity_workbook
from test_web_browser import CHROMIUM, Visit, browser  # noqa: F401 (the browser fixture)

from pakmap.products.threew_report import ThreeWFiles, write_threew_outputs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.realdata,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed"),
]


def _paths(visit) -> int:
    return visit.page.locator("path.leaflet-interactive").count()


@pytest.mark.timeout(120)
def test_sector_filter_shows_one_sector(browser, shared_data, tmp_path):  # noqa: F811
    workbook = write_activity_workbook(tmp_path / "activities.xlsx")
    files = ThreeWFiles(str(workbook), str(shared_data / "pakistan_admin.gpkg"), by_layer="districts")
    write_threew_outputs([tmp_path / "3w.html"], files)
    visit = Visit(browser, tmp_path / "3w.html")
    try:
        assert visit.errors == []
        # Every district in grey, over it the 22 with partners (all sectors), over all the Line of Control.
        assert _paths(visit) == 156 + 22 + 1
        options = visit.page.locator("#pm-sector option").all_inner_texts()
        assert options[:4] == ["All sectors", "Protection", "Shelter & NFI", "WASH"] and len(options) == 11
        visit.page.select_option("#pm-sector", label="WASH")
        visit.page.wait_for_timeout(200)
        assert _paths(visit) == 156 + 6 + 1  # WASH partners work in six districts
        visit.page.select_option("#pm-sector", label="Camp coordination")
        visit.page.wait_for_timeout(200)
        assert _paths(visit) == 156 + 1 + 1
        tip = visit.hover_feature(156)  # the one district of the view, above the grey ones
        assert tip.splitlines()[:2] == ["District\tPishin", "Camp coordination: partners\t1"], tip
        legend = visit.page.locator(".pm-legend").inner_text()
        assert "Partners" in legend and "No partner reported" in legend and "4 – 5" in legend
        assert not visit.page.locator(".leaflet-control-layers").is_visible()  # the sector list replaces it
        visit.page.screenshot(path=str(tmp_path / "3w_cccm.png"))
        assert all(u.startswith(("file://", "data:")) for u in visit.requests), visit.requests
    finally:
        visit.close()


@pytest.mark.timeout(120)
def test_hostile_sector_and_partner_names_are_text(browser, shared_data, tmp_path):  # noqa: F811
    hostile = "<img src=x onerror=alert(1)>"
    table = tmp_path / "activities.csv"
    pd.DataFrame(
        {"Partner": [hostile, "Indus Relief Network"], "Sector": [hostile, "WASH"], "District": ["Quetta", "Tank"]}
    ).to_csv(table, index=False)
    write_threew_outputs([tmp_path / "3w.html"], ThreeWFiles(str(table), str(shared_data / "pak_districts.geojson")))
    visit = Visit(browser, tmp_path / "3w.html")
    try:
        assert hostile in visit.page.locator("#pm-sector option").all_inner_texts()
        visit.page.select_option("#pm-sector", label=hostile)
        visit.page.wait_for_timeout(200)
        assert _paths(visit) == 156 + 1
        assert visit.dialogs == [] and visit.errors == []
    finally:
        visit.close()
