"""End to end: a household-level table through every export path (PDF, SVG, PNG, HTML, GeoPackage).

The project maps refugees per province (a partner table with small counts, joined by name) and a
household survey (names, phone numbers, CNIC / PoR cards, case numbers, exact GPS points). None of
the personal values may appear in any output, and counts under the threshold appear only as "<5".
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
from test_protection_data import households, personal_values

import pakmap.jobs.outputs
import pakmap.web
from pakmap.errors import ProtectionError
from pakmap.jobs.outputs import write_output
from pakmap.project import load_project, save_project
from pakmap.project.loader import load_layers
from pakmap.project.model import ExportSpec, JoinSpec, LayerSpec, LayoutSpec, MapSpec, Project, ProtectionSpec
from pakmap.protection.policy import guard_export
from pakmap.protection.publish import write_geopackage
from pakmap.protection.record import write_export_record
from pakmap.style import GraduatedStyle, LabelStyle

REFUGEES = {
    "Balochistan": 120000,
    "Sindh": 3,
    "Khyber Pakhtunkhwa": 0,
    "Punjab": 45000,
    "Azad Jammu & Kashmir": 2,
    "Gilgit-Baltistan": 800,
    "Islamabad Capital Territory": 15,
}
SMALL = {"Sindh": 3, "Azad Jammu & Kashmir": 2}
BARE_SMALL = re.compile(r"(?<![\w.,<-])[1-4](?![\w.,])")  # a count 1–4 standing alone


def build_project(folder: Path, shared_data: Path, aggregate: dict | None) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    shutil.copy(shared_data / "pak_provinces.geojson", data / "provinces.geojson")
    pd.DataFrame({"province": list(REFUGEES), "refugees": list(REFUGEES.values())}).to_csv(
        data / "refugees_by_province.csv", index=False
    )
    households().drop(columns="geometry").to_csv(data / "household_survey.csv", index=False)
    project = Project(
        map=MapSpec(title="Refugees and surveyed households", crs="EPSG:4326"),
        layers=[
            LayerSpec("refugees_table", "data/refugees_by_province.csv", visible=False, legend=False),
            LayerSpec(
                "provinces",
                "data/provinces.geojson",
                style=GraduatedStyle(
                    field="refugees", method="manual", breaks=[4, 1000, 50000, 120000], palette="unhcr_blue"
                ),
                labels=LabelStyle(expression="{name}\n{refugees}", size=7),
                popup_fields=["name", "refugees"],
            ),
            LayerSpec(
                "households",
                "data/household_survey.csv",
                options={"lat": "_gps_latitude", "lon": "_gps_longitude"},
                # What an officer might set up on the survey layer: without protection the
                # names and phone numbers would be on every output.
                labels=LabelStyle(field="head_of_household"),
                popup_fields=["district", "phone", "household_size"],
            ),
        ],
        joins=[JoinSpec(layer="provinces", table="refugees_table", on=[["name", "province"]], fields=["refugees"])],
        layout=LayoutSpec(
            title="Refugees and surveyed households",
            sources="Test data: fictional households",
            as_of="31 October 2026",
            map_id="PAK-PROT-TEST",
        ),
        exports=[ExportSpec("out/map.pdf")],
        protection=ProtectionSpec(threshold=5, aggregate=dict(aggregate or {})),
    )
    (folder / "out").mkdir()
    project.path = folder / "project.toml"  # paths above are relative to this folder
    return save_project(project)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, shared_data):
    """The project exported to every format, household points aggregated to 10 km hexagons."""
    folder = tmp_path_factory.mktemp("protection_exports")
    path = build_project(folder, shared_data, {"households": "hex:10"})
    loaded = load_layers(load_project(path))
    out = folder / "out"
    files = {}
    seen = {}  # what each exporter was handed

    def spy(name, real):
        def exporter(given, out_path, *args, **kwargs):
            seen[Path(out_path).suffix] = given
            return real(given, out_path, *args, **kwargs)

        return exporter

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pakmap.jobs.outputs, "export_print", spy("print", pakmap.jobs.outputs.export_print))
        mp.setattr(pakmap.web, "export_webmap", spy("web", pakmap.web.export_webmap))
        for suffix in (".pdf", ".svg", ".png", ".html"):
            written = write_output(loaded, out / f"map{suffix}", dpi=96)
            files[suffix] = written[0]
            assert written[-1].name == f"map{suffix}.record.json"
    assert set(seen) == {".pdf", ".svg", ".png", ".html"}
    files["seen"] = seen
    safe, plan = guard_export(loaded, out / "map.gpkg")
    files[".gpkg"] = write_geopackage(safe, out / "map.gpkg")
    write_export_record(safe, out / "map.gpkg", plan)
    return files, loaded


def page_text(path: Path) -> str:
    """What a reader sees on a PDF or SVG page: its text, without markup or document info."""
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def output_text(path: Path) -> str:
    """Everything an output says in text: PDF text and metadata, SVG/HTML source, PNG text chunks."""
    suffix = path.suffix
    if suffix == ".pdf":
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return page_text(path) + "\n" + info
    if suffix == ".png":
        return png_text(path.read_bytes())
    if suffix == ".gpkg":
        return "\n".join(
            pyogrio.read_dataframe(path, layer=name).to_csv(index=False) for name, _ in pyogrio.list_layers(path)
        )
    return path.read_text(encoding="utf-8")


def png_text(data: bytes) -> str:
    """The text chunks of a PNG (tEXt, zTXt, iTXt): where metadata could leak."""
    out, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            out.append(body.decode("latin-1"))
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            out.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
        elif kind == b"iTXt":
            out.append(body.decode("utf-8", "replace"))
        pos += 12 + length
    return "\n".join(out)


@pytest.mark.parametrize("suffix", [".pdf", ".svg", ".png", ".html", ".gpkg"])
def test_no_personal_value_in_any_output(exported, suffix):
    files, _ = exported
    path = files[suffix]
    text = output_text(path)
    if suffix == ".png":
        assert path.stat().st_size > 10_000  # a real map, not an empty file
    else:
        assert len(text) > 100
    leaks = [v for v in personal_values(households()) if v in text]
    assert leaks == []
    record = path.with_name(path.name + ".record.json").read_text(encoding="utf-8")
    assert [v for v in personal_values(households()) if v in record] == []


def test_exporters_only_ever_see_the_safe_copy(exported):
    files, loaded = exported
    for suffix, given in files["seen"].items():
        assert given is not loaded, suffix
        hh = given.layer("households")
        assert hh.geometry_type == "Polygon", suffix  # hexagons, never the households' points
        assert set(hh.fields) == {"households", "individuals"}, suffix
        assert hh.labels is None, suffix
        assert given.project.layer_spec("households").popup_fields == ["households", "individuals"]
        for layer in given.layers:
            assert not set(getattr(layer, "fields", [])) & {"phone", "cnic", "head_of_household", "_gps_latitude"}


def test_no_local_path_or_user_in_any_output(exported):
    files, _ = exported
    folder = str(files[".pdf"].parent.parent)
    for suffix in (".pdf", ".svg", ".png", ".html", ".gpkg"):
        path = files[suffix]
        text = output_text(path) + path.read_bytes().decode("latin-1")
        assert folder not in text, suffix
        assert str(Path.home()) + "/" not in text, suffix
    info = output_text(files[".pdf"])
    # The PDF's author is the template's organisation, never the user's name.
    assert re.search(r"^Author:\s+UNHCR$", info, re.M), info


def test_png_labels_are_the_suppressed_texts(exported):
    """The PNG paints the renderer's label texts for the safe copy: check those texts."""
    from pakmap.render.labels import label_texts

    files, loaded = exported
    safe, _ = guard_export(loaded, files[".png"])
    provinces = safe.layer("provinces")
    texts = label_texts(provinces, np.arange(len(provinces.data)), safe.project.protection.threshold)
    by_name = dict(zip(provinces.data["name"], texts))
    for name, value in REFUGEES.items():
        expected = "<5" if name in SMALL else f"{value:,}"
        assert by_name[name] == f"{name}\n{expected}"
    for layer in safe.drawable:
        if getattr(layer, "labels", None) is not None:
            shown = "\n".join(label_texts(layer, np.arange(len(layer.data)), 5))
            assert [v for v in personal_values(households()) if v in shown] == []


