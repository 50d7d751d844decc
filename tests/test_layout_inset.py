"""The automatic inset for a dense cluster (Karachi's districts on a national map), and the legend
growing into the room its box leaves: on the real districts."""

from __future__ import annotations

import dataclasses
import re
import subprocess

import numpy as np
import pytest
from PySide6.QtGui import QImage
from test_layout_helpers import real_project

from pakmap.export.pdf import write_pdf
from pakmap.export.png import page_image
from pakmap.layout.box import overlaps
from pakmap.layout.compose import compose_page
from pakmap.layout.inset import _placed
from pakmap.layout.legend import LegendGroup, LegendRow, Swatch, layout_legend
from pakmap.layout.template import load_template
from pakmap.render.qt import ensure_gui_app
from pakmap.render.transform import DeviceTransform
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
    inset = next(i for i in page.insets if set(i.features) & KARACHI)
    assert set(inset.features) <= KARACHI and len(inset.features) >= 5  # the names the main map drops
    assert _clashes(page) == []
    collector, placed = _placed(loaded, inset.box, inset.extent)
    named = {c.text for c in collector.candidates if id(c) in placed}
    assert set(inset.features) <= named  # at the inset's scale every one of them fits

    pdf = write_pdf([page], tmp_path / "map.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(name in text for name in inset.features)  # named on the page only by the inset


def _clashes(page) -> list[tuple[str, str]]:
    """Boxes on the page that overlap, but for an inset over the main map (where it draws nothing)."""
    return [pair for pair in overlaps(page.frames) if not (pair[0] == "map" and pair[1].startswith("inset"))]


def test_the_insets_sit_where_the_map_draws_nothing(admin_gpkg):
    ensure_gui_app()
    loaded = _labelled(admin_gpkg)
    insets = compose_page(loaded).insets
    assert len(insets) == 2
    loaded.project.layout.inset = False
    plain = compose_page(loaded)
    assert plain.insets == ()
    image = page_image(plain, 60)[0].convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    for inset in insets:
        x, y, w, h = (round(v) for v in inset.box.to_px(60))
        under = rows[y + 2 : y + h - 2, x + 2 : x + w - 2, :3]  # inside the frame's outline
        assert (under >= 250).all()  # white: no feature and no label is covered by the inset


def test_no_inset_without_labels_or_when_switched_off(admin_gpkg):
    assert compose_page(real_project(admin_gpkg)).insets == ()  # nothing dropped: nothing to show
    assert compose_page(_labelled(admin_gpkg, inset=False)).insets == ()
    assert compose_page(_labelled(admin_gpkg, inset=0)).insets == ()


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


SUKKUR = {"Sukkur", "New Sukkur", "Rohri", "Lakhi", "Kingri", "Pano Aqil", "Salehpat", "Garhi Yasin"}


def _sindh_tehsils(shared_data, template="a4_landscape", **layout):
    """Sindh's 125 tehsils (OCHA COD-AB), by area, labelled: Karachi's towns and Sukkur's tehsils crowd."""
    import geopandas as gpd

    from pakmap.layer import VectorLayer
    from pakmap.project.loaded import LoadedProject
    from pakmap.project.model import LayoutSpec, Project
    from pakmap.style import GraduatedStyle

    tehsils = VectorLayer(
        "tehsils",
        gpd.read_file(shared_data / "sindh_cod_adm3_pcodes.geojson"),
        style=GraduatedStyle(field="Area (km2)", classes=5),
        labels=LabelStyle(field="ADM3_EN"),
    )
    spec = LayoutSpec(template=template, title="Sindh: area by tehsil", sources="OCHA COD-AB", **layout)
    return LoadedProject(Project(layout=spec), [tehsils])


def _check_insets(loaded, page, first: set[str], second: set[str]) -> None:
    assert len(page.insets) == 2 and [i.letter for i in page.insets] == ["A", "B"]
    assert any(set(i.features) <= first for i in page.insets) and any(set(i.features) <= second for i in page.insets)
    assert _clashes(page) == []  # not over each other, the legend, the locator, the title…
    for inset in page.insets:
        assert len(inset.features) >= 3
        collector, placed = _placed(loaded, inset.box, inset.extent)
        assert set(inset.features) <= {c.text for c in collector.candidates if id(c) in placed}


def test_two_insets_on_sindh_tehsils_karachi_and_sukkur(shared_data, tmp_path):
    ensure_gui_app()
    loaded = _sindh_tehsils(shared_data)
    page = compose_page(loaded)
    karachi_towns = {name for name in loaded.layer("tehsils").data["ADM3_EN"] if name.endswith(" Town")}
    _check_insets(loaded, page, karachi_towns, SUKKUR)
    pdf = write_pdf([page], tmp_path / "sindh.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert all(name in text for inset in page.insets for name in inset.features)

    one = compose_page(_sindh_tehsils(shared_data, inset=1))
    assert len(one.insets) == 1 and set(one.insets[0].features) <= karachi_towns  # the densest of the two
    assert one.insets[0].letter == ""  # one inset: its colour and outline pair it, no letter needed


def test_two_insets_on_a_national_a4_map(admin_gpkg, tmp_path):
    """Nationally, Islamabad and Rawalpindi keep their labels at A4 and A3; after Karachi, the small
    districts of Hazara and Azad Kashmir lose theirs, and get the second inset."""
    ensure_gui_app()
    loaded = _labelled(admin_gpkg)
    north = {
        "Poonch", "Bagh", "Jhelum Valley", "Sudhnoti", "Haveli", "Kotli", "Muzaffarabad", "Mirpur", "Bhimber",
        "Shangla", "Batagram", "Lower Kohistan", "Upper Kohistan", "Kolai Pallas Kohistan", "Torghar", "Haripur",
        "Abbotabad", "Mansehra", "Buner", "Swabi", "Mardan", "Islamabad", "Rawalpindi",
    }  # fmt: skip
    page = compose_page(loaded)
    _check_insets(loaded, page, KARACHI, north)
    # What the insets name, the printed main map does not: each such word lies in an inset's frame.
    pdf = write_pdf([page], tmp_path / "national.pdf")
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    placed = [
        (word, float(x) * 25.4 / 72, float(y) * 25.4 / 72)
        for x, y, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', words)
    ]
    single = {name for inset in page.insets for name in inset.features if " " not in name}
    assert single
    for word, x, y in placed:
        if word in single:
            assert any(i.box.x <= x <= i.box.right and i.box.y <= y <= i.box.bottom for i in page.insets), word


def test_each_inset_and_its_outline_carry_the_same_letter(admin_gpkg):
    ensure_gui_app()
    page = compose_page(_labelled(admin_gpkg))
    plain = dataclasses.replace(page, insets=tuple(dataclasses.replace(i, letter="") for i in page.insets))
    dpi = 100
    lettered, view = page_image(page, dpi)
    unlettered, _ = page_image(plain, dpi)

    def pixels(image):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
        return rows[:, : image.width(), :3].astype(int)

    differ = np.abs(pixels(lettered) - pixels(unlettered)).max(axis=2) > 64
    assert differ.any()
    frame = page.elements["map"].box
    px = dpi / 25.4
    near = np.zeros_like(differ)
    for inset in page.insets:
        x, y, _, _ = inset.box.to_px(dpi)  # the frame's tag, inside its top-left corner
        tag = differ[round(y) : round(y + 5 * px), round(x) : round(x + 5 * px)]
        assert tag.sum() > 20
        near[round(y) : round(y + 5 * px), round(x) : round(x + 5 * px)] = True
        # The outline's tag, outside the outline at the corner chosen for it on the main map.
        fitted = _placed(page.loaded, inset.box, inset.extent)[0].view.extent
        (left, top), (right, bottom) = DeviceTransform.for_view(view).apply(
            np.array([[fitted[0], fitted[3]], [fitted[2], fitted[1]]])
        )
        ox = frame.to_px(dpi)[0] + (left if inset.tag_corner.endswith("left") else right + 5 * px)
        oy = frame.to_px(dpi)[1] + (bottom + 5 * px if inset.tag_corner.startswith("bottom") else top)
        area = (slice(round(oy - 5 * px), round(oy + 1)), slice(round(ox - 5 * px), round(ox + 1)))
        assert differ[area].sum() > 20
        near[area] = True
    assert not (differ & ~near).any()  # the letters change nothing else on the page


def test_the_number_of_insets_in_the_project_file(tmp_path):
    from pakmap.errors import ProjectError
    from pakmap.project.toml_format import load_project, save_project

    path = tmp_path / "p.toml"
    for value, expected in (("true", True), ("false", False), ("3", 3)):
        path.write_text(f"[pakmap]\nformat = 1\n\n[layout]\ninset = {value}\n", encoding="utf-8")
        project = load_project(path)
        assert project.layout.inset == expected
        save_project(project, tmp_path / "again.toml")
        assert load_project(tmp_path / "again.toml").layout.inset == expected
    for value in ('"many"', "9", "-1", "1.5"):
        path.write_text(f"[pakmap]\nformat = 1\n\n[layout]\ninset = {value}\n", encoding="utf-8")
        with pytest.raises(ProjectError, match="inset") as info:
            load_project(path)
        assert "\n" not in str(info.value) and "a number from 0 to 4" in str(info.value)
