"""Exported web maps opened in a real browser: headless Chromium (Debian's) driven by Playwright.

The page must load without console errors, draw every feature, show a district's tooltip on hover,
show hostile names as text, and — without basemap — request nothing but the file itself. Point
markers must be drawn in their class colours and answer hovers like districts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_web_export import XSS, real_loaded, small_loaded
from test_web_markers import points_loaded

from pakmap.web import export_webmap

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

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

    def __init__(self, browser, path: Path, viewport=(1280, 800), ready: str = "path.leaflet-interactive") -> None:
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
        self.page.wait_for_selector(ready)
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

    def pixel(self, x: float, y: float) -> tuple[int, int, int]:
        """The colour on screen at page position (x, y), from a screenshot decoded by Pillow."""
        import io

        from PIL import Image

        shot = self.page.screenshot(clip={"x": int(x), "y": int(y), "width": 1, "height": 1})
        with Image.open(io.BytesIO(shot)) as image:
            return image.convert("RGB").getpixel((0, 0))

    def close(self) -> None:
        self.page.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_real_map_draws_every_feature_and_shows_tooltips(browser, shared_data, tmp_path):
    out = export_webmap(real_loaded(shared_data), tmp_path / "districts.html")
    visit = Visit(browser, out)
    try:
        assert visit.errors == []
        # 156 districts, each one SVG path (a multipolygon district is one path), in the bottom
        # layer's pane; 54 villages, each a marker icon, in the pane above.
        assert visit.page.locator("path.leaflet-interactive").count() == 156
        assert visit.page.locator(".leaflet-pm-layer-0-pane path.leaflet-interactive").count() == 156
        assert visit.page.locator(".leaflet-pm-layer-1-pane .leaflet-marker-icon").count() == 54
        tip = visit.hover_feature(0)  # the first district in the file: Awaran
        assert tip.splitlines()[0] == "Awaran"
        assert "178,958" in tip and "Balochistan" in tip
        legend = visit.page.locator(".pm-legend").inner_text()
        assert "No data" in legend and "Refugee villages" in legend
        assert visit.page.locator(".leaflet-control-layers-overlays label").count() == 2
        # UNHCR's typeface from the file itself, regular and bold (document.fonts: only used faces).
        assert visit.page.evaluate(
            "document.fonts.ready.then(() => [...document.fonts]"
            ".filter(f => f.family === 'Lato' && f.status === 'loaded')"
            ".map(f => f.weight).sort())"
        ) == ["400", "700"]
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

    from test_web_encoding import MIXED

    from pakmap.web.encoding import decode, encode

    out = export_webmap(small_loaded(tmp_path), tmp_path / "decode.html")
    visit = Visit(browser, out)
    try:
        payload = encode(MIXED, 3, list(range(len(MIXED))), [f"h{i}" for i in range(len(MIXED))])
        in_browser = visit.page.evaluate("p => pmDecode(p).features", json.loads(json.dumps(payload)))
        assert in_browser == decode(payload)
    finally:
        visit.close()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _near(got, want, tolerance=3) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want))


@pytest.mark.timeout(120)
def test_point_markers_in_class_colours_with_tooltips(browser, tmp_path):
    from pakmap.render.styling import symbolize

    loaded = points_loaded(30, popup_fields=("name", "kind"))
    out = export_webmap(loaded, tmp_path / "villages.html")
    visit = Visit(browser, out, ready=".leaflet-marker-icon")
    try:
        assert visit.errors == []
        icons = visit.page.locator(".leaflet-pm-layer-0-pane .leaflet-marker-icon")
        assert icons.count() == 30
        # Every icon's <use> found its <symbol>: it has a drawn shape, the marker's size.
        sizes = icons.evaluate_all("els => els.map(e => e.querySelector('use').getBBox().width)")
        assert min(sizes) > 1.9  # the unit box (2) plus the outline, in the symbol's units
        sym = symbolize(loaded.layers[0])
        for i in (1, 2, 3):  # one of each class
            box = icons.nth(i).bounding_box()
            cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            fill = sym.classes[sym.class_of[i]].fill
            # Below the house, inside the disc: the class colour; under the roof (the pixel above the
            # centre, clear of the door): white.
            assert _near(visit.pixel(cx, cy + 0.7 * box["height"] / 2), _rgb(fill)), (i, fill)
            assert _near(visit.pixel(cx - 0.5, cy - 2), (255, 255, 255)), i
        visit.page.mouse.move(icons.nth(0).bounding_box()["x"] + 5, icons.nth(0).bounding_box()["y"] + 5)
        visit.page.wait_for_selector(".leaflet-tooltip")
        tip = visit.page.locator(".leaflet-tooltip").inner_text()
        assert XSS in tip and "village" in tip  # the hostile name shown as text
        halo = icons.nth(0).evaluate("e => getComputedStyle(e.querySelector('svg')).filter")
        assert "drop-shadow" in halo  # the hover highlight
        legend_swatches = visit.page.locator(".pm-legend svg.pm-sw")
        assert legend_swatches.count() == 3
        assert visit.dialogs == [] and visit.errors == []
        assert all(u.startswith(("file://", "data:")) for u in visit.requests), visit.requests
        visit.page.screenshot(path=str(tmp_path / "villages.png"))
    finally:
        visit.close()


@pytest.mark.timeout(120)
def test_raster_overlay_lines_up_between_its_layers(browser, tmp_path):
    """Districts, a flood raster (UTM, with a nodata hole) and villages: the image is where the
    raster is, in the print colours, transparent in the hole, under the villages and over the
    districts — whose tooltips still answer through it — and nothing is fetched."""
    import re

    from pyproj import Transformer
    from test_web_raster import CELL, NORTH, UTM42N, WEST, raster_loaded

    from pakmap.project.model import LayerSpec
    from pakmap.render.raster import ramp_lut
    from pakmap.render.styling import symbolize
    from pakmap.web.raster import raster_overlay

    loaded, raster = raster_loaded(tmp_path)
    villages = points_loaded(12).layers[0]
    loaded.layers.append(villages)
    loaded.project.layers.append(LayerSpec("Villages", "villages.csv", popup_fields=["name"]))
    out = export_webmap(loaded, tmp_path / "flood.html")
    visit = Visit(browser, out)
    try:
        page = visit.page
        assert visit.errors == []
        assert all(u.startswith(("file://", "data:")) for u in visit.requests), visit.requests
        image = page.locator(".leaflet-pm-layer-1-pane img.leaflet-image-layer")
        assert image.count() == 1
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")
        assert page.locator(".leaflet-pm-layer-2-pane .leaflet-marker-icon").count() == 12
        map_name = re.search(r"var (map_\w+) = L\.map\(", out.read_text(encoding="utf-8")).group(1)
        to_lonlat = Transformer.from_crs(UTM42N, "EPSG:4326", always_xy=True)

        def on_screen(col: float, row: float) -> tuple[float, float]:
            """Page position of the source raster's cell (col, row) centre."""
            lon, lat = to_lonlat.transform(WEST + (col + 0.5) * CELL, NORTH - (row + 0.5) * CELL)
            return tuple(
                page.evaluate(f"""() => {{ const p = {map_name}.latLngToContainerPoint([{lat}, {lon}]);
                const r = {map_name}.getContainer().getBoundingClientRect(); return [r.x + p.x, r.y + p.y]; }}""")
            )

        # The image's box is its lat/lon bounds on the map.
        box = image.bounding_box()
        (south, west), (north, east) = raster_overlay(raster, 9).bounds
        corners = page.evaluate(f"""() => [[{north}, {west}], [{south}, {east}]].map(ll => {{
            const p = {map_name}.latLngToContainerPoint(ll); return [p.x, p.y]; }})""")
        origin = page.evaluate(
            f"() => {{ const r = {map_name}.getContainer().getBoundingClientRect(); return [r.x, r.y]; }}"
        )
        assert box["x"] == pytest.approx(origin[0] + corners[0][0], abs=1)
        assert box["y"] == pytest.approx(origin[1] + corners[0][1], abs=1)
        assert box["width"] == pytest.approx(corners[1][0] - corners[0][0], abs=1)
        assert box["height"] == pytest.approx(corners[1][1] - corners[0][1], abs=1)
        # Colours: the east of the raster (value ~95) in the ramp's colour; the hole shows the district.
        lut = ramp_lut("unhcr_blue")
        assert _near(
            visit.pixel(*on_screen(190, 100)), tuple(int(v) for v in lut[round(95.25 / 100 * 255)]), tolerance=8
        )
        sym = symbolize(loaded.layers[0], 5)
        assert _near(visit.pixel(*on_screen(20, 40)), _rgb(sym.classes[sym.class_of[0]].fill))
        # A district under the raster still shows its tooltip.
        page.mouse.move(*on_screen(150, 100))
        page.wait_for_selector(".leaflet-tooltip")
        assert page.locator(".leaflet-tooltip").inner_text().splitlines()[0] == XSS
        legend = page.locator(".pm-legend").inner_text()
        assert "Flood depth" in legend and "0 – 100" in legend
        # The layer control hides and shows the raster like any layer.
        page.locator(".leaflet-control-layers-overlays label", has_text="Flood depth").locator("input").uncheck()
        assert page.locator("img.leaflet-image-layer").count() == 0
        page.screenshot(path=str(tmp_path / "flood.png"))
        assert visit.errors == []
    finally:
        visit.close()


