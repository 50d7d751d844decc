"""Reading data files into layers: vectors, tables (with coordinates), rasters, boundaries.

``open_layer(path, layer=None, **options)`` is the entry point everything uses (projects, ``pakmap
info``, the GUI); ``list_layers(path)`` names what a file holds; ``read_raster_window`` gives the
renderer the pixels of one view; ``set_crs(layer, crs)`` records the CRS the user gives a layer
that has none. Modules, by what they hold:

- ``detect``: which reader a file needs (extension, then first bytes);
- ``vector`` and ``shapefile``: GDAL vector formats and the shapefile checks GDAL does not make;
- ``csv_sniff``, ``xlsx``, ``table``, ``coordinates``, ``encoding``: tables and their points;
- ``raster``: GeoTIFF metadata and windowed reads;
- ``boundaries``: the geoBoundaries download with its disk cache.
"""

from .open import list_layers, open_layer, set_crs


def __getattr__(name: str):
    # ``read_raster_window`` imports rasterio, which loads a GDAL of its own: on first use, not with
    # every vector read.
    if name == "read_raster_window":
        from .raster import read_raster_window

        return read_raster_window
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["open_layer", "list_layers", "set_crs", "read_raster_window"]
