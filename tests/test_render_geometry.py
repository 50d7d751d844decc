"""Geometry preparation: reprojection cache, visible-feature selection, generalization, paths."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import Point, box

from pakmap.layer import VectorLayer
from pakmap.render import paths
from pakmap.render.generalize import simplified, visible_indices
from pakmap.render.transform import DeviceTransform, projected

CRS_M = CRS.from_epsg(3857)


def _grid_layer(n=20):
    cells = [box(i, j, i + 1, j + 1) for i in range(n) for j in range(n)]
    return VectorLayer("grid", gpd.GeoDataFrame(geometry=cells, crs=CRS_M))


def test_only_features_meeting_the_extent_are_selected():
    proj = projected(_grid_layer(), CRS_M)
    whole = visible_indices(proj, (-1, -1, 30, 30))
    assert len(whole) == 400 and proj._tree is None  # whole layer in view: no index built
    idx = visible_indices(proj, (2.5, 2.5, 4.5, 3.5))
    assert len(idx) == 3 * 2  # columns 2-4, rows 2-3


def test_projection_cached_per_layer_and_crs_and_refreshed_with_new_data():
    lyr = VectorLayer("p", gpd.GeoDataFrame(geometry=[Point(10, 10)], crs=4326))
    a = projected(lyr, CRS_M)
    assert projected(lyr, CRS_M) is a
    x, y = shapely.get_coordinates(a.geoms)[0]
    assert (round(x), round(y)) == (1113195, 1118890)
    lyr.update(data=gpd.GeoDataFrame(geometry=[Point(20, 10)], crs=4326))
    assert shapely.get_coordinates(projected(lyr, CRS_M).geoms)[0][0] > 2_000_000
    assert projected(lyr, CRS.from_epsg(4326)).geoms[0].x == 20


def test_simplified_to_half_a_pixel():
    t = np.linspace(0, 2 * np.pi, 20_001)
    wiggly = shapely.polygons(np.column_stack([np.cos(t) * (100 + 0.001 * np.sin(500 * t)), np.sin(t) * 100]))
    out = simplified(np.array([wiggly]), scale=1.0)  # 1 px per unit: a 200 px circle
    n = shapely.get_num_coordinates(out)[0]
    assert 20 < n < 400  # a 200 px circle needs tens of vertices, not 20,000
    assert shapely.hausdorff_distance(out[0], wiggly) <= 0.5 + 1e-9


def test_rings_keep_holes_and_feature_index():
    donut = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))
    xy, types, feature = paths.rings(np.array([box(20, 20, 21, 21), donut], dtype=object))
    assert (types == paths.MOVE_TO).sum() == 3  # one shell, then a shell and its hole
    assert set(feature.tolist()) == {0, 1}
    path = paths.path_from_elements(types, DeviceTransform(0, 30, 1).apply(xy))
    assert path.elementCount() == len(xy)
    from PySide6.QtCore import QPointF

    assert path.contains(QPointF(1, 29)) and not path.contains(QPointF(5, 25))  # hole stays empty


def test_chunked_paths_split_only_between_subpaths():
    types = np.array([0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1])
    xy = np.zeros((len(types), 2))
    chunks = paths.chunked_paths(types, xy, chunk=4)
    assert [c.elementCount() for c in chunks] == [4, 8]  # subpaths starting at 4 and 7 share a block
