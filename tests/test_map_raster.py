"""``pakmap map RASTER.tif -o OUT``: a raster mapped on its own, as ``pakmap render`` draws it in a project.

Rasters are generated here with rasterio (no raster data is shipped): a population-density surface
over Pakistan with a block of nodata cells in its north-west corner.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_bounds

from pakmap.cli import main

BOUNDS = (60.8, 23.6, 77.9, 37.1)  # Pakistan, in degrees
NODATA = -9999.0
MAGIC = {"pdf": b"%PDF", "png": b"\x89PNG", "svg": b"<?xml", "html": b"<!DOCTYPE html>"}


def write_density(path, crs="EPSG:4326"):
    """300×240 cells: a peak of ~1,200 people/km² in the north-east, a nodata block in the north-west."""
    y, x = np.mgrid[0:240, 0:300]
    values = (np.exp(-(((x - 200) / 40.0) ** 2 + ((y - 80) / 30.0) ** 2)) * 1200 + x * 0.5).astype("float32")
    values[:20, :30] = NODATA
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=300,
        height=240,
        count=1,
        dtype="float32",
        crs=crs,
        transform=from_bounds(*BOUNDS, 300, 240),
        nodata=NODATA,
    ) as dst:
        dst.write(values, 1)
    return path


def one_line_error(capsys, status: int) -> str:
    assert status == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def png_pixels(path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:  # Pillow: a decoder independent of pakmap's encoder
        return np.asarray(image.convert("RGB"))


@pytest.mark.parametrize("ext", ["pdf", "png", "svg", "html"])
def test_raster_quick_map_in_every_format(tmp_path, capsys, ext):
    tif = write_density(tmp_path / "population_density.tif")
    out = tmp_path / f"map.{ext}"
    assert main(["map", str(tif), "--dpi", "96", "-o", str(out)]) == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(MAGIC[ext])
    if ext == "svg":
        text = out.read_text(encoding="utf-8")
        assert "<title>Population density</title>" in text
        # The ramp legend is a gradient through the palette's colours, from its lightest one.
        assert re.search(r'<linearGradient[^>]*>\s*<stop offset="0" stop-color="#cde3f1"', text)
    if ext == "html":
        text = out.read_text(encoding="utf-8")
        assert "L.imageOverlay(" in text and "data:image/png;base64," in text
        assert "linear-gradient(to right,#CDE3F1," in text  # the ramp in the web legend
        assert str(tmp_path) not in text  # the file's name as the source, never its folder


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_raster_quick_map_pdf_has_a_title_and_a_ramp_legend_without_nodata(tmp_path, capsys):
    tif = write_density(tmp_path / "population_density.tif")
    out = tmp_path / "map.pdf"
    assert main(["map", str(tif), "--dpi", "96", "-o", str(out)]) == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert text.lstrip().startswith("Population density")  # the file's stem, readable, as the title
    assert "population_density.tif" not in text  # a sources line credits data, never a file name
    assert "sources =" in capsys.readouterr().err  # nothing says where it comes from: how to add it
    (label,) = re.findall(r"([\d.,]+) – ([\d.,]+)", text)  # the ramp's one row: the stretch, nodata left out
    low, high = (float(v.replace(",", "")) for v in label)
    assert 0 < low < 20 and 800 < high < 1300


def test_raster_quick_map_is_the_render_of_its_project(tmp_path, capsys):
    """The quick map and ``pakmap render`` of the project it saves give the same page."""
    tif = write_density(tmp_path / "population_density.tif")
    project = tmp_path / "density.toml"
    assert (
        main(["map", str(tif), "--dpi", "72", "--save-project", str(project), "-o", str(tmp_path / "quick.png")]) == 0
    )
    assert main(["render", str(project), "--dpi", "72", "-o", str(tmp_path / "render.png")]) == 0
    quick, rendered = png_pixels(tmp_path / "quick.png"), png_pixels(tmp_path / "render.png")
    assert np.array_equal(quick, rendered)
    # The peak (above the stretch's top) is in the ramp's darkest colour: the raster was drawn.
    assert (np.abs(quick.astype(int) - (0x0B, 0x37, 0x54)).sum(axis=2) <= 6).sum() > 1000


@pytest.mark.parametrize(
    "options, named",
    [
        (["--by", "density"], "--by"),
        (["--fields", "name"], "--fields"),
        (["--table", "refugees.csv", "--on", "name=district"], "--table, --on"),
        (["--layer-name", "band1"], "--layer-name"),
    ],
)
def test_vector_options_on_a_raster_are_one_line_errors(tmp_path, capsys, options, named):
    tif = write_density(tmp_path / "population_density.tif")
    out = tmp_path / "map.pdf"
    line = one_line_error(capsys, main(["map", str(tif), *options, "-o", str(out)]))
    assert "population_density.tif: is a raster" in line and named in line
    assert not out.exists()


@pytest.mark.parametrize("ext", ["pdf", "html"])
def test_raster_without_crs_names_the_file_and_offers_crs(tmp_path, capsys, ext):
    tif = write_density(tmp_path / "scanned_flood_extent.tif", crs=None)
    out = tmp_path / f"map.{ext}"
    line = one_line_error(capsys, main(["map", str(tif), "-o", str(out)]))
    assert "scanned_flood_extent.tif" in line and "no coordinate reference system" in line and "--crs" in line
    assert not out.exists()
    assert main(["map", str(tif), "--crs", "EPSG:4326", "--dpi", "96", "-o", str(out)]) == 0
    assert out.stat().st_size > 1000


def test_project_whose_raster_has_no_crs_names_the_raster(tmp_path, capsys):
    write_density(tmp_path / "scanned_flood_extent.tif", crs=None)
    project = tmp_path / "flood.toml"
    project.write_text(
        '[pakmap]\nformat = 1\n\n[[layers]]\nname = "flood"\npath = "scanned_flood_extent.tif"\n', encoding="utf-8"
    )
    line = one_line_error(capsys, main(["render", str(project), "-o", str(tmp_path / "flood.pdf")]))
    assert "scanned_flood_extent.tif" in line and "has no CRS" in line  # not "the project has no layer to draw"


def test_a_pipe_named_like_a_geotiff_is_refused_not_read(tmp_path):
    """Telling a raster from a vector must not read a named pipe (the read would never end)."""
    pipe = tmp_path / "population.tif"
    os.mkfifo(pipe)
    result = subprocess.run(
        [sys.executable, "-m", "pakmap", "map", str(pipe), "-o", str(tmp_path / "m.pdf")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "is a named pipe" in result.stderr, result.stderr
