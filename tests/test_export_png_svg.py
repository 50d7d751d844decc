"""PNG (150/300/600 dpi, world files) and SVG exports of the real districts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QImage
from test_layout_helpers import TITLE, real_project

from pakmap.export import export_print
from pakmap.export.png import write_map_png
from pakmap.export.worldfile import world_file_lines

pytestmark = pytest.mark.realdata


def _read_world(path):
    return [float(v) for v in path.read_text().split()]


def test_png_page_at_150_dpi_has_the_page_size_and_records_its_dpi(tmp_path, admin_gpkg):
    out = tmp_path / "map.png"
    assert export_print(real_project(admin_gpkg), out, dpi=150) == [out]
    image = QImage(str(out))
    assert (image.width(), image.height()) == (round(297 / 25.4 * 150), round(210 / 25.4 * 150))
    assert image.dotsPerMeterX() == round(150 / 0.0254)
    # The title is drawn in UNHCR blue in the top-left corner.
    pixels = [image.pixelColor(x, y).name().upper() for x in range(40, 600, 3) for y in range(45, 110, 3)]
    assert "#0072BC" in pixels


@pytest.mark.parametrize("dpi", [300, 600])
def test_png_dpi_choices_scale_the_pixels(tmp_path, admin_gpkg, dpi):
    # A small page keeps the 600 dpi image (and the test) light; the pixel arithmetic is the same.
    template = tmp_path / "small.toml"
    template.write_text(
        "[page]\nwidth = 100\nheight = 70\nmargin = 5\n[elements.title]\nbox = [5, 5, 90, 8]\n"
        "[elements.map]\nbox = [5, 15, 90, 50]\n",
        encoding="utf-8",
    )
    out = tmp_path / f"map{dpi}.png"
    export_print(real_project(admin_gpkg, template=str(template)), out, dpi=dpi)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (round(100 / 25.4 * dpi), round(70 / 25.4 * dpi))
    assert image.dotsPerMeterX() == round(dpi / 0.0254)


def test_page_world_file_georeferences_the_map_frame(tmp_path, admin_gpkg):
    from pakmap.layout.compose import compose_page

    loaded = real_project(admin_gpkg)
    out = tmp_path / "map.png"
    written = export_print(loaded, out, dpi=150, world_file=True)
    assert written == [out, tmp_path / "map.pgw"]
    a, d, b, e, c, f = _read_world(tmp_path / "map.pgw")
    page = compose_page(loaded)
    frame = page.boxes["map"]
    x0, y0, x1, y1 = page.map_extent
    assert d == b == 0 and e == pytest.approx(-a, rel=1e-3)
    assert a == pytest.approx((x1 - x0) / (frame.width / 25.4 * 150), rel=2e-3)
    # The frame's top-left corner (pixel edge) maps to the extent's top-left corner.
    px = 150 / 25.4
    assert c - a / 2 + frame.x * px * a == pytest.approx(x0, abs=2 * a)
    assert f - e / 2 + frame.y * px * e == pytest.approx(y1, abs=2 * a)


def test_plain_map_png_world_file_is_exact(tmp_path, admin_gpkg):
    loaded = real_project(admin_gpkg)
    out = tmp_path / "plain.png"
    written = write_map_png(loaded, out, width=800, height=600, world_file=True)
    view = loaded.map_view(800, 600)
    a, d, b, e, c, f = _read_world(written[1])
    xmin, ymin, xmax, ymax = view.extent
    assert a == pytest.approx((xmax - xmin) / 800, rel=1e-12) and e == pytest.approx(-(ymax - ymin) / 600, rel=1e-12)
    assert c == pytest.approx(xmin + a / 2, rel=1e-12) and f == pytest.approx(ymax + e / 2, rel=1e-12)
    # Islamabad (73.05 E, 33.7 N) is inside a dark (populous) or any drawn district: not white paper.
    image = QImage(str(out))
    col, row = int((73.05 - c) / a + 0.5), int((33.70 - f) / e + 0.5)
    assert image.pixelColor(col, row).name().upper() != "#FFFFFF"
    assert world_file_lines(view) == [a, d, b, e, c, f] or np.allclose(world_file_lines(view), [a, d, b, e, c, f])


def test_svg_is_vector_xml_with_the_title_text(tmp_path, admin_gpkg):
    out = tmp_path / "map.svg"
    assert export_print(real_project(admin_gpkg), out) == [out]
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    text = out.read_text(encoding="utf-8")
    assert TITLE in text and "Lato" in text and "<path" in text
    assert "Population 2023" in text
    assert "font-family=\"Lato, 'Noto Naskh Arabic', 'Helvetica Neue', Arial, sans-serif\"" in text


def test_export_print_without_furniture_writes_the_map_alone(tmp_path, admin_gpkg):
    from pakmap.errors import ExportError

    loaded = real_project(admin_gpkg)
    out = tmp_path / "plain.png"
    written = export_print(loaded, out, dpi=150, world_file=True, furniture=False)
    assert written == [out, tmp_path / "plain.pgw"]
    image = QImage(str(out))
    assert (image.width(), image.height()) == (round(297 / 25.4 * 150), round(210 / 25.4 * 150))
    view = loaded.map_view(image.width(), image.height(), 150)
    assert _read_world(written[1])[4] == pytest.approx(
        view.extent[0] + (view.extent[2] - view.extent[0]) / image.width() / 2
    )
    with pytest.raises(ExportError, match="written as PNG"):
        export_print(loaded, tmp_path / "plain.pdf", furniture=False)
