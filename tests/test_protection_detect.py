"""Sensitive-field detection by name and by content; individual-level layers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from test_protection_data import households

from pakmap.layer import TableLayer, VectorLayer
from pakmap.sensitivity.detect import (
    CASE_ID,
    COORDINATES,
    ID_CARD,
    PERSON_NAME,
    PHONE,
    POR_CARD,
    detect_layer,
    detect_sensitive,
    flag_layer,
    is_individual_level,
    normalize_field_name,
    reason_by_name,
)


def test_household_table_fields_detected_by_name():
    found = detect_sensitive(households())
    assert set(found) == {
        "case_id",
        "head_of_household",
        "father_name",
        "respondent",
        "phone",
        "cnic",
        "por_card",
        "dob",
        "address",
        "_gps_latitude",
        "_gps_longitude",
    }
    assert found["phone"].startswith(PHONE)
    assert found["cnic"].startswith(ID_CARD)
    assert found["por_card"].startswith(POR_CARD)
    assert found["case_id"].startswith(CASE_ID)
    assert found["_gps_latitude"].startswith(COORDINATES)
    # "respondent" is not a name-like field name: its values give it away.
    assert found["respondent"] == f"{PERSON_NAME}: 100% of 60 non-empty values look like names of people"
    assert found["phone"] == f"{PHONE}: header 'phone' (English 'phone')"


def test_values_give_fields_away_whatever_their_names():
    gdf = households()
    neutral = pd.DataFrame(
        {
            "a": gdf["phone"],
            "b": gdf["cnic"],
            "c": gdf["por_card"],
            "d": gdf["case_id"],
            "e": gdf["head_of_household"],
            "f": gdf["district"],
            "g": gdf["household_size"],
        }
    )
    found = detect_sensitive(neutral)
    assert {k: v.split(":")[0] for k, v in found.items()} == {
        "a": PHONE,
        "b": ID_CARD,
        "c": POR_CARD,
        "d": CASE_ID,
        "e": PERSON_NAME,
    }


@pytest.mark.parametrize(
    "values, reason",
    [
        ([3001234567, 3219876543, 3451112223], PHONE),  # Excel dropped the leading zero: int column
        ([3001234567.0, 3219876543.0, None], PHONE),
        (["+923001234567", "0092 300 1234567", "0300 1234567"], PHONE),
        (["051-2345678", "091-5701234", "+92 21 35123456"], PHONE),  # landlines
        (["0701234567", "+93 70 123 4567"], PHONE),  # Afghan mobiles
        ([1730112345671, 4210198765432], ID_CARD),  # CNIC without dashes, as numbers
        (["POR-0123456789", "PoR No. 1234567", "ACC 98765432"], POR_CARD),
        (["ISL-19C01234", "845-12345678", "PAK-00012345"], CASE_ID),
        (["gul.bibi@example.org", "n.khan@mail.com.pk"], "e-mail address"),
    ],
)
def test_value_patterns(values, reason):
    found = detect_sensitive(pd.DataFrame({"value": values}))
    assert found["value"].startswith(reason)


@pytest.mark.parametrize(
    "values",
    [
        [120, 4500, 98000],  # counts
        ["PK101", "PK102", "PK103"],  # P-codes
        ["2023-10-31", "2024-01-15", "2022-06-30"],  # dates
        ["Peshawar", "Quetta", "Dera Ismail Khan"],  # place names (not an individual-level table)
        [34.01, 30.18, 24.86],  # coordinates of places
    ],
)
def test_ordinary_values_are_not_flagged(values):
    assert detect_sensitive(pd.DataFrame({"value": values})) == {}


@pytest.mark.parametrize(
    "field, reason",
    [
        ("FatherName", PERSON_NAME),
        ("group_hh/hoh_name", PERSON_NAME),
        ("walid_ka_naam", PERSON_NAME),
        ("prenom", PERSON_NAME),
        ("Mobile No.", PHONE),
        ("contact_number", PHONE),
        ("whatsapp", PHONE),
        ("CNIC", ID_CARD),
        ("national_id", ID_CARD),
        ("tazkira_no", ID_CARD),
        ("PoR Card No", POR_CARD),
        ("poc_number", POR_CARD),
        ("progres_id", CASE_ID),
        ("Registration No", CASE_ID),
        ("reg_no", CASE_ID),
        ("individual_id", CASE_ID),
        ("hh_id", CASE_ID),
        ("date_of_birth", "date of birth"),
        ("DOB", "date of birth"),
        ("home_address", "address"),
        ("email", "e-mail address"),
        ("والد کا نام", PERSON_NAME),
        ("موبائل نمبر", PHONE),
        ("شناختی کارڈ نمبر", ID_CARD),
        ("پتہ", "address"),
        ("تاریخ پیدائش", "date of birth"),
    ],
)
def test_field_names(field, reason):
    assert reason_by_name(field) == reason


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "district",
        "province",
        "households",
        "total_poc",
        "population",
        "registration_date",
        "refugees",
        "village",
        "lat",
        "_gps_latitude",
        "نام",
        "ضلع",
    ],
)
def test_field_names_not_personal_by_themselves(field):
    assert reason_by_name(field) is None


def test_contextual_rules_only_in_tables_of_people():
    assert reason_by_name("name", individual=True) == PERSON_NAME
    assert reason_by_name("_gps_longitude", individual=True) == COORDINATES
    assert reason_by_name("نام", individual=True) == PERSON_NAME  # Urdu "name"
    assert normalize_field_name("group_a/FatherName") == "group_a_father_name"


def test_real_public_layers_are_not_flagged(shared_data, districts_path):
    districts = gpd.read_file(districts_path)
    assert detect_sensitive(districts) == {}
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    assert detect_sensitive(census) == {}
    centres = pd.read_csv(shared_data / "pak_admin_centres.csv")  # name, lat, lon of capitals: public
    points = gpd.GeoDataFrame(centres, geometry=gpd.points_from_xy(centres["lon"], centres["lat"]), crs=4326)
    layer = VectorLayer("centres", points)
    assert not is_individual_level(layer)
    assert detect_layer(layer) == {}


def test_individual_level_rule():
    gdf = households()
    assert is_individual_level(VectorLayer("hh", gdf))
    assert is_individual_level(TableLayer("hh", pd.DataFrame(gdf.drop(columns="geometry"))))
    # Only a household-size column says it: still households.
    sizes = gdf[["household_size", "geometry"]]
    assert is_individual_level(VectorLayer("sizes", sizes))
    # Villages with a population count are places, not households ("households" is a count).
    villages = gpd.GeoDataFrame(
        {"village": ["Akora", "Khurasan"], "households": [120, 340], "population": [800, 2100]},
        geometry=gpd.points_from_xy([72.1, 71.9], [34.0, 33.9]),
        crs=4326,
    )
    assert not is_individual_level(VectorLayer("villages", villages))
    # Polygons are areas, never a person, even with household fields.
    polys = gpd.GeoDataFrame(gdf[["household_size"]], geometry=shapely.buffer(gdf.geometry.to_numpy(), 0.001), crs=4326)
    assert not is_individual_level(VectorLayer("areas", polys))


def test_flag_layer_stores_flags_and_keeps_manual_ones():
    gdf = households()[["district", "phone", "household_size", "geometry"]]
    layer = VectorLayer("hh", gdf)
    layer.sensitive_fields = {"district": "flagged by the officer"}
    flags = flag_layer(layer)
    assert flags == layer.sensitive_fields
    assert flags["district"] == "flagged by the officer"
    assert flags["phone"].startswith(PHONE)
    assert "household_size" not in flags


def test_a_table_seen_again_is_not_detected_again_but_any_change_is(monkeypatch):
    """A render looks at each layer when reading it and for every export: the same content is
    judged once; a cell changed in place (the desktop app edits tables) is judged again."""
    from pakmap.sensitivity import detect

    runs = []
    real = detect._detect_now
    monkeypatch.setattr(detect, "_detect_now", lambda df, individual: runs.append(1) or real(df, individual))
    monkeypatch.setattr(detect, "_FOUND", type(detect._FOUND)())
    table = pd.DataFrame({"district": [f"D{i}" for i in range(10)], "notes": ["road repaired"] * 10})
    assert detect_sensitive(table) == {}
    assert detect_sensitive(table.copy()) == {}
    assert len(runs) == 1
    table.loc[3, "notes"] = "call 0300-1234567"
    assert set(detect_sensitive(table)) == {"notes"}
    assert len(runs) == 2
    mixed = pd.DataFrame({"site_lat": pd.Series([1, "1"] * 5, dtype=object)})
    same_text = pd.DataFrame({"site_lat": pd.Series(["1", "1"] * 5, dtype=object)})
    detect_sensitive(mixed, individual=True)
    detect_sensitive(same_text, individual=True)
    assert len(runs) == 4  # equal as text, not as values (distinct counts decide place coordinates)
