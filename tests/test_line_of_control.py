"""The Line of Control is dotted, as the page's Jammu and Kashmir note says: the layer catalog's style,
taken by ``pakmap map``, drawn as round dots in PNG, PDF and SVG and dashed into dots on the web map."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from scipy import ndimage

from pakmap.catalog import load_catalog
from pakmap.cli import main
from pakmap.layout.template import load_template

pytestmark = pytest.mark.realdata

DPI = 150
WIDTH_MM = 0.4  # the catalog's line width


def _loc_map(admin_gpkg, out):
    assert main(["map", str(admin_gpkg), "--layer-name", "line_of_control", "-o", str(out), "--dpi", str(DPI)]) == 0


def _map_frame(pixels: np.ndarray) -> np.ndarray:
    """The inside of the A4 landscape template's map frame of a page rendered at ``DPI``."""
    box = load_template("a4_landscape").elements["map"].box
    x, y, w, h = box.x, box.y, box.width, box.height
    k = DPI / 25.4
    return pixels[round((y + 1) * k) : round((y + h - 1) * k), round((x + 1) * k) : round((x + w - 1) * k)]


def _assert_dotted(rgb: np.ndarray) -> None:
    """Many separate marks, each about one line width across: dots, not one solid line nor dashes."""
    ink = rgb[..., :3].astype(int).sum(axis=2) < 3 * 160
    marks, count = ndimage.label(ink, structure=np.ones((3, 3)))
    assert count > 300, f"{count} marks: the line is not dotted"
    sizes = [max(s[0].stop - s[0].start, s[1].stop - s[1].start) for s in ndimage.find_objects(marks)]
    width_px = WIDTH_MM / 25.4 * DPI
    assert np.median(sizes) <= 1.3 * width_px + 0.5, "the marks are dashes, not dots"


def test_catalog_knows_the_line_of_control_and_draws_it_dotted():
    entry = load_catalog().for_file("/somewhere/pakistan_admin.gpkg", layer="line_of_control")
    assert entry.id == "line_of_control" and entry.kind == "lines"
    assert entry.style.symbol.line_style == "dot"


def test_map_of_the_line_of_control_is_dotted_in_png(admin_gpkg, tmp_path):
    from PIL import Image

    _loc_map(admin_gpkg, tmp_path / "loc.png")
    _assert_dotted(_map_frame(np.asarray(Image.open(tmp_path / "loc.png").convert("RGB"))))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_map_of_the_line_of_control_is_dotted_in_pdf(admin_gpkg, tmp_path):
    from PIL import Image

    _loc_map(admin_gpkg, tmp_path / "loc.pdf")
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", str(tmp_path / "loc.pdf"), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    (page,) = tmp_path.glob("page*.png")
    _assert_dotted(_map_frame(np.asarray(Image.open(page).convert("RGB"))))


def test_map_of_the_line_of_control_is_dotted_in_svg(admin_gpkg, tmp_path):
    _loc_map(admin_gpkg, tmp_path / "loc.svg")
    text = (tmp_path / "loc.svg").read_text(encoding="utf-8")
    strokes = re.findall(
        r'stroke-dasharray="([\d.]+),([\d.]+)"[^>]*stroke-width="([\d.]+)" stroke-linecap="(\w+)"', text
    )
    assert strokes, "no dashed stroke in the SVG"
    for on, off, width, cap in strokes:  # the map's line and the legend's swatch
        assert float(on) < 0.05 * float(width) and float(off) >= 1.5 * float(width) and cap == "round"


def test_web_map_of_the_line_of_control_is_dotted(admin_gpkg, tmp_path):
    _loc_map(admin_gpkg, tmp_path / "loc.html")
    text = (tmp_path / "loc.html").read_text(encoding="utf-8")
    (style,) = set(
        re.findall(
            r'\{"color":"#333333","weight":([\d.]+),"lineCap":"round",[^}]*"dashArray":"([\d.]+) ([\d.]+)"', text
        )
    )
    weight, on, off = map(float, style)
    assert on < 0.05 * weight and off == pytest.approx(2 * weight, rel=0.01)
    # on a white band under it, as in print, drawn by the page under each line (its casing)
    (casing,) = set(re.findall(r'"casing":\{"color":"(#[0-9A-F]+)","weight":([\d.]+)', text))
    assert casing[0] == "#FFFFFF" and float(casing[1]) > weight
    assert "band.bringToBack()" in text


def test_a_border_along_the_line_of_control_does_not_join_its_dots():
    """The edge of Azad Jammu and Kashmir runs along the Line of Control: drawn solid under the dots it
    would turn them into a solid line. The dotted line's casing (its stroke colour) hides it."""
    import geopandas as gpd
    import shapely
    from pyproj import CRS

    from pakmap.layer import VectorLayer
    from pakmap.render import MapView
    from pakmap.render.offscreen import render_image
    from pakmap.style import SingleSymbolStyle, Symbol

    crs = CRS.from_epsg(3857)
    province = VectorLayer(
        "province",
        gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 100, 100)], crs=crs),
        style=SingleSymbolStyle(Symbol(fill="none", stroke="#18375F", stroke_width=0.5)),
    )
    loc = VectorLayer(
        "line_of_control",
        gpd.GeoDataFrame(geometry=[shapely.LineString([(100, 0), (100, 100)])], crs=crs),
        style=load_catalog().get("line_of_control").style,
    )
    image, _ = render_image(MapView((province, loc), (50, -10, 150, 110), crs, 400, 480, dpi=DPI))
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(480, 400, 4)
    column = pixels[60:420, 200, :3].astype(int).sum(axis=1)  # along the line, away from the corners
    ink = column < 3 * 160
    assert 0.2 < ink.mean() < 0.7  # dots and gaps, not a solid line
    assert (np.diff(ink.astype(int)) == 1).sum() > 20  # many separate dots
