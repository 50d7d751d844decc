"""The join dialog's key guess, a core rule: the table column sharing most values with the layer key."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from pakmap.join.key_guess import guess_table_field, guess_table_key
from pakmap.layer import TableLayer, VectorLayer


def test_the_column_sharing_most_values_wins_whatever_the_case_and_spaces():
    names = pd.Series(["Peshawar", "Quetta", "Lahore", None])
    table = pd.DataFrame(
        {
            "province": ["KP", "Balochistan", "Punjab"],
            "District ": ["  PESHAWAR", "quetta ", "Karachi"],  # a partner's header and spelling
            "refugees": [90_000, 60_000, 30_000],
            "note": ["Peshawar", None, None],
        }
    )
    assert guess_table_key(names, table) == "District "
    assert guess_table_key(pd.Series(["Sindh"]), table) is None  # nothing shared: no guess


def test_a_layer_field_is_guessed_against_a_table_layer():
    frame = gpd.GeoDataFrame({"pcode": ["PK401", "PK501"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    districts = VectorLayer("districts", frame)
    table = TableLayer("stats", pd.DataFrame({"admin2_pcode": ["PK501", "PK401", "PK999"], "n": [1, 2, 3]}))
    assert guess_table_field(districts, "pcode", table) == "admin2_pcode"
    assert guess_table_field(districts, "missing", table) is None


@pytest.mark.realdata
def test_the_census_table_joins_the_real_districts_on_district(shared_data):
    from pakmap.sources import open_layer

    districts = open_layer(shared_data / "pak_districts.geojson")
    census = open_layer(shared_data / "pak_census2023_districts.csv")
    assert guess_table_field(districts, "name", census) == "district"


def test_best_join_prefers_the_layer_given_data_for_most_features():
    from pakmap.join.key_guess import best_join

    districts = VectorLayer(
        "districts",
        gpd.GeoDataFrame(
            {"name": ["Lahore", "Kasur", "Karachi East"], "province": ["Punjab", "Punjab", "Sindh"]},
            geometry=[box(0, 0, 1, 1)] * 3,
            crs=4326,
        ),
    )
    provinces = VectorLayer(
        "provinces", gpd.GeoDataFrame({"name": ["Punjab", "Sindh"]}, geometry=[box(0, 0, 1, 1)] * 2, crs=4326)
    )
    table = TableLayer(
        "census",
        pd.DataFrame({"district": ["Lahore", "Kasur", "Karachi East"], "province": ["Punjab", "Punjab", "Sindh"]}),
    )
    match = best_join([provinces, districts], [table])
    assert (match.layer, match.layer_field, match.table, match.table_field, match.features) == (
        "districts",
        "name",
        "census",
        "district",
        3,
    )
    assert best_join([provinces], [table]).features == 2  # the provinces match on the province column