@pytest.mark.realdata
@pytest.mark.timeout(120)
def test_print_labels_shown_where_they_fit_and_never_run_together(browser, shared_data, tmp_path):
    out = export_webmap(real_loaded(shared_data), tmp_path / "labels.html")
    visit = Visit(browser, out)
    page = visit.page
    shown = ".pm-label:visible"

    def boxes():
        return page.locator(shown).evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.left, r.top, r.right, r.bottom]; })"
        )

    try:
        assert visit.errors == []
        whole = boxes()
        names = {b[0] for b in whole}
        assert 15 < len(whole) < 156  # the country: big districts labelled, small ones wait for a zoom
        assert "Chagai" in names and "Peshawar" not in names
        gap = 0.5 * 11 - 1  # half an em of the 11 px labels, less a pixel of rounding
        for i, a in enumerate(whole):
            for b in whole[:i]:
                dx = max(b[1] - a[3], a[1] - b[3], 0)
                dy = max(b[2] - a[4], a[2] - b[4], 0)
                assert max(dx, dy) >= gap, (a[0], b[0])
        name = page.evaluate("Object.keys(window).find(k => k.startsWith('map_'))")
        page.evaluate(f"window['{name}'].setView([34.0, 71.6], 9, {{animate: false}})")
        page.wait_for_timeout(300)
        assert "Peshawar" in {b[0] for b in boxes()}  # zoomed in, the small district has room
        page.locator(".leaflet-control-layers-overlays input").first.uncheck()
        page.wait_for_timeout(300)
        assert boxes() == []  # the districts switched off: their labels go too
    finally:
        visit.close()
