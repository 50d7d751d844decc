"""What an export may publish: withheld fields, allows, blocking findings, the safe copy, the guard."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_protection_data import households

from pakmap.errors import ProtectionError
from pakmap.layer import TableLayer, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import AllowSpec, JoinSpec, LayerSpec, Project, ProtectionSpec
from pakmap.protection.policy import GEOMETRY, check_project, guard_export, plan_export, safe_loaded
from pakmap.style import GraduatedStyle, LabelStyle, SingleSymbolStyle

SENSITIVE = {
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


@pytest.fixture(scope="module")
def provinces_gdf(shared_data):
    return gpd.read_file(shared_data / "pak_provinces.geojson")


def make_loaded(
    provinces_gdf, *, visible=True, labels=None, popup=(), allow=(), threshold=5, tmp=None, extra_layers=(), joins=()
):
    """Provinces (with a small count) + households points, as a LoadedProject built directly."""
    provinces = provinces_gdf.copy()
    provinces["refugees"] = [120000, 3, 0, 45000, 2, 800, 15]
    prov = VectorLayer("provinces", provinces, style=GraduatedStyle(field="refugees"), labels=LabelStyle(field="name"))
    hh = VectorLayer("households", households(), labels=labels)
    hh.visible = visible
    project = Project(
        layers=[
            LayerSpec("provinces", "provinces.geojson", popup_fields=["name", "refugees"]),
            LayerSpec("households", "households.csv", visible=visible, popup_fields=list(popup)),
            *[LayerSpec(l.name, f"{l.name}.csv") for l in extra_layers],
        ],
        joins=list(joins),
        protection=ProtectionSpec(threshold=threshold, allow=list(allow)),
    )
    if tmp is not None:
        project.path = Path(tmp) / "project.toml"
    return LoadedProject(project, [prov, hh, *extra_layers])


def test_visible_household_points_block_the_export(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf)
    plan = plan_export(loaded, tmp_path / "map.pdf")
    hh = plan.layers["households"]
    assert hh.individual and hh.points == "blocked"
    assert set(hh.withheld) == SENSITIVE
    assert [(f.layer, f.field) for f in plan.blocking] == [("households", GEOMETRY)]
    with pytest.raises(ProtectionError) as err:
        guard_export(loaded, tmp_path / "map.pdf")
    message = str(err.value)
    assert "\n" not in message
    assert "households points" in message and "--allow-sensitive" in message and "aggregate the points" in message
    assert message.startswith(str(tmp_path / "map.pdf"))


def test_hidden_household_layer_is_left_out(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf, visible=False)
    safe, plan = guard_export(loaded, tmp_path / "map.pdf")
    assert [l.name for l in safe.layers] == ["provinces"]
    assert plan.layers["households"].points == "left out"
    assert not plan.blocking
    assert len(loaded.layers) == 2 and "phone" in loaded.layer("households").data  # original untouched
    findings = check_project(loaded)
    assert {f.field for f in findings} == SENSITIVE | {GEOMETRY}
    assert all(not f.blocking and "\n" not in f.message() for f in findings)
    geometry = next(f for f in findings if f.field == GEOMETRY)
    assert "hidden and left out" in geometry.message()


def test_allowed_points_publish_only_allowed_fields(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf, labels=LabelStyle(field="household_size"), popup=["district", "phone"])
    # The popup needs the phone: blocking until allowed.
    plan = plan_export(loaded, tmp_path / "map.html", allow_sensitive=["households:geometry"])
    assert [(f.field, f.used_by) for f in plan.blocking] == [("phone", ("popups",))]
    assert "--allow-sensitive households:phone" in plan.blocking[0].message()
    with pytest.raises(ProtectionError, match="needs a recorded reason"):  # exact points: a reason is required
        guard_export(loaded, tmp_path / "map.html", ["households:geometry", "phone"])
    safe, plan = guard_export(
        loaded,
        tmp_path / "map.html",
        ["households:geometry", "phone"],
        reason="data-sharing agreement with WFP, 2026-11",
    )
    hh = safe.layer("households")
    assert set(hh.data.columns) == {"district", "household_size", "phone", "geometry"}
    assert plan.layers["households"].allowed == {
        GEOMETRY: "data-sharing agreement with WFP, 2026-11",
        "phone": "data-sharing agreement with WFP, 2026-11",
    }
    assert safe.project.layer_spec("households").popup_fields == ["district", "phone"]
    assert hh.sensitive_fields == {"phone": plan.layers["households"].allowed["phone"]}


def test_project_allows_match_their_export_only(provinces_gdf, tmp_path):
    allow = [
        AllowSpec("households", "geometry", export="*", reason="partner's own field map"),
        AllowSpec("households", "phone", export="exports/partner.html", reason="sent to the partner only"),
    ]
    loaded = make_loaded(provinces_gdf, popup=["phone"], allow=allow, tmp=tmp_path)
    partner = plan_export(loaded, tmp_path / "exports" / "partner.html")
    assert partner.layers["households"].allowed["phone"] == "sent to the partner only"
    assert not partner.blocking
    public = plan_export(loaded, tmp_path / "exports" / "public.pdf")
    assert "phone" in public.layers["households"].withheld
    assert [f.field for f in public.blocking] == ["phone"]
    # check over the project's exports: blocking if any export is blocked
    loaded.project.exports = []
    assert {f.field for f in check_project(loaded) if f.blocking} == {"phone"}


def test_unknown_allow_argument_is_an_error(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf, visible=False)
    with pytest.raises(ProtectionError, match="--allow-sensitive phnoe matches no sensitive field"):
        plan_export(loaded, tmp_path / "map.pdf", allow_sensitive=["phnoe"])


@pytest.mark.parametrize("how, kind", [("hex:10", "hex"), ("admin:provinces", "admin")])
def test_aggregated_household_points(provinces_gdf, tmp_path, how, kind):
    loaded = make_loaded(provinces_gdf)
    safe, plan = guard_export(loaded, tmp_path / "map.pdf", aggregate={"households": how})
    layer = safe.layer("households")
    assert layer.geometry_type == "Polygon"
    assert isinstance(layer.style, GraduatedStyle) and layer.style.field == "households"
    fields = set(layer.fields)
    assert fields.isdisjoint(SENSITIVE | {"district", "household_size"})
    assert {"households", "individuals"} <= fields
    hh = plan.layers["households"]
    households = layer.data["households"]
    if kind == "hex":  # hexagons of fewer than 5 households are not drawn at all
        assert (households >= 5).all() and hh.dropped_cells >= 1
        assert 0 < households.sum() < 60
    else:
        assert households.sum() == 60
    assert hh.points == "aggregated" and hh.aggregate == how
    small = (households > 0) & (households < 5)
    assert hh.suppressed == ({"households": int(small.sum())} if small.any() else {})
    # The members of a unit's few households are theirs too: "x", whatever their number.
    assert (layer.data.loc[small, "individuals"] == "x").all()
    spec = safe.project.layer_spec("households")
    assert spec.style.field == "households" and spec.popup_fields == layer.fields
    if kind == "admin":
        assert "name" in fields


def test_bad_aggregation_named(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf)
    with pytest.raises(ProtectionError, match="names no boundary layer"):
        guard_export(loaded, tmp_path / "map.pdf", aggregate={"households": "admin:districts"})
    with pytest.raises(ProtectionError, match="unknown aggregation"):
        guard_export(loaded, tmp_path / "map.pdf", aggregate={"households": "grid:5"})


def test_small_counts_reported_per_layer(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf, visible=False)
    plan = plan_export(loaded, tmp_path / "map.pdf")
    assert plan.layers["provinces"].suppressed == {"refugees": 2}
    assert plan.summary()["suppressed_counts"] == {"provinces": {"refugees": 2}}
    plan = plan_export(make_loaded(provinces_gdf, visible=False, threshold=10), tmp_path / "map.pdf")
    assert plan.layers["provinces"].suppressed == {"refugees": 2}
    plan = plan_export(make_loaded(provinces_gdf, visible=False, threshold=20), tmp_path / "map.pdf")
    assert plan.layers["provinces"].suppressed == {"refugees": 3}


def test_fields_joined_from_a_household_table_stay_sensitive(provinces_gdf, tmp_path):
    table = TableLayer("hh_table", pd.DataFrame(households().drop(columns="geometry")))
    table.visible = False
    loaded = make_loaded(
        provinces_gdf,
        visible=False,
        extra_layers=[table],
        joins=[JoinSpec(layer="provinces", table="hh_table", on=[["name", "district"]])],
    )
    prov = loaded.layer("provinces")
    prov.data["phone"] = "0300-1234567"  # what a careless "first" join would bring over
    prov.data["contact_person"] = households()["head_of_household"].iloc[:7].to_numpy()
    plan = plan_export(loaded, tmp_path / "map.pdf")
    assert plan.layers["provinces"].withheld["phone"].startswith("phone number")
    safe = safe_loaded(loaded, tmp_path / "map.pdf")
    assert "phone" not in safe.layer("provinces").data
    assert set(safe.layer("hh_table").data.columns) == {"district", "household_size"}


def test_safe_loaded_falls_back_when_labels_or_style_need_withheld_fields(provinces_gdf, tmp_path):
    loaded = make_loaded(provinces_gdf, visible=True, labels=LabelStyle(expression="{head_of_household}\n{phone}"))
    loaded.layer("households").style = GraduatedStyle(field="cnic")
    plan = plan_export(loaded, tmp_path / "map.png", allow_sensitive=["geometry"])
    assert {f.field: f.used_by for f in plan.blocking} == {
        "head_of_household": ("labels",),
        "phone": ("labels",),
        "cnic": ("style",),
    }
    safe = safe_loaded(loaded, tmp_path / "map.png", allow_sensitive=["geometry"])
    hh = safe.layer("households")
    assert hh.labels is None and isinstance(hh.style, SingleSymbolStyle)
    assert not set(hh.data.columns) & SENSITIVE


def test_atlas_titles_from_a_hidden_layer_still_count(provinces_gdf, tmp_path):
    from pakmap.project.model import AtlasSpec

    loaded = make_loaded(provinces_gdf, visible=False)
    provinces = loaded.layer("provinces")
    provinces.data["focal_point_name"] = households()["head_of_household"].iloc[:7].to_numpy()
    provinces.visible = False  # an atlas coverage layer need not be drawn
    loaded.project.layout.atlas = AtlasSpec(layer="provinces", name_field="focal_point_name")
    plan = plan_export(loaded, tmp_path / "atlas.pdf")
    assert [(f.layer, f.field, f.used_by) for f in plan.blocking] == [("provinces", "focal_point_name", ("atlas",))]
    # A label switched off uses nothing.
    loaded.project.layout.atlas = None
    loaded.layer("households").visible = True
    loaded.layer("households").labels = LabelStyle(field="phone", visible=False)
    plan = plan_export(loaded, tmp_path / "map.pdf", allow_sensitive=["households:geometry"])
    assert plan.blocking == []
