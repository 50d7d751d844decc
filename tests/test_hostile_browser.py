"""Exports whose every text is hostile, opened in headless Chromium: no dialog opens, no node is
injected, and each text reads as the text it is (web maps: ``test_web_injection.py``)."""

from __future__ import annotations

import html

import pytest
from test_web_browser import Visit, browser, pytestmark  # noqa: F401  (the fixture and the marks)
from test_web_injection import PAYLOADS, TEMPLATE_RESULTS, hostile_loaded, legend_texts

from pakmap.render.legend_items import pretty_name
from pakmap.web import export_webmap
from pakmap.web.content import caption

# Nodes a payload could add (the page has Leaflet's own links and the raster's image), attributes
# that would run script, the scripts, and a global a payload could set.
INJECTED_JS = """() => {
    const nodes = [...document.querySelectorAll('img, iframe, object, embed, a[href], form, base, meta[http-equiv="refresh"]')]
        .filter(e => !(e.tagName === 'META' && e.httpEquiv.toLowerCase() === 'content-type'));
    const handlers = [...document.querySelectorAll('*')].flatMap(e =>
        [...e.attributes].filter(a => a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value))
            .map(a => e.tagName + ' ' + a.name));
    return {nodes: nodes.map(e => e.tagName + ' ' + e.className).sort(), handlers, scripts: document.scripts.length,
            pwned: typeof window.pmInjected !== 'undefined'};
}"""


def _open(browser, tmp_path, payload: str, name: str) -> Visit:
    out = export_webmap(hostile_loaded(tmp_path, payload), tmp_path / f"{name}.html")
    return Visit(browser, out)


def _words(text: str) -> str:
    """Text as the browser lays it out: runs of white space (line separators too) as one space."""
    return " ".join(text.split())


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", list(PAYLOADS))
def test_hostile_texts_read_as_text_in_the_browser(browser, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    payload = PAYLOADS[name]
    plain = _open(browser, tmp_path, "plain", "plain")
    try:
        expected = plain.page.evaluate(INJECTED_JS)
    finally:
        plain.close()
    visit = _open(browser, tmp_path, payload, name)
    try:
        page = visit.page
        assert visit.dialogs == [] and visit.errors == []
        found = page.evaluate(INJECTED_JS)
        assert found == expected
        assert found["handlers"] == [] and not found["pwned"]
        assert page.title() == f"Title {payload}"
        tip = visit.hover_feature(0)
        assert tip.split("\n")[0] == f"{payload} 0"  # the label heading
        # A row caption: the field's name (HTML collapses the spaces that stand for underscores).
        assert _words(html.unescape(caption(f"name {payload}"))) in _words(tip)
        assert f"\t{payload}\n" in tip + "\n"  # the 'kind' row's value
        assert f"{payload}\n" in page.locator(".pm-title").inner_text() + "\n"
        box = page.locator(".pm-box").first.inner_text()
        assert f"Sub {payload}" in box and f"as of {payload}" in box
        legend = page.locator(".pm-legend").inner_text()
        assert f"\n{payload}\n" in legend  # a category
        for shown in legend_texts(hostile_loaded(tmp_path, payload)):  # the headings
            assert _words(shown) in _words(legend)
        control = _words(page.locator(".leaflet-control-layers").inner_text())
        for shown in (f"Districts {payload}", f"Flood {payload}", f"Villages {payload}"):
            assert _words(pretty_name(shown)) in control  # named as the print legend names it
        assert f"Source: {payload}" in page.locator(".leaflet-control-attribution").inner_text()
        # The map's labels (placed by the browser) hold the label text as text.
        labels = page.evaluate("[...document.querySelectorAll('.pm-label')].map(e => e.textContent)")
        assert f"{payload} 0" in labels
        page.locator("path.leaflet-interactive").nth(0).click(force=True)
        page.wait_for_selector(".leaflet-popup-content")
        assert payload in page.locator(".leaflet-popup-content").inner_text()
        # A village's tooltip (the long hostile title box may cover the icon: the event goes to it).
        page.locator(".leaflet-marker-icon").first.dispatch_event("mouseover")
        page.wait_for_function(
            "[...document.querySelectorAll('.leaflet-tooltip')].some(t => t.textContent.includes('Site'))"
        )
        assert visit.dialogs == [] and visit.errors == []
        after = page.evaluate(INJECTED_JS)  # the open popup adds its close button, nothing else
        after["nodes"].remove("A leaflet-popup-close-button")
        assert after == found
        body = page.locator("body").inner_text()
        for evaluated in TEMPLATE_RESULTS:
            assert evaluated not in body
        assert not (tmp_path / "pwned").exists()
    finally:
        visit.close()


@pytest.mark.timeout(180)
def test_hostile_svg_opens_no_dialog(browser, tmp_path):
    """An SVG page whose every text is a script payload, opened as a document: text, no script."""
    from test_export_svg_safety import SCRIPT, hostile_page_project

    from pakmap.export import export_print

    out = tmp_path / "map.svg"
    export_print(hostile_page_project(tmp_path, SCRIPT), out)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(out.as_uri())
        page.wait_for_selector("text")
        page.wait_for_timeout(300)
        assert dialogs == []
        assert page.evaluate("document.querySelectorAll('script, foreignObject').length") == 0
        texts = page.evaluate("[...document.querySelectorAll('text')].map(t => t.textContent)")
        assert f"Title {SCRIPT}" in texts and f"{SCRIPT} 0" in texts
    finally:
        page.close()
