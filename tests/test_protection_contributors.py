"""Means, sums and rates over fewer than k contributors are suppressed where the contributors are known.

The k rule counts households or persons, not the value shown: an average household size over two
households (7.5) or the summed members of one household identify them as much as a count of 2.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from test_protection_data import households

from pakmap.cli import main
from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project import load_project
from pakmap.project.loaded import LoadedProject
from pakmap.project.loader import load_layers
from pakmap.project.model import LayerSpec, Project
from pakmap.protection.contributors import few_contributors
from pakmap.protection.policy import guard_export

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


def _survey(folder):
    """60 households in four big districts, then 2 in Kohat and 1 in Tank: too few to average."""
    table = households()
    table.loc[table.index[:2], "district"] = "Kohat"
    table.loc[table.index[2], "district"] = "Tank"
    path = folder / "survey.csv"
    table.drop(columns="geometry").to_csv(path, index=False)
    return path, table


@pytest.mark.parametrize("how", ["mean", "sum"])
def test_join_mean_or_sum_of_few_households_is_suppressed(districts_path, tmp_path, how):
    path, table = _survey(tmp_path)
    out = tmp_path / "joined.csv"
    args = ["join", str(districts_path), str(path), "--on", "name=district", "--aggregate", how]
    assert main([*args, "--fields", "household_size", "-o", str(out)]) == 0
    joined = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("name")
    assert joined.loc["Kohat", "household_size"] == "x" and joined.loc["Tank", "household_size"] == "x"
    sizes = table.groupby("district")["household_size"]
    expected = sizes.mean() if how == "mean" else sizes.sum()
    peshawar = float(joined.loc["Peshawar", "household_size"].replace(",", ""))
    assert peshawar == pytest.approx(expected["Peshawar"], abs=0.01)
    text = out.read_text(encoding="utf-8")
    for small in table.loc[table.index[:3], "household_size"]:
        assert f",{small}," not in text and f",{float(small)}," not in text
    record = json.loads((tmp_path / "joined.csv.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["few_contributors"]["pak_districts"] == {"household_size": 2}


def test_a_mean_over_a_table_of_places_is_not_suppressed(districts_path, tmp_path):
    """Rows that are villages, not people: a mean of two villages' figures identifies no one."""
    villages = pd.DataFrame({"district": ["Kohat", "Kohat", "Peshawar"], "water_points": [12, 30, 8]})
    path = tmp_path / "villages.csv"
    villages.to_csv(path, index=False)
    out = tmp_path / "joined.csv"
    assert (
        main(["join", str(districts_path), str(path), "--on", "name=district", "--aggregate", "mean", "-o", str(out)])
        == 0
    )
    joined = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("name")
    assert float(joined.loc["Kohat", "water_points"]) == 21


def _census_project(tmp_path, districts_path, denominators: bool):
    districts = gpd.read_file(districts_path)[["name", "province", "geometry"]]
    rng = np.random.default_rng(5)
    districts["population"] = rng.integers(2_000, 900_000, len(districts))
    districts.loc[[3, 40], "population"] = [3, 2]
    districts["literacy_rate"] = rng.uniform(0.2, 0.9, len(districts)).round(3)
    path = tmp_path / "districts.gpkg"
    districts.to_file(path, driver="GPKG")
    extra = '\n[layers.denominators]\nliteracy_rate = "population"\n' if denominators else ""
    (tmp_path / "p.toml").write_text(
        '[pakmap]\nformat = 1\n\n[[layers]]\nname = "districts"\npath = "districts.gpkg"\n'
        f'style = {{ kind = "graduated", field = "literacy_rate" }}\n{extra}',
        encoding="utf-8",
    )
    return load_layers(load_project(tmp_path / "p.toml")), districts


def test_a_rate_over_a_declared_tiny_denominator_is_suppressed(districts_path, tmp_path):
    loaded, districts = _census_project(tmp_path, districts_path, denominators=True)
    safe, plan = guard_export(loaded, tmp_path / "map.pdf")
    rate = safe.layer("districts").data["literacy_rate"]
    assert rate.iloc[3] == "x" and rate.iloc[40] == "x"
    others = [i for i in range(len(rate)) if i not in (3, 40)]
    assert rate.iloc[others].astype(float).tolist() == districts["literacy_rate"].iloc[others].tolist()
    assert plan.layers["districts"].few_contributors == {"literacy_rate": 2}


