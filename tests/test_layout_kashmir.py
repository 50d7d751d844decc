"""The Jammu and Kashmir note: every template's J&K box is where the real Line of Control is, so a
national map prints the note whether or not it draws the Line of Control."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from test_layout_helpers import real_project

from pakmap.layout.compose import compose_page
from pakmap.layout.template import load_template

pytestmark = pytest.mark.realdata

TEMPLATES = ["a4_landscape", "a4_portrait", "a3_landscape", "a3_portrait"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_templates_kashmir_box_holds_the_real_line_of_control(admin_gpkg, template):
    line = gpd.read_file(admin_gpkg, layer="line_of_control").to_crs("EPSG:4326")
    box = shapely.box(*load_template(template).kashmir_bbox)
    assert box.contains(line.union_all())
    # and is no bigger than the region: a box over all of Pakistan would print the note on a map of Sindh
    provinces = gpd.read_file(admin_gpkg, layer="provinces").to_crs("EPSG:4326")
    sindh = provinces.loc[provinces["name"] == "Sindh"].union_all()
    assert not box.intersects(sindh)


@pytest.mark.parametrize("template", TEMPLATES)
def test_national_map_prints_the_note_without_a_line_of_control_layer(admin_gpkg, template):
    page = compose_page(real_project(admin_gpkg, template=template, loc=False))
    assert "kashmir_note" in page.boxes
    assert page.texts["kashmir_note"].startswith("Dotted line represents approximately the Line of Control")


def test_line_of_control_layer_found_by_its_title_too(admin_gpkg):
    """The demo names the layer "Line of Control": it still marks Jammu and Kashmir as in view."""
    import dataclasses

    loaded = real_project(admin_gpkg)
    loaded.layer("line_of_control").name = "Line of Control"
    template = dataclasses.replace(load_template("a4_landscape"), kashmir_bbox=(0.0, 0.0, 1.0, 1.0))
    assert "kashmir_note" in compose_page(loaded, template).boxes
