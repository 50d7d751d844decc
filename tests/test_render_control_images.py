"""Render tests: pages and symbology drawn the same as in the control images, within a tolerance.

A small set, each at a low resolution (see ``render_check.py`` for the comparison, the diff images
and how to rewrite the controls): a full A4 landscape page of the demo, a graduated choropleth,
categorized points, labels with halos, a dotted line over a solid border. Everything is drawn from
the demo's generated data (``pakmap.jobs.demo_data``, seeded) in the bundled Lato: no shared data, no
system font, the same pixels on every run; SOURCE_DATE_EPOCH (conftest.py) fixes the printed dates.

On this machine the renders are pixel-identical to the controls run after run. The tolerances leave
room for a changed antialiasing rounding in Qt or FreeType, not for a changed map: the smallest
real changes tried mismatch far more pixels than allowed (one of the 54 villages left out: 117;
the page's dates a day later: 23; a halo 0.4 mm instead of 0.6: 1,349; dashes for dots: 2,064; the
neighbouring blue palette: 16,162), and ``test_a_palette_change_fails_the_check`` keeps it so.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS
from PySide6.QtGui import QImage
from render_check import UPDATE_VARIABLE, check_render, compare, rgba

from pakmap.export import export_print
from pakmap.jobs.demo import build_demo
from pakmap.jobs.demo_data import illustrative_boundaries, refugee_villages
from pakmap.layer import VectorLayer
from pakmap.project.loader import load_layers
from pakmap.render import MapView
from pakmap.render.offscreen import render_image
from pakmap.style import CategorizedStyle, GraduatedStyle, LabelStyle, SingleSymbolStyle, Symbol

WGS84 = CRS.from_epsg(4326)
# Per channel, out of 255: antialiased edges may move by a rounding step; a class colour may not.
TOLERANCE = 8
CHOROPLETH_MISMATCH = 50  # pixels


@pytest.fixture(scope="module")
def boundaries():
    return illustrative_boundaries()  # (provinces, districts)


def _render(layers, extent, width=360, height=300, dpi=96) -> QImage:
    image, _ = render_image(MapView(tuple(layers), extent, WGS84, width, height, dpi=dpi))
    return image


def _choropleth(districts, palette="unhcr_blue") -> VectorLayer:
    frame = districts.copy()
    values = np.random.default_rng(7).lognormal(9.3, 1.1, len(frame)).round()
    values[::9] = np.nan  # a no-data class
    frame["Refugees"] = values
    style = GraduatedStyle(field="Refugees", method="natural_breaks", classes=5, palette=palette)
    return VectorLayer("districts", frame, style=style)


def _outline(provinces) -> VectorLayer:
    style = SingleSymbolStyle(Symbol(fill="none", stroke="#18375F", stroke_width=0.4))
    return VectorLayer("provinces", provinces, style=style)


PAKISTAN = (60.8, 23.6, 77.9, 37.1)


def test_page_layout_a4_landscape_of_the_demo(tmp_path):
    # Every piece of furniture: title, subtitle, legend, scale bar, north arrow, locator, dates, map
    # ID, sources, contact, logo, disclaimer, the Kashmir note and the illustrative-data banner.
    project = build_demo(tmp_path / "demo")
    out = tmp_path / "page.png"
    export_print(load_layers(project), out, dpi=50)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (585, 413)
    result = check_render("page_a4_landscape_demo", image, colour_tolerance=TOLERANCE, max_mismatch=15)
    assert result.pixels == 585 * 413


def test_graduated_choropleth(boundaries):
    provinces, districts = boundaries
    image = _render([_choropleth(districts), _outline(provinces)], PAKISTAN)
    check_render("graduated_choropleth", image, colour_tolerance=TOLERANCE, max_mismatch=CHOROPLETH_MISMATCH)


def test_categorized_points(boundaries):
    provinces, districts = boundaries
    villages = refugee_villages(districts, "ADM1_EN")
    villages["size"] = np.where(villages["population"] > 15_000, "large", "small")
    style = CategorizedStyle(
        field="size", palette="unhcr_categorical", symbol=Symbol(marker="settlement", size=3.0, stroke="#FFFFFF")
    )
    ground = VectorLayer("provinces", provinces, style=SingleSymbolStyle(Symbol(fill="#E6E6E6", stroke="#FFFFFF")))
    image = _render([ground, VectorLayer("villages", villages, style=style)], (68.5, 30.0, 74.5, 36.0))
    check_render("categorized_points", image, colour_tolerance=TOLERANCE, max_mismatch=40)


def test_labels_with_halos(boundaries):
    provinces, districts = boundaries
    labels = LabelStyle(field="ADM1_EN", size=9, bold=True, color="#18375F", halo_color="#FFFFFF", halo_width=0.6)
    layer = VectorLayer("provinces", provinces, style=SingleSymbolStyle(Symbol(fill="#0072BC")), labels=labels)
    check_render("labels_with_halos", _render([layer], PAKISTAN), colour_tolerance=TOLERANCE, max_mismatch=50)


def test_dotted_line_over_a_solid_border():
    # The Line of Control's style: dots on a casing band in the symbol's stroke colour, drawn over
    # a solid boundary along the same course, which the casing keeps apart from the dots.
    course = shapely.LineString([(0, 0), (3, 2), (5, 1.5), (8, 4), (10, 3.5)])
    area = gpd.GeoDataFrame(
        geometry=[shapely.Polygon([(0, 0), (3, 2), (5, 1.5), (8, 4), (10, 3.5), (10, 0)])], crs=4326
    )
    border = VectorLayer(
        "area", area, style=SingleSymbolStyle(Symbol(fill="#E6E6E6", stroke="#666666", stroke_width=0.5))
    )
    line = gpd.GeoDataFrame(geometry=[course], crs=4326)
    dotted = Symbol(fill="#18375F", stroke="#FFFFFF", stroke_width=0.5, line_style="dot")
    layers = [border, VectorLayer("line", line, style=SingleSymbolStyle(dotted))]
    image = _render(layers, (-0.5, -0.5, 10.5, 4.5), 360, 170, dpi=200)  # dots of 4 px
    check_render("dotted_line", image, colour_tolerance=TOLERANCE, max_mismatch=50)


def test_a_palette_change_fails_the_check(boundaries, tmp_path, monkeypatch):
    # The choropleth in the neighbouring blue palette (its two lightest classes within 10 levels of
    # unhcr_blue's) is a real change: the check fails and the diff image shows where.
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.delenv(UPDATE_VARIABLE, raising=False)  # a check, never a new control image
    provinces, districts = boundaries
    changed = _render([_choropleth(districts, palette="unhcr_blue_tints"), _outline(provinces)], PAKISTAN)
    with pytest.raises(pytest.fail.Exception, match="pixels differ from the control"):
        check_render("graduated_choropleth", changed, colour_tolerance=TOLERANCE, max_mismatch=CHOROPLETH_MISMATCH)
    diff = rgba(QImage(str(tmp_path / "pakmap-render-checks" / "graduated_choropleth-diff.png")))
    assert (diff[:, :, :3] == (255, 0, 0)).all(axis=2).sum() > 5_000


def test_the_comparison_counts_pixels_beyond_the_tolerance():
    control = np.zeros((2, 3, 4), np.uint8)
    rendered = control.copy()
    rendered[0, 0, 1] = 10  # within
    rendered[1, 2, 3] = 11  # beyond
    result = compare(rendered, control, colour_tolerance=10)
    assert (result.pixels, result.mismatched, result.largest_difference) == (6, 1, 11)
    assert compare(rendered[:1], control, 10).mismatched == 6
    assert dataclasses.is_dataclass(result)