def test_without_a_denominator_a_rate_map_is_never_changed(districts_path, tmp_path):
    loaded, districts = _census_project(tmp_path, districts_path, denominators=False)
    safe, _ = guard_export(loaded, tmp_path / "map.pdf")
    assert safe.layer("districts").data["literacy_rate"].tolist() == districts["literacy_rate"].tolist()


def test_few_contributors_keeps_missing_values_and_large_groups():
    frame = pd.DataFrame({"mean_size": [6.5, np.nan, 7.25, 5.0]})
    out, hidden = few_contributors(frame, {"mean_size": np.array([2, 1, 12, 0])}, 5)
    assert out["mean_size"].tolist()[0] == "x" and np.isnan(out["mean_size"].tolist()[1])
    assert out["mean_size"].tolist()[2:] == [7.25, 5.0] and hidden["mean_size"].tolist() == [True, False, False, False]


def test_aggregated_units_suppress_the_members_of_few_households(shared_data, tmp_path):
    provinces = gpd.read_file(shared_data / "pak_provinces.geojson")
    gdf = households()
    hh_file = tmp_path / "households.csv"
    gdf.drop(columns="geometry").to_csv(hh_file, index=False)
    layers = [
        VectorLayer("provinces", provinces, SourceInfo(shared_data / "pak_provinces.geojson")),
        VectorLayer("households", gdf.iloc[:7], SourceInfo(hh_file)),
    ]
    loaded = LoadedProject(Project(layers=[LayerSpec("provinces"), LayerSpec("households")]), layers)
    safe, plan = guard_export(loaded, tmp_path / "map.pdf", aggregate={"households": "admin:provinces"})
    data = safe.layer("households").data.set_index("name")
    few = data[(data["households"] > 0) & (data["households"] < 5)]
    assert len(few) >= 1 and (few["individuals"] == "x").all()
    assert plan.layers["households"].few_contributors["individuals"] == len(few)


def test_project_join_mean_of_few_households_is_suppressed(districts_path, tmp_path):
    """The same rule when the join is saved in a project (re-run on every render)."""
    path, _ = _survey(tmp_path)
    (tmp_path / "p.toml").write_text(
        "[pakmap]\nformat = 1\n\n"
        f'[[layers]]\nname = "districts"\npath = "{districts_path.as_posix()}"\n\n'
        f'[[layers]]\nname = "survey"\npath = "{path.name}"\nvisible = false\n\n'
        '[[joins]]\nlayer = "districts"\ntable = "survey"\non = [["name", "district"]]\n'
        'fields = ["household_size"]\naggregate = "mean"\n',
        encoding="utf-8",
    )
    loaded = load_layers(load_project(tmp_path / "p.toml"))
    safe, plan = guard_export(loaded, tmp_path / "map.pdf")
    data = safe.layer("districts").data.set_index("name")
    assert data.loc["Kohat", "household_size"] == "x" and data.loc["Tank", "household_size"] == "x"
    assert float(data.loc["Peshawar", "household_size"]) > 1
    assert plan.layers["districts"].few_contributors == {"household_size": 2}


def test_spatial_join_mean_over_few_household_points_is_suppressed(shared_data, tmp_path):
    table = households()
    table.loc[table.index[:2], ["_gps_latitude", "_gps_longitude"]] = [[35.92, 74.31], [35.93, 74.30]]  # Gilgit
    path = tmp_path / "survey.csv"
    table.drop(columns="geometry").to_csv(path, index=False)
    out = tmp_path / "provinces.csv"
    stats = ["--stat", "households=count", "--stat", "size=mean:household_size", "--stat", "members=sum:household_size"]
    assert main(["join", str(shared_data / "pak_provinces.geojson"), str(path), *stats, "-o", str(out)]) == 0
    joined = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("name")
    assert joined.loc["Gilgit-Baltistan", "households"] == "<5"
    assert joined.loc["Gilgit-Baltistan", "size"] == "x" and joined.loc["Gilgit-Baltistan", "members"] == "x"
    assert float(joined.loc["Sindh", "size"]) > 1
    record = json.loads((tmp_path / "provinces.csv.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["few_contributors"]["pak_provinces"] == {"size": 1, "members": 1}
