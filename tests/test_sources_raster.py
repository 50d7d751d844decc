"""GeoTIFF: metadata on open, windowed reads at the view's resolution, reprojection, nodata, no CRS."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.enums import Resampling
from rasterio.transform import from_origin

from pakmap.errors import SourceError
from pakmap.layer import RasterLayer
from pakmap.sources import open_layer, read_raster_window
from pakmap.sources.raster import plan_read

# 0.01° pixels over 70–72°E, 33–34°N: value = column index, so positions are checkable.
TRANSFORM = from_origin(70.0, 34.0, 0.01, 0.01)
WIDTH, HEIGHT = 200, 100


def make_tif(path, crs="EPSG:4326", nodata=-1.0, overviews=(2, 4, 8)):
    data = np.tile(np.arange(WIDTH, dtype="float32"), (HEIGHT, 1))
    data[:10, :10] = nodata if nodata is not None else 0
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=WIDTH,
        height=HEIGHT,
        count=1,
        dtype="float32",
        crs=crs,
        transform=TRANSFORM,
        nodata=nodata,
    ) as dst:
        dst.write(data, 1)
        if overviews:
            dst.build_overviews(list(overviews), Resampling.nearest)
    return path


def test_open_reads_metadata_only(tmp_path):
    layer = open_layer(make_tif(tmp_path / "population density.tif"))
    assert isinstance(layer, RasterLayer)
    assert (layer.width, layer.height, layer.count, layer.dtype, layer.nodata) == (200, 100, 1, "float32", -1.0)
    assert layer.crs.to_epsg() == 4326 and layer.overviews == [2, 4, 8]
    assert layer.bounds == pytest.approx((70.0, 33.0, 72.0, 34.0))


def test_window_same_crs_exact_pixels_and_nodata(tmp_path):
    layer = open_layer(make_tif(tmp_path / "r.tif"))
    # A 1:1 view of columns 0–49, rows 0–24 (70.0–70.5°E, 33.75–34.0°N).
    array, mask, transform = read_raster_window(layer, (70.0, 33.75, 70.5, 34.0), "EPSG:4326", 50, 25)
    assert array.shape == (1, 25, 50) and mask.shape == (25, 50)
    assert array[0, 20, :].tolist() == list(range(50))
    assert mask[:10, :10].all() and not mask[10:, :].any() and not mask[:, 10:].any()
    assert transform.c == pytest.approx(70.0) and transform.a == pytest.approx(0.01)


def test_window_outside_and_partly_outside(tmp_path):
    layer = open_layer(make_tif(tmp_path / "r.tif", nodata=None))
    array, mask, _ = read_raster_window(layer, (10.0, 10.0, 11.0, 11.0), "EPSG:4326", 20, 20)
    assert mask.all()
    array, mask, _ = read_raster_window(layer, (71.9, 33.5, 72.1, 33.6), "EPSG:4326", 20, 10)
    assert not mask[:, :10].any() and mask[:, 10:].all()  # the right half lies east of the raster
    assert array[0, 5, :10].tolist() == list(range(190, 200))


def test_window_reprojected_to_web_mercator(tmp_path):
    from pyproj import Transformer

    layer = open_layer(make_tif(tmp_path / "r.tif"))
    to_merc = Transformer.from_crs(4326, 3857, always_xy=True)
    xmin, ymin = to_merc.transform(70.5, 33.2)
    xmax, ymax = to_merc.transform(71.5, 33.8)
    array, mask, _ = read_raster_window(layer, (xmin, ymin, xmax, ymax), "EPSG:3857", 100, 60)
    assert not mask.any()
    # Column values are longitudes: 70.5°E is column 50, 71.5°E column 150; x is linear in both CRSs.
    assert array[0, 30, 0] == pytest.approx(50, abs=1) and array[0, 30, -1] == pytest.approx(149, abs=1)


def test_zoomed_out_view_reads_decimated_never_upsampled():
    # Whole 200×100 raster into a 50×25 view: read at 50×25 (GDAL serves it from the 1/4 overview).
    window, shape = plan_read((HEIGHT, WIDTH), TRANSFORM, (70.0, 33.0, 72.0, 34.0), 50, 25)
    assert (window.width, window.height, shape) == (200, 100, (25, 50))
    # Zoomed in: a 10×10-pixel patch into 400×400 is read at its own 10×10 size.
    window, shape = plan_read((HEIGHT, WIDTH), TRANSFORM, (70.5, 33.5, 70.6, 33.6), 400, 400)
    assert (window.col_off, window.row_off, window.width, window.height, shape) == (50, 40, 10, 10, (10, 10))
    assert plan_read((HEIGHT, WIDTH), TRANSFORM, (0, 0, 1, 1), 10, 10) is None


def test_zoomed_out_values_come_from_the_overview(tmp_path):
    path = make_tif(tmp_path / "r.tif", overviews=())
    # An external overview (half resolution) holding a marker value the full-resolution data never has:
    # seeing it proves a zoomed-out view reads the overview, not the full-resolution pixels.
    with rasterio.open(
        f"{path}.ovr", "w", driver="GTiff", width=WIDTH // 2, height=HEIGHT // 2, count=1, dtype="float32"
    ) as ovr:
        ovr.write(np.full((HEIGHT // 2, WIDTH // 2), 999, dtype="float32"), 1)
    layer = open_layer(path)
    assert layer.overviews == [2]
    array, mask, _ = read_raster_window(layer, (70.0, 33.0, 72.0, 34.0), "EPSG:4326", 50, 25)
    assert array.shape == (1, 25, 50) and np.all(array[0, 10:, :] == 999)
    array, _, _ = read_raster_window(layer, (70.0, 33.0, 70.5, 33.25), "EPSG:4326", 50, 25)  # 1:1
    assert array[0, 5, :].tolist() == list(range(50))


def test_raster_without_crs_is_not_assumed(tmp_path):
    path = make_tif(tmp_path / "nocrs.tif", crs=None, overviews=())
    layer = open_layer(path)
    assert layer.crs is None and layer.overviews == []
    with pytest.raises(SourceError, match="has no CRS.*set its CRS"):
        read_raster_window(layer, (70.0, 33.0, 72.0, 34.0), "EPSG:4326", 10, 10)
    fixed = open_layer(path, crs="EPSG:4326")
    assert fixed.crs.to_epsg() == 4326 and fixed.source.options == {"crs": "EPSG:4326"}
    array, mask, _ = read_raster_window(fixed, (70.0, 33.0, 72.0, 34.0), "EPSG:4326", 20, 10)
    assert not mask[5:, :].any()


def test_truncated_tiff_is_a_source_error(tmp_path):
    path = make_tif(tmp_path / "r.tif", overviews=())
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SourceError, match="r.tif: cannot be read as GeoTIFF"):
        open_layer(path)


def test_set_crs_on_an_opened_raster(tmp_path):
    from pakmap.sources import set_crs

    layer = open_layer(make_tif(tmp_path / "nocrs.tif", crs=None, overviews=()))
    set_crs(layer, 4326)
    assert layer.crs.to_epsg() == 4326 and layer.source.options == {"crs": "4326"}
    _, mask, _ = read_raster_window(layer, (70.0, 33.0, 72.0, 34.0), "EPSG:4326", 20, 10)
    assert not mask[5:, :].any()


def test_reading_vectors_never_loads_rasterio(tmp_path):
    # rasterio brings a GDAL of its own: the readers load it with the first raster, not before
    # (pakmap info of a vector file).
    import subprocess
    import sys

    (tmp_path / "one.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"n": 1},'
        ' "geometry": {"type": "Point", "coordinates": [71.5, 34.0]}}]}',
        encoding="utf-8",
    )
    code = (
        "import sys, pakmap.sources; from pakmap.sources import open_layer; "
        f"open_layer({str(tmp_path / 'one.geojson')!r}); print('rasterio' in sys.modules); "
        "pakmap.sources.read_raster_window; print('rasterio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "True"], out.stderr[-2000:]
