"""Raster layers on the web map: a Web Mercator PNG overlay, print colours, nodata transparent.

Rasters are generated here with rasterio (no data file in the repository). The browser side (the
image drawn where it belongs, nothing fetched) is in ``test_web_browser.py``.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import rasterio
from pyproj import CRS, Transformer
from rasterio.transform import from_origin
from test_web_export import feature_layers, small_loaded

from pakmap.layer import RasterLayer
from pakmap.project.model import LayerSpec
from pakmap.render.raster import ramp_label, ramp_lut
from pakmap.sources.raster import open_raster
from pakmap.style import RasterStyle, SingleSymbolStyle, Symbol
from pakmap.web import render_html
from pakmap.web.raster import MAX_SIDE_PX, metres_per_pixel, overlay_size, raster_overlay

UTM42N = "EPSG:32642"  # the UTM zone of central Pakistan: the raster is not on the web map's grid
WEST, NORTH, CELL = 600_000.0, 3_450_000.0, 1_000.0  # about 70.0°E, 31.2°N; 1 km cells
WIDTH, HEIGHT = 200, 150
NODATA = -9999.0
NODATA_BLOCK = (slice(0, 50), slice(0, 60))  # rows, columns: a hole in the top-left corner


def write_raster(
    path: Path, *, nodata_block=NODATA_BLOCK, style: RasterStyle | None = None, name: str = "Flood depth"
) -> RasterLayer:
    """A GeoTIFF in UTM 42N rising 0 → 100 from west to east, with a nodata block; opened as pakmap does."""
    values = np.tile(np.linspace(0.0, 100.0, WIDTH, dtype=np.float32), (HEIGHT, 1))
    if nodata_block is not None:
        values[nodata_block] = NODATA
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=WIDTH,
        height=HEIGHT,
        count=1,
        dtype="float32",
        crs=UTM42N,
        transform=from_origin(WEST, NORTH, CELL, CELL),
        nodata=NODATA,
    ) as dst:
        dst.write(values, 1)
    layer = open_raster(path)
    layer.name = name
    layer.style = style or RasterStyle(palette="unhcr_blue", vmin=0, vmax=100)
    return layer


def raster_loaded(tmp_path: Path, **raster_options):
    """The four test districts, the raster above them, in the project's second position."""
    loaded = small_loaded(tmp_path)
    raster = write_raster(tmp_path / "flood_private.tif", **raster_options)
    loaded.layers.append(raster)
    loaded.project.layers.append(LayerSpec(raster.name, str(tmp_path / "flood_private.tif")))
    return loaded, raster


