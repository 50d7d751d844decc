"""Exported web maps opened in a real browser: headless Chromium (Debian's) driven by Playwright.

The page must load without console errors, draw every feature, show a district's tooltip on hover,
show hostile names as text, and — without basemap — request nothing but the file itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pakmap.web import export_webmap

from test_web_export import XSS, real_loaded, small_loaded

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """A page that opened ``path``, with what it logged, requested and alerted."""

    def __init__(self, browser, path: Path, viewport=(1280, 800)) -> None:
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        # Nothing may really leave this machine: any http(s) request is recorded above, then aborted.
        self.page.route("http*://**", lambda route: route.abort())
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("path.leaflet-interactive")
        self.page.wait_for_timeout(300)

    def hover_feature(self, index: int) -> str:
        """Hover the ``index``-th drawn feature at a point inside it; the tooltip's text."""
        path = self.page.locator("path.leaflet-interactive").nth(index)
        box = path.bounding_box()
        # A point inside the SVG path (its bounding-box centre may fall outside an odd shape).
        x, y = path.evaluate("""p => { const l = p.getTotalLength(); const svg = p.ownerSVGElement;
            const r = svg.getBoundingClientRect(); const m = p.getScreenCTM();
            for (let i = 0; i < 400; i++) {
              const a = p.getPointAtLength(l * i / 400), b = p.getPointAtLength(l * ((i + 200) % 400) / 400);
              const c = svg.createSVGPoint(); c.x = (a.x + b.x) / 2; c.y = (a.y + b.y) / 2;
              if (p.isPointInFill(c)) { const s = c.matrixTransform(m); return [s.x, s.y]; } }
            return [0, 0]; }""")
        if (x, y) == (0, 0):
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.wait_for_selector(".leaflet-tooltip")
        return self.page.locator(".leaflet-tooltip").inner_text()

    def close(self) -> None:
        self.page.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_real_map_draws_every_feature_and_shows_tooltips(browser, shared_data, tmp_path):
    out = export_webmap(real_loaded(shared_data), tmp_path / "districts.html")
    visit = Visit(browser, out)
    try:
        assert visit.errors == []
        # 156 districts and 54 villages, each one SVG path (a multipolygon district is one path).
        assert visit.page.locator("path.leaflet-interactive").count() == 156 + 54
        assert visit.page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 156
        assert visit.page.locator(".leaflet-marker-pane path.leaflet-interactive").count() == 54
        tip = visit.hover_feature(0)  # the first district in the file: Awaran
        assert tip.splitlines()[0] == "Awaran"
        assert "178,958" in tip and "Balochistan" in tip
        legend = visit.page.locator(".pm-legend").inner_text()
        assert "No data" in legend and "Refugee villages" in legend
        assert visit.page.locator(".leaflet-control-layers-overlays label").count() == 2
        # UNHCR's typeface from the file itself, regular and bold (document.fonts: only used faces).
        assert visit.page.evaluate("document.fonts.ready.then(() => [...document.fonts]"
                                   ".filter(f => f.family === 'Lato' && f.status === 'loaded')"
                                   ".map(f => f.weight).sort())") == ["400", "700"]
        visit.page.screenshot(path=str(tmp_path / "districts.png"))
        # Offline: the page itself and inline data only.
        assert all(u.startswith(("file://", "data:")) for u in visit.requests), visit.requests
        assert [u for u in visit.requests if u.startswith("file://")] == [out.as_uri()]
    finally:
        visit.close()


@pytest.mark.timeout(120)
def test_hostile_names_show_as_text(browser, tmp_path):
    loaded = small_loaded(tmp_path)
    from pakmap.style import CategorizedStyle

    loaded.layers[0].style = CategorizedStyle(field="kind")
    loaded.project.layers[0].name = loaded.layers[0].name = f"Layer {XSS}"
    out = export_webmap(loaded, tmp_path / "hostile.html")
    visit = Visit(browser, out)
    try:
        assert visit.page.locator("path.leaflet-interactive").count() == 4
        tip = visit.hover_feature(1)
        assert tip.splitlines()[0] == XSS  # shown as the text it is
        assert "<5" in tip  # 3 refugees: suppressed
        assert XSS in visit.page.locator(".pm-legend").inner_text()
        assert XSS in visit.page.locator(".leaflet-control-layers").inner_text()
        assert XSS in visit.page.locator(".pm-title").inner_text()
        visit.page.locator("path.leaflet-interactive").nth(1).click(force=True)
        visit.page.wait_for_selector(".leaflet-popup-content")
        assert XSS in visit.page.locator(".leaflet-popup-content").inner_text()
        assert visit.page.locator(".leaflet-container img").count() == 0
        assert visit.dialogs == [] and visit.errors == []
    finally:
        visit.close()


@pytest.mark.timeout(120)
def test_basemap_tiles_are_requested_only_when_asked(browser, tmp_path):
    """The counter-check of the offline test: with a basemap, the page asks for tiles (aborted here)."""
    from pakmap.project.model import WebSpec

    loaded = small_loaded(tmp_path)
    loaded.project.web = WebSpec(basemap="OpenStreetMap.Mapnik")
    out = export_webmap(loaded, tmp_path / "online.html")
    visit = Visit(browser, out)
    try:
        assert any(u.startswith("https://tile.openstreetmap.org/") for u in visit.requests)
        assert "OpenStreetMap" in visit.page.locator(".leaflet-control-attribution").inner_text()
    finally:
        visit.close()


@pytest.mark.timeout(120)
def test_browser_decoder_matches_python(browser, tmp_path):
    """pmDecode (in the page) and encoding.decode agree on every geometry type, holes and all."""
    import json

    from pakmap.web.encoding import decode, encode

    from test_web_encoding import MIXED

    out = export_webmap(small_loaded(tmp_path), tmp_path / "decode.html")
    visit = Visit(browser, out)
    try:
        payload = encode(MIXED, 3, list(range(len(MIXED))), [f"h{i}" for i in range(len(MIXED))])
        in_browser = visit.page.evaluate("p => pmDecode(p).features", json.loads(json.dumps(payload)))
        assert in_browser == decode(payload)
    finally:
        visit.close()