def test_print_labels_and_legend_show_small_counts_only_as_below_threshold(exported):
    files, _ = exported
    for suffix in (".pdf", ".svg"):
        text = page_text(files[suffix])
        assert text.count("<5") >= 3, suffix  # two province labels and a legend class
        lines = [l for l in text.splitlines() if any(n in l for n in ("Sindh", "Kashmir", "Balochistan"))]
        assert lines, suffix
        # The small counts of the labels (Sindh 3, Azad Jammu & Kashmir 2) never appear as numbers
        # on the page. The suite pins the page's dates (15 January 2026), so no line may hold one.
        assert "15 January 2026" in text, suffix
        shown = [line for line in text.splitlines() if BARE_SMALL.search(line)]
        assert shown == [], suffix


def embedded_texts(html_text: str, key: str) -> list[str]:
    """Every string under ``"key":`` in the page's embedded JSON (popup rows "r", headings "h"),
    whatever the nesting, HTML-unescaped as the browser shows them."""
    decoder = json.JSONDecoder()
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(html.unescape(value))
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for match in re.finditer(rf'"{key}":\s*', html_text):
        value, _ = decoder.raw_decode(html_text, match.end())
        walk(value)
    return out


def test_web_map_popups_show_small_counts_only_as_below_threshold(exported):
    files, _ = exported
    page = files[".html"].read_text(encoding="utf-8")
    cells, headings = embedded_texts(page, "r"), embedded_texts(page, "h")
    assert cells and headings
    assert "<5" in cells and "Sindh<br><5" in headings
    for text in cells + headings:
        assert not BARE_SMALL.search(text.replace("<5", "").replace("<br>", " ")), text
    for personal in ("phone", "cnic", "head_of_household", "_gps_latitude"):
        assert personal not in page


