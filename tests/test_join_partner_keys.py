"""Joins on partners' names: suggestions that skip taken features, spelling variants, totals, safe output names."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from pakmap.cli import main
from pakmap.join import join_attributes, normalize_key
from pakmap.join.attribute import joined_field_names
from pakmap.join.suggest import Candidate, rank_suggestions

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


@pytest.fixture(scope="module")
def districts(districts_path) -> gpd.GeoDataFrame:
    return gpd.read_file(districts_path)


def test_suggestions_rank_features_no_other_row_took_first(districts):
    table = pd.DataFrame({"District": ["TANDO MUHAMMAD KHAN", "TANDO AHYAR"], "refugees": [10, 20]})
    report = join_attributes(districts, table, on=[("name", "District")]).report
    assert report.rows.set_index("table_key").loc["TANDO MUHAMMAD KHAN", "layer_key"] == "Tando Mohammad Khan"
    ranked = [s.layer_key for s in report.suggestions["TANDO AHYAR"]]
    # WRatio alone scores Tando Mohammad Khan higher (85 against 85): it is already taken.
    assert ranked[0] == "Tando Allah Yar"
    assert "Tando Mohammad Khan" not in ranked[:1]


def test_taken_features_are_still_offered_after_the_free_ones():
    candidates = [
        Candidate("tando muhammad khan", "Tando Mohammad Khan", None),
        Candidate("tando allah yar", "Tando Allah Yar", None),
    ]
    free_first = rank_suggestions([("TANDO AHYAR", "tando ahyar", None)], candidates, taken={"Tando Mohammad Khan"})
    assert [s.layer_key for s in free_first["TANDO AHYAR"]] == ["Tando Allah Yar"]
    nothing_taken = rank_suggestions([("TANDO MD KHAN", "tando md khan", None)], candidates, taken={"Tando Allah Yar"})
    assert nothing_taken["TANDO MD KHAN"][0].layer_key == "Tando Mohammad Khan"


@pytest.mark.parametrize(
    "table_name, layer_name",
    [
        ("Kolai Palas Kohistan", "Kolai Pallas Kohistan"),  # doubled letters
        ("Muzafarabad", "Muzaffarabad"),  # -abad / -abbad and doubled letters
        ("Jafarabad", "Jaffarabad"),
        ("Nilum", "Neelum"),  # ee / i
        ("Punch", "Poonch"),  # oo / u
        ("Sheikupura", "Sheikhupura"),  # kh / k
        ("Barkan", "Barkhan"),
        ("Tando Mohd Khan", "Tando Mohammad Khan"),  # Muhammad / Mohammad / Mohd (abbreviation rule)
    ],
)
def test_romanization_variants_match_with_their_steps_shown(districts, table_name, layer_name):
    table = pd.DataFrame({"District": [table_name], "v": [1]})
    result = join_attributes(districts, table, on=[("name", "District")], builtin_aliases=False)
    row = result.report.rows.iloc[0]
    assert row["layer_key"] == layer_name and row["how"] == "normalized", row["detail"]
    if normalize_key(table_name).key != normalize_key(layer_name).key:
        assert "spelling variant" in row["detail"] and repr(layer_name) in row["detail"]


def test_spelling_variants_are_steps_of_the_normalization():
    norm = normalize_key("Pallas")
    assert norm.key == "pallas" and norm.variant == "palas"
    assert norm.variant_steps == ("spelling variant: doubled letters single",)
    assert normalize_key("Abbottabad").variant == normalize_key("Abotabad").variant == "abotabad"
    assert normalize_key("PK0201").variant is None  # codes have no spelling variants


@pytest.mark.parametrize(
    "file, field, within",
    [
        ("pak_districts.geojson", "name", "province"),
        ("sindh_cod_adm2_pcodes.geojson", "ADM2_EN", None),
        ("sindh_cod_adm3_pcodes.geojson", "ADM3_EN", "ADM2_EN"),
    ],
)
def test_spelling_variants_never_merge_two_real_units(shared_data, file, field, within):
    """Over-merging check on real names: no two units (in one parent) share a variant key."""
    layer = gpd.read_file(shared_data / file)
    groups = layer.groupby(within) if within else [(None, layer)]
    for _, units in groups:
        keys = {normalize_key(v).key for v in units[field]}
        variants = {normalize_key(v).variant for v in units[field]}
        assert len(variants) == len(keys)


def test_a_shared_variant_is_not_followed():
    layer = gpd.GeoDataFrame(
        {"name": ["Pallas", "Palas Valley", "Palass"]}, geometry=gpd.points_from_xy([0, 1, 2], [0, 0, 0])
    )
    table = pd.DataFrame({"name": ["Palas"], "v": [1]})  # 'pallas' and 'palass' share the variant 'palas'
    row = join_attributes(layer, table, on="name", builtin_aliases=False).report.rows.iloc[0]
    assert row["how"] == "unmatched"


def test_azad_kashmir_is_a_subtotal_not_kashmore(districts):
    table = pd.DataFrame({"District": ["Kashmore", "Azad Kashmir", "Muzaffarabad"], "refugees": [5, 50, 7]})
    report = join_attributes(districts, table, on=[("name", "District")]).report
    row = report.rows.set_index("table_key").loc["Azad Kashmir"]
    assert row["how"] == "total" and "province or territory" in row["detail"]
    assert "Azad Kashmir" not in report.suggestions and report.ok


def test_partial_overlap_of_letters_is_no_suggestion():
    candidates = [Candidate("kashmore", "Kashmore", None), Candidate("kashmore kandhkot", "Kashmore Kandhkot", None)]
    ranked = rank_suggestions([("Azad Kashmir", "azad kashmir", None), ("Kashmor", "kashmor", None)], candidates)
    assert "Azad Kashmir" not in ranked
    assert ranked["Kashmor"][0].layer_key == "Kashmore"


def test_output_names_give_fid_and_case_conflicts_the_table_suffix():
    names, notes = joined_field_names(["name", "province", "geometry"], ["fid", "PROVINCE", "Province", "v"])
    assert names == {"fid": "fid_table", "PROVINCE": "PROVINCE_table", "Province": "Province_table2", "v": "v"}
    assert len(notes) == 3 and "reserved" in notes[0]


@pytest.mark.parametrize("output", ["joined.gpkg", "joined.geojson", "joined.fgb", "joined.shp.zip", "joined.csv"])
def test_joined_output_with_fid_and_case_conflicting_columns(districts_path, tmp_path, capsys, output):
    table = tmp_path / "table.csv"
    table.write_text("fid,District,PROVINCE,population\n7,Peshawar,KP,10\n8,Quetta,Balochistan,20\n", encoding="utf-8")
    out = tmp_path / output
    assert main(["join", str(districts_path), str(table), "--on", "name=District", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "joined as 'PROVINCE_table'" in err and "joined as 'fid_table'" in err and "Traceback" not in err
    if output.endswith(".csv"):
        written = pd.read_csv(out)
    else:
        written = gpd.read_file(out)
    province_table = "PROVINCE_t" if output.endswith(".shp.zip") else "PROVINCE_table"
    row = written.set_index("name").loc["Quetta"]
    assert row["province"] == "Balochistan" and row[province_table] == "Balochistan"
    assert row["fid_table"] == 8 and row["population"] == 20


def test_shapefile_output_must_be_zipped(districts_path, tmp_path, capsys):
    table = tmp_path / "table.csv"
    table.write_text("District,population\nPeshawar,10\n", encoding="utf-8")
    assert (
        main(["join", str(districts_path), str(table), "--on", "name=District", "-o", str(tmp_path / "out.shp")]) == 2
    )
    assert "out.shp.zip" in capsys.readouterr().err
