"""GeoTIFF rasters through rasterio: metadata on open, pixels only for the window being drawn.

``open_raster`` reads the header only. ``read_raster_window`` gives the renderer exactly the
pixels of one map view: it reads the part of the file under the view, at about the view's resolution
(GDAL then reads from the file's overviews instead of the full-resolution pixels), and warps that
small array onto the view's grid, in the view's CRS.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import rasterio
import rasterio.errors
from affine import Affine
from rasterio.enums import Resampling
from rasterio.transform import from_bounds
from rasterio.warp import reproject
from rasterio.windows import Window
from rasterio.windows import from_bounds as window_from_bounds

from .. import limits
from ..crs import check_placeable, parse_crs, transform_bounds
from ..errors import SourceError
from ..layer import RasterLayer, SourceInfo
from .raster_errors import damaged_pixels, raster_detail


def open_raster(path: Path, *, crs=None) -> RasterLayer:
    """A ``RasterLayer`` with the file's metadata; ``crs`` sets (or replaces) the file's CRS."""
    try:
        with rasterio.open(path) as src:
            file_crs = parse_crs(src.crs.to_wkt(), path=path) if src.crs else None
            overviews = src.overviews(1) if src.count else []
            meta = dict(
                bounds=tuple(float(v) for v in src.bounds),
                width=src.width,
                height=src.height,
                count=src.count,
                nodata=src.nodata,
                dtype=src.dtypes[0] if src.count else "none",
            )
    except rasterio.errors.RasterioIOError as exc:
        raise SourceError(
            f"cannot be read as GeoTIFF ({raster_detail(exc, path)})",
            path=path,
            fix="check that the file is complete, or export it again as GeoTIFF",
        ) from None
    options = {}
    if crs is not None:
        file_crs = parse_crs(crs, path=path)
        options["crs"] = str(crs)
    check_placeable(file_crs, path=path)
    return RasterLayer(path.stem, path, file_crs, source=SourceInfo(path, options=options), overviews=overviews, **meta)


# GDAL's block cache defaults to 5 % of the machine's memory, and a file without overviews fills it
# with every block under a zoomed-out view: 256 MB is plenty for drawing (GDAL_CACHEMAX overrides).
_GDAL_CACHE = {} if os.environ.get("GDAL_CACHEMAX") else {"GDAL_CACHEMAX": 256 * 2**20}


def _check_read_size(src, window: Window, out_shape: tuple[int, int], band: int, path) -> None:
    """``LimitError`` when drawing a view would read more pixels than ``limits.RASTER_READ_PIXELS``:
    GDAL reads every full-resolution pixel under the view unless an overview is coarse enough."""
    factor = min(window.width / out_shape[1], window.height / out_shape[0])
    level = max([f for f in src.overviews(band) if f <= factor], default=1)
    pixels = window.width * window.height / level**2
    bound = limits.RASTER_READ_PIXELS.value()
    if pixels > bound:
        raise limits.LimitError(
            f"drawing this view would read {pixels:,.0f} pixels of the raster, over pakmap's "
            f"limit of {bound:,.0f} (the file has no overviews this coarse)",
            path=path,
            fix="build overviews (gdaladdo -r average FILE) or zoom in; " + limits.RASTER_READ_PIXELS.how_to_raise(),
        )


def plan_read(
    shape: tuple[int, int], transform: Affine, bounds, width: int, height: int
) -> tuple[Window, tuple[int, int]] | None:
    """The window of a raster (``shape`` = height, width; ``transform``) covering ``bounds`` (in the
    raster's CRS) drawn ``width``×``height`` pixels, and the output shape to read that window at:
    never more pixels than the target needs, never upsampled. None when the bounds miss the raster."""
    xmin, ymin, xmax, ymax = bounds
    full = Window(0, 0, shape[1], shape[0])
    try:
        exact = window_from_bounds(xmin, ymin, xmax, ymax, transform=transform)
        # Whole pixels covering the box; the epsilon stops 49.9999999 from adding a pixel column.
        col0, row0 = math.floor(exact.col_off + 1e-6), math.floor(exact.row_off + 1e-6)
        col1 = math.ceil(exact.col_off + exact.width - 1e-6)
        row1 = math.ceil(exact.row_off + exact.height - 1e-6)
        window = Window(col0, row0, col1 - col0, row1 - row0).intersection(full)
    except rasterio.errors.WindowError:
        return None
    if window.width < 1 or window.height < 1:
        return None
    # Source pixels per target pixel along each axis; > 1 means the read can be decimated.
    factor_x = (xmax - xmin) / width / abs(transform.a)
    factor_y = (ymax - ymin) / height / abs(transform.e)
    out_w = int(window.width) if factor_x <= 1 else max(1, math.ceil(window.width / factor_x))
    out_h = int(window.height) if factor_y <= 1 else max(1, math.ceil(window.height / factor_y))
    return window, (out_h, out_w)


def read_raster_window(
    layer: RasterLayer, extent, crs, width: int, height: int, *, bands=None, resampling: str = "nearest"
) -> tuple[np.ndarray, np.ndarray, Affine]:
    """Pixels of ``layer`` for a view of ``extent`` (in ``crs``) drawn ``width``×``height`` pixels.

    Returns ``(array, nodata_mask, transform)``: ``array`` is (bands, height, width) in the file's
    dtype, ``nodata_mask`` is True where there is no data (the file's nodata, or outside the raster),
    ``transform`` maps view pixels to ``crs`` coordinates. ``bands`` are 1-based (default: all).
    """
    if layer.crs is None:
        raise SourceError(
            "the raster has no CRS, so pakmap cannot place it on the map",
            path=layer.path,
            fix='set its CRS (crs = "EPSG:…" for the layer in the project)',
        )
    dst_crs = parse_crs(crs)
    method = getattr(Resampling, resampling)
    indexes = list(bands) if bands is not None else list(range(1, layer.count + 1))
    dst_transform = from_bounds(*extent, width, height)
    try:
        with rasterio.Env(**_GDAL_CACHE), rasterio.open(layer.path) as src:
            dtype = np.dtype(src.dtypes[indexes[0] - 1])
            fill = layer.nodata if layer.nodata is not None else (np.nan if dtype.kind == "f" else 0)
            out = np.full((len(indexes), height, width), fill, dtype=dtype)
            valid = np.zeros((height, width), dtype=np.uint8)
            src_box = transform_bounds(extent, dst_crs, layer.crs)
            plan = plan_read((src.height, src.width), src.transform, src_box, width, height)
            if plan is None:
                return out, np.ones((height, width), dtype=bool), dst_transform
            window, (out_h, out_w) = plan
            _check_read_size(src, window, (out_h, out_w), indexes[0], layer.path)
            # Decimated reads are served from overviews by GDAL: the full-resolution pixels stay on disk.
            data = src.read(indexes, window=window, out_shape=(len(indexes), out_h, out_w), resampling=method)
            read_transform = src.window_transform(window) @ Affine.scale(window.width / out_w, window.height / out_h)
            present = src.read_masks(indexes[0], window=window, out_shape=(out_h, out_w)) > 0
    except rasterio.errors.RasterioError as exc:
        raise damaged_pixels(exc, layer.path) from None
    reproject(
        data,
        out,
        src_transform=read_transform,
        src_crs=layer.crs,
        src_nodata=layer.nodata,
        dst_transform=dst_transform,
        dst_crs=dst_crs,
        dst_nodata=fill,
        resampling=method,
    )
    reproject(
        present.astype(np.uint8),
        valid,
        src_transform=read_transform,
        src_crs=layer.crs,
        src_nodata=0,
        dst_transform=dst_transform,
        dst_crs=dst_crs,
        dst_nodata=0,
        resampling=Resampling.nearest,
    )
    return out, valid == 0, dst_transform


__all__ = ["open_raster", "read_raster_window", "plan_read"]
