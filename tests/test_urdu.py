"""Bilingual maps: Urdu (and Pashto) in Naskh beside English, on every surface.

Shaping (joined letters, right to left) is Qt's HarfBuzz with Noto Naskh Arabic (Debian's
fonts-noto-core); extents are the shaped text's; the PDF gives the Urdu back to ``pdftotext``
through /ActualText; the SVG names the font; the web map marks each run with its language and
direction and inlines the font cut down to the characters it shows.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF, QImage, QTextLayout
from shapely.geometry import Point

from pakmap.cli import main
from pakmap.export.pdf import pdf_document
from pakmap.fonts import URDU_FAMILY, register_fonts, urdu_files
from pakmap.layer import VectorLayer
from pakmap.layout.text import fit_text, make_font
from pakmap.render import MapView
from pakmap.render.labels import label_font
from pakmap.render.offscreen import render_image
from pakmap.render.qt import ensure_gui_app
from pakmap.render.script_text import draw_line, line_extent
from pakmap.style import LabelStyle, SingleSymbolStyle, Symbol
from pakmap.web.script_text import language, marked_html

CRS_M = CRS.from_epsg(3857)
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


def capitals(shared_data: Path) -> list[dict[str, str]]:
    with open(shared_data / "pak_admin_centres.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def extracted(pdf: Path) -> str:
    """``pdftotext``'s text, NFC, without the bidi embedding marks poppler puts around RTL runs."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return unicodedata.normalize("NFC", re.sub("[\u202a-\u202e]", "", text))


def bilingual_project(tmp_path: Path, shared_data: Path, expression: str = "{name}\\n{name_local}") -> Path:
    project = tmp_path / "bilingual.toml"
    project.write_text(
        f"""[pakmap]
format = 1

[map]
title = "Pakistan: provincial capitals"
crs = "EPSG:4326"

[[layers]]
name = "districts"
path = "{(shared_data / "pak_districts.geojson").as_posix()}"

[[layers]]
name = "capitals"
path = "{(shared_data / "pak_admin_centres.csv").as_posix()}"
popup_fields = ["name", "name_local"]

[layers.labels]
expression = "{expression}"
size = 9

[protection]
places = ["capitals"]

[layout]
title = "Pakistan: provincial capitals — پاکستان: صوبائی دارالحکومت"
subtitle = "Names in English and Urdu / انگریزی اور اردو میں نام"
sources = "Boundaries: © OpenStreetMap contributors"
""",
        encoding="utf-8",
    )
    return project


# --- the font and its shaping --------------------------------------------------------------------


def test_noto_naskh_arabic_is_found_and_registered():
    ensure_gui_app()
    assert [p.name for p in urdu_files()][:1] == ["NotoNaskhArabic-Regular.ttf"]
    assert URDU_FAMILY in register_fonts() and "Lato" in register_fonts()