def test_geopackage_has_no_sensitive_field_and_text_counts(exported):
    files, _ = exported
    path = files[".gpkg"]
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"provinces", "households", "layer_styles"}
    # The styles QGIS opens the layers with hold no small count either (class bounds included).
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    for text in list(styles["styleQML"]) + list(styles["styleSLD"]):
        assert not re.search(r'(?:lower|upper)="[1-4](?:\.0)?"|<ogc:Literal>[1-4](?:\.0)?</ogc:Literal>', text)
    provinces = pyogrio.read_dataframe(path, layer="provinces")
    by_name = dict(zip(provinces["name"], provinces["refugees"]))
    assert by_name["Sindh"] == "<5" and by_name["Azad Jammu & Kashmir"] == "<5"
    assert by_name["Balochistan"] == "120,000" and by_name["Khyber Pakhtunkhwa"] == "0"
    hexes = pyogrio.read_dataframe(path, layer="households")
    assert set(hexes.columns) == {"households", "individuals", "geometry"}
    assert layers["households"] == "Polygon"
    for column in ("households", "individuals"):
        values = hexes[column].astype(str)
        assert not any(BARE_SMALL.fullmatch(v) for v in values), column
    # Hexagons of fewer than 5 households are left out: none is drawn, none is written as "<5".
    assert not (hexes["households"].astype(str) == "<5").any()
    assert (pd.to_numeric(hexes["households"].astype(str).str.replace(",", "")) >= 5).all()


def test_export_with_household_points_is_refused(tmp_path, shared_data):
    path = build_project(tmp_path, shared_data, aggregate=None)
    loaded = load_layers(load_project(path))
    for suffix in (".pdf", ".html"):
        out = tmp_path / "out" / f"map{suffix}"
        with pytest.raises(ProtectionError, match="households points.*aggregate the points.*--allow-sensitive"):
            write_output(loaded, out)
        assert not out.exists() and not out.with_name(out.name + ".record.json").exists()


def test_check_command_lists_findings_and_exit_status(tmp_path, shared_data, capsys):
    from pakmap.cli import main

    path = build_project(tmp_path, shared_data, aggregate=None)
    assert main(["check", str(path)]) == 3
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("refused: layer 'households': points of individuals or households")
    withheld = [l for l in out if l.startswith("withheld: layer 'households', field")]
    assert {re.search(r"field '([^']+)'", l).group(1) for l in withheld} >= {"cnic", "por_card", "case_id"}
    refused = [
        re.search(r"field '([^']+)'", l).group(1) for l in out if l.startswith("refused: layer 'households', field")
    ]
    assert refused == ["head_of_household", "phone"]  # the labels and the popups use them
    assert "3 finding(s) would stop an export, 9 field(s) withheld" in out
    assert any(l.startswith("fields of 'households': ") for l in out)  # then each layer's field kinds
    project = load_project(path)
    project.protection.aggregate = {"households": "admin:provinces"}
    save_project(project)
    assert main(["check", str(path)]) == 0
    assert "11 field(s) withheld from exports; nothing stops an export" in capsys.readouterr().out.splitlines()


def test_export_record_of_the_pdf(exported):
    files, _ = exported
    record = json.loads(files[".pdf"].with_name("map.pdf.record.json").read_text(encoding="utf-8"))
    assert record["files"] == ["map.pdf"] and record["map_id"] == "PAK-PROT-TEST"
    assert [s["file"] for s in record["sources"]] == [
        "refugees_by_province.csv",
        "provinces.geojson",
        "household_survey.csv",
    ]
    report = record["joins"][0]["report"]
    assert (report["matched"], report["unmatched"]) == (7, 0)
    protection = record["protection"]
    assert protection["aggregated"] == {"households": "hex:10"}
    assert protection["suppressed_counts"]["provinces"] == {"refugees": 2}
    assert {"phone", "cnic", "por_card", "case_id", "head_of_household"} <= set(protection["withheld"]["households"])
