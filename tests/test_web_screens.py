"""The web map on a phone and from the keyboard, in headless Chromium: controls that never overlap,
one popup per tap, pinch-zoom, a Tab path to the controls, the legend following the layer control,
a place search and hatched "no data"."""

from __future__ import annotations

import re

import pytest
from test_web_browser import ARGS, CHROMIUM, pytestmark  # noqa: F401  (the marks)
from test_web_export import real_loaded, small_loaded

from pakmap.project import WebSpec
from pakmap.web import export_webmap
from pakmap.web.webmap import render_html

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
BOXES = {
    "title": ".pm-heading",
    "layers": ".leaflet-control-layers",
    "zoom": ".leaflet-control-zoom",
    "search": ".pm-search",
    "legend": ".pm-legend",
    "attribution": ".leaflet-control-attribution",
    "scale": ".leaflet-control-scale",
}


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def real_map(shared_data, tmp_path_factory):
    return export_webmap(real_loaded(shared_data), tmp_path_factory.mktemp("web") / "districts.html")


def _open(chromium, path, viewport, phone=False):
    context = chromium.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("http*://**", lambda route: route.abort())
    page.goto(path.as_uri())
    page.wait_for_selector("path.leaflet-interactive")
    page.wait_for_timeout(300)
    return context, page, errors


def _inside(path) -> tuple[float, float]:
    """A page point inside an SVG path's fill (its box centre may fall outside an odd shape)."""
    return path.evaluate("""p => { const l = p.getTotalLength(), m = p.getScreenCTM(), svg = p.ownerSVGElement;
        for (let i = 0; i < 400; i++) {
          const a = p.getPointAtLength(l * i / 400), b = p.getPointAtLength(l * ((i + 200) % 400) / 400);
          const c = svg.createSVGPoint(); c.x = (a.x + b.x) / 2; c.y = (a.y + b.y) / 2;
          if (p.isPointInFill(c)) { const s = c.matrixTransform(m); return [s.x, s.y]; } }
        throw new Error('no inner point'); }""")


def _boxes(page) -> dict[str, dict]:
    return {name: page.locator(sel).first.bounding_box() for name, sel in BOXES.items()}


def _overlaps(boxes: dict[str, dict]) -> list[tuple[str, str]]:
    names = [n for n, b in boxes.items() if b]
    hits = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            p, q = boxes[a], boxes[b]
            if (
                p["x"] < q["x"] + q["width"]
                and q["x"] < p["x"] + p["width"]
                and p["y"] < q["y"] + q["height"]
                and q["y"] < p["y"] + p["height"]
            ):
                hits.append((a, b))
    return hits