def decode_png(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:  # Pillow: a decoder independent of pakmap's encoder
        return np.asarray(image.convert("RGBA"))


def image_overlays(text: str) -> list[dict]:
    """url, bounds and options of every L.imageOverlay in the page."""
    out = []
    for url, bounds, options in re.findall(
        r'L\.imageOverlay\(\s*("data:[^"]+"),\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\);', text, re.S
    ):
        out.append(
            {
                "url": json.loads(url),
                "bounds": json.loads(bounds),
                "options": json.loads(re.sub(r",\s*\}", "}", options)),
            }
        )
    return out


def test_overlay_bounds_are_the_reprojected_extent(tmp_path):
    layer = write_raster(tmp_path / "r.tif")
    overlay = raster_overlay(layer, detail_zoom=9)
    # Web Mercator keeps meridians and parallels straight, so its box around the raster is the
    # lat/lon box around it: the raster's extent reprojected (densely) to degrees.
    west, south, east, north = rasterio.warp.transform_bounds(
        UTM42N, "EPSG:4326", WEST, NORTH - HEIGHT * CELL, WEST + WIDTH * CELL, NORTH, densify_pts=21
    )
    (s, w), (n, e) = overlay.bounds
    assert (s, w, n, e) == pytest.approx((south, west, north, east), abs=1e-6)
    assert 69.9 < west < 70.1 and 30.9 < north < 31.3


def test_pixels_are_the_print_colours_and_nodata_is_transparent(tmp_path):
    """Every pixel of the PNG (decoded by Pillow) against the source cell under its centre."""
    layer = write_raster(tmp_path / "r.tif")
    overlay = raster_overlay(layer, detail_zoom=9)
    rgba = decode_png(overlay.png)
    height, width = rgba.shape[:2]
    assert (height, width) == overlay.shape
    # Where Leaflet puts the image: its lat/lon corners, projected to Web Mercator.
    (south, west), (north, east) = overlay.bounds
    (xmin, xmax), (ymin, ymax) = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(
        [west, east], [south, north]
    )
    cols, rows = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    x = xmin + cols * (xmax - xmin) / width
    y = ymax - rows * (ymax - ymin) / height
    east, north = Transformer.from_crs("EPSG:3857", UTM42N, always_xy=True).transform(x, y)
    col, row = (east - WEST) / CELL, (NORTH - north) / CELL  # position in source cells
    inside = (col > 1) & (col < WIDTH - 1) & (row > 1) & (row < HEIGHT - 1)
    outside = (col < -1) | (col > WIDTH + 1) | (row < -1) | (row > HEIGHT + 1)
    hole = (col > -1) & (col < NODATA_BLOCK[1].stop - 1) & (row > -1) & (row < NODATA_BLOCK[0].stop - 1)
    data = inside & ~((col < NODATA_BLOCK[1].stop + 1) & (row < NODATA_BLOCK[0].stop + 1))
    assert hole.sum() > 100 and data.sum() > 1000 and outside.sum() > 10  # the UTM box is tilted on 3857
    assert (rgba[hole | outside, 3] == 0).all()  # nodata and outside the raster: transparent
    assert (rgba[data, 3] == 255).all()  # the layer's opacity is the overlay's, not the pixels'
    # Colours: the print ramp at the cell's value (0 → 100 west to east), within a step or two.
    lut = ramp_lut("unhcr_blue").astype(int)
    value = np.clip((np.floor(col[data]) + 0.5) / WIDTH * 100, 0, 100)
    expected = lut[np.round(value / 100 * 255).astype(int)]
    assert np.abs(rgba[data, :3].astype(int) - expected).max() <= 6
    assert tuple(rgba[data][np.argmax(col[data]), :3]) == pytest.approx(tuple(lut[-1]), abs=6)


def test_overlay_resolution_is_bounded(tmp_path):
    layer = RasterLayer(
        "big", tmp_path / "big.tif", CRS.from_epsg(3857), (0, 0, 400_000, 300_000), 40_000, 30_000, 1, None, "uint8"
    )
    extent = (0, 0, 400_000, 300_000)
    # 10 m cells at a detail zoom of 1.2 km pixels: the zoom's pixel, not the cells.
    assert overlay_size(layer, extent, detail_zoom=7) == (
        round(400_000 / metres_per_pixel(7)),
        round(300_000 / metres_per_pixel(7)),
    )
    # Zoomed far in: never more than MAX_SIDE_PX on the long side.
    width, height = overlay_size(layer, extent, detail_zoom=18)
    assert width == MAX_SIDE_PX and height == round(MAX_SIDE_PX * 3 / 4)
    # A coarse raster keeps its own cells (never upsampled into a bigger file).
    coarse = RasterLayer("coarse", tmp_path / "c.tif", CRS.from_epsg(3857), extent, 40, 30, 1, None, "uint8")
    assert overlay_size(coarse, extent, detail_zoom=18) == (40, 30)


def test_web_map_has_the_overlay_in_its_place_with_opacity_and_legend(tmp_path):
    loaded, raster = raster_loaded(tmp_path, style=RasterStyle(palette="unhcr_blue", vmin=0, vmax=100, opacity=0.8))
    raster.opacity = 0.5
    text = render_html(loaded)
    (overlay,) = image_overlays(text)
    assert overlay["url"].startswith("data:image/png;base64,")
    png = base64.b64decode(overlay["url"].split(",", 1)[1])
    assert decode_png(png).shape[2] == 4
    assert overlay["options"]["opacity"] == pytest.approx(0.4)  # the style's opacity times the layer's
    assert overlay["options"]["pane"] == "pm-layer-1"  # above the districts (pane 0), in project order
    assert overlay["options"]["interactive"] is False  # tooltips of the districts under it still work
    assert len(feature_layers(text)) == 1
    legend = json.loads(re.findall(r'div\.innerHTML = (".*?");', text, re.S)[-1])
    assert "Flood depth" in legend and "0 – 100" in legend
    assert "linear-gradient(to right,#CDE3F1," in legend and "opacity:0.8" in legend
    assert legend.index("Flood depth") < legend.index("Refugees")  # top layer first, as in print
    for fragment in (str(tmp_path), "flood_private", ".tif"):
        assert fragment not in text, fragment


def test_stretched_raster_legend_reads_the_overlay_stretch(tmp_path):
    """Without vmin/vmax the ramp spans the 2nd-98th percentiles of the overlay; the legend says which."""
    loaded, raster = raster_loaded(tmp_path, style=RasterStyle(palette="unhcr_green"))
    overlay = raster_overlay(raster, detail_zoom=9)
    lo, hi = overlay.legend_limits
    assert 0 < lo < 10 and 90 < hi < 100 and lo != round(lo)  # percentiles, to three digits
    legend = json.loads(re.findall(r'div\.innerHTML = (".*?");', render_html(loaded), re.S)[-1])
    assert ramp_label(*overlay.legend_limits) in legend


def test_a_raster_without_data_is_left_out_with_a_warning(tmp_path):
    loaded, raster = raster_loaded(tmp_path, nodata_block=(slice(None), slice(None)))
    with pytest.warns(UserWarning, match="Flood depth"):
        text = render_html(loaded)
    assert image_overlays(text) == [] and "Flood depth" not in json.loads(
        re.findall(r'div\.innerHTML = (".*?");', text, re.S)[-1]
    )


def test_pakmap_render_publishes_the_raster_through_the_protection_guard(tmp_path):
    """``pakmap render project.toml -o map.html``: the raster goes through the guard (areas, never
    people: nothing is withheld) into the page; the export record lists it; no path in the page."""
    import geopandas as gpd
    import shapely

    from pakmap.cli import main
    from pakmap.project import save_project
    from pakmap.project.model import LayoutSpec, Project

    write_raster(tmp_path / "flood.tif")
    gpd.GeoDataFrame(
        {"camp": ["Camp A", "Camp B"], "families": [120, 3]},
        geometry=[shapely.Point(70.5, 30.5), shapely.Point(71.5, 30.8)],
        crs="EPSG:4326",
    ).to_file(tmp_path / "camps.geojson", driver="GeoJSON")
    project = Project(
        layers=[
            LayerSpec("Flood depth", "flood.tif", style=RasterStyle(palette="unhcr_blue", vmin=0, vmax=100)),
            LayerSpec(
                "Camps",
                "camps.geojson",
                popup_fields=["camp", "families"],
                style=SingleSymbolStyle(Symbol(marker="camp", fill="#0072BC", size=4)),
            ),
        ],
        layout=LayoutSpec(title="Flooding near camps"),
    )
    project.path = tmp_path / "project.toml"
    toml = save_project(project)
    assert main(["render", str(toml), "-o", str(tmp_path / "map.html")]) == 0
    text = (tmp_path / "map.html").read_text(encoding="utf-8")
    (overlay,) = image_overlays(text)
    assert overlay["options"]["pane"] == "pm-layer-0"
    ((features, styles),) = feature_layers(text)
    # Camp A's 120 is the complementary cell: published, it would give Camp B's count back from the total.
    assert [f["properties"]["r"] for f in features] == [["Camp A", "x"], ["Camp B", "&lt;5"]]
    assert "icon" in styles[0]
    assert str(tmp_path) not in text and "flood.tif" not in text
    record = json.loads((tmp_path / "map.html.record.json").read_text(encoding="utf-8"))
    assert "raster" in json.dumps(record) and "Flood depth" in json.dumps(record)
