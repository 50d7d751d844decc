"""PDF export of the real districts: vector, Lato embedded, text selectable, metadata, small, atomic."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import subprocess

import pytest
from test_layout_helpers import SOURCES, TITLE, real_project

from pakmap.classify import classify
from pakmap.errors import ExportError
from pakmap.export import export_print

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed"),
]


def _run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def pdf(tmp_path_factory, admin_gpkg):
    out = tmp_path_factory.mktemp("pdf") / "districts.pdf"
    loaded = real_project(admin_gpkg)
    assert export_print(loaded, out) == [out]
    return out, loaded


def test_fonts_are_lato_and_embedded(pdf):
    lines = _run("pdffonts", str(pdf[0])).splitlines()[2:]
    assert lines, "no fonts in the PDF: text was drawn as outlines"
    names = [line.split()[0] for line in lines]
    assert all("Lato" in n for n in names), names
    assert {"Lato-Regular", "Lato-Bold"} <= {n.split("+")[-1] for n in names}
    for line in lines:
        assert re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+", line), f"not embedded: {line}"
        assert line.split()[-5] == "yes", line


def test_title_legend_and_furniture_are_selectable_text(pdf):
    out, loaded = pdf
    text = " ".join(_run("pdftotext", "-layout", str(out), "-").split())
    population = loaded.layer("districts").data["population_2023"]
    for label in classify(population, "natural_breaks", 5, below=5, readable=True).labels() + [
        "No data",
        "Population 2023",
    ]:
        assert label in text
    for expected in (
        TITLE,
        SOURCES,
        "Data as of 1 March 2023",
        "Map ID: PAK-IM-2026-001",
        "km",
        "do not imply official endorsement",
        "Line of Control in Jammu and Kashmir",
    ):
        assert expected in text, expected  # no ligatures: "official" is searchable as typed


def test_metadata_set_and_no_local_paths_or_user_names(pdf):
    out, _ = pdf
    info = dict(line.split(":", 1) for line in _run("pdfinfo", str(out)).splitlines() if ":" in line)
    info = {k.strip(): v.strip() for k, v in info.items()}
    assert info["Title"] == TITLE
    assert info["Subject"] == "Population Census 2023, by district — Data as of 1 March 2023"
    assert info["Creator"] == "pakmap"
    assert re.search(r"\d{4}", info["CreationDate"])
    assert info["Pages"] == "1"
    assert info["Page size"].startswith("841.89 x 595.276") or info["Page size"].startswith("842 x 595")
    raw = out.read_bytes()
    for secret in {str(out.parent), "/tmp", "/home", "/root", getpass.getuser(), os.environ.get("USER", "root")}:
        assert secret.encode() not in raw, secret


def test_a4_pdf_of_the_real_districts_is_small_enough_to_email(pdf):
    assert pdf[0].stat().st_size < 2 * 1024 * 1024


def test_pdf_is_vector_not_an_embedded_picture(pdf):
    images = _run("pdfimages", "-list", str(pdf[0])).splitlines()[2:]  # two header lines
    assert images == []


def test_unknown_extension_is_an_export_error(tmp_path, admin_gpkg):
    with pytest.raises(ExportError, match=r"unknown print format '.jpg'"):
        export_print(real_project(admin_gpkg), tmp_path / "map.jpg")


def test_failed_export_leaves_no_file_and_keeps_the_old_one(tmp_path, admin_gpkg, monkeypatch):
    import pakmap.export.pdf as pdf_module

    out = tmp_path / "map.pdf"
    out.write_bytes(b"the officer's previous edition")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf_module, "paint_page", boom)
    with pytest.raises(RuntimeError):
        export_print(real_project(admin_gpkg), out)
    assert out.read_bytes() == b"the officer's previous edition"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.pdf"]


def test_missing_output_folder_is_an_export_error(tmp_path, admin_gpkg):
    with pytest.raises(ExportError, match="output folder does not exist"):
        export_print(real_project(admin_gpkg), tmp_path / "nope" / "map.pdf")


@pytest.mark.parametrize("crs", ["EPSG:32642", "EPSG:3857"])
def test_projected_map_crs_exports_with_a_true_scale_bar(tmp_path, admin_gpkg, crs):
    from pyproj import CRS
    from test_layout_scalebar import _geodesic_bar_metres

    from pakmap.layout.compose import compose_page
    from pakmap.layout.scalebar import scale_bar

    loaded = real_project(admin_gpkg)
    loaded.crs = CRS.from_user_input(crs)
    page = compose_page(loaded)
    assert "kashmir_note" in page.boxes  # the J&K box is tested in lon/lat whatever the map CRS
    frame = page.boxes["map"]
    bar = scale_bar(loaded.crs, page.map_extent, frame.width, 40.0)
    assert _geodesic_bar_metres(loaded.crs, page.map_extent, frame.width, bar.length_mm) == pytest.approx(
        bar.metres, rel=0.01
    )
    out = tmp_path / "utm.pdf"
    export_print(loaded, out)
    assert TITLE in _run("pdftotext", str(out), "-")
