"""Differencing between the layers of one export: one total published twice, a few people apart.

The audit's figures: a province's refugees published as the province's own figure (161,399) and as
the sum of its districts (161,396) say that 3 refugees are in one table and not in the other.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import LayerSpec, Project
from pakmap.protection.complementary import SECONDARY_MARK
from pakmap.protection.differencing import disclosures, protect_differences, published_totals
from pakmap.protection.policy import guard_export

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")


def _number(cell) -> float | None:
    value = pd.to_numeric(pd.Series([str(cell).replace(",", "")]), errors="coerce").iloc[0]
    return None if np.isnan(value) else float(value)


def group_sums(frame: pd.DataFrame, by: str, field: str) -> dict[str, float]:
    """The sums a reader can add up: groups whose every cell is published as a number of 5 or more (or 0)."""
    out = {}
    for unit, rows in frame.groupby(by):
        numbers = [_number(c) for c in rows[field]]
        if all(n is not None and (n == 0 or n >= 5) for n in numbers):
            out[str(unit)] = sum(numbers)
    return out


def test_the_audits_figures_are_a_disclosure_and_are_protected():
    provinces = pd.DataFrame({"name": ["Sindh", "Punjab", "Balochistan"], "refugees": [161_399, 52_310, 80_020]})
    districts = pd.DataFrame(
        {
            "name": ["Karachi East", "Hyderabad", "Sukkur", "Lahore", "Multan"],
            "province": ["Sindh", "Sindh", "Sindh", "Punjab", "Punjab"],
            "refugees": [100_000, 61_000, 396, 50_000, 2_310],
        }
    )
    fields = {"provinces": ["refugees"], "districts": ["refugees"]}
    totals = published_totals("provinces", provinces, ["refugees"], 5) + published_totals(
        "districts", districts, ["refugees"], 5
    )
    found = disclosures(totals, 5)
    assert [(a.unit, a.value, b.value) for a, b in found] == [("Sindh", 161_399.0, 161_396.0)]

    frames, counts = protect_differences({"provinces": provinces, "districts": districts}, fields, 5)
    assert counts == {"provinces": {"refugees": 1}}
    published = frames["provinces"].set_index("name")["refugees"]
    assert published["Sindh"] == SECONDARY_MARK
    # The province's figure is not recoverable from the provinces' own total either: a second cell is hidden.
    assert (frames["provinces"]["refugees"] == SECONDARY_MARK).sum() == 2
    assert frames["districts"].equals(districts)
    # A difference of 5 or more is no disclosure: nothing changes.
    provinces.loc[0, "refugees"] = 161_401
    frames, counts = protect_differences({"provinces": provinces, "districts": districts}, fields, 5)
    assert counts == {} and frames["provinces"].equals(provinces)


def test_census_households_by_district_and_province(shared_data, districts_path):
    """Real census households on the real districts, beside a provinces layer whose Sindh figure is 3
    households more (a later count): the export publishes the province's figure as "x"."""
    census = pd.read_csv(shared_data / "pak_census2023_districts.csv")
    districts = gpd.read_file(districts_path)[["name", "province", "geometry"]]
    districts = districts.merge(census[["district", "households"]], left_on="name", right_on="district", how="inner")
    districts = districts.drop(columns="district")
    provinces = gpd.read_file(shared_data / "pak_provinces.geojson")[["name", "geometry"]]
    by_province = districts.groupby("province")["households"].sum()
    provinces["households"] = provinces["name"].map(by_province).astype("Int64")
    provinces = provinces[provinces["households"].notna()].reset_index(drop=True)
    provinces.loc[provinces["name"] == "Sindh", "households"] += 3
    provinces["households"] = provinces["households"].astype(np.int64)
    layers = [
        VectorLayer("districts", districts, SourceInfo(districts_path)),
        VectorLayer("provinces", provinces, SourceInfo(shared_data / "pak_provinces.geojson")),
    ]
    project = Project(layers=[LayerSpec("districts"), LayerSpec("provinces")])
    safe, plan = guard_export(LoadedProject(project, layers), None)

    shown = safe.layer("provinces").data.set_index("name")["households"]
    assert shown["Sindh"] == SECONDARY_MARK
    # Every other province is published or hidden; no published province figure and no sum of
    # published districts differ by 1-4.
    sums = group_sums(safe.layer("districts").data, "province", "households")
    for name, cell in shown.items():
        number = _number(cell)
        if number is not None and name in sums:
            assert not 0 < abs(number - sums[name]) < 5, name
    summary = plan.summary()
    assert summary["differencing_suppressed"] == {"provinces": {"households": 1}}
    assert "differencing" in summary["suppression_method"]
    record = json.dumps(summary)
    assert not any(str(v) in record for v in provinces["households"])  # no values in the record
    # Without the other layer nothing is hidden: each table alone discloses nothing.
    alone, plan_alone = guard_export(LoadedProject(Project(layers=[LayerSpec("provinces")]), layers[1:]), None)
    assert not plan_alone.layers["provinces"].differencing
    assert (alone.layer("provinces").data["households"] != SECONDARY_MARK).all()
