"""Class bounds rounded to readable numbers before classifying: the legend reads 6,400 – 15,000 and
every district sits in the class its legend row gives (the real 2023 census by district)."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from pakmap.classify import classify, readable_bins
from pakmap.layer import VectorLayer
from pakmap.project.model import LayerSpec, Project
from pakmap.project.toml_format import load_project, save_project
from pakmap.render.legend_items import legend_items
from pakmap.render.styling import symbolize
from pakmap.style import GraduatedStyle
from pakmap.web.legend import layer_legend

METHODS = ("quantiles", "natural_breaks", "equal_interval", "std_mean")


def _census(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / "pak_census2023_districts.csv")


def _significant_figures(value: float) -> int:
    digits = f"{abs(value):.10g}".replace(".", "").lstrip("0").rstrip("0")
    return max(len(digits), 1)


def _label_range(label: str) -> tuple[float, float]:
    low, high = label.split(" – ")
    return float(low.replace(",", "")), float(high.replace(",", ""))


@pytest.mark.realdata
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("field", ["population_2023", "area_sq_km", "literacy_rate"])
def test_every_district_sits_in_the_class_its_legend_row_reads(shared_data, method, field):
    values = _census(shared_data)[field]
    classes = classify(values, method, 5, readable=True)
    exact = classify(values, method, 5)
    assert classes.k == exact.k and all(classes.counts)  # no class emptied or merged
    assert list(classes.bins) == sorted(set(classes.bins))
    assert all(_significant_figures(b) <= 3 for b in classes.bins)
    ranges = [_label_range(label) for label in classes.labels()]
    for value, k in zip(values, classes.class_of):
        low, high = ranges[k]
        # The label is rounded as printed (rates to two decimals); the bound itself is the rounded one.
        assert low <= round(value, 2) and value <= classes.bins[k]


@pytest.mark.realdata
def test_population_quantiles_read_as_round_numbers_and_exact_on_request(shared_data):
    population = _census(shared_data)["population_2023"]
    rounded = classify(population, "quantiles", 5, readable=True).labels()
    assert rounded == [
        "120,000 – 360,000",
        "360,001 – 1,000,000",
        "1,000,001 – 1,800,000",
        "1,800,001 – 2,600,000",
        "2,600,001 – 14,000,000",
    ]
    assert classify(population, "quantiles", 5).labels()[0] == "127,571 – 361,971"


def test_a_bound_that_would_empty_a_class_keeps_three_figures_or_stays_exact():
    values = np.array([1000, 1010, 1020, 1030, 2000, 9000], dtype=float)
    assert list(readable_bins(np.array([1010.0, 1030.0, 9000.0]), values)) == [1010.0, 1030.0, 9000.0]
    assert list(readable_bins(np.array([1012.0, 1031.0, 9000.0]), values)) == [1010.0, 1030.0, 9000.0]
    # Rounding 1,004 and 1,006 gives 1,000 twice even at three figures: the exact bounds are kept.
    tight = np.array([1003, 1004, 1005, 1006, 1007], dtype=float)
    assert list(readable_bins(np.array([1004.0, 1006.0, 1007.0]), tight)) == [1004.0, 1006.0, 1007.0]


def test_small_counts_are_their_own_class_never_part_of_a_range():
    values = [1, 2, 3, 6471, 8000, 9000, 12000, 15278, 20000, 40000, 80000]
    labels = classify(values, "quantiles", 4, below=5, readable=True).labels()
    assert labels[0] == "<5"
    assert not any(label.startswith("<5 ") or "<5 –" in label for label in labels)
    assert labels[1].startswith("6,400 – ")


def _districts(shared_data, round_bounds: bool) -> VectorLayer:
    shapes = gpd.read_file(shared_data / "pak_districts.geojson", columns=["name"])
    data = shapes.merge(_census(shared_data), left_on="name", right_on="district", how="left")
    style = GraduatedStyle(field="population_2023", method="quantiles", classes=5, round_bounds=round_bounds)
    return VectorLayer("districts", data, style=style)


@pytest.mark.realdata
def test_map_print_legend_and_web_legend_agree_on_the_rounded_classes(shared_data):
    layer = _districts(shared_data, True)
    sym = symbolize(layer, 5)
    labels = [item.label for item in legend_items(layer, 5)]
    assert labels[0] == "120,000 – 360,000" and labels[-1] == "No data"
    population = layer.data["population_2023"].to_numpy()
    for value, k in zip(population, sym.class_of):
        if np.isfinite(value):
            low, high = _label_range(labels[k])
            assert low <= value <= high
    html = layer_legend(layer, 5)
    assert "120,000 – 360,000" in html and "127,571" not in html
    exact = [item.label for item in legend_items(_districts(shared_data, False), 5)]
    assert exact[0] == "127,571 – 361,971"


def test_round_bounds_false_is_saved_and_read_back(tmp_path):
    style = GraduatedStyle(field="population_2023", round_bounds=False)
    project = Project(layers=[LayerSpec("districts", "districts.geojson", style=style)])
    path = save_project(project, tmp_path / "map.pakmap.toml")
    assert re.search(r"^round_bounds = false$", path.read_text(), re.M)
    assert load_project(path).layer_spec("districts").style.round_bounds is False
    default = Project(layers=[LayerSpec("districts", "districts.geojson", style=GraduatedStyle(field="p"))])
    text = save_project(default, tmp_path / "default.pakmap.toml").read_text()
    assert "round_bounds" not in text  # the default is not written: older files read the same


def test_round_bounds_must_be_a_boolean():
    from pakmap.errors import StyleError
    from pakmap.style import style_from_dict

    with pytest.raises(StyleError, match="round_bounds"):
        style_from_dict({"kind": "graduated", "field": "p", "round_bounds": "no"})


def test_points_keep_their_class_with_rounded_bounds():
    values = [6471.0, 7000.0, 9000.0, 15278.0, 30000.0, 60000.0]
    layer = VectorLayer(
        "p",
        gpd.GeoDataFrame({"v": values}, geometry=[Point(i, 0) for i in range(6)], crs=4326),
        style=GraduatedStyle(field="v", method="equal_interval", classes=3),
    )
    labels = [item.label for item in legend_items(layer)]
    assert labels == ["6,400 – 24,000", "24,001 – 42,000", "42,001 – 60,000"]
