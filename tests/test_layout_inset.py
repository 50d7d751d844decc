"""The automatic inset for a dense cluster (Karachi's districts on a national map), and the legend
growing into the room its box leaves: on the real districts."""

from __future__ import annotations

import dataclasses
import subprocess

import numpy as np
import pytest
from test_layout_helpers import real_project

from pakmap.export.pdf import write_pdf
from pakmap.export.png import page_image
from pakmap.layout.box import overlaps
from pakmap.layout.compose import compose_page
from pakmap.layout.inset import _placed
from pakmap.layout.legend import LegendGroup, LegendRow, Swatch, layout_legend
from pakmap.layout.template import load_template
from pakmap.render.qt import ensure_gui_app
from pakmap.style import LabelStyle

pytestmark = pytest.mark.realdata

KARACHI = {"Karachi Central", "Karachi South", "Karachi West", "Karachi East", "Korangi", "Keamari", "Malir"}


def _labelled(admin_gpkg, template="a4_landscape", **layout):
    loaded = real_project(admin_gpkg, template=template, **layout)
    loaded.layer("districts").labels = LabelStyle(field="name")
    return loaded


@pytest.mark.parametrize("template", ["a4_landscape", "a4_portrait"])
def test_a_national_choropleth_gets_a_karachi_inset_with_its_districts_named(admin_gpkg, template, tmp_path):
    ensure_gui_app()
    loaded = _labelled(admin_gpkg, template)
    page = compose_page(loaded)
    inset = page.inset
    assert inset is not None
    assert set(inset.features) <= KARACHI and len(inset.features) >= 5  # the names the main map drops
    clashes = [pair for pair in overlaps(page.frames) if set(pair) != {"map", "inset"}]
    assert clashes == []
    collector, placed = _placed(loaded, inset.box, inset.extent)
    named = {c.text for c in collector.candidates if id(c) in placed}
    assert set(inset.features) <= named  # at the inset's scale every one of them fits

    pdf = write_pdf([page], tmp_path / "map.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(name in text for name in inset.features)  # named on the page only by the inset


def test_the_inset_sits_where_the_map_draws_nothing(admin_gpkg):
    ensure_gui_app()
    loaded = _labelled(admin_gpkg)
    inset = compose_page(loaded).inset
    assert inset is not None
    loaded.project.layout.inset = False
    plain = compose_page(loaded)
    assert plain.inset is None
    image, _ = page_image(plain, 60)
    x, y, w, h = (round(v) for v in inset.box.to_px(60))
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    under = rows[y + 2 : y + h - 2, x + 2 : x + w - 2, :3]  # inside the frame's outline
    assert (under >= 250).all()  # white: no feature and no label is covered by the inset


def test_no_inset_without_labels_or_when_switched_off(admin_gpkg):
    assert compose_page(real_project(admin_gpkg)).inset is None  # nothing dropped: nothing to show
    assert compose_page(_labelled(admin_gpkg, inset=False)).inset is None


def _device(dpi):
    from PySide6.QtGui import QImage

    image = QImage(10, 10, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


def test_a_short_legend_grows_into_its_box_and_a_long_one_does_not(admin_gpkg):
    from PySide6.QtCore import QRectF

    ensure_gui_app()
    template = load_template("a4_landscape")
    spec = template.elements["legend"]
    assert spec.max_size == 9.5
    swatch = Swatch("fill", "#0072BC", "#FFFFFF", 0.1)
    rect = QRectF(*spec.box.to_px(300))
    short = [LegendGroup("Population 2023", tuple(LegendRow(f"{i},001 – {i + 1},000", swatch) for i in range(6)))]
    grown = layout_legend(short, spec, template.font, rect, _device(300), 300)
    assert grown.fits and grown.columns == 1 and spec.size < grown.size <= 9.5
    assert (
        layout_legend(short, dataclasses.replace(spec, max_size=None), template.font, rect, _device(300), 300).size
        == 7.5
    )
    long = [LegendGroup("Category", tuple(LegendRow(f"Category {i}", swatch) for i in range(30)))]
    crowded = layout_legend(long, spec, template.font, rect, _device(300), 300)
    assert crowded.size <= spec.size  # a full legend never grows, it shrinks or flows into columns
