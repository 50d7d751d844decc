"""``pakmap join``: the joined file and the join report go through the export guard and get a record.

A household table (names, phones, CNICs, PoR cards, coordinates) and a district table with small
cells are joined to the real district boundaries through the command line; no personal value and
no count under the threshold may appear in any byte written, and every written file is recorded.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from test_protection_data import households, personal_values

from pakmap.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

# A partner's district table: small cells beside large ones, and a row that matches no district whose
# contact phone must not reach the report.
DISTRICTS = (
    "district,refugees,contact_phone\n"
    "Peshawar,3,0300-1234567\nQuetta,1200,0312-7654321\nKohat,57,0333-5550001\nNowhere,4,0345-1112223\n"
)
PHONES = ["0300-1234567", "0312-7654321", "0333-5550001", "0345-1112223", "03001234567", "03451112223"]


def _household_csv(folder: Path) -> tuple[Path, list[str]]:
    table = households()
    table.loc[table.index[:3], "district"] = "Nowhere"  # unmatched rows: their values would reach the report
    path = folder / "household_survey.csv"
    table.drop(columns="geometry").to_csv(path, index=False)
    return path, personal_values(table)


def _bytes(path: Path) -> str:
    if path.suffix == ".gpkg":  # every table of the GeoPackage, as text
        with sqlite3.connect(path) as db:
            tables = [r[0] for r in db.execute("select name from sqlite_master where type='table'")]
            return "\n".join(str(row) for t in tables for row in db.execute(f'select * from "{t}"'))
    return path.read_text(encoding="utf-8", errors="replace")


def _written(folder: Path, before: set[Path]) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p not in before)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".csv"])
def test_household_join_publishes_no_personal_value(districts_path, tmp_path, capsys, suffix):
    table, personal = _household_csv(tmp_path)
    before = set(tmp_path.iterdir())
    out, report = tmp_path / f"joined{suffix}", tmp_path / "report.csv"
    assert (
        main(
            [
                "join",
                str(districts_path),
                str(table),
                "--on",
                "name=district",
                "--aggregate",
                "count",
                "-o",
                str(out),
                "--report",
                str(report),
            ]
        )
        == 0
    )
    written = _written(tmp_path, before)
    assert written == sorted([out, report, out.with_name(out.name + ".record.json")])
    for path in written:
        text = _bytes(path)
        leaked = [v for v in personal if v in text]
        assert not leaked, (path.name, leaked[:5])
    rows = pd.read_csv(report)
    unmatched = rows.loc[rows["section"] == "unmatched_table", "values"]
    assert len(unmatched) == 3 and unmatched.str.contains("phone=(withheld: personal data)", regex=False).all()
    record = json.loads(out.with_name(out.name + ".record.json").read_text(encoding="utf-8"))
    assert record["files"] == [out.name, report.name]
    withheld = record["protection"]["withheld"]["pak_districts"]
    assert {"head_of_household", "phone", "cnic", "por_card", "_gps_latitude"} <= set(withheld)
    assert "withheld from" in capsys.readouterr().err


def test_first_row_of_a_household_table_is_refused(districts_path, tmp_path, capsys):
    table, _ = _household_csv(tmp_path)
    before = set(tmp_path.iterdir())
    out = tmp_path / "joined.gpkg"
    assert (
        main(["join", str(districts_path), str(table), "--on", "name=district", "--aggregate", "first", "-o", str(out)])
        == 2
    )
    err = capsys.readouterr().err
    assert "--aggregate first would publish one household" in err and "Traceback" not in err
    assert _written(tmp_path, before) == []


def test_district_table_small_cells_and_report(districts_path, tmp_path, capsys):
    table = tmp_path / "districts.csv"
    table.write_text(DISTRICTS, encoding="utf-8")
    before = set(tmp_path.iterdir())
    out, report = tmp_path / "joined.geojson", tmp_path / "report.csv"
    assert (
        main(
            ["join", str(districts_path), str(table), "--on", "name=district", "-o", str(out), "--report", str(report)]
        )
        == 0
    )
    joined = gpd.read_file(out).set_index("name")
    assert joined.loc["Peshawar", "refugees"] == "<5" and joined.loc["Quetta", "refugees"] == "1,200"
    assert "contact_phone" not in joined.columns
    rows = pd.read_csv(report)
    values = rows.loc[rows["section"] == "unmatched_table", "values"].tolist()
    assert values == ["refugees=<5; contact_phone=(withheld: personal data)"]
    for path in _written(tmp_path, before):
        text = _bytes(path)
        assert not [p for p in PHONES if p in text], path.name
    record = json.loads((tmp_path / "joined.geojson.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["suppressed_counts"]["pak_districts"] == {"refugees": 1}
    assert "contact_phone" in record["protection"]["withheld"]["pak_districts"]


def test_a_personal_field_asked_for_is_refused_unless_allowed(districts_path, tmp_path, capsys):
    table = tmp_path / "districts.csv"
    table.write_text(DISTRICTS, encoding="utf-8")
    out = tmp_path / "joined.gpkg"
    base = [
        "join",
        str(districts_path),
        str(table),
        "--on",
        "name=district",
        "-o",
        str(out),
        "--fields",
        "refugees,contact_phone",
    ]
    assert main(base) == 2
    assert "leave contact_phone out of --fields" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "joined.gpkg.record.json").exists()
    assert main(base + ["--allow-sensitive", "contact_phone"]) == 0
    assert gpd.read_file(out).set_index("name").loc["Quetta", "contact_phone"] == "0312-7654321"
    record = json.loads((tmp_path / "joined.gpkg.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["allow_sensitive_arguments"] == ["contact_phone"]


def test_map_geopackage_carries_only_the_chosen_fields(districts_path, tmp_path):
    """``pakmap map … -o x.gpkg`` publishes the mapped field and the label/popup fields, not every
    column the table had (an officer's notes, a focal point's name)."""
    table = tmp_path / "districts.csv"
    table.write_text(
        "district,refugees,population,focal_point_notes\n"
        "Peshawar,1500,4000000,call Gul Khan first\nQuetta,1200,2500000,office closed\n",
        encoding="utf-8",
    )
    out = tmp_path / "map.gpkg"
    assert (
        main(
            [
                "map",
                str(districts_path),
                "--table",
                str(table),
                "--on",
                "name=district",
                "--by",
                "refugees",
                "--fields",
                "name",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    published = gpd.read_file(out)
    assert sorted(c for c in published.columns if c != "geometry") == ["name", "refugees"]
    assert "Gul Khan" not in _bytes(out) and "office closed" not in _bytes(out)


def _disguised_points(n: int = 200) -> pd.DataFrame:
    """Household points under headers that name nothing personal (what detection cannot see)."""
    table = households(n)
    return pd.DataFrame(
        {"col_a": range(n), "col_b": table["household_size"], "y": table["_gps_latitude"], "x": table["_gps_longitude"]}
    )


def test_aggregate_of_a_point_list_aggregates_it(tmp_path):
    points = _disguised_points()
    table = tmp_path / "list.csv"
    points.to_csv(table, index=False)
    out = tmp_path / "list.gpkg"
    assert main(["map", str(table), "--aggregate", "list=hex:10", "-o", str(out)]) == 0
    published = gpd.read_file(out)
    assert published.geom_type.isin(["Polygon", "MultiPolygon"]).all()  # hexagons, no exact point
    record = json.loads((tmp_path / "list.gpkg.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["aggregated"] == {"list": "hex:10"}
    text = _bytes(out)
    assert not [v for v in points["y"].map(lambda v: f"{v:.6f}".rstrip("0")) if v in text]


@pytest.mark.parametrize("what", ["boundaries", "gpkg points"])
def test_aggregate_of_a_layer_not_of_people_is_an_error(districts_path, tmp_path, capsys, what):
    if what == "boundaries":
        layer, name = districts_path, "pak_districts"
    else:  # points of places in a GeoPackage: not a list of people, nothing to aggregate
        layer, name = tmp_path / "villages.gpkg", "villages"
        points = _disguised_points(20)
        gpd.GeoDataFrame(
            {"village_no": points["col_a"]}, geometry=gpd.points_from_xy(points["x"], points["y"]), crs="EPSG:4326"
        ).to_file(layer, layer="villages")
    out = tmp_path / "m.gpkg"
    assert main(["map", str(layer), "--aggregate", f"{name}=hex:10", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"layer '{name}': the layer is not known as individual-level" in err and "Traceback" not in err
    assert not out.exists() and not (tmp_path / "m.gpkg.record.json").exists()
    assert main(["map", str(layer), "--aggregate", "nosuch=hex:10", "-o", str(out)]) == 2
    assert "the project has no such layer" in capsys.readouterr().err


def test_allowing_points_needs_a_reason_and_opens_only_the_coordinates(tmp_path, capsys):
    survey = households()
    table = tmp_path / "hh.csv"
    survey.drop(columns="geometry").to_csv(table, index=False)
    out = tmp_path / "hh.html"
    assert main(["map", str(table), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    fix = err.split(" — ", 1)[1]
    assert fix.index("--aggregate hh=hex:10") < fix.index("--allow-sensitive")  # aggregation is offered first
    allow = ["map", str(table), "--allow-sensitive", "hh:geometry", "-o", str(out)]
    assert main(allow) == 2
    assert "needs a recorded reason" in capsys.readouterr().err and not out.exists()
    reason = "data-sharing agreement with WFP, 2026-11"
    assert main(allow + ["--fields", "head_of_household", "--reason", reason]) == 2  # other columns stay guarded
    assert "hh.head_of_household (labels, popups)" in capsys.readouterr().err and not out.exists()
    assert main(allow + ["--reason", reason]) == 0
    text = out.read_text(encoding="utf-8")
    personal = [v for v in personal_values(survey) if not v.replace(".", "").isdigit()]  # coordinates are allowed
    assert not [v for v in personal if v in text]
    record = json.loads((tmp_path / "hh.html.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["allowed"] == {"hh": {"geometry": reason}}
    assert "phone" in record["protection"]["withheld"]["hh"]


def _atlas_project(folder: Path, districts_path: Path, survey: gpd.GeoDataFrame, title: str) -> Path:
    from pakmap.project import save_project
    from pakmap.project.model import AtlasSpec, JoinSpec, LayerSpec, LayoutSpec, MapSpec, Project

    districts = gpd.read_file(districts_path)
    districts[districts["name"].isin(["Tank", "Kohat", "Quetta"])][["name", "geometry"]].to_file(folder / "d.geojson")
    (folder / "cases.csv").write_text(
        "district,refugees,gbv_cases\nTank,3,1\nKohat,5700,48\nQuetta,850,12\n", encoding="utf-8"
    )
    survey.drop(columns="geometry").to_csv(folder / "hh.csv", index=False)
    project = Project(
        map=MapSpec(title="Cases", crs="EPSG:4326"),
        layers=[
            LayerSpec("cases", str(folder / "cases.csv"), visible=False, legend=False),
            LayerSpec("districts", str(folder / "d.geojson")),
            LayerSpec(
                "hh",
                str(folder / "hh.csv"),
                visible=False,
                legend=False,
                options={"lat": "_gps_latitude", "lon": "_gps_longitude"},
            ),
        ],
        joins=[JoinSpec(layer="districts", table="cases", on=[["name", "district"]])],
        layout=LayoutSpec(title="Cases", atlas=AtlasSpec(layer="districts", title=title)),
    )
    path = folder / "atlas.toml"
    save_project(project, path)
    return path


def test_atlas_titles_and_file_names_go_through_the_guard(districts_path, tmp_path, capsys):
    survey = households(20)
    project = _atlas_project(tmp_path, districts_path, survey, "{name}: {refugees} refugees, {gbv_cases} GBV cases")
    out = tmp_path / "atlas.pdf"
    assert main(["render", str(project), "--atlas", "districts", "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Tank: <5 refugees, <5 GBV cases" in text and "Kohat: 5,700 refugees, 48 GBV cases" in text
    assert "Tank: 3" not in text and "1 GBV" not in text
    assert (tmp_path / "atlas.pdf.record.json").exists()
    # Pages of household points chosen on the command line would be named after a personal field.
    pages = tmp_path / "pages.png"
    assert (
        main(
            [
                "render",
                str(project),
                "--atlas",
                "hh",
                "-o",
                str(pages),
                "--allow-sensitive",
                "hh:geometry",
                "--reason",
                "data-sharing agreement with WFP, 2026-11",
            ]
        )
        == 2
    )
    assert "hh.case_id (atlas)" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("pages")]


def test_points_from_a_list_are_people_unless_declared_places(tmp_path, capsys):
    points = _disguised_points(50)
    table = tmp_path / "sites.csv"
    points.to_csv(table, index=False)
    out = tmp_path / "sites.html"
    assert main(["map", str(table), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "sites points" in err and "declare them: --places sites" in err and not out.exists()
    assert main(["map", str(table), "--places", "sites", "-o", str(out)]) == 0
    record = json.loads((tmp_path / "sites.html.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["declared_places"] == ["sites"]


def test_report_keys_withheld_when_the_key_is_personal(districts_path, tmp_path, capsys):
    """Joined on a phone number: the report's table_key, layer_key, detail and suggestions would list
    phones; they are withheld, while a report keyed on district names keeps its keys."""
    districts = gpd.read_file(districts_path).iloc[:6][["name", "province", "geometry"]]
    phones = ["0300-1234567", "0312-7654321", "0333-5550001", "0345-1112223", "0321-4445556", "0346-7778889"]
    districts["focal_phone"] = phones
    layer = tmp_path / "focal_points.geojson"
    districts.to_file(layer, driver="GeoJSON")
    table = tmp_path / "staff.csv"
    table.write_text(
        "phone,staff\n0300-1234567,12\n0312-7654321,30\n0300 123 4568,7\n0399-0001112,9\n", encoding="utf-8"
    )
    out, report = tmp_path / "joined.csv", tmp_path / "report.csv"
    args = ["join", str(layer), str(table), "--on", "focal_phone=phone", "-o", str(out), "--report", str(report)]
    assert main(args) == 0
    captured = capsys.readouterr()
    text = report.read_text(encoding="utf-8") + out.read_text(encoding="utf-8") + captured.err + captured.out
    digits = ["1234567", "7654321", "1234568", "0001112", "5550001", "1112223", "4445556", "7778889"]
    assert not [d for d in digits if d in text.replace(" ", "").replace("-", "")]
    rows = pd.read_csv(report, dtype=str, keep_default_na=False)
    assert (rows.loc[rows["section"] != "unmatched_layer", "table_key"] == "(withheld: personal data)").all()
    assert (rows["layer_key"].isin(["", "(withheld: personal data)"])).all()
    # Keys that are names stay readable.
    plain = tmp_path / "plain.csv"
    plain.write_text("district,refugees\nPeshawar,120\nNowhere,30\n", encoding="utf-8")
    assert (
        main(
            [
                "join",
                str(districts_path),
                str(plain),
                "--on",
                "name=district",
                "-o",
                str(tmp_path / "j2.csv"),
                "--report",
                str(tmp_path / "r2.csv"),
            ]
        )
        == 0
    )
    assert "Nowhere" in (tmp_path / "r2.csv").read_text(encoding="utf-8")
