"""Raster layers on the web map: one PNG image overlay in Web Mercator, coloured as on paper.

Leaflet places an image overlay by its corners and stretches it linearly in the map's projection,
Web Mercator (EPSG:3857), so the raster is warped onto a 3857 pixel grid first. Pixels are read the
print renderer's way (``pakmap.render.raster.read_window``: only the window needed, from overviews
when decimated, bilinear) and coloured by the print renderer's ``colorize``: the same ramp, stretch
and nodata transparency. The image goes into the page as a PNG ``data:`` URI, so the file stays
self-contained and opens offline.

Resolution: as fine as the raster itself, but no finer than a screen pixel at the web map's detail
zoom (the zoom its vectors are generalized for, ``pakmap.web.simplify``) and at most
``MAX_SIDE_PX`` on the long side — a 100 m population grid of all Pakistan becomes about 1 km pixels
rather than tens of megabytes. Only colours are embedded, never the cell values.
"""

from __future__ import annotations

import base64
import math
import warnings
from dataclasses import dataclass

import numpy as np
from pyproj import CRS

from ..crs import WGS84, transform_bounds, transform_xy
from ..export.png_encode import encode_rgba_png
from ..layer import RasterLayer
from ..mapview import MapView
from ..palettes import palette
from ..render.raster import colorize, legend_limits, read_window, stretch_limits
from .simplify import TILE_SIZE

WEB_MERCATOR = CRS.from_epsg(3857)
# Web Mercator's square world: ±20,037,508 m on both axes (latitude ±85.05°).
WORLD_HALF = 20037508.342789244
MAX_SIDE_PX = 2048


@dataclass(frozen=True)
class RasterOverlay:
    """A raster as the web map shows it."""

    png: bytes
    bounds: list[list[float]]  # [[south, west], [north, east]] in degrees: the image's corners
    extent: tuple[float, float, float, float]  # the same box in EPSG:3857 metres
    opacity: float
    legend_limits: tuple[float, float] | None  # the ramp's ends as the legend labels them
    colors: tuple[str, ...]  # the palette, low to high (the legend's gradient)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of the image in pixels."""
        width, height = int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")
        return height, width

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def mercator_extent(layer: RasterLayer) -> tuple[float, float, float, float]:
    """The raster's bounds in EPSG:3857, clipped to the latitudes Web Mercator can show."""
    xmin, ymin, xmax, ymax = transform_bounds(layer.bounds, layer.crs, WEB_MERCATOR)
    return (max(xmin, -WORLD_HALF), max(ymin, -WORLD_HALF), min(xmax, WORLD_HALF), min(ymax, WORLD_HALF))


def metres_per_pixel(zoom: float) -> float:
    """The size of one screen pixel at ``zoom`` in Web Mercator metres."""
    return 2 * WORLD_HALF / (TILE_SIZE * 2**zoom)


def overlay_size(layer: RasterLayer, extent, detail_zoom: int) -> tuple[int, int]:
    """(width, height) in pixels of the overlay of ``layer`` over ``extent`` (3857): the raster's own
    resolution, coarsened to a pixel at ``detail_zoom`` and to ``MAX_SIDE_PX`` on the long side."""
    xmin, ymin, xmax, ymax = extent
    width_m, height_m = xmax - xmin, ymax - ymin
    native = math.sqrt(width_m * height_m / max(layer.width * layer.height, 1))  # the cells, in 3857 metres
    size = max(native, metres_per_pixel(detail_zoom), max(width_m, height_m) / MAX_SIDE_PX)
    return (min(MAX_SIDE_PX, max(1, round(width_m / size))), min(MAX_SIDE_PX, max(1, round(height_m / size))))


def raster_overlay(layer: RasterLayer, detail_zoom: int) -> RasterOverlay | None:
    """The overlay of ``layer``, or None (with a warning) when it has no data to show."""
    extent = mercator_extent(layer)
    if extent[2] <= extent[0] or extent[3] <= extent[1]:
        warnings.warn(f"raster layer '{layer.name}' lies outside the latitudes a web map shows", stacklevel=2)
        return None
    width, height = overlay_size(layer, extent, detail_zoom)
    view = MapView((layer,), extent, WEB_MERCATOR, width, height)
    values = read_window(layer, view, width, height)
    style = layer.style
    limits = stretch_limits(values, style.vmin, style.vmax) if np.isfinite(values).any() else None
    if limits is None:
        warnings.warn(f"raster layer '{layer.name}' has no data to show on the web map", stacklevel=2)
        return None
    # Opaque colours; the layer's opacity is the overlay's (the PNG then holds fewer distinct colours).
    rgba = colorize(values, style.palette, *limits)
    (west, east), (south, north) = transform_xy([extent[0], extent[2]], [extent[1], extent[3]], WEB_MERCATOR, WGS84)
    return RasterOverlay(
        encode_rgba_png(rgba),
        [[south, west], [north, east]],
        extent,
        round(float(style.opacity) * float(layer.opacity), 3),
        legend_limits(values, style.vmin, style.vmax),
        tuple(palette(style.palette).colors),
    )
