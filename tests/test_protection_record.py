"""The export record: what was published from what, and nothing about the officer's machine."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pytest
from test_protection_data import households

from pakmap import __version__
from pakmap.layer import SourceInfo, VectorLayer
from pakmap.project.loaded import LoadedProject
from pakmap.project.model import JoinSpec, LayerSpec, LayoutSpec, Project, ProtectionSpec
from pakmap.protection.policy import guard_export
from pakmap.protection.record import record_path, scrub, write_export_record


@dataclass
class FakeJoinReport:
    """Shaped like a join report: counts, lists of keys (personal, maybe), a summary line."""

    matched: int = 5
    unmatched_rows: list = field(default_factory=lambda: ["Gul Bibi", "0300-1234567"])
    source: str = ""

    def summary(self) -> str:
        return f"{self.matched} of 7 rows matched ({self.source})"


def private_strings() -> list[str]:
    out = [str(Path.home())]
    for get in (getpass.getuser, os.getlogin):
        try:
            out.append(get())
        except OSError:
            pass
    return out


@pytest.fixture()
def exported(tmp_path, shared_data):
    """A project with provinces (small counts) and aggregated households, exported to map.pdf."""
    folder = tmp_path / getpass.getuser() / "field office"  # the user's name in the path, on purpose
    folder.mkdir(parents=True)
    hh_file = folder / "households.csv"
    households().drop(columns="geometry").to_csv(hh_file, index=False)
    provinces = gpd.read_file(shared_data / "pak_provinces.geojson")
    provinces["refugees"] = [120000, 3, 0, 45000, 2, 800, 15]
    prov = VectorLayer("provinces", provinces, SourceInfo(shared_data / "pak_provinces.geojson"))
    hh = VectorLayer("households", households(), SourceInfo(hh_file, options={"lat": "_gps_latitude"}))
    project = Project(
        layers=[LayerSpec("provinces", "pak_provinces.geojson"), LayerSpec("households", "households.csv")],
        joins=[JoinSpec(layer="provinces", kind="spatial", points="households", stats={"households": "count"})],
        layout=LayoutSpec(title="Households per province", map_id="PAK-TEST-1", as_of="31 October 2026"),
        protection=ProtectionSpec(threshold=5, aggregate={"households": "admin:provinces"}),
    )
    project.path = folder / "project.toml"
    report = FakeJoinReport(source=str(hh_file))
    loaded = LoadedProject(project, [prov, hh], [report])
    out = folder / "map.pdf"
    safe, plan = guard_export(loaded, out)
    out.write_bytes(b"%PDF-1.4 stand-in")
    path = write_export_record(safe, out, plan, extra={"files": [out.name]})
    return path, hh_file, folder


def test_record_written_beside_the_export(exported):
    path, _, folder = exported
    assert path == record_path(folder / "map.pdf") == folder / "map.pdf.record.json"
    assert sorted(p.name for p in folder.iterdir()) == ["households.csv", "map.pdf", "map.pdf.record.json"]


def test_record_contents(exported, shared_data):
    path, hh_file, _ = exported
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["output"] == "map.pdf" and record["files"] == ["map.pdf"]
    assert record["pakmap_version"] == __version__
    when = dt.datetime.fromisoformat(record["exported_at"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - when).total_seconds()) < 120
    assert record["crs"] == "EPSG:4326"
    assert (record["title"], record["map_id"], record["as_of"]) == (
        "Households per province",
        "PAK-TEST-1",
        "31 October 2026",
    )
    sources = {s["layer"]: s for s in record["sources"]}
    assert sources["provinces"]["file"] == "pak_provinces.geojson"
    assert sources["households"]["file"] == "households.csv"
    mtime = dt.datetime.fromtimestamp(hh_file.stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
    assert sources["households"]["modified"] == mtime.isoformat().replace("+00:00", "Z")
    assert sources["provinces"]["features"] == 7 and sources["provinces"]["crs"] == "EPSG:4326"
    join = record["joins"][0]
    assert join["kind"] == "spatial" and join["points"] == "households"
    # Report counts only: how many unmatched rows, never which (they may be names).
    assert join["report"]["matched"] == 5 and join["report"]["unmatched_rows"] == 2
    assert join["report"]["summary"] == "5 of 7 rows matched (households.csv)"
    protection = record["protection"]
    assert protection["threshold"] == 5
    assert "phone" in protection["withheld"]["households"] and "cnic" in protection["withheld"]["households"]
    assert protection["aggregated"] == {"households": "admin:provinces"}
    assert protection["suppressed_counts"]["provinces"] == {"refugees": 2}


def test_record_leaks_no_path_user_or_personal_value(exported):
    path, _, folder = exported
    text = path.read_text(encoding="utf-8")
    for private in private_strings() + [str(folder), str(folder.parent)]:
        assert private not in text, private
    for value in ("Gul Bibi", "0300-1234567"):
        assert value not in text
    for value in households()["phone"]:
        assert value not in text


def test_scrub_reduces_paths_and_hides_the_user():
    user = getpass.getuser()
    text = f"read /home/{user}/data/hh.csv and C:\\Users\\{user}\\x.xlsx for {user}; https://data.unhcr.org/x 1/2"
    out = scrub(text, private=[user])
    assert "hh.csv" in out and "x.xlsx" in out
    assert "/home" not in out and "Users" not in out
    assert user not in out.replace("…", "")
    assert "https://data.unhcr.org/x" in out and "1/2" in out
