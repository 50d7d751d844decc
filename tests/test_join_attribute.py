"""Attribute joins onto the real district boundaries (../shared/data), with a partner-style messy table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from pakmap.errors import JoinError
from pakmap.join import join_attributes
from pakmap.join.report import JoinReport, accepted_from_dict, accepted_to_dict

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

# (table name, table province, expected district in the boundaries or None, expected stage)
MESSY = [
    ("Mardan", "Khyber Pakhtunkhwa", "Mardan", "exact"),
    ("Lahore", "Punjab", "Lahore", "exact"),
    ("D.I. Khan", "Khyber Pakhtunkhwa", "Dera Ismail Khan", "normalized"),
    ("D.G. Khan", "Punjab", "Dera Ghazi Khan", "normalized"),
    ("T.T. Singh", "Punjab", "Toba Tek Singh", "normalized"),
    ("M.B. Din", "Punjab", "Mandi Bahauddin", "normalized"),
    ("N. Waziristan", "Khyber Pakhtunkhwa", "North Waziristan", "normalized"),
    ("KARACHI  EAST", "Sindh", "Karachi East", "normalized"),
    ("Mirpurkhas", "Sindh", "Mirpur Khas", "normalized"),
    ("Swat District", "Khyber Pakhtunkhwa", "Swat", "normalized"),
    ("Kurram Agency", "Khyber Pakhtunkhwa", "Kurram", "normalized"),  # suffix rule
    ("FR Tank", "Khyber Pakhtunkhwa", "Tank", "normalized"),  # prefix rule
    ("Bajaur Agency", "FATA", "Bajaur", "alias"),  # province through the FATA alias
    ("Mohmand", "FATA", "Mohmand", "alias"),
    ("Khyber Agency", "FATA", "Khyber", "alias"),
    ("Lower South Waziristan", "KP", "South Waziristan", "alias"),
    ("Orakzai", "KPK", "Orakzai", "alias"),
    ("Abbottabad", "Khyber Pakhtunkhwa", "Abbotabad", "alias"),
    ("Bolan", "Balochistan", "Kachhi (Bolan)", "alias"),
    ("Tando Allahyar", "Sindh", "Tando Allah Yar", "normalized"),  # spaces ignored
    ("Nawabshah", "Sindh", "Shaheed Benazirabad", "alias"),
    ("Qila Abdullah", "Balochistan", "Killa Abdullah", "alias"),
    ("Sheikupura", "Punjab", "Sheikhupura", "alias"),
    ("Muzafargarh", "Punjab", "Muzaffargarh", "alias"),
    ("Hub", "Balochistan", "Lasbela", "alias"),
    ("Diamer", "GB", "Diamir", "alias"),
    ("Neelam", "AJK", "Neelum", "alias"),
    ("Quetta", "Baluchistan", "Quetta", "alias"),  # only the province needed the alias
    ("Peshwar", "Khyber Pakhtunkhwa", None, "unmatched"),  # misspelling: suggestion, not a guess
    ("Faislabad", "Punjab", None, "unmatched"),
    ("Lahore", "Sindh", None, "unmatched"),  # a real district, but not in that province
    ("Atlantis", "Sindh", None, "unmatched"),
    ("Total", "", None, "total"),  # a totals row: reported, left out, no suggestion
    ("Total Sindh", "Sindh", None, "total"),
    ("Grand Total", "", None, "total"),
    ("Pakistan", "", None, "total"),
]


@pytest.fixture(scope="module")
def districts(districts_path) -> gpd.GeoDataFrame:
    return gpd.read_file(districts_path)


@pytest.fixture()
def messy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "District": [m[0] for m in MESSY],
            "Province": [m[1] for m in MESSY],
            "refugees": np.arange(1, len(MESSY) + 1) * 100,
            "agency": ["UNHCR"] * len(MESSY),
        }
    )


def test_every_expected_match_and_every_unmatched_row(districts, messy):
    before = messy.copy(deep=True)
    layer_before = districts.copy()
    result = join_attributes(
        districts,
        messy,
        on=[("name", "District")],
        within=("province", "Province"),
        layer_name="districts",
        table_name="partners",
    )
    report = result.report
    rows = report.rows.set_index("table_row")
    for i, (name, _, expected, how) in enumerate(MESSY):
        assert rows.loc[i, "how"] == how, (name, rows.loc[i, "detail"])
        if expected:
            assert rows.loc[i, "layer_key"] == expected, name
            feature = result.data[result.data["name"] == expected]
            assert len(feature) == 1
            assert feature["refugees"].iloc[0] == (i + 1) * 100, name
    # Counts per stage, and the unmatched rows listed with their values.
    expected_counts = pd.Series([m[3] for m in MESSY]).value_counts().to_dict()
    for how, n in expected_counts.items():
        assert report.count(how) == n, how
    unmatched = report.unmatched_rows
    assert list(unmatched["table_key"]) == ["Peshwar", "Faislabad", "Lahore", "Atlantis"]
    assert unmatched["values"].iloc[0] == "refugees=2900; agency=UNHCR"
    # Unmatched rows with values are a warning the user sees; totals rows are not lost data.
    assert len(report.warnings) == 1 and "4 row(s) of 'partners'" in report.warnings[0]
    assert not {"Total", "Total Sindh", "Grand Total", "Pakistan"} & set(report.suggestions)
    assert (
        "totals rows, left out of the join: 4 (row 32: 'Total' is a total, row 33: 'Total Sindh' is a total, "
        "row 34: 'Grand Total' is a total, row 35: 'Pakistan' is the whole country: a total)"
    ) in report.summary()
    # Every feature kept, in order, geometry untouched; inputs not mutated.
    assert len(result.data) == len(districts) == 156
    assert list(result.data["name"]) == list(districts["name"])
    assert result.data.geometry.equals(districts.geometry)
    pd.testing.assert_frame_equal(messy, before)
    assert list(districts.columns) == list(layer_before.columns)
    # Features without data are reported; the joined ones are not.
    matched_names = {m[2] for m in MESSY if m[2]}
    assert len(report.unmatched_layer) == 156 - len(matched_names)
    assert not matched_names & set(report.unmatched_layer["layer_key"])
    # Key fields are not copied; a field the layer does not have keeps its name.
    assert "District" not in result.data.columns and "agency" in result.data.columns


def test_suggestions_rank_the_right_district_first(districts, messy):
    report = join_attributes(districts, messy, on=[("name", "District")], within=("province", "Province")).report
    assert report.suggestions["Peshwar"][0].layer_key == "Peshawar"
    assert report.suggestions["Faislabad"][0].layer_key == "Faisalabad"
    assert report.suggestions["Peshwar"][0].score >= 85
    # Within the province: "Lahore" in Sindh is not offered Lahore (Punjab).
    assert all(s.layer_key != "Lahore" for s in report.suggestions.get("Lahore", []))
    assert "did you mean Peshawar" in report.summary()


def test_accepted_suggestions_are_replayed(districts, messy):
    first = join_attributes(districts, messy, on=[("name", "District")], within=("province", "Province")).report
    accepted = {s.table_key: s.layer_key for key in ("Peshwar", "Faislabad") for s in first.suggestions[key][:1]}
    assert accepted == {"Peshwar": "Peshawar", "Faislabad": "Faisalabad"}
    # Next month: the same table, the accepted matches from the project file.
    stored = accepted_to_dict(accepted)
    result = join_attributes(
        districts,
        messy,
        on=[("name", "District")],
        within=("province", "Province"),
        accepted=accepted_from_dict(stored),
    )
    rows = result.report.rows.set_index("table_key")
    assert rows.loc["Peshwar", "how"] == "accepted" and rows.loc["Peshwar", "layer_key"] == "Peshawar"
    assert result.report.count("accepted") == 2
    assert result.report.accepted == accepted
    assert result.data.loc[result.data["name"] == "Faisalabad", "refugees"].iloc[0] == 3000


def test_duplicate_table_keys_refused_without_aggregation(districts):
    table = pd.DataFrame(
        {"District": ["Peshawar", "peshawar", "Quetta"], "households": [10, 5, 7], "partner": ["A", "B", "C"]}
    )
    with pytest.raises(JoinError) as caught:
        join_attributes(districts, table, on=[("name", "District")])
    assert "several rows" in str(caught.value) and "'Peshawar' from rows 0, 1" in str(caught.value)
    assert "sum, mean, count or first" in str(caught.value)
    assert caught.value.report.duplicate_table_keys == {"Peshawar": [0, 1]}


@pytest.mark.parametrize(
    "aggregate, households, partner", [("sum", 15, "A"), ("mean", 7.5, "A"), ("count", 2, 2), ("first", 10, "A")]
)
def test_aggregations(districts, aggregate, households, partner):
    table = pd.DataFrame(
        {"District": ["Peshawar", "peshawar", "Quetta"], "households": [10, 5, 7], "partner": ["A", "B", "C"]}
    )
    result = join_attributes(districts, table, on=[("name", "District")], aggregate=aggregate)
    peshawar = result.data[result.data["name"] == "Peshawar"].iloc[0]
    assert peshawar["households"] == households
    assert peshawar["partner"] == partner
    assert result.report.duplicate_table_keys == {"Peshawar": [0, 1]}
    quetta = result.data[result.data["name"] == "Quetta"].iloc[0]
    assert quetta["households"] == (1 if aggregate == "count" else 7)
    assert pd.isna(result.data[result.data["name"] == "Lahore"]["households"].iloc[0])


def test_sum_of_missing_values_stays_no_data(districts):
    table = pd.DataFrame({"District": ["Peshawar", "Peshawar"], "households": [np.nan, np.nan]})
    result = join_attributes(districts, table, on=[("name", "District")], aggregate="sum")
    assert pd.isna(result.data.loc[result.data["name"] == "Peshawar", "households"].iloc[0])


def test_strict_makes_unmatched_rows_with_values_an_error(districts):
    table = pd.DataFrame({"District": ["Peshawar", "Peshwar"], "refugees": [1, 2]})
    with pytest.raises(JoinError) as caught:
        join_attributes(districts, table, on=[("name", "District")], strict=True)
    assert "'Peshwar'" in str(caught.value) and "--accept" in str(caught.value)
    # A row without values is no loss: not a warning, not an error.
    empty = pd.DataFrame({"District": ["Peshawar", "Peshwar"], "refugees": [1, None]})
    result = join_attributes(districts, empty, on=[("name", "District")], strict=True)
    assert result.report.warnings == [] and result.report.count("unmatched") == 1


def test_names_repeat_across_provinces_only_within_resolves():
    layer = gpd.GeoDataFrame(
        {"name": ["Hyderabad", "Hyderabad", "Kohat"], "prov": ["Sindh", "Telangana", "KP"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )
    table = pd.DataFrame({"District": ["Hyderabad", "Kohat"], "Province": ["Sindh", "Khyber Pakhtunkhwa"], "n": [5, 6]})
    # Without a parent the layer has a duplicate key: both features receive the row (reported).
    plain = join_attributes(layer, table, on=[("name", "District")])
    assert plain.report.duplicate_layer_keys == {"Hyderabad": [0, 1]}
    assert list(plain.data["n"]) == [5, 5, 6]
    assert any("several features" in n for n in plain.report.notes)
    # Within provinces: only Hyderabad (Sindh); the layer's "KP" and the table's full name meet by alias.
    within = join_attributes(layer, table, on=[("name", "District")], within=("prov", "Province"))
    assert within.report.duplicate_layer_keys == {}
    assert list(within.data["n"].fillna(-1)) == [5, -1, 6]
    assert within.report.rows.set_index("table_key").loc["Kohat", "how"] == "alias"


def test_codes_as_text_integers_floats_and_padding():
    layer = gpd.GeoDataFrame(
        {"ADM2_PCODE": ["PK0201", "PK0202", "PK0203"], "code": [201, 202, 203]},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
        crs="EPSG:4326",
    )
    table = pd.DataFrame({"pcode": ["PK201", "pk-02-02", "PK0203"], "num": ["201", 202.0, "0203"], "v": [1, 2, 3]})
    by_pcode = join_attributes(layer, table, on=[("ADM2_PCODE", "pcode")], fields=["v"])
    assert list(by_pcode.data["v"]) == [1, 2, 3]
    assert list(by_pcode.report.rows["how"]) == ["normalized", "normalized", "exact"]
    by_number = join_attributes(layer, table, on=[("code", "num")], fields=["v"])
    assert list(by_number.data["v"]) == [1, 2, 3]
    assert list(by_number.report.rows["how"]) == ["exact", "normalized", "normalized"]


def test_composite_keys():
    layer = gpd.GeoDataFrame(
        {"district": ["Peshawar", "Peshawar", "Quetta"], "year": [2022, 2023, 2023]},
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
        crs="EPSG:4326",
    )
    table = pd.DataFrame(
        {"d": ["peshawar", "Peshawar", "Quetta", "Quetta"], "y": ["2023", 2022, 2023, 2022], "v": [1, 2, 3, 4]}
    )
    result = join_attributes(layer, table, on=[("district", "d"), ("year", "y")])
    assert list(result.data["v"]) == [2, 1, 3]
    assert list(result.report.unmatched_rows["table_key"]) == ["Quetta | 2022"]


def test_user_alias_file_and_layer_with_old_names(tmp_path):
    aliases = tmp_path / "mine.csv"
    aliases.write_text("alias,name,province,note\nOld Town,New Town,,renamed 2020\n", encoding="utf-8")
    layer = gpd.GeoDataFrame(
        {"name": ["New Town", "Kurram Agency"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326"
    )
    table = pd.DataFrame({"name": ["Old Town", "Upper Kurram"], "v": [1, 2]})
    result = join_attributes(layer, table, on=[("name", "name")], alias_files=[aliases])
    rows = result.report.rows.set_index("table_key")
    assert rows.loc["Old Town", "how"] == "alias" and "renamed 2020" in rows.loc["Old Town", "detail"]
    # The layer itself uses the FATA-era name: the built-in alias works in that direction too.
    assert rows.loc["Upper Kurram", "how"] == "alias"
    assert list(result.data["v"]) == [1, 2]
    without = join_attributes(layer, table, on=[("name", "name")])
    assert without.report.rows.set_index("table_key").loc["Old Town", "how"] == "unmatched"


def test_bad_alias_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("old,new\nA,B\n", encoding="utf-8")
    layer = gpd.GeoDataFrame({"name": ["A"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    with pytest.raises(JoinError, match="lacks the column"):
        join_attributes(layer, pd.DataFrame({"name": ["A"]}), on=[("name", "name")], alias_files=[bad])
    with pytest.raises(JoinError, match="not found"):
        join_attributes(layer, pd.DataFrame({"name": ["A"]}), on=[("name", "name")], alias_files=[tmp_path / "x.csv"])


def test_unknown_fields_and_bad_arguments(districts):
    table = pd.DataFrame({"District": ["Peshawar"], "v": [1]})
    with pytest.raises(JoinError, match="has no field 'Name'"):
        join_attributes(districts, table, on=[("Name", "District")])
    with pytest.raises(JoinError, match="has no field 'Dist'"):
        join_attributes(districts, table, on=[("name", "Dist")])
    with pytest.raises(JoinError, match="unknown aggregation"):
        join_attributes(districts, table, on=[("name", "District")], aggregate="median")
    with pytest.raises(JoinError, match="no join key"):
        join_attributes(districts, table, on=[])


def test_field_name_collisions_are_renamed_and_noted(districts):
    table = pd.DataFrame({"District": ["Quetta"], "province": ["Balochistan (table)"]})
    result = join_attributes(districts, table, on=[("name", "District")])
    assert result.data.loc[result.data["name"] == "Quetta", "province_table"].iloc[0] == "Balochistan (table)"
    assert result.data.loc[result.data["name"] == "Quetta", "province"].iloc[0] == "Balochistan"
    assert result.report.fields == ["province_table"]
    assert any("joined as 'province_table'" in n for n in result.report.notes)


def test_row_order_does_not_change_the_result(districts, messy):
    a = join_attributes(districts, messy, on=[("name", "District")], within=("province", "Province"))
    shuffled = messy.sample(frac=1, random_state=3)
    b = join_attributes(districts, shuffled, on=[("name", "District")], within=("province", "Province"))
    pd.testing.assert_series_equal(a.data["refugees"], b.data["refugees"])
    ra = a.report.rows.set_index("table_row").sort_index()
    rb = b.report.rows.set_index("table_row").sort_index()
    pd.testing.assert_series_equal(ra["how"], rb["how"])


def test_report_csv_and_dict_round_trip(districts, messy, tmp_path):
    report = join_attributes(
        districts, messy, on=[("name", "District")], within=("province", "Province"), accepted={"Peshwar": "Peshawar"}
    ).report
    out = tmp_path / "report.csv"
    report.to_csv(out)
    csv = pd.read_csv(out)
    assert set(csv["section"]) >= {
        "matched_exact",
        "matched_normalized",
        "matched_alias",
        "matched_accepted",
        "unmatched_table",
        "unmatched_layer",
        "total_row",
    }
    assert (csv["section"] == "unmatched_table").sum() == 3
    assert (csv["section"] == "unmatched_layer").sum() == len(report.unmatched_layer)
    assert not list(tmp_path.glob(".report*"))  # atomic: no temporary file left
    again = JoinReport.from_dict(report.to_dict())
    assert again.counts() == report.counts()
    assert again.accepted == {"Peshwar": "Peshawar"}
    assert [str(s) for s in again.suggestions["Faislabad"]] == [str(s) for s in report.suggestions["Faislabad"]]
    assert again.summary() == report.summary()


def test_accepted_matches_validation():
    assert accepted_to_dict({"b": "B", "A": "a"}) == {"A": "a", "b": "B"}
    with pytest.raises(JoinError):
        accepted_from_dict({"Peshwar": 3})
    with pytest.raises(JoinError):
        accepted_from_dict(["Peshwar"])


def test_census_table_joins_completely(districts, shared_data):
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    result = join_attributes(districts, census, on=[("name", "district")], within=("province", "province"))
    assert result.report.count("unmatched") == 0
    assert result.report.count("exact") == len(census) == 136
    # AJK and Gilgit-Baltistan have no census figures: absent, not zero.
    no_data = result.data[result.data["population_2023"].isna()]
    assert set(no_data["province"]) == {"Azad Jammu & Kashmir", "Gilgit-Baltistan"}
    assert len(result.report.unmatched_layer) == 20


def test_ambiguous_alias_is_not_guessed_unless_the_province_decides(tmp_path):
    aliases = tmp_path / "twins.csv"
    aliases.write_text(
        "alias,name,province,note\nOld Twin,North Town,Punjab,split\nOld Twin,South Town,Sindh,split\n",
        encoding="utf-8",
    )
    layer = gpd.GeoDataFrame(
        {"name": ["North Town", "South Town"], "province": ["Punjab", "Sindh"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    table = pd.DataFrame({"district": ["Old Twin"], "prov": ["Sindh"], "v": [9]})
    plain = join_attributes(layer, table, on=[("name", "district")], alias_files=[aliases], fields=["v"])
    row = plain.report.rows.iloc[0]
    assert row["how"] == "unmatched" and "could be North Town, South Town" in row["detail"]
    within = join_attributes(
        layer, table, on=[("name", "district")], within=("province", "prov"), alias_files=[aliases], fields=["v"]
    )
    assert within.report.rows.iloc[0]["how"] == "alias"
    assert within.data["v"].tolist()[1] == 9 and pd.isna(within.data["v"].tolist()[0])


def test_table_with_coordinates_brings_attributes_not_geometry():
    from shapely.geometry import Point

    layer = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:4326")
    table = gpd.GeoDataFrame({"district": ["B"], "v": [4]}, geometry=[Point(5, 5)], crs="EPSG:4326")
    result = join_attributes(layer, table, on=[("name", "district")])
    assert result.report.fields == ["v"]
    assert result.data.geometry.equals(layer.geometry)
    assert result.data["v"].tolist()[1] == 4
