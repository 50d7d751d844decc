"""Is Jammu and Kashmir in view? Decides whether the template's J&K note is printed.

The area is the template's ``[kashmir] bbox`` (lon/lat) or any visible layer named in its
``layers`` (the Line of Control) crossing the map's extent. Layer names match whatever their case and
with spaces for underscores ("Line of Control" is ``line_of_control``).
"""

from __future__ import annotations

from pyproj import CRS
from shapely import box as shapely_box

from ..crs import WGS84, transform_bounds
from ..layer import VectorLayer
from ..project.loaded import LoadedProject
from .template import Template


def kashmir_in_view(loaded: LoadedProject, extent, template: Template) -> bool:
    """True when the map ``extent`` (map CRS) shows any part of Jammu and Kashmir."""
    view_lonlat = transform_bounds(extent, loaded.crs, WGS84)
    if shapely_box(*view_lonlat).intersects(shapely_box(*template.kashmir_bbox)):
        return True
    view = shapely_box(*extent)
    wanted = {_layer_key(name) for name in template.kashmir_layers}
    for layer in loaded.layers:
        if isinstance(layer, VectorLayer) and layer.visible and _layer_key(layer.name) in wanted:
            data = (
                layer.data if layer.crs is None or CRS(layer.crs) == CRS(loaded.crs) else layer.data.to_crs(loaded.crs)
            )
            if data.geometry.intersects(view).any():
                return True
    return False


def _layer_key(name: str) -> str:
    return "_".join(str(name).casefold().split())
