"""Small-count suppression: count fields, published tables, legend classes."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from test_protection_data import households

from pakmap.classify import classify
from pakmap.numbers import format_range
from pakmap.protection.counts import count_fields, published_frame, suppressed_mask, suppression_counts

SMALL_NUMBER = re.compile(r"(?<![\d.,<])[1-4](?![\d.,])")  # a bare 1–4, not part of "<5" or "1,234"


def test_count_fields_of_the_census_table(shared_data):
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    assert count_fields(census) == ["population_2023", "households"]  # not area, rates or shares


def test_count_fields_skip_codes_years_and_measures():
    df = pd.DataFrame(
        {
            "refugees": [0, 3, 120],
            "ADM2_PCODE": [101, 102, 103],
            "year": [2023, 2023, 2024],
            "share": [1, 0, 1],
            "density": [10, 20, 30],
            "mean_size": [4.5, 5.0, 6.1],
            "negative": [-1, 2, 3],
            "flag": [True, False, True],
            "name": ["a", "b", "c"],
        }
    )
    assert count_fields(df) == ["refugees"]


def test_published_frame_writes_small_counts_as_below_threshold():
    df = pd.DataFrame(
        {"district": ["A", "B", "C", "D", "E"], "refugees": [0, 1, 4, 5, 12345], "villages": [10, 20, 30, 40, 50]}
    )
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


def test_small_counts_are_one_class_and_the_others_keep_their_bounds():
    values = [1, 2, 3, 4, 10, 20, 50, 100, 500]
    classes = classify(values, "manual", breaks=[2, 4, 50, 500], below=5)
    # The bounds under the threshold would split "<5": one class, never merged from two.
    assert classes.labels() == ["<5", "10 – 50", "51 – 500"]
    assert classes.class_of.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2]
    assert classes.counts == (4, 3, 2)
    assert classes.bounds == (50.0, 500.0)
    # Nothing under the threshold: the classification is the method's own.
    assert classify([10, 20, 30, 40], "quantiles", k=2, below=5).labels() == ["10 – 25", "26 – 40"]


def test_zero_joins_the_small_counts_and_no_range_reads_below_threshold():
    classes = classify([0, 0, 3, 7, 9, 14, 30, 31, 40], "natural_breaks", k=4, below=5)
    labels = classes.labels()
    assert labels[0] == "<5" and len(labels) == 4  # four classes asked, four drawn
    assert not any("<5 –" in l or "– <5" in l for l in labels)
    assert classes.class_of[:3].tolist() == [0, 0, 0]


def test_format_range_has_no_threshold():
    assert format_range(1, 4) == "1 – 4"
    assert format_range(0.19, 0.84, integer=False) == "0.19 – 0.84"