@pytest.mark.parametrize("word", ["کراچی", "پيښور", "مظفر آباد"])
def test_arabic_script_is_shaped_in_naskh_joined_and_right_to_left(word):
    ensure_gui_app()
    font = label_font(False)
    layout = QTextLayout(word, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    letters = [r for r in layout.glyphRuns() if r.rawFont().familyName() == URDU_FAMILY]
    assert letters and all(r.isRightToLeft() for r in letters)
    # Joined letters take their contextual (initial, medial, final) forms: most of the word's glyphs
    # are none of its letters' isolated forms.
    isolated = set()
    for letter in word.replace(" ", ""):
        alone = QTextLayout(letter, font)
        alone.beginLayout()
        alone.createLine()
        alone.endLayout()
        isolated.update(g for r in alone.glyphRuns() for g in r.glyphIndexes())
    joined = [g for r in letters for g in r.glyphIndexes() if g not in isolated]
    assert len(joined) >= len(word.replace(" ", "")) / 2


def test_latin_text_stays_in_lato():
    ensure_gui_app()
    layout = QTextLayout("Karachi", label_font(False))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    assert {r.rawFont().familyName() for r in layout.glyphRuns()} == {"Lato"}


def test_an_urdu_line_is_measured_on_its_shaped_outline():
    ensure_gui_app()
    font = label_font(False)
    latin, urdu = line_extent(font, "Karachi"), line_extent(font, "کراچی")
    metrics = QFontMetricsF(font)
    assert (latin.ascent, latin.descent) == (metrics.ascent(), metrics.descent())
    assert urdu.descent > 1.15 * latin.descent  # the tail of "ی" reaches below Lato's descent


def test_a_title_with_urdu_gets_taller_lines():
    ensure_gui_app()
    image = QImage(100, 100, QImage.Format.Format_ARGB32)
    latin = fit_text("Provincial capitals", "Lato", 16, None, True, 2000, 400, image)
    urdu = fit_text("صوبائی دارالحکومت", "Lato", 16, None, True, 2000, 400, image)
    assert urdu.line_height > latin.line_height and urdu.fits


# --- collision avoidance on the real extent -------------------------------------------------------


def test_urdu_label_ink_stays_inside_its_placed_box():
    """The placement's boxes hold all the ink: labels measured with Lato's height would leave
    Urdu's tails and dots outside, where the next label may be placed."""
    ensure_gui_app()
    names = ["Gilgit\nگلگت", "Karachi\nکراچی", "Lahore\nلاہور", "Quetta\nکوئٹہ", "Peshawar\nپيښور"]
    rng = np.random.default_rng(7)
    points = [Point(x, y) for x, y in rng.uniform(0, 1000, (40, 2))]
    layer = VectorLayer(
        "towns",
        gpd.GeoDataFrame({"name": [names[i % len(names)] for i in range(40)]}, geometry=points, crs=CRS_M),
        style=SingleSymbolStyle(Symbol(fill="#0072BC", stroke="#0072BC", size=1)),
        labels=LabelStyle(field="name", size=24, color="#000000", halo_width=0),
    )
    image, result = render_image(MapView((layer,), (0, 0, 1000, 1000), CRS_M, 900, 900, dpi=150))
    assert len(result.labels) >= 5
    pixels = np.ndarray((image.height(), image.bytesPerLine() // 4, 4), np.uint8, image.constBits())
    ink = (pixels[: image.height(), : image.width(), :3].max(axis=2) < 90).copy()  # black text only
    for label in result.labels:
        x, y, w, h = label.box
        ink[max(int(y) - 1, 0) : int(np.ceil(y + h)) + 1, max(int(x) - 1, 0) : int(np.ceil(x + w)) + 1] = False
    assert ink.sum() == 0, f"{ink.sum()} text pixels outside the label boxes"


# --- PDF: embedded, selectable, extractable -------------------------------------------------------


@needs_pdftotext
def test_pdf_lines_give_their_urdu_back_also_turned_and_on_later_pages(tmp_path):
    ensure_gui_app()
    out = tmp_path / "lines.pdf"
    with pdf_document(out, dpi=300) as pdf:
        painter = pdf.new_page(210, 297)
        painter.setFont(make_font("Lato", 14))
        draw_line(painter, QPointF(200, 400), "Peshawar / پيښور", pdf.context.texts)
        draw_line(painter, QPointF(200, 800), "Karachi", pdf.context.texts)
        painter = pdf.new_page(210, 297)
        painter.setFont(make_font("Lato", 14))
        painter.translate(600, 900)
        painter.rotate(-30)
        draw_line(painter, QPointF(0, 0), "اسلام آباد", pdf.context.texts)
    text = extracted(out)
    for words in ("پيښور", "Peshawar /", "Karachi", "اسلام آباد"):
        assert words in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"NotoNaskhArabic-Regular\s+CID TrueType\s+Identity-H\s+yes", fonts)


@pytest.mark.realdata
@needs_pdftotext
def test_bilingual_map_pdf_returns_every_urdu_and_english_name(shared_data, tmp_path):
    out = tmp_path / "map.pdf"
    assert main(["render", str(bilingual_project(tmp_path, shared_data)), "-o", str(out)]) == 0
    text = extracted(out)
    for row in capitals(shared_data):
        assert row["name"] in text
        assert unicodedata.normalize("NFC", row["name_local"]) in text
    assert "پاکستان" in text and "صوبائی دارالحکومت" in text and "Pakistan: provincial capitals" in text
    assert "انگریزی اور اردو میں نام" in text


@pytest.mark.realdata
@needs_pdftotext
def test_english_extraction_is_the_same_with_or_without_urdu(shared_data, tmp_path):
    english = tmp_path / "english"
    bilingual = tmp_path / "bilingual"
    english.mkdir(), bilingual.mkdir()
    assert main(["render", str(bilingual_project(english, shared_data, "{name}")), "-o", str(english / "m.pdf")]) == 0
    assert main(["render", str(bilingual_project(bilingual, shared_data)), "-o", str(bilingual / "m.pdf")]) == 0
    latin_words = lambda text: sorted(re.findall(r"[A-Za-z][A-Za-z&-]*", text))  # noqa: E731
    assert latin_words(extracted(english / "m.pdf")) == latin_words(extracted(bilingual / "m.pdf"))


@pytest.mark.realdata
@needs_pdftotext
def test_urdu_categories_in_the_legend_are_extractable(shared_data, tmp_path):
    project = bilingual_project(tmp_path, shared_data)
    text = project.read_text(encoding="utf-8")
    project.write_text(
        text.replace(
            "[layers.labels]", '[layers.style]\nkind = "categorized"\nfield = "name_local"\n\n[layers.labels]'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "map.pdf"
    assert main(["render", str(project), "-o", str(out)]) == 0
    text = extracted(out)
    for row in capitals(shared_data):  # once as a label, once in the legend
        assert text.count(unicodedata.normalize("NFC", row["name_local"])) == 2


# --- SVG ------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_svg_has_the_urdu_text_in_naskh(shared_data, tmp_path):
    out = tmp_path / "map.svg"
    assert main(["render", str(bilingual_project(tmp_path, shared_data)), "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    for row in capitals(shared_data):
        assert re.search(r"<text[^>]*'Noto Naskh Arabic'[^>]*\s*>" + re.escape(row["name_local"].split()[0]), svg)


# --- web map --------------------------------------------------------------------------------------


def test_runs_of_arabic_script_are_marked_with_language_and_direction():
    assert language("لاہور") == "ur" and language("پېښور") == "ps"
    assert marked_html("Lahore / لاہور <b>") == 'Lahore / <span lang="ur" dir="rtl">لاہور</span> &lt;b&gt;'
    assert marked_html("<img src=x>لاہور") == '&lt;img src=x&gt;<span lang="ur" dir="rtl">لاہور</span>'


@pytest.mark.realdata
def test_web_map_marks_urdu_and_inlines_a_small_naskh_subset(shared_data, tmp_path):
    out = tmp_path / "map.html"
    assert main(["render", str(bilingual_project(tmp_path, shared_data)), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert '\\u003cspan lang=\\"ur\\" dir=\\"rtl\\"\\u003eپاکستان: صوبائی دارالحکومت' in page  # the title
    font = re.search(r"@font-face\{font-family:'Noto Naskh Arabic';[^}]*base64,([A-Za-z0-9+/=]+)", page)
    assert font is not None and 10_000 < len(font.group(1)) < 250_000


@pytest.mark.realdata
@pytest.mark.browser
@pytest.mark.skipif(shutil.which("/usr/bin/chromium") is None, reason="Debian chromium is not installed")
def test_web_map_labels_show_urdu_lines_right_to_left_in_the_inlined_font(shared_data, tmp_path):
    from test_web_browser import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "map.html"
    assert main(["render", str(bilingual_project(tmp_path, shared_data)), "-o", str(out)]) == 0
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("http*://**", lambda route: route.abort())
            page.goto(out.as_uri())
            page.wait_for_selector(".pm-label [lang][dir=rtl]", state="attached")
            page.wait_for_function("document.fonts.status === 'loaded'")
            page.wait_for_timeout(300)
            fonts = page.evaluate("() => [...document.fonts].map(f => f.family + ':' + f.status)")
            shown = page.evaluate(
                """() => [...document.querySelectorAll('.pm-label')].filter(e => e.style.display !== 'none')
                .map(e => [...e.children].map(l => [l.textContent, l.lang, l.dir, l.getBoundingClientRect().height]))"""
            )
        finally:
            browser.close()
    assert "Noto Naskh Arabic:loaded" in fonts
    locals_ = {row["name_local"]: row["name"] for row in capitals(shared_data)}
    assert len(shown) >= 4
    for (english, _, _, latin_h), (urdu, lang, direction, urdu_h) in shown:
        assert locals_[urdu] == english
        assert lang in ("ur", "ps") and direction == "rtl"
        assert urdu_h >= latin_h


@needs_pdftotext
@pytest.mark.realdata
def test_pakmap_map_label_makes_a_bilingual_map_from_the_command_line(shared_data, tmp_path, capsys):
    centres, out = shared_data / "pak_admin_centres.csv", tmp_path / "capitals.pdf"
    args = ["map", str(centres), "--places", "pak_admin_centres", "-o", str(out)]
    assert main([*args, "--label", "{name}\\n{name_local}"]) == 0
    text = extracted(out)
    for row in capitals(shared_data):
        assert row["name"] in text and unicodedata.normalize("NFC", row["name_local"]) in text
    capsys.readouterr()
    assert main([*args, "--label", "{name}\\n{name_locale}"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--label names field 'name_locale'" in err and "name_local" in err and len(err.splitlines()) == 1
