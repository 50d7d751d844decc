"""Atlases: one page per feature, extent/title/locator following it; PDF or a folder of named PNGs."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_layout_helpers import real_project

from pakmap.errors import ExportError, ProjectError
from pakmap.export import export_print
from pakmap.export.atlas import atlas_file_names, atlas_pages, atlas_spec, sanitize_filename
from pakmap.project.loaded import transform_bounds
from pakmap.project.model import AtlasSpec

pytestmark = pytest.mark.realdata


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_atlas_pdf_has_one_page_per_feature_with_the_feature_titles(tmp_path, admin_gpkg):
    loaded = real_project(admin_gpkg)
    out = tmp_path / "atlas.pdf"
    assert export_print(loaded, out, atlas="provinces") == [out]
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           7" in info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    names = list(loaded.layer("provinces").data["name"])
    for name, page_text in zip(names, pages):
        assert page_text.lstrip().startswith(name.replace("&", "&")), (name, page_text[:80])


def test_atlas_pages_follow_the_feature(admin_gpkg):
    loaded = real_project(admin_gpkg)
    provinces = loaded.layer("provinces").data
    pages = dict(atlas_pages(loaded, AtlasSpec(layer="provinces", title="Province of {name}")))
    assert len(pages) == len(provinces)
    sindh = pages["Sindh"]
    assert sindh.texts["title"] == "Province of Sindh"
    assert sindh.extent == pytest.approx(
        transform_bounds(tuple(provinces.query("name == 'Sindh'").total_bounds), provinces.crs, loaded.crs)
    )
    assert "kashmir_note" not in sindh.boxes  # Sindh is far from Jammu and Kashmir
    assert "kashmir_note" in pages["Azad Jammu & Kashmir"].boxes
    # The locator shows a different extent on each page: the map extent is the feature's.
    assert pages["Punjab"].map_extent != sindh.map_extent
    # The page's feature is outlined over the map.
    (outline,) = sindh.overlay
    assert list(outline.data.index) == list(provinces.query("name == 'Sindh'").index)


def test_atlas_veil_when_the_template_asks_for_it(admin_gpkg):
    import dataclasses

    from pakmap.layout.template import load_template

    loaded = real_project(admin_gpkg)
    provinces = loaded.layer("provinces").data
    template = load_template("a4_landscape")
    veiled_map = dataclasses.replace(template.elements["map"], fill="#FFFFFF")
    template = dataclasses.replace(template, elements={**template.elements, "map": veiled_map})
    pages = dict(atlas_pages(loaded, AtlasSpec(layer="provinces"), template))
    veil, outline = pages["Sindh"].overlay
    assert veil.style.symbol.fill == "#FFFFFF" and outline.name == "atlas_outline"
    # Everything around Sindh is veiled, Sindh itself is not.
    sindh_shape = provinces.query("name == 'Sindh'").geometry.make_valid().union_all()
    assert veil.data.geometry.iloc[0].intersection(sindh_shape).area < 1e-9
    assert veil.data.geometry.iloc[0].contains(
        provinces.query("name == 'Punjab'").geometry.iloc[0].representative_point()
    )


def test_atlas_png_folder_named_from_the_field(tmp_path, admin_gpkg):
    loaded = real_project(admin_gpkg)
    loaded.layer("provinces").data = loaded.layer("provinces").data.head(3).copy()
    folder = tmp_path / "atlas"
    written = export_print(loaded, folder, atlas="provinces", dpi=150)
    assert [p.name for p in written] == ["Balochistan.png", "Sindh.png", "Khyber_Pakhtunkhwa.png"]
    assert all(p.parent == folder and p.stat().st_size > 10_000 for p in written)


def test_atlas_png_beside_a_named_file(tmp_path, admin_gpkg):
    loaded = real_project(admin_gpkg)
    loaded.layer("provinces").data = loaded.layer("provinces").data.iloc[[4]].copy()
    written = export_print(loaded, tmp_path / "pop.png", atlas="provinces", dpi=150)
    assert [p.name for p in written] == ["pop_Azad_Jammu_Kashmir.png"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Azad Jammu & Kashmir", "Azad_Jammu_Kashmir"),
        ("Kachhi (Bolan)", "Kachhi_Bolan"),
        ("../../etc/passwd", "etc_passwd"),
        ("Tando Allah Yar", "Tando_Allah_Yar"),
        ("Müzaffarābād", "Muzaffarabad"),
        ("", "feature"),
        ("CON", "feature_CON"),
        ("a/b\\c:d*e?f", "a_b_c_d_e_f"),
    ],
)
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected


def test_duplicate_names_get_numbered():
    assert atlas_file_names(["Kurram", "Kurram", "kurram", ""]) == ["Kurram", "Kurram_2", "kurram_3", "page_4"]


def test_atlas_errors(tmp_path, admin_gpkg):
    loaded = real_project(admin_gpkg)
    with pytest.raises(ProjectError, match="no layer named 'adm9'"):
        export_print(loaded, tmp_path / "a.pdf", atlas="adm9")
    with pytest.raises(ExportError, match="cannot be written as '.jpg'"):
        export_print(loaded, tmp_path / "a.jpg", atlas="provinces")
    with pytest.raises(ProjectError, match="unknown field"):
        list(atlas_pages(loaded, AtlasSpec(layer="provinces", title="{nmae}")))
    with pytest.raises(ProjectError, match="has no field 'pcode'"):
        list(atlas_pages(loaded, AtlasSpec(layer="provinces", name_field="pcode")))


def test_project_atlas_settings_are_used_for_their_layer(admin_gpkg):
    loaded = real_project(admin_gpkg)
    loaded.project.layout.atlas = AtlasSpec(layer="provinces", title="{name} ({kind})", sort_field="name")
    spec = atlas_spec(loaded, "provinces")
    names = [n for n, _ in atlas_pages(loaded, spec)]
    assert names == sorted(names)
    assert atlas_spec(loaded, "districts").title == "{name}"
