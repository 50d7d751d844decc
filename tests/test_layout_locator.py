"""The locator map for any boundary set, not only the shipped layer names: a COD-AB set (provinces in
``ADM1_EN``, P-codes) gets its inset from its own admin-1 layer or its districts dissolved by province,
and a map of one province (the real Sindh COD-AB districts alone) from the built-in outline of Pakistan."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from pakmap.layer import VectorLayer
from pakmap.layout.compose import compose_page
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayoutSpec, Project
from pakmap.style import SingleSymbolStyle, Symbol

pytestmark = pytest.mark.realdata


def _project(*layers: VectorLayer) -> LoadedProject:
    return LoadedProject(Project(layout=LayoutSpec(title="COD-AB")), list(layers))


def _cod_districts(admin_gpkg) -> gpd.GeoDataFrame:
    """The national districts in COD-AB field names (no national COD-AB set is available here)."""
    districts = gpd.read_file(admin_gpkg, layer="districts")
    return districts.rename(columns={"name": "ADM2_EN", "province": "ADM1_EN"})[["ADM2_EN", "ADM1_EN", "geometry"]]


def test_sindh_cod_ab_districts_alone_get_the_built_in_outline_of_pakistan(shared_data):
    sindh = gpd.read_file(shared_data / "sindh_cod_adm2_pcodes.geojson")
    page = compose_page(_project(VectorLayer("sindh_cod_adm2_pcodes", sindh)))
    assert "locator" in page.boxes
    assert len(page.locator) == 7 and "Sindh" in set(page.locator["name"])
    # the inset places the map: Sindh lies inside the outline it shows (COD-AB counts more of the delta as land)
    sindh_area = sindh.union_all()
    assert page.locator.union_all().intersection(sindh_area).area > 0.9 * sindh_area.area


def test_cod_ab_districts_are_dissolved_by_adm1_en(admin_gpkg):
    districts = _cod_districts(admin_gpkg)
    page = compose_page(_project(VectorLayer("pak_adm2", districts)))
    assert sorted(page.locator["ADM1_EN"]) == sorted(districts["ADM1_EN"].unique())


def test_the_maps_own_cod_ab_admin1_layer_is_used_as_it_is(admin_gpkg):
    districts = _cod_districts(admin_gpkg)
    provinces = gpd.read_file(admin_gpkg, layer="provinces").rename(columns={"name": "ADM1_EN"})
    outline = SingleSymbolStyle(Symbol(fill="none"))
    page = compose_page(_project(VectorLayer("pak_adm2", districts), VectorLayer("pak_adm1", provinces, style=outline)))
    assert page.locator is provinces


def test_no_locator_far_from_pakistan_without_provinces():
    """A map elsewhere with no admin-1 field has nothing to locate it by: no inset, not Pakistan's."""
    squares = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=[shapely.box(10, 10, 11, 11), shapely.box(11, 10, 12, 11)], crs="EPSG:4326"
    )
    assert "locator" not in compose_page(_project(VectorLayer("squares", squares))).boxes


def test_the_inset_shows_pakistans_neighbours_by_name(tmp_path, shared_data):
    import subprocess

    from pakmap.cli import main

    out = tmp_path / "sindh.pdf"
    assert main(["map", str(shared_data / "sindh_cod_adm2_pcodes.geojson"), "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for country in ("AFGHANISTAN", "IRAN", "INDIA"):
        assert country in text


def test_neighbours_only_where_the_inset_reaches_them():
    from pakmap.layout.locator import neighbours_layer

    around_pakistan = neighbours_layer((55.0, 20.0, 85.0, 40.0), "EPSG:4326", 0.01)
    assert {"Afghanistan", "Iran", "India", "China"} <= set(around_pakistan.data["name"])
    assert neighbours_layer((10.0, 10.0, 12.0, 12.0), "EPSG:4326", 0.01) is None  # far away: none


def test_the_extent_box_outlines_where_the_map_has_data():
    from pakmap.layout.locator import extent_box

    # A page frame wider than the country shows sea and neighbours on both sides: the box keeps
    # to the country's extent, never larger than what the map is about.
    assert extent_box((60.0, 23.0, 78.0, 37.5), (60.9, 23.7, 77.8, 37.1)) == (60.9, 23.7, 77.8, 37.1)
    # Zoomed in on a district: the box is the map's extent.
    assert extent_box((67.0, 24.8, 67.2, 25.0), (60.9, 23.7, 77.8, 37.1)) == (67.0, 24.8, 67.2, 25.0)
    assert extent_box((1.0, 1.0, 2.0, 2.0), None) == (1.0, 1.0, 2.0, 2.0)


def test_districts_are_dissolved_once_for_every_copy_of_the_layer(shared_data, monkeypatch):
    """Each export draws the inset from its own protected copy of the layer: the provinces are the
    same shapes, dissolved once; a layer with other shapes gets its own."""
    from pakmap.layout import locator

    districts = gpd.read_file(shared_data / "pak_districts.geojson")
    unions = []
    real_union = locator._union
    monkeypatch.setattr(locator, "_union", lambda parts: unions.append(len(parts)) or real_union(parts))
    monkeypatch.setattr(locator, "_DISSOLVED", type(locator._DISSOLVED)())
    first = locator._dissolved(VectorLayer("districts", districts))
    again = locator._dissolved(VectorLayer("districts", districts.copy()))
    assert len(unions) == districts["province"].nunique() == len(first)
    assert list(again["province"]) == list(first["province"])
    assert all(a is b for a, b in zip(again.geometry, first.geometry))
    # every district of a province lies in its dissolved shape (the snapping moves borders < 0.1 mm)
    for name, shape in zip(first["province"], first.geometry):
        inside = districts[districts["province"] == name].geometry.representative_point()
        assert shape.buffer(0.05).contains(inside).all()
    locator._dissolved(VectorLayer("districts", districts.iloc[1:]))
    assert len(unions) > len(first)


def test_the_inset_drops_slivers_a_dissolve_leaves_but_keeps_real_holes():
    from pakmap.layout.box import Box
    from pakmap.layout.locator import locator_layer
    from pakmap.layout.template import ElementSpec

    outer = [(0, 0), (100, 0), (100, 100), (0, 100)]
    sliver = [(10, 10), (10.5, 10), (10.5, 10.5)]  # a gap between two districts
    enclave = [(40, 40), (60, 40), (60, 60), (40, 60)]  # another province inside this one
    province = gpd.GeoDataFrame({"p": ["a"]}, geometry=[shapely.Polygon(outer, [sliver, enclave])], crs="EPSG:32642")
    shown = locator_layer(province, ElementSpec("locator", Box(0, 0, 40, 30)), 1.0, "EPSG:32642").data.geometry.iloc[0]
    assert len(shown.interiors) == 1 and shapely.Polygon(shown.interiors[0]).area == 400
