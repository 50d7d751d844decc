"""Small-count suppression: count fields, published tables, legend classes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pakmap.classify import classify
from pakmap.numbers import format_range
from pakmap.protection.counts import (count_fields, published_frame, suppressed_classes, suppressed_mask,
                                      suppression_counts)
from test_protection_data import households

SMALL_NUMBER = re.compile(r"(?<![\d.,<])[1-4](?![\d.,])")  # a bare 1–4, not part of "<5" or "1,234"


def test_count_fields_of_the_census_table(shared_data):
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    assert count_fields(census) == ["population_2023", "households"]  # not area, rates or shares


def test_count_fields_skip_codes_years_and_measures():
    df = pd.DataFrame({"refugees": [0, 3, 120], "ADM2_PCODE": [101, 102, 103], "year": [2023, 2023, 2024],
                       "share": [1, 0, 1], "density": [10, 20, 30], "mean_size": [4.5, 5.0, 6.1],
                       "negative": [-1, 2, 3], "flag": [True, False, True], "name": ["a", "b", "c"]})
    assert count_fields(df) == ["refugees"]


def test_published_frame_writes_small_counts_as_below_threshold():
    df = pd.DataFrame({"district": ["A", "B", "C", "D", "E"], "refugees": [0, 1, 4, 5, 12345],
                       "villages": [10, 20, 30, 40, 50]})
    out = published_frame(df, 5)
    assert out["refugees"].tolist() == ["0", "<5", "<5", "5", "12,345"]
    assert out["villages"].tolist() == [10, 20, 30, 40, 50]  # no small count: stays numeric
    assert df["refugees"].tolist() == [0, 1, 4, 5, 12345]  # the input is untouched
    assert suppression_counts(df, 5) == {"refugees": 2}
    assert suppressed_mask([np.nan, 0, 2, 7], 10).tolist() == [False, False, True, True]


def test_household_sizes_never_published_as_small_numbers():
    gdf = households()
    out = published_frame(pd.DataFrame(gdf.drop(columns="geometry")), 5, ["household_size"])
    text = out["household_size"].astype(str)
    assert (text == "<5").sum() == (gdf["household_size"] < 5).sum() >= 10
    assert not any(SMALL_NUMBER.search(v) for v in text)


def test_class_of_suppressed_values_reads_below_threshold():
    values = [1, 2, 3, 4, 10, 20, 50, 100, 500]
    classes = classify(values, "manual", breaks=[2, 4, 50, 500])
    assert classes.labels(5) == ["<5", "<5", "5 – 50", "51 – 500"]  # format_range: never "<5 – <5"
    merged = suppressed_classes(classes, 5)
    assert merged.bins == (4.0, 50.0, 500.0)
    assert merged.labels(5) == ["<5", "5 – 50", "51 – 500"]
    assert merged.class_of.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2]
    assert merged.counts == (4, 3, 2)
    # Nothing to merge: the same object back.
    assert suppressed_classes(classify([10, 20, 30, 40], "quantiles", k=2), 5).bins == (25.0, 40.0)


def test_format_range_with_zero_and_partial_classes():
    assert format_range(1, 4, threshold=5) == "<5"
    assert format_range(0, 3, threshold=5) == "0 – <5"
    assert format_range(3, 10, threshold=5) == "<5 – 10"
    assert format_range(1, 4) == "1 – 4"  # no threshold: no suppression
