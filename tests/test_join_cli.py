"""``pakmap join``: attribute, spatial and zonal joins from the command line; the layer catalog."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine

from pakmap.catalog import load_catalog
from pakmap.cli import main
from pakmap.errors import ProjectError
from pakmap.join.aliases import AliasTable, default_alias_files
from pakmap.style import GraduatedStyle

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


@pytest.fixture()
def partner_csv(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(
        "District,Province,refugees\n"
        "D.I. Khan,KPK,100\nKurram Agency,FATA,200\nPeshwar,KP,300\nQuetta,Balochistan,400\n",
        encoding="utf-8",
    )
    return path


def test_attribute_join_writes_layer_and_report(districts_path, partner_csv, tmp_path, capsys):
    out, report = tmp_path / "joined.gpkg", tmp_path / "report.csv"
    code = main(
        [
            "join",
            str(districts_path),
            str(partner_csv),
            "--on",
            "name=District",
            "--within",
            "province=Province",
            "-o",
            str(out),
            "--report",
            str(report),
        ]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "3 of 4 table rows matched" in err
    assert "file line 4: 'Peshwar' — did you mean Peshawar" in err  # the line a text editor shows
    assert "pakmap: warning: 1 row(s) of 'partners.csv' with values match no feature" in err
    joined = gpd.read_file(out).set_index("name")
    assert len(joined) == 156
    assert joined.loc["Dera Ismail Khan", "refugees"] == 100 and joined.loc["Kurram", "refugees"] == 200
    assert pd.isna(joined.loc["Peshawar", "refugees"])
    rows = pd.read_csv(report)
    assert rows.loc[rows["section"] == "unmatched_table", "table_key"].tolist() == ["Peshwar"]


def test_accept_and_strict(districts_path, partner_csv, tmp_path, capsys):
    out = tmp_path / "joined.geojson"
    args = [
        "join",
        str(districts_path),
        str(partner_csv),
        "--on",
        "name=District",
        "--within",
        "province=Province",
        "-o",
        str(out),
        "--strict",
    ]
    assert main(args) == 2
    assert "pakmap: error:" in capsys.readouterr().err
    assert not out.exists()
    assert main(args + ["--accept", "Peshwar=Peshawar"]) == 0
    assert "matched by accepted suggestion: 1" in capsys.readouterr().err
    assert gpd.read_file(out).set_index("name").loc["Peshawar", "refugees"] == 300


def test_duplicates_refused_then_aggregated(districts_path, tmp_path, capsys):
    table = tmp_path / "rows.csv"
    table.write_text("District,households\nQuetta,5\nquetta,7\nLahore,1\n", encoding="utf-8")
    out = tmp_path / "j.gpkg"
    base = ["join", str(districts_path), str(table), "--on", "name=District", "-o", str(out)]
    assert main(base) == 2
    assert "choose an aggregation" in capsys.readouterr().err
    assert main(base + ["--aggregate", "sum"]) == 0
    joined = gpd.read_file(out).set_index("name")
    # Lahore's single household is a small count: the column is published as text, "<5" among figures;
    # Quetta, the only other figure, is suppressed with it ("x"), or the total would give Lahore back.
    assert joined.loc["Quetta", "households"] == "x" and joined.loc["Lahore", "households"] == "<5"


def test_user_alias_file(districts_path, tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("District,v\nPeshawar Cantonment,1\n", encoding="utf-8")
    aliases = tmp_path / "mine.csv"
    aliases.write_text(
        "alias,name,province,note\nPeshawar Cantonment,Peshawar,Khyber Pakhtunkhwa,cantonment\n", encoding="utf-8"
    )
    out = tmp_path / "j.gpkg"
    assert (
        main(
            [
                "join",
                str(districts_path),
                str(table),
                "--on",
                "name=District",
                "--aliases",
                str(aliases),
                "-o",
                str(out),
                "--strict",
            ]
        )
        == 0
    )
    assert "matched by alias: 1" in capsys.readouterr().err


def test_points_and_raster(districts_path, tmp_path, capsys):
    villages = tmp_path / "villages.csv"
    villages.write_text(
        "village,lat,lon,hh\nA,34.0,71.55,10\nB,34.01,71.56,5\nC,30.2,67.0,3\nSea,23.0,64.0,9\n", encoding="utf-8"
    )
    out = tmp_path / "v.gpkg"
    assert (
        main(
            [
                "join",
                str(districts_path),
                str(villages),
                "--stat",
                "villages=count",
                "--stat",
                "hh=sum:hh",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "3 of 4 points in a polygon" in err and "outside every polygon: 1" in err
    data = gpd.read_file(out).set_index("name")
    # Counts under the threshold are published as "<5", like every export (a column of text then).
    assert data.loc["Peshawar", "villages"] == "<5" and data.loc["Peshawar", "hh"] == "15"
    assert data.loc["Quetta", "hh"] == "<5" and "3" not in set(data["villages"]) | set(data["hh"])

    tif = tmp_path / "pop.tif"
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=10,
        height=10,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=Affine(0.01, 0, 71.5, 0, -0.01, 34.05),
        nodata=-1,
    ) as ds:
        ds.write(np.ones((10, 10), dtype="float32"), 1)
    out = tmp_path / "z.csv"
    assert main(["join", str(districts_path), str(tif), "--stat", "pop=sum", "-o", str(out)]) == 0
    z = pd.read_csv(out).set_index("name")
    assert z.loc["Peshawar", "pop"] > 50 and z["pop"].sum() == pytest.approx(100, rel=1e-3)


def test_bad_options(districts_path, partner_csv, tmp_path, capsys):
    assert main(["join", str(districts_path), str(partner_csv), "-o", str(tmp_path / "x.gpkg")]) == 2
    assert "no join key" in capsys.readouterr().err
    assert main(["join", str(districts_path), str(partner_csv), "--on", "name", "-o", str(tmp_path / "x.gpkg")]) == 2
    assert "not a pair" in capsys.readouterr().err
    assert (
        main(["join", str(districts_path), str(partner_csv), "--on", "name=District", "-o", str(tmp_path / "x.shp")])
        == 2
    )
    assert "cannot write '.shp'" in capsys.readouterr().err


# --- catalog and alias files ------------------------------------------------------------------


def test_builtin_catalog_is_valid():
    catalog = load_catalog()
    ids = [e.id for e in catalog.entries]
    assert ids == [
        "pak_adm1_osm",
        "pak_adm2_osm",
        "pak_adm2_cod",
        "refugee_villages",
        "district_statistics",
        "line_of_control",
    ]
    districts = catalog.for_file("/data/pak_districts.geojson")
    assert districts.id == "pak_adm2_osm" and districts.parent_field == "province"
    assert all(p.exists() for e in catalog.entries for p in e.aliases)
    cod = catalog.get("pak_adm2_cod")
    assert cod.join_pairs(["adm2_pcode", "ADM2_EN", "refugees"]) == [("ADM2_PCODE", "adm2_pcode")]
    assert cod.join_pairs(["ADM2_EN"]) == [("ADM2_EN", "ADM2_EN")]
    assert cod.within_pair(["adm1_en"]) == ("ADM1_EN", "adm1_en")
    assert isinstance(catalog.get("district_statistics").style, GraduatedStyle)
    assert catalog.for_file("pakistan_admin.gpkg", layer="provinces").id == "pak_adm1_osm"


@pytest.mark.parametrize(
    "text, message",
    [
        ("version = 2\n", "version 2"),
        ("version = 1\n[[layers]]\nid = 'a'\ntitle = 'A'\nkind = 'roads'\n", "kind 'roads'"),
        ("version = 1\n[[layers]]\nid = 'a'\ntitle = 'A'\nkind = 'points'\ncolour = 1\n", "unknown key(s) colour"),
        ("version = 1\n[[layers]]\nid = 'a'\nkind = 'points'\n", "has no 'title'"),
        ("version = 1\n[[layers]]\nid = 'a'\ntitle = 'A'\nkind = 'points'\naliases = ['nope.csv']\n", "does not exist"),
        (
            "version = 1\n[[layers]]\nid = 'a'\ntitle = 'A'\nkind = 'points'\n[layers.style]\nkind = 'graduated'\n",
            "needs a 'field'",
        ),
        (
            "version = 1\n[[layers]]\nid = 'a'\ntitle = 'A'\nkind = 'points'\n[[layers]]\nid = 'a'\ntitle = 'B'\n"
            "kind = 'points'\n",
            "used twice",
        ),
        ("version = [\n", "cannot read the layer catalog"),
    ],
)
def test_catalog_errors(tmp_path, text, message):
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        load_catalog(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_builtin_alias_targets_exist_in_the_real_boundaries(districts_path):
    """Every built-in alias points at a real district (or province) name of the boundary set."""
    districts = gpd.read_file(districts_path)
    names = set(districts["name"]) | set(districts["province"])
    table = AliasTable.load([], builtin=True)
    assert len(table) > 100 and len(default_alias_files()) == 2
    missing = sorted({e.name for e in table.entries} - names)
    assert missing == []
    provinces = set(districts["province"])
    bad_province = sorted({e.province for e in table.entries if e.province} - provinces)
    assert bad_province == []
    # FATA agencies and frontier regions all reach their current district (by normalization or alias).
    current = {
        "Kurram Agency": "Kurram",
        "Khyber Agency": "Khyber",
        "Bajaur Agency": "Bajaur",
        "Mohmand Agency": "Mohmand",
        "Orakzai Agency": "Orakzai",
        "North Waziristan Agency": "North Waziristan",
        "South Waziristan Agency": "South Waziristan",
        "Upper South Waziristan": "South Waziristan",
        "FR Peshawar": "Peshawar",
        "FR Kohat": "Kohat",
        "FR Bannu": "Bannu",
        "FR Lakki Marwat": "Lakki Marwat",
        "FR D.I. Khan": "Dera Ismail Khan",
        "FR Tank": "Tank",
        "Darra Adam Khel": "Kohat",
    }
    norm = table._normalize
    for old, new in current.items():
        key = norm(old).key
        reached = {key} | {table.target_key(e) for e in table.lookup(key)}
        assert norm(new).key in reached, old


def test_project_loader_replays_accepted_matches(districts_path, partner_csv, tmp_path):
    """The lead's project loader calls join_attributes with the [[joins]] table, accepted matches included."""
    from pakmap.project import JoinSpec, LayerSpec, Project
    from pakmap.project.loader import load_layers

    project = Project(
        layers=[
            LayerSpec(name="partners", path=str(partner_csv), visible=False),
            LayerSpec(name="districts", path=str(districts_path)),
        ],
        joins=[
            JoinSpec(
                layer="districts",
                table="partners",
                on=[["name", "District"]],
                within=["province", "Province"],
                accepted={"Peshwar": "Peshawar"},
            )
        ],
    )
    project.path = tmp_path / "p.toml"
    loaded = load_layers(project)
    report = loaded.join_reports[0]
    assert report.count("accepted") == 1 and report.warnings == []
    data = loaded.layer("districts").data.set_index("name")
    assert data.loc["Peshawar", "refugees"] == 300 and data.loc["Kurram", "refugees"] == 200
