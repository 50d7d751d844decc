"""The session's changes to a layer's data: its CRS, repaired geometry, dissolved and calculated
layers, and a project opened without a missing file. Each is one undo step and survives a save."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from pakmap.errors import ExpressionError, ProjectError, SourceError
from pakmap.project import JoinSpec, load_project
from pakmap.project.loader import missing_files
from pakmap.protection.policy import plan_export
from pakmap.session import Session
from pakmap.sources import open_layer

BOW_TIE = Polygon([(66, 30), (67, 31), (67, 30), (66, 31)])


@pytest.fixture
def files(tmp_path):
    districts = gpd.GeoDataFrame(
        {
            "name": ["Peshawar", "Quetta", "Lahore", "Pishin"],
            "province": ["KP", "Balochistan", "Punjab", "Balochistan"],
            "population": [4_758_874, 2_595_492, 13_004_135, 0],
        },
        geometry=[box(71, 33, 72, 34), BOW_TIE, box(74, 31, 75, 32), box(67, 30, 68, 31)],
        crs="EPSG:4326",
    )
    districts.to_file(tmp_path / "districts.geojson", driver="GeoJSON")
    pd.DataFrame({"district": ["Peshawar", "Quetta", "Lahore"], "refugees": [90_000, 60_000, 30_000]}).to_csv(
        tmp_path / "refugees.csv", index=False
    )
    # A list with the names of people: personal data (by its header).
    pd.DataFrame({"district": ["Peshawar", "Quetta"], "head_of_household": ["Gul Bibi", "Abdul Wali"]}).to_csv(
        tmp_path / "contacts.csv", index=False
    )
    return tmp_path


def _session(files, *names):
    session = Session()
    for name in names:
        path = files / name
        session.add_layer(open_layer(path), path)
    return session


def test_repair_in_place_counts_changes_runs_the_joins_again_and_undoes(files, tmp_path):
    session = _session(files, "refugees.csv", "districts.geojson")
    session.apply_join(JoinSpec(layer="districts", table="refugees", on=[["name", "district"]]))
    assert session.layer("districts").validity.invalid == 1
    fixed, report = session.repaired("districts")
    assert report.repaired == 1 and report.invalid == 0
    session.repair_layer("districts", fixed)
    layer = session.layer("districts")
    assert layer.validity.invalid == 0 and layer.geometry_type == "Polygon"
    assert layer.data.set_index("name")["refugees"]["Quetta"] == 60_000  # the join ran again
    assert session.project.layer_spec("districts").repair
    session.undo()
    assert session.layer("districts").validity.invalid == 1 and not session.project.layer_spec("districts").repair
    session.redo()
    session.save(tmp_path / "p.toml")
    reopened = Session.from_file(tmp_path / "p.toml")
    assert reopened.layer("districts").validity.repaired == 1
    assert reopened.layer("districts").data.set_index("name")["refugees"]["Quetta"] == 60_000


def test_repair_into_a_new_layer_keeps_the_original(files):
    session = _session(files, "districts.geojson")
    session.repair_layer("districts", new_name="districts repaired")
    assert [l.name for l in session.layers] == ["districts", "districts repaired"]
    assert session.layer("districts").validity.invalid == 1
    assert session.layer("districts repaired").validity.invalid == 0
    assert session.project.layer_spec("districts repaired").repair
    assert session.project.layer_spec("districts repaired").path == session.project.layer_spec("districts").path
    session.undo()
    assert [l.name for l in session.layers] == ["districts"]


def test_dissolve_adds_a_layer_kept_as_a_step(files, tmp_path):
    session = _session(files, "districts.geojson")
    spec, layer = session.dissolved("districts", "province")
    session.add_dissolved(spec, layer)
    provinces = session.layer("districts by province")
    assert sorted(provinces.data["province"]) == ["Balochistan", "KP", "Punjab"]
    assert provinces.style.symbol.fill == "none"  # drawn over the districts as outlines
    session.save(tmp_path / "p.toml")
    reopened = Session.from_file(tmp_path / "p.toml")
    assert len(reopened.layer("districts by province").data) == 3
    session.move_layer("districts by province", 0)  # filled provinces under the districts: read back
    session.save(tmp_path / "under.toml")
    under = Session.from_file(tmp_path / "under.toml")
    assert [l.name for l in under.layers] == ["districts by province", "districts"]
    assert len(under.layer("districts by province").data) == 3
    with pytest.raises(Exception, match="no field 'region'"):
        session.dissolved("districts", "region")


def test_set_layer_crs_declares_without_reprojecting_and_undoes(files, tmp_path):
    session = _session(files, "districts.geojson")
    before = session.layer("districts").bounds
    session.set_layer_crs("districts", "32642")
    layer = session.layer("districts")
    assert layer.crs.to_epsg() == 32642 and layer.bounds == before
    assert session.project.layer_spec("districts").crs == "EPSG:32642"
    session.undo()
    assert session.layer("districts").crs.to_epsg() == 4326 and session.project.layer_spec("districts").crs is None
    session.redo()
    session.save(tmp_path / "p.toml")
    assert Session.from_file(tmp_path / "p.toml").layer("districts").crs.to_epsg() == 32642
    with pytest.raises(SourceError, match="not a coordinate reference system"):
        session.set_layer_crs("districts", "EPSG:99999999")
    table_session = _session(files, "refugees.csv")
    with pytest.raises(ProjectError, match="table without geometry"):
        table_session.set_layer_crs("refugees", "EPSG:4326")


def test_a_calculated_field_reads_joined_fields_survives_a_rejoin_and_a_reopen(files, tmp_path):
    session = _session(files, "refugees.csv", "districts.geojson")
    join = JoinSpec(layer="districts", table="refugees", on=[["name", "district"]])
    session.apply_join(join)
    preview = session.calculation_preview("districts", "per_1000", "round(refugees / population * 1000, 2)", rows=2)
    assert list(preview) == [18.91, 23.12]
    session.calculate_field("districts", "per_1000", "round(refugees / population * 1000, 2)")
    values = session.layer("districts").data.set_index("name")["per_1000"]
    assert values["Peshawar"] == 18.91 and pd.isna(values["Pishin"])  # no refugees row: no data
    session.apply_join(join)  # the same join again (new accepted matches): the field is calculated again
    assert session.layer("districts").data.set_index("name")["per_1000"]["Peshawar"] == 18.91
    session.save(tmp_path / "p.toml")
    reopened = Session.from_file(tmp_path / "p.toml")
    assert reopened.layer("districts").data.set_index("name")["per_1000"]["Lahore"] == 2.31
    session.undo()  # the re-join
    session.undo()  # the calculation
    assert "per_1000" not in session.layer("districts").fields
    with pytest.raises(ExpressionError, match="reads the field 'population' it would replace"):
        session.calculate_field("districts", "population", "population * 2")
    with pytest.raises(ExpressionError, match="attribute"):
        session.calculate_field("districts", "x", "__import__('os').system('true')")
    assert "x" not in session.project.layer_spec("districts").calculate


def test_a_field_calculated_from_a_personal_field_is_withheld_like_it(files, tmp_path):
    session = _session(files, "contacts.csv", "districts.geojson")
    session.apply_join(JoinSpec(layer="districts", table="contacts", on=[["name", "district"]]))
    session.calculate_field("districts", "label", "concat(name, ': ', upper(head_of_household))")
    plan = plan_export(session.loaded, tmp_path / "map.pdf")
    withheld = plan.layers["districts"].withheld
    assert "head_of_household" in withheld
    assert withheld["label"].startswith("calculated from 'head_of_household'")


def test_a_project_opens_without_a_missing_file_and_saves_it_as_it_was(files, tmp_path):
    session = _session(files, "refugees.csv", "districts.geojson")
    session.apply_join(JoinSpec(layer="districts", table="refugees", on=[["name", "district"]]))
    spec, layer = session.dissolved("districts", "province")
    session.add_dissolved(spec, layer)
    session.save(tmp_path / "p.toml")
    (files / "districts.geojson").rename(files / "moved.geojson")
    project = load_project(tmp_path / "p.toml")
    assert [s.name for s in missing_files(project)] == ["districts"]
    opened = Session.open_without(project, {"districts"})
    assert [l.name for l in opened.layers] == ["refugees", "districts", "districts by province"]
    assert opened.layer("districts").missing and opened.layer("districts by province").missing
    assert not opened.loaded.drawable  # nothing to draw, nothing crashed
    assert len(opened.project.joins) == 1  # kept for when the file is back
    with pytest.raises(ProjectError, match="its file is missing"):
        opened.repaired("districts")
    opened.save(tmp_path / "again.toml")
    again = load_project(tmp_path / "again.toml")
    assert again.layer_spec("districts").path.endswith("districts.geojson") and len(again.joins) == 1
