"""One table row for several features ("Karachi"), and dissolving boundaries by a field — on real data."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from pakmap.cli import main
from pakmap.errors import JoinError, ProjectError
from pakmap.join import join_attributes
from pakmap.join.dissolve import dissolve_by
from pakmap.project import DissolveSpec, JoinSpec, LayerSpec, Project, load_project, save_project
from pakmap.project.loader import load_layers
from pakmap.style import GraduatedStyle

pytestmark = [
    pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning"),
    pytest.mark.filterwarnings("ignore:Geometry is in a geographic CRS:UserWarning"),
]

KARACHI_OSM = ["Karachi Central", "Karachi East", "Karachi South", "Karachi West", "Korangi", "Malir", "Keamari"]


@pytest.fixture(scope="module")
def districts(districts_path) -> gpd.GeoDataFrame:
    return gpd.read_file(districts_path)


@pytest.fixture(scope="module")
def cod(shared_data) -> gpd.GeoDataFrame:
    return gpd.read_file(shared_data / "sindh_cod_adm2_pcodes.geojson")


def test_karachi_row_is_one_dissolved_feature_over_the_osm_districts(districts):
    table = pd.DataFrame({"District": ["Karachi", "Hyderabad"], "idps": [700, 200]})
    result = join_attributes(districts, table, on=[("name", "District")], table_name="idps.csv")
    report, data = result.report, result.data
    row = report.rows.set_index("table_key").loc["Karachi"]
    assert row["how"] == "group" and "pak_districts.csv" in row["detail"]
    assert row["layer_key"] == "Karachi"
    # The seven districts become one feature, drawn once with the row's figure; the rest stay in order.
    assert len(data) == len(districts) - 6
    karachi = data[data["name"] == "Karachi"]
    assert len(karachi) == 1 and karachi["idps"].iloc[0] == 700
    assert karachi["province"].iloc[0] == "Sindh" and karachi["division"].iloc[0] == "Karachi"
    members = districts[districts["name"].isin(KARACHI_OSM)]
    assert karachi.geometry.iloc[0].is_valid and karachi.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    assert karachi.geometry.iloc[0].area == pytest.approx(members.area.sum(), rel=1e-6)
    assert not data["name"].isin(KARACHI_OSM).any()
    assert list(data["name"][data["name"] != "Karachi"]) == [n for n in districts["name"] if n not in KARACHI_OSM]
    assert "matched to a group of features (drawn dissolved): 1" in report.summary()
    assert any("'Karachi' is one figure for 7 features" in n and "drawn dissolved" in n for n in report.notes)
    assert not report.duplicate_layer_keys and report.ok


def test_builtin_groups_name_real_units(districts):
    from pakmap.join.aliases import AliasTable

    groups = AliasTable.load([], builtin=True).groups
    assert {"karachi", "karachidivision"} <= set(groups)
    for entry in groups.values():
        assert set(entry.members) <= set(districts["name"]), entry.alias


def test_karachi_row_on_the_cod_ab_layer_names_the_missing_unit(cod):
    """COD-AB 2022 spells 'Central Karachi' and has no Keamari yet."""
    table = pd.DataFrame({"ADM2": ["Karachi", "Badin"], "idps": [700, 3]})
    result = join_attributes(cod, table, on=[("ADM2_EN", "ADM2")])
    detail = result.report.rows.set_index("table_key").loc["Karachi", "detail"]
    assert "Central Karachi" in detail and "not in the layer: Keamari" in detail
    karachi = result.data[result.data["ADM2_EN"] == "Karachi"]
    assert len(result.data) == 29 - 5 and karachi["idps"].iloc[0] == 700
    assert karachi["ADM1_PCODE"].iloc[0] == "PK7" and pd.isna(karachi["ADM2_PCODE"].iloc[0])  # 6 codes: none kept


def test_group_declared_in_the_join_and_its_conflicts(districts):
    table = pd.DataFrame({"District": ["Hyderabad Region", "Badin"], "v": [10, 1]})
    groups = {"Hyderabad Region": ["Hyderabad", "Matiari", "Tando Allahyar"]}
    result = join_attributes(districts, table, on=[("name", "District")], groups=groups)
    assert result.report.rows.iloc[0]["how"] == "group"
    assert result.data.set_index("name").loc["Hyderabad Region", "v"] == 10
    assert len(result.data) == len(districts) - 2
    # A group row and one of its units' own rows would both draw on that unit: refused.
    both = pd.DataFrame({"District": ["Hyderabad Region", "Matiari"], "v": [10, 1]})
    with pytest.raises(JoinError, match="covers features that other rows also match \\(Matiari\\)"):
        join_attributes(districts, both, on=[("name", "District")], groups=groups)
    with pytest.raises(JoinError, match="must name two or more units"):
        join_attributes(districts, table, on=[("name", "District")], groups={"X": ["Hyderabad"]})


def test_join_command_group_option(districts_path, tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("District,v\nLower Sindh,5\nBadin,1\n", encoding="utf-8")
    out = tmp_path / "j.gpkg"
    assert (
        main(
            [
                "join",
                str(districts_path),
                str(table),
                "--on",
                "name=District",
                "--group",
                "Lower Sindh=Thatta+Sujawal",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "is one figure for 2 features" in capsys.readouterr().err
    joined = gpd.read_file(out).set_index("name")
    # A small count, and its complementary cell: the only other figure would give it back.
    assert joined.loc["Lower Sindh", "v"] == "x" and joined.loc["Badin", "v"] == "<5"


def test_dissolve_districts_into_divisions_and_provinces(districts):
    provinces, notes = dissolve_by(districts, "province", layer_name="districts")
    assert len(provinces) == 7 and list(provinces.columns) == ["province", "geometry"]
    assert provinces.geometry.is_valid.all()
    assert provinces.area.sum() == pytest.approx(districts.area.sum(), rel=1e-6)
    assert "4 invalid geometries made valid before the union" in notes
    assert any("left out: name, division, osm_relations" in n for n in notes)
    divisions, _ = dissolve_by(districts, ["division"])
    assert len(divisions) == districts["division"].nunique()
    assert "province" in divisions.columns  # one province per division: kept
    assert divisions.set_index("division").loc["Karachi", "province"] == "Sindh"
    with pytest.raises(JoinError, match="no field 'nope'"):
        dissolve_by(districts, "nope")


def test_features_without_a_value_stay_as_they_are():
    from shapely.geometry import box

    layer = gpd.GeoDataFrame(
        {"zone": ["a", "a", None], "name": ["x", "y", "z"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)],
        crs=4326,
    )
    out, notes = dissolve_by(layer, "zone")
    assert len(out) == 2 and out.geometry.iloc[0].area == pytest.approx(2.0)
    assert any("1 feature(s) without a value in zone kept as they are" in n for n in notes)


def test_dissolve_command(districts_path, tmp_path, capsys):
    out = tmp_path / "divisions.geojson"
    assert main(["dissolve", str(districts_path), "--by", "division", "-o", str(out)]) == 0
    assert "dissolved by division into" in capsys.readouterr().err
    assert len(gpd.read_file(out)) == gpd.read_file(districts_path)["division"].nunique()
    assert main(["dissolve", str(districts_path), "--by", "zone", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no field 'zone'" in err
    source = tmp_path / "districts.geojson"
    source.write_bytes(districts_path.read_bytes())
    assert main(["dissolve", str(source), "--by", "province", "-o", str(source)]) == 2  # never over the source
    assert source.read_bytes() == districts_path.read_bytes()


def test_dissolve_and_group_project_round_trip_and_load(districts_path, tmp_path):
    table = tmp_path / "idps.csv"
    table.write_text("province,idps\nSindh,10\nPunjab,20\nGrand Total,30\n", encoding="utf-8")
    project = Project(
        layers=[
            LayerSpec("districts", str(districts_path), visible=False),
            LayerSpec(
                "provinces",
                dissolve=DissolveSpec(source="districts", by="province"),
                style=GraduatedStyle(field="idps", classes=2),
            ),
            LayerSpec("idps", str(table), visible=False),
        ],
        joins=[
            JoinSpec(layer="provinces", table="idps", on=[["province", "province"]]),
            JoinSpec(
                layer="districts",
                table="idps",
                on=[["name", "province"]],
                groups={"Lower Sindh": ["Thatta", "Sujawal"]},
            ),
        ],
    )
    saved = save_project(project, tmp_path / "p.toml")
    text = saved.read_text(encoding="utf-8")
    assert '[layers.dissolve]\nsource = "districts"\nby = "province"' in text
    assert text.count("path = ") == 2  # the dissolved layer has no file
    assert "[joins.groups]" in text and '"Lower Sindh" = ["Thatta", "Sujawal"]' in text
    again = load_project(saved)
    assert again.layers[1].dissolve == DissolveSpec("districts", "province") and again.layers[1].path == ""
    assert again.joins[1].groups == {"Lower Sindh": ["Thatta", "Sujawal"]}
    save_project(again, tmp_path / "q.toml")
    assert (tmp_path / "q.toml").read_text(encoding="utf-8") == text  # stable
    loaded = load_layers(again)
    provinces = loaded.layer("provinces").data.set_index("province")
    assert len(provinces) == 7 and provinces.loc["Sindh", "idps"] == 10
    assert any("dissolved by province into 7" in n for n in loaded.layer("provinces").source.notes)
    assert loaded.join_reports[0].count("total") == 1


@pytest.mark.parametrize(
    "layer_text, message",
    [
        ('name = "p"\ndissolve = {source = "d", by = "province"}', "not another layer of the project"),
        ('name = "p"\ndissolve = {source = "p", by = "province"}', "not another layer of the project"),
        ('name = "p"\npath = "x.geojson"\ndissolve = {source = "d", by = "province"}', "both a path and dissolve"),
        ('name = "p"', "has no path"),
        ('name = "p"\ndissolve = {source = "d", by = []}', "must name one or more fields"),
        ('name = "p"\ndissolve = {source = "d", by = "x", within = "y"}', "unknown key(s) 'within'"),
    ],
)
def test_bad_dissolve_steps_are_one_line_errors(tmp_path, layer_text, message):
    path = tmp_path / "p.toml"
    path.write_text(f"[pakmap]\nformat = 1\n\n[[layers]]\n{layer_text}\n", encoding="utf-8")
    with pytest.raises(ProjectError) as err:
        load_project(path)
    assert message in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)
