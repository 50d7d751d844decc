"""Single-band rasters: the window in view, resampled to the output resolution, on a colour ramp.

Only the part of the file under the view is read, at about the size it will be drawn (GDAL uses
overviews), and warped onto the view's pixel grid by ``pakmap.sources.raster.read_raster_window``;
here it is coloured on a palette ramp with nodata transparent.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from .. import sources
from ..errors import SourceError
from ..numbers import format_range, significant
from ..palettes import _hex_to_rgb, palette


def ramp_lut(palette_name: str, n: int = 256) -> np.ndarray:
    """An (n, 3) uint8 lookup table interpolated along a palette's colours."""
    colors = np.array([_hex_to_rgb(c) for c in palette(palette_name).colors], dtype=float)
    pos = np.linspace(0, len(colors) - 1, n)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(colors) - 1)
    t = (pos - lo)[:, None]
    return np.round(colors[lo] * (1 - t) + colors[hi] * t).astype(np.uint8)


def read_window(layer, view, out_width: int, out_height: int) -> np.ndarray:
    """The styled band under ``view.extent`` as float (out_height, out_width), NaN where no data.

    Reading (window, overviews, warping to the view's CRS) is ``pakmap.sources.raster``'s job.
    """
    style = layer.style
    band = style.band
    if not 1 <= band <= layer.count:
        raise SourceError(
            f"band {band} asked for, the raster has {layer.count}", path=layer.path, fix=f"use band = 1…{layer.count}"
        )
    # GDAL knows only the file's nodata: with another no-data value in the style, bilinear resampling
    # would blend -9999 into the pixels around it, so those are read nearest and masked exactly.
    resampling = "bilinear" if style.nodata is None else "nearest"
    # Through the package: rasterio (a GDAL of its own) is imported by the first raster drawn, not
    # by every vector map's renderer (``pakmap.sources`` loads its raster reader on first use).
    data, nodata, _ = sources.read_raster_window(
        layer, view.extent, view.crs, out_width, out_height, bands=[band], resampling=resampling
    )
    values = data[0].astype(float)
    values[nodata] = np.nan
    if layer.nodata is not None:
        values[values == layer.nodata] = np.nan  # bilinear blends at nodata edges keep the exact value
    if style.nodata is not None:
        values[_equals_in_dtype(data[0], style.nodata)] = np.nan
    return values


def _equals_in_dtype(pixels: np.ndarray, value: float) -> np.ndarray:
    """Where ``pixels`` hold ``value`` as the file stores it (0.1 in a float32 file is 0.1f, not 0.1);
    a value the file's type cannot hold (-9999 in bytes) matches nothing."""
    if pixels.dtype.kind in "iu":
        info = np.iinfo(pixels.dtype)
        if not float(value).is_integer() or not info.min <= value <= info.max:
            return np.zeros(pixels.shape, dtype=bool)
    return pixels == pixels.dtype.type(value)


def stretch_limits(values: np.ndarray, vmin: float | None, vmax: float | None) -> tuple[float, float] | None:
    """The values mapped to the ends of the ramp: the style's limits, else the 2nd / 98th percentile
    of the finite ``values`` (None when there are none). Legends label the ramp with these."""
    ends = _ramp_ends(values, vmin, vmax, float)
    if ends is None:
        return None
    lo, hi = ends
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def legend_limits(values: np.ndarray | None, vmin: float | None, vmax: float | None) -> tuple[float, float] | None:
    """The ramp's ends as legends label them: the style's limits, else the 2nd / 98th percentile of
    the finite ``values`` (as ``stretch_limits``) to three significant digits; None without data.
    ``values`` may be None when the style sets both limits."""
    return _ramp_ends(values, vmin, vmax, significant)


def _ramp_ends(values, vmin, vmax, automatic) -> tuple[float, float] | None:
    """(low, high): each the style's limit, else ``automatic`` of the 2nd / 98th percentile of the
    finite ``values``; None when a percentile is needed and there is no data."""
    if vmin is not None and vmax is not None:
        return float(vmin), float(vmax)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    lo = automatic(float(np.percentile(finite, 2))) if vmin is None else float(vmin)
    hi = automatic(float(np.percentile(finite, 98))) if vmax is None else float(vmax)
    return lo, hi


def ramp_label(lo: float, hi: float) -> str:
    """The legend text of a ramp: "low – high", whole numbers without decimals."""
    return format_range(lo, hi, integer=float(lo).is_integer() and float(hi).is_integer())


def colorize(
    values: np.ndarray, palette_name: str, vmin: float | None, vmax: float | None, opacity: float = 1.0
) -> np.ndarray:
    """RGBA (h, w, 4) uint8 of ``values`` on the palette ramp; NaN transparent.

    Unset limits default to the 2nd and 98th percentiles of the visible values, so one outlier
    does not wash out the map.
    """
    rgba = np.zeros(values.shape + (4,), dtype=np.uint8)
    limits = stretch_limits(values, vmin, vmax)
    if limits is None:
        return rgba
    lo, hi = limits
    lut = ramp_lut(palette_name)
    ok = np.isfinite(values)
    idx = np.clip(((values[ok] - lo) / (hi - lo) * (len(lut) - 1)).round(), 0, len(lut) - 1).astype(int)
    rgba[ok, :3] = lut[idx]
    rgba[ok, 3] = round(255 * max(0.0, min(1.0, opacity)))
    return rgba


def draw_raster_layer(view, painter: QPainter, layer) -> None:
    """Draw a ``RasterLayer`` for ``view`` at one image pixel per device pixel."""
    width, height = max(1, int(round(view.width))), max(1, int(round(view.height)))
    values = read_window(layer, view, width, height)
    rgba = np.ascontiguousarray(
        colorize(values, layer.style.palette, layer.style.vmin, layer.style.vmax, layer.style.opacity * layer.opacity)
    )
    image = QImage(rgba.data, width, height, width * 4, QImage.Format.Format_RGBA8888).copy()
    painter.drawImage(QRectF(0, 0, view.width, view.height), image)
