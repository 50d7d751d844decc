"""Calculated fields (``pakmap.calculate``): a small expression language, never Python's eval."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from pakmap.calculate import calculate, parse, with_calculated
from pakmap.errors import ExpressionError


@pytest.fixture
def districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["Lahore", "Quetta", "Karachi East", None],
            "province": ["Punjab", "Balochistan", "Sindh", "Sindh"],
            "refugees": [1200, 50, 0, np.nan],
            "Population 2023": pd.array([13_004_135, 2_595_492, 0, None], dtype="Int64"),
            "capital": [True, True, False, False],
        },
        geometry=shapely.points([0, 1, 2, 3], [0, 1, 2, 3]),
        crs="EPSG:4326",
    )


def test_arithmetic_over_fields_with_backticks_gives_floats_and_missing_for_division_by_zero(districts):
    rate = calculate(districts, "refugees / `Population 2023` * 100000")
    assert rate.iloc[0] == pytest.approx(1200 / 13_004_135 * 100000)
    assert np.isnan(rate.iloc[2])  # 0 / 0: no data, not inf
    assert np.isnan(rate.iloc[3])  # a missing population
    assert list(rate.index) == list(districts.index)


def test_functions_text_and_conditions(districts):
    assert list(calculate(districts, "round(refugees / 7, 1)"))[:2] == [171.4, 7.1]
    label = calculate(districts, 'concat(upper(province), " – ", name)')
    assert list(label) == ["PUNJAB – Lahore", "BALOCHISTAN – Quetta", "SINDH – Karachi East", "SINDH – "]
    size = calculate(districts, '"large" if refugees > 100 else "small"')
    assert list(size) == ["large", "small", "small", "small"]  # a missing value is not > 100
    assert list(calculate(districts, 'capital and province == "Punjab"')) == [True, False, False, False]
    assert list(calculate(districts, "coalesce(refugees, -1)")) == [1200, 50, 0, -1]
    assert list(calculate(districts, 'where(not capital, "no", "yes")')) == ["yes", "yes", "no", "no"]
    assert list(calculate(districts, "concat(`Population 2023`)"))[:2] == ["13004135", "2595492"]  # no ".0"
    assert list(calculate(districts, "10")) == [10.0] * 4  # a constant fills the column


def test_with_calculated_adds_and_replaces_in_order_and_keeps_the_source(districts):
    out = with_calculated(districts, {"per_100k": "refugees / `Population 2023` * 100000", "refugees": "refugees * 2"})
    assert "per_100k" in out and out["refugees"].iloc[0] == 2400
    assert districts["refugees"].iloc[0] == 1200 and "per_100k" not in districts
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == districts.crs
    with pytest.raises(ExpressionError, match="geometry"):
        with_calculated(districts, {"geometry": "1"})


@pytest.mark.parametrize(
    "expression, message",
    [
        ("__import__('os')", "calls __import__\\(\\), which is not a function of calculations"),
        ("__import__('os').system('echo hacked')", "attribute"),
        ("name.__class__", "attribute"),
        ("name.upper()", "attribute"),
        ("refugees[0]", "brackets"),
        ("(lambda: 1)()", "lambda"),
        ("[x for x in name]", "ListComp"),
        ("open('/etc/passwd')", "not a function of calculations"),
        ("eval('1')", "not a function of calculations"),
        ("round(refugees, digits=2)", "round"),
        ("province in ['Sindh']", "'in' or 'is'"),
        ("f'{name}'", "f-string"),
        ("os", "not a field"),
        ("refugess * 2", "did you mean `refugees`"),
        ("name * 1000000000", "needs numbers"),
        ("'a' * 10 ** 9", "needs numbers"),
        ("name + 1", "adds two numbers or joins two texts"),
        ("upper(refugees)", "changes text"),
        ("refugees and capital", "needs conditions"),
        ("round(refugees, 400)", "whole number of decimals"),
        ("refugees >", "not a valid expression"),
        ("`Population 2023", "` without its closing `"),
        ("-" * 200 + "1", "nested too deeply"),
        ("x" * 2000, "characters long"),
        ("", "empty"),
    ],
)
def test_hostile_and_wrong_expressions_are_one_line_errors(districts, expression, message):
    with pytest.raises(ExpressionError, match=message) as caught:
        calculate(districts, expression)
    assert "\n" not in str(caught.value)


def test_huge_powers_are_missing_values_not_a_hang_or_a_big_integer(districts):
    assert calculate(districts, "9 ** 9 ** 9 ** 9").isna().all()
    assert calculate(districts, "refugees ** 1000").iloc[0:2].isna().all()
    assert calculate(districts, "10 ** -400").iloc[0] == 0


def test_parse_lists_the_fields_read(districts):
    expression = parse("refugees / `Population 2023` + refugees", list(districts.columns))
    assert expression.fields == ("refugees", "Population 2023")
