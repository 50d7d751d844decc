"""pakmap.classify gives mapclassify's classes for the same data; missing values go to no data.

pakmap classifies in numpy; mapclassify (a test dependency) is the reference.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pakmap.classify import (
    FISHER_JENKS_EXACT_LIMIT,
    classify,
    equal_interval_bins,
    fisher_jenks_bins,
    fisher_jenks_sample,
    quantile_bins,
    std_mean_bins,
)

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


def _datasets():
    rng = np.random.default_rng(7)
    yield "lognormal counts", np.round(rng.lognormal(10, 1.2, 400))
    yield "few distinct values, many ties", rng.integers(0, 12, 300).astype(float)
    yield "rates with negatives", rng.normal(0.0, 3.5, 250)
    yield "uniform shares", rng.uniform(0, 100, 157)
    yield "twelve values", np.array([3.0, 7, 7, 12, 40, 41, 44, 90, 91, 300, 301, 1200])
    yield "exactly the exact limit", rng.gamma(2.0, 50.0, FISHER_JENKS_EXACT_LIMIT)


DATASETS = list(_datasets())


@pytest.mark.parametrize("name,y", DATASETS, ids=[name for name, _ in DATASETS])
@pytest.mark.parametrize("k", [2, 3, 5, 7])
def test_numpy_bounds_equal_mapclassify(name, y, k):
    """Bound for bound (not approximately) the bounds mapclassify computes for the same values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(quantile_bins(y, k), mapclassify.Quantiles(y, k=k).bins)
        np.testing.assert_array_equal(equal_interval_bins(y, k), mapclassify.EqualInterval(y, k=k).bins)
        np.testing.assert_array_equal(std_mean_bins(y), mapclassify.StdMean(y).bins)
        if len(y) <= 400 or k == 5:  # mapclassify's own Fisher-Jenks is pure Python: slow
            np.testing.assert_array_equal(fisher_jenks_bins(y, k), mapclassify.FisherJenks(y, k=k).bins)


@pytest.mark.parametrize("name,y", DATASETS[:4], ids=[name for name, _ in DATASETS[:4]])
@pytest.mark.parametrize("method", ["quantiles", "natural_breaks", "equal_interval", "std_mean"])
def test_classes_of_every_value_equal_mapclassify(name, y, method):
    scheme = {
        "quantiles": lambda: mapclassify.Quantiles(y, k=5),
        "natural_breaks": lambda: mapclassify.FisherJenks(y, k=5),
        "equal_interval": lambda: mapclassify.EqualInterval(y, k=5),
        "std_mean": lambda: mapclassify.StdMean(y),
    }[method]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = scheme()
    k = min(5, len(np.unique(y)))
    ours = classify(y, method, k)
    ref_yb = np.asarray(ref.yb)
    skip = int(ref_yb.min())  # pakmap drops leading empty classes (StdMean)
    np.testing.assert_array_equal(ours.bins, np.asarray(ref.bins, float)[skip:])
    np.testing.assert_array_equal(ours.class_of, ref_yb - skip)


def test_natural_breaks_of_many_values_classify_an_even_sample():
    """Over the exact limit: Fisher-Jenks of evenly spaced order statistics (min and max included),
    the same map on every run, where mapclassify's FisherJenksSampled draws a random sample."""
    y = np.random.default_rng(3).lognormal(8, 1.0, 20_000)
    sample = fisher_jenks_sample(y)
    assert len(sample) == FISHER_JENKS_EXACT_LIMIT
    assert sample[0] == y.min() and sample[-1] == y.max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = mapclassify.FisherJenks(sample, k=5)
    ours = classify(y, "natural_breaks", 5)
    np.testing.assert_array_equal(ours.bins, ref.bins)
    assert ours.bins[-1] == y.max() and sum(ours.counts) == len(y)
    assert classify(y, "natural_breaks", 5).bins == ours.bins


def test_equal_values_make_one_class():
    for method in ("quantiles", "natural_breaks", "equal_interval", "std_mean"):
        c = classify([4.0, 4.0, 4.0], method, 5)
        assert c.bins == (4.0,) and c.counts == (3,)


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
    lyr = VectorLayer("x", gdf, style=GraduatedStyle(field="v", method="quantiles", classes=4, round_bounds=False))
    sym = symbolize(lyr)
    ref = mapclassify.Quantiles(DATA[:50], k=4)
    np.testing.assert_array_equal(sym.class_of[:50], ref.yb)
    assert sym.class_of[50] == 4 and sym.classes[4].nodata
    assert [c.fill for c in sym.classes[:4]] == palette("unhcr_blue").ramp(4)