@pytest.mark.realdata
@pytest.mark.timeout(120)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_controls_never_overlap(chromium, real_map, viewport):
    phone = viewport is PHONE
    context, page, errors = _open(chromium, real_map, viewport, phone)
    try:
        legend = page.locator("details.pm-legend")
        assert legend.evaluate("d => d.open") is not phone  # folded on a phone, open on a desktop
        boxes = _boxes(page)
        assert all(boxes.values()), boxes
        assert _overlaps(boxes) == []
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= viewport["width"] + 0.5 for b in boxes.values())
        if phone:  # unfolded, the legend still leaves the scale bar and the top boxes alone
            page.locator(".pm-legend summary").tap()
            assert legend.evaluate("d => d.open")
            assert _overlaps(_boxes(page)) == []
            assert "expanded" not in (page.locator(".leaflet-control-layers").get_attribute("class") or "")
        assert errors == []
    finally:
        context.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_one_tap_opens_one_popup_and_pinch_zoom_is_allowed(chromium, real_map):
    context, page, _ = _open(chromium, real_map, PHONE, phone=True)
    try:
        viewport = page.evaluate("document.querySelector('meta[name=viewport]').content")
        assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
        page.touchscreen.tap(*_inside(page.locator("path.leaflet-interactive").nth(40)))
        page.wait_for_selector(".leaflet-popup")
        page.wait_for_timeout(300)
        assert page.locator(".leaflet-popup").count() == 1
        assert page.locator(".leaflet-tooltip").count() == 0
    finally:
        context.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_keyboard_reaches_every_control_in_a_few_tabs_with_a_visible_focus(chromium, real_map):
    context, page, _ = _open(chromium, real_map, DESKTOP)
    try:
        assert page.evaluate("document.documentElement.lang") == "en"
        reached = []
        for _ in range(12):
            page.keyboard.press("Tab")
            reached.append(
                page.evaluate(
                    "(() => { const e = document.activeElement; return [e.tagName, e.className.baseVal ?? e.className,"
                    " getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]; })()"
                )
            )
        tags = [r[0] for r in reached]
        assert "path" not in tags  # no feature in the Tab order
        layer_boxes = [r for r in reached if "leaflet-control-layers-selector" in r[1]]
        assert len(layer_boxes) == 2  # districts, villages
        assert "SUMMARY" in tags  # the legend's fold
        assert all(r[2] == "solid" and r[3] == "3px" for r in layer_boxes)  # the focus ring shows
    finally:
        context.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_layer_control_names_and_toggles_follow_into_the_legend(chromium, real_map):
    context, page, _ = _open(chromium, real_map, DESKTOP)
    try:
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert [n.strip() for n in names] == ["Districts", "Refugee villages"]
        legend = page.locator(".pm-legend")
        assert "Population 2023" in legend.inner_text()
        page.locator(".leaflet-control-layers-overlays label", has_text="Districts").locator("input").uncheck()
        assert "Population 2023" not in legend.inner_text() and "Refugee villages" in legend.inner_text()
        page.locator(".leaflet-control-layers-overlays label", has_text="Districts").locator("input").check()
        assert "Population 2023" in legend.inner_text()
    finally:
        context.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_search_zooms_to_a_district_and_opens_its_popup(chromium, real_map):
    context, page, _ = _open(chromium, real_map, DESKTOP)
    try:
        search = page.get_by_label("Find a place on the map")
        options = page.locator("#pm-search-names option")
        assert options.count() >= 150  # the districts by their labels; village names are text popups too
        zoom = page.evaluate("Object.values(window).find(v => v instanceof L.Map).getZoom()")
        search.fill("Peshawar")
        search.press("Enter")
        page.wait_for_selector(".leaflet-popup")
        assert page.locator(".leaflet-popup .pm-h").inner_text() == "Peshawar"
        assert page.evaluate("Object.values(window).find(v => v instanceof L.Map).getZoom()") > zoom
        search.fill("Atlantis")
        search.press("Enter")
        assert "No place named" in page.locator(".pm-search-status").inner_text()
    finally:
        context.close()


@pytest.mark.timeout(120)
def test_no_data_is_hatched_not_a_light_grey_beside_the_lightest_class(chromium, tmp_path):
    loaded = small_loaded(tmp_path)  # Lahore has no refugee figure
    out = export_webmap(loaded, tmp_path / "hatch.html")
    context, page, _ = _open(chromium, out, DESKTOP)
    try:
        fills = page.locator("path.leaflet-interactive").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")
        assert fills.count("url(#pm-nodata-E6E6E6)") == 1
        assert page.locator("pattern#pm-nodata-E6E6E6").count() == 1
        swatch = page.locator(".pm-row", has_text="No data").locator(".pm-sw")
        assert "repeating-linear-gradient" in swatch.evaluate("s => getComputedStyle(s).backgroundImage")
        # On screen: the no-data square is striped (darker hatch lines on its grey), a class is flat.
        nodata = page.locator("path.leaflet-interactive").nth(fills.index("url(#pm-nodata-E6E6E6)"))
        flat = page.locator("path.leaflet-interactive").nth(2)  # Quetta: 0 refugees, the lightest class
        assert _texture(nodata.screenshot()) > 5
        assert _texture(flat.screenshot()) < 1
    finally:
        context.close()


def _texture(png: bytes) -> float:
    """The spread of grey levels in a screenshot's upper inner quarter (clear of outline and label):
    about 0 for a flat fill, several levels for hatch lines on a grey."""
    from io import BytesIO

    from PIL import Image, ImageStat

    with Image.open(BytesIO(png)) as image:
        grey = image.convert("L")
        w, h = grey.size
        return ImageStat.Stat(grey.crop((w // 4, h // 8, 3 * w // 4, h // 3))).stddev[0]


def test_basemap_switch_and_the_provider_key_from_the_environment(tmp_path, monkeypatch):
    loaded = small_loaded(tmp_path)
    loaded.project.web = WebSpec(basemap="Esri.WorldGrayCanvas")
    text = render_html(loaded)
    assert '"No basemap"' in text and "World_Light_Gray_Base" in text
    loaded.project.web = WebSpec(basemap="CartoDB.Positron")
    monkeypatch.setenv("PAKMAP_BASEMAP_API_KEY", "k-123")
    text = render_html(loaded)
    assert re.search(r"basemaps\.cartocdn\.com/light_all/\{z\}/\{x\}/\{y\}\.png\?key=k-123", text)
    assert "carto.com/attributions" in text
