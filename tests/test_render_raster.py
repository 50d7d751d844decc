"""Rasters: only the window in view, at the output size, on the ramp, nodata transparent."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from pyproj import CRS
from PySide6.QtGui import QColor
from rasterio.transform import from_origin

from pakmap.layer import RasterLayer
from pakmap.render import MapView
from pakmap.render.offscreen import render_image
from pakmap.render.raster import ramp_lut
from pakmap.style import RasterStyle

CRS_M = CRS.from_epsg(3857)


def _tif(path, data, nodata=-1.0):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=data.shape[1],
        height=data.shape[0],
        count=1,
        dtype="float32",
        crs="EPSG:3857",
        transform=from_origin(0, 100, 1, 1),
        nodata=nodata,
    ) as dst:
        dst.write(data.astype("float32"), 1)
    return RasterLayer(
        "r",
        path,
        CRS_M,
        (0, 0, 100, 100),
        data.shape[1],
        data.shape[0],
        1,
        nodata,
        "float32",
        style=RasterStyle(palette="unhcr_blue", vmin=0, vmax=100),
    )


def _near(color: QColor, rgb, tol=4) -> bool:
    return all(abs(a - b) <= tol for a, b in zip((color.red(), color.green(), color.blue()), rgb))


def test_ramp_nodata_transparent_and_window(tmp_path):
    data = np.tile(np.linspace(0, 100, 100), (100, 1))  # left→right 0…100
    data[:, :10] = -1.0  # nodata strip on the left
    lyr = _tif(tmp_path / "r.tif", data)
    img, _ = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 50, 50, background=None))
    assert QColor.fromRgba(img.pixel(2, 25)).alpha() == 0  # nodata: transparent
    right = QColor(img.pixel(49, 25))
    assert _near(right, (0x0B, 0x37, 0x54))  # top of the ramp: darkest blue
    lut = ramp_lut("unhcr_blue")
    assert tuple(lut[0]) == (0xCD, 0xE3, 0xF1) and tuple(lut[-1]) == (0x0B, 0x37, 0x54)
    # Zoomed into the right half: the window is read, the left edge is now mid-ramp.
    img, _ = render_image(MapView((lyr,), (50, 0, 100, 50), CRS_M, 50, 50, background=None))
    mid = QColor(img.pixel(0, 25))
    assert 0x18 < mid.red() < 0x40  # value 50: halfway between #4F9ED0 and #0072BC, not an end
    assert _near(QColor(img.pixel(49, 25)), (0x0B, 0x37, 0x54))


def test_outside_raster_is_transparent(tmp_path):
    lyr = _tif(tmp_path / "r.tif", np.full((100, 100), 50.0))
    img, _ = render_image(MapView((lyr,), (100, 0, 200, 100), CRS_M, 20, 20, background=None))
    assert QColor.fromRgba(img.pixel(10, 10)).alpha() == 0


def test_stretch_limits_default_to_percentiles():
    from pakmap.render.raster import stretch_limits

    values = np.r_[np.arange(100.0), np.nan]
    lo, hi = stretch_limits(values, None, None)
    assert lo == pytest.approx(1.98) and hi == pytest.approx(97.02)
    assert stretch_limits(values, 10, None) == (10.0, pytest.approx(97.02))
    assert stretch_limits(np.array([np.nan]), None, None) is None


def test_style_nodata_is_transparent_and_not_blended(tmp_path):
    data = np.tile(np.linspace(0, 100, 100), (100, 1))
    data[:, 40:60] = -9999.0  # "no data" written as a value the file does not declare
    lyr = _tif(tmp_path / "r.tif", data, nodata=None)
    img, _ = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 30, 30, background=None))
    assert QColor.fromRgba(img.pixel(15, 15)).alpha() == 255  # drawn: the lowest class colour
    lyr.style = RasterStyle(palette="unhcr_blue", vmin=0, vmax=100, nodata=-9999)
    img, _ = render_image(MapView((lyr,), (0, 0, 100, 100), CRS_M, 30, 30, background=None))
    assert QColor.fromRgba(img.pixel(15, 15)).alpha() == 0
    # Read nearest, not bilinear: the pixels beside the gap keep their own colour, not -9999's.
    beside = QColor(img.pixel(11, 15))
    assert beside.alpha() == 255 and not _near(beside, (0xCD, 0xE3, 0xF1))


def test_style_nodata_matches_the_file_type():
    from pakmap.render.raster import _equals_in_dtype

    assert _equals_in_dtype(np.array([0.1, 0.2], dtype="float32"), 0.1).tolist() == [True, False]
    assert not _equals_in_dtype(np.array([255, 0], dtype="uint8"), -9999).any()
    assert _equals_in_dtype(np.array([255, 0], dtype="uint8"), 255).tolist() == [True, False]
