"""Row filters by expression: vectorized conditions on a table's columns, one-line errors."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from pakmap.errors import ExpressionError
from pakmap.row_filter import expression_mask

FRAME = pd.DataFrame(
    {
        "name": ["Lahore", "Quetta", None, "Peshawar"],
        "province": ["Punjab", "Balochistan", "Punjab", "Khyber Pakhtunkhwa"],
        "population 2023": [13_004_135, 2_595_492, np.nan, 4_758_762],
        "camp": pd.array([True, None, False, True], dtype="boolean"),
    }
)


@pytest.mark.parametrize(
    "expression, rows",
    [
        ('`population 2023` > 3000000 and province == "Punjab"', [0]),
        ("`population 2023` < 1", []),  # missing is not below 1
        ("not (`population 2023` > 3000000)", [1, 2]),
        ('province in ["Punjab", "Balochistan"]', [0, 1, 2]),
        ('name.str.contains("wa", na=False)', [3]),
        ("camp", [0, 3]),  # a nullable boolean column: missing does not pass
        ("1 < 2", [0, 1, 2, 3]),
    ],
)
def test_conditions_select_rows(expression, rows):
    mask = expression_mask(FRAME, expression)
    assert mask.dtype == bool and len(mask) == len(FRAME)
    assert np.flatnonzero(mask).tolist() == rows


@pytest.mark.parametrize(
    "expression, message",
    [
        ("", "the filter expression is empty"),
        ("`population 2023` >", "is not a valid expression"),
        ("populaton > 5", "no field 'populaton' — did you mean"),
        ("province == Punjab", "'Punjab' is not a field but a value in the table — put text in quotes: \"Punjab\""),
        ("province == Sindh", "no field 'Sindh' — the fields are name, province, population 2023, camp;"),
        ("`population 2023` * 2", "gives values, not true or false"),
        ("x = 1", "assigns a value instead of testing one"),
        ("@FRAME", "no field"),  # "@" names reach no Python variable
        ('__import__("os")', "is not a supported function"),
    ],
)
def test_bad_expressions_are_one_line_errors(expression, message):
    with pytest.raises(ExpressionError) as info:
        expression_mask(FRAME, expression)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_layer_frame_with_geometry_filters_on_its_attributes():
    points = gpd.GeoDataFrame({"refugees": [3, 120]}, geometry=[Point(71, 34), Point(67, 30)], crs=4326)
    assert expression_mask(points, "refugees >= 5").tolist() == [False, True]
