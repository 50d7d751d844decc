"""The one-line errors of a raster read, without rasterio: a zonal join or an exposure run names a
damaged file with them, and importing them loads no GDAL of rasterio's own."""

from __future__ import annotations

from ..errors import SourceError


def raster_detail(exc: BaseException, path) -> str:
    """GDAL's own words for what failed, without the path (the error names the file already)."""
    cause = exc.__cause__ or exc.__context__
    if cause is not None and "previous exception" in str(exc):  # rasterio's wrapper of GDAL's message
        exc = cause
    return " ".join(str(exc).replace(str(path), "").split())[:120] or type(exc).__name__


def damaged_pixels(exc: Exception, path) -> SourceError:
    """The one-line error for a raster whose header reads but whose pixels do not (damaged tiles)."""
    return SourceError(
        f"cannot be read: its pixel data is damaged ({raster_detail(exc, path)})",
        path=path,
        fix="copy or download the file again, or export it again as GeoTIFF",
    )


__all__ = ["raster_detail", "damaged_pixels"]
