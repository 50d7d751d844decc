"""``pakmap export-qgis`` and ``pakmap style export|import`` on small projects (QGIS itself opens the
files in tests/test_interop_qgis.py)."""

from __future__ import annotations

import sqlite3
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import box

from pakmap.cli import main
from pakmap.project import load_project
from pakmap.style import LabelStyle

PROJECT = """
[pakmap]
format = 1

[[layers]]
name = "districts"
path = "districts.geojson"
style = {{ kind = "graduated", field = "refugees", method = "manual", breaks = [100, 10000], palette = "unhcr_blue" }}
labels = {{ field = "name" }}
{extra}
[layout]
title = "Refugees by district"
"""


@pytest.fixture
def project(tmp_path):
    frame = gpd.GeoDataFrame(
        {
            "name": ["Peshawar", "Quetta", "Lahore"],
            "refugees": [12000, 450, 3],
            "phone": ["+92 300 1111111", "+92 300 2222222", "+92 300 3333333"],
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(3)],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "districts.geojson", driver="GeoJSON")
    path = tmp_path / "project.toml"
    path.write_text(PROJECT.format(extra=""), encoding="utf-8")
    return path


def test_export_qgis_writes_the_project_and_the_protected_geopackage(project, tmp_path, capsys):
    out = tmp_path / "out" / "map.qgz"
    out.parent.mkdir()
    assert main(["export-qgis", str(project), "-o", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out), str(out.with_suffix(".gpkg")), str(out) + ".record.json"]
    with zipfile.ZipFile(out) as archive:
        qgs = archive.read("map.qgs").decode("utf-8")
    assert 'type="graduatedSymbol"' in qgs and "./map.gpkg|layername=districts" in qgs
    # The count column is text in the GeoPackage ("<5"): QGIS classifies it read back as a number.
    assert "to_real(replace(&quot;refugees&quot;" in qgs
    with sqlite3.connect(out.with_suffix(".gpkg")) as db:
        assert db.execute("SELECT count(*) FROM layer_styles WHERE useAsDefault").fetchone() == (1,)
        # The guard ran: the phone numbers are withheld, the small count is published as "<5".
        columns = [row[1] for row in db.execute("PRAGMA table_info(districts)")]
        assert "phone" not in columns
        # 450 is the complementary cell: with it published, the "<5" would be the total minus the others.
    assert sorted(r[0] for r in db.execute("SELECT refugees FROM districts")) == ["12,000", "<5", "x"]


def test_export_qgis_stops_on_personal_data_without_a_decision(project, tmp_path, capsys):
    project.write_text(project.read_text().replace('labels = { field = "name" }', 'labels = { field = "phone" }'))
    out = tmp_path / "map.qgz"
    assert main(["export-qgis", str(project), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "personal data" in err and "phone" in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and not out.with_suffix(".gpkg").exists()


def test_export_qgis_wants_a_qgz(project, tmp_path, capsys):
    assert main(["export-qgis", str(project), "-o", str(tmp_path / "map.qgs")]) == 2
    assert "end the output name with .qgz" in capsys.readouterr().err


def test_style_export_then_import_into_another_project(project, tmp_path, capsys):
    qml, sld = tmp_path / "d.qml", tmp_path / "d.sld"
    assert main(["style", "export", str(project), "--layer", "districts", "-o", str(qml)]) == 0
    assert main(["style", "export", str(project), "--layer", "districts", "-o", str(sld)]) == 0
    assert sld.read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<StyledLayerDescriptor')
    # Another project with the same layer in a plain style takes the QGIS style over.
    other = tmp_path / "other.toml"
    other.write_text(
        PROJECT.replace(
            'style = {{ kind = "graduated", field = "refugees", method = "manual", '
            'breaks = [100, 10000], palette = "unhcr_blue" }}\nlabels = {{ field = "name" }}\n',
            "",
        ).format(extra=""),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["style", "import", str(qml), "--layer", "districts", "--project", str(other)]) == 0
    captured = capsys.readouterr()
    assert "everything in the QGIS style was carried over" in captured.err
    layer = load_project(other).layer_spec("districts")
    # As drawn from the published data: "<5" and up to 12,000 (450 is the complementary "x", no data).
    assert layer.style.kind == "graduated" and layer.style.breaks == [12000.0]
    assert layer.labels == LabelStyle(
        field="name", size=7.0, color="#000000", bold=False, halo_color="#FFFFFF", halo_width=0.4, placement="line"
    )


def test_style_import_without_a_project_prints_the_table(project, tmp_path, capsys):
    qml = tmp_path / "d.qml"
    qml.write_text(
        '<qgis><renderer-v2 type="singleSymbol"><symbols><symbol type="fill" name="0" alpha="0.5">'
        '<layer class="SimpleFill"><prop k="color" v="255,0,0,255"/><prop k="style" v="dense3"/></layer>'
        "</symbol></symbols></renderer-v2></qgis>",
        encoding="utf-8",
    )
    assert main(["style", "import", str(qml), "--layer", "districts"]) == 0
    captured = capsys.readouterr()
    assert 'kind = "single"' in captured.out and 'fill = "#FF0000"' in captured.out and "opacity = 0.5" in captured.out
    assert "not carried over: fill pattern 'dense3'" in captured.err


@pytest.mark.parametrize(
    "args, problem",
    [
        (["--layer", "nope"], "no layer named 'nope'"),
        (["--layer", "districts"], "which layer 'districts' does not have"),
    ],
)
def test_style_import_errors_leave_the_project_untouched(project, tmp_path, capsys, args, problem):
    qml = tmp_path / "x.qml"
    qml.write_text(
        '<qgis><renderer-v2 type="categorizedSymbol" attr="camp_type"><categories>'
        '<category value="a" symbol="0" label="a"/></categories><symbols><symbol type="fill" name="0">'
        '<layer class="SimpleFill"><prop k="color" v="1,2,3,255"/></layer></symbol></symbols>'
        "</renderer-v2></qgis>",
        encoding="utf-8",
    )
    before = project.read_bytes()
    assert main(["style", "import", str(qml), "--project", str(project), *args]) == 2
    assert problem in capsys.readouterr().err
    assert project.read_bytes() == before


def test_export_qgis_never_writes_its_geopackage_over_a_source(tmp_path, capsys):
    frame = gpd.GeoDataFrame({"name": ["a"], "refugees": [10]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    frame.to_file(tmp_path / "districts.gpkg", driver="GPKG")
    before = (tmp_path / "districts.gpkg").read_bytes()
    project = tmp_path / "project.toml"
    project.write_text(PROJECT.replace("districts.geojson", "districts.gpkg").format(extra=""), encoding="utf-8")
    # districts.qgz would put its layers in districts.gpkg: the file the project reads.
    assert main(["export-qgis", str(project), "-o", str(tmp_path / "districts.qgz")]) == 2
    assert "districts.gpkg" in capsys.readouterr().err
    assert (tmp_path / "districts.gpkg").read_bytes() == before and not (tmp_path / "districts.qgz").exists()
