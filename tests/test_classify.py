"""pakmap.classify gives mapclassify's classes for the same data; missing values go to no data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pakmap.classify import classify

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import mapclassify

RNG = np.random.default_rng(42)
DATA = np.round(RNG.lognormal(10, 1.2, 400))


@pytest.mark.parametrize(
    "method,scheme",
    [
        ("quantiles", lambda y: mapclassify.Quantiles(y, k=5)),
        ("natural_breaks", lambda y: mapclassify.FisherJenks(y, k=5)),
        ("equal_interval", lambda y: mapclassify.EqualInterval(y, k=5)),
        ("std_mean", lambda y: mapclassify.StdMean(y)),
    ],
)
def test_same_classes_as_mapclassify(method, scheme):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = classify(DATA, method, 5)
        ref = scheme(DATA)
    ref_bins = np.asarray(ref.bins, dtype=float)
    ref_yb = np.asarray(ref.yb)
    skip = int(ref_yb.min())  # pakmap drops leading empty classes (StdMean)
    np.testing.assert_allclose(ours.bins, ref_bins[skip:])
    np.testing.assert_array_equal(ours.class_of, ref_yb - skip)
    assert sum(ours.counts) == len(DATA)


def test_manual_breaks_equal_user_defined():
    ours = classify(DATA, "manual", breaks=[10_000, 50_000, 100_000])
    ref = mapclassify.UserDefined(DATA, [10_000, 50_000, 100_000, DATA.max()])
    np.testing.assert_array_equal(ours.class_of, ref.yb)
    assert ours.bins[-1] == DATA.max()


def test_missing_values_are_no_data_not_lowest_class():
    values = [1.0, None, 5.0, float("nan"), 100.0, 7.0]
    c = classify(values, "quantiles", 2)
    assert list(c.class_of[[1, 3]]) == [-1, -1]
    assert (c.class_of[[0, 2, 4, 5]] >= 0).all()
    assert sum(c.counts) == 4


def test_graduated_renderer_uses_these_classes():
    import geopandas as gpd
    from shapely.geometry import Point

    from pakmap.layer import VectorLayer
    from pakmap.palettes import palette
    from pakmap.render.styling import symbolize
    from pakmap.style import GraduatedStyle

    gdf = gpd.GeoDataFrame({"v": list(DATA[:50]) + [np.nan]}, geometry=[Point(0, 0)] * 51, crs=4326)
    lyr = VectorLayer("x", gdf, style=GraduatedStyle(field="v", method="quantiles", classes=4))
    sym = symbolize(lyr)
    ref = mapclassify.Quantiles(DATA[:50], k=4)
    np.testing.assert_array_equal(sym.class_of[:50], ref.yb)
    assert sym.class_of[50] == 4 and sym.classes[4].nodata
    assert [c.fill for c in sym.classes[:4]] == palette("unhcr_blue").ramp(4)
