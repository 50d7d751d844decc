"""``pakmap join … -o postgresql://…/schema.table``: one transaction, --replace, companion tables,
the protection guard and record; several officers at once (threads and processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest

from pakmap.cli import main
from pakmap.errors import ExportError
from pakmap.postgis.address import parse_address
from pakmap.postgis.write import Companion, write_tables
from pakmap.sources import open_layer

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")]

DISTRICTS = "postgresql:///public.districts?service=pakmap"


def _sql(pg, statement: str, *params):
    with psycopg.connect(pg.superuser_dsn("pakmap")) as conn:
        return conn.execute(statement, params or None).fetchall()


def _join(shared_data, out: str, *extra: str) -> int:
    census = str(shared_data / "pak_census2023_districts.csv")
    return main(["join", DISTRICTS, census, "--on", "name=district", "-o", out, *extra])


def test_join_into_the_database_with_report_and_record(pg, shared_data, capsys):
    out = "postgresql:///public.census_map?service=pakmap"
    assert _join(shared_data, out) == 0
    assert _sql(pg, "SELECT count(*), count(population_2023) FROM census_map")[0] == (156, 136)
    assert _sql(pg, "SELECT Find_SRID('public', 'census_map', 'geometry')")[0][0] == 4326
    report = _sql(pg, "SELECT section, count(*) FROM census_map_join_report GROUP BY 1 ORDER BY 1")
    assert dict(report) == {"matched_exact": 136, "unmatched_layer": 20}
    record = json.loads(_sql(pg, "SELECT record FROM census_map_export_record")[0][0])
    assert record["command"] == "join" and record["output"] == out
    assert record["sources"][0]["database"] == DISTRICTS
    # A second run without --replace is refused before anything is read or written …
    capsys.readouterr()
    assert _join(shared_data, out, "--fields", "households") == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--replace" in err and len(err.strip().splitlines()) == 1
    # … and with it, the three tables are replaced together.
    assert _join(shared_data, out, "--fields", "households", "--replace") == 0
    columns = {
        c for (c,) in _sql(pg, "SELECT column_name FROM information_schema.columns WHERE table_name = 'census_map'")
    }
    assert "households" in columns and "population_2023" not in columns


def test_small_counts_are_protected_in_the_database_too(pg, tmp_path, shared_data, districts_path):
    table = tmp_path / "refugees.csv"
    table.write_text("district,refugees\nPeshawar,1200\nQuetta,3\n", encoding="utf-8")
    out = "postgresql:///public.refugees_map?service=pakmap"
    assert main(["join", DISTRICTS, str(table), "--on", "name=district", "-o", out]) == 0
    values = dict(_sql(pg, "SELECT name, refugees FROM refugees_map WHERE refugees IS NOT NULL"))
    assert values["Quetta"] == "<5"
    # Written as the same join writes a GeoPackage (suppression, complementary suppression and all).
    gpkg = tmp_path / "refugees_map.gpkg"
    assert main(["join", str(districts_path), str(table), "--on", "name=district", "-o", str(gpkg)]) == 0
    written = gpd.read_file(gpkg, layer="refugees_map").dropna(subset=["refugees"])
    assert values == dict(zip(written["name"], written["refugees"]))


def test_a_failed_write_leaves_nothing_behind(pg):
    """The layer's rows are sent, then the server refuses the companion table (a NUL byte in its
    text): the transaction rolls back and not even the layer's table is left."""
    target = parse_address("postgresql:///public.half_written?service=pakmap")
    districts = open_layer(DISTRICTS).data
    refused = Companion("_join_report", pd.DataFrame({"note": ["fine", "bad\x00byte"]}))
    with pytest.raises(ExportError) as caught:
        write_tables(target, districts, [refused], replace=False)
    assert "\n" not in str(caught.value) and "service 'pakmap'" in str(caught.value)
    assert _sql(pg, "SELECT to_regclass('public.half_written')")[0][0] is None


def _generation(n: int, base: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Generation ``n`` of a table: ``100 + n`` features, every one saying ``n``."""
    rows = base.iloc[np.arange(100 + n) % len(base)].reset_index(drop=True)
    rows = rows[["name", "geometry"]].copy()
    rows["generation"] = n
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=base.crs)


def test_readers_never_see_half_a_write(pg):
    """Two readers read the whole table over and over while a writer replaces it 15 times: every
    read is one generation, whole."""
    base = open_layer(DISTRICTS).data
    target = parse_address("postgresql:///public.monthly?service=pakmap")
    write_tables(target, _generation(0, base), [], replace=True)
    done, seen, problems = threading.Event(), [], []

    def read() -> None:
        while not done.is_set():
            try:
                layer = open_layer("postgresql:///public.monthly?service=pakmap")
                data = layer.data
            except Exception as exc:  # noqa: BLE001 - collected and reported by the test
                problems.append(repr(exc))
                continue
            generations = sorted(set(data["generation"]))
            if len(generations) != 1 or len(data) != 100 + generations[0]:
                problems.append(f"mixed read: generations {generations}, {len(data)} rows")
            seen.append(int(data["generation"].iloc[0]))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        for n in range(1, 16):
            write_tables(target, _generation(n, base), [], replace=True)
    finally:
        done.set()
        for t in readers:
            t.join(60)
    assert not problems, problems[:3]
    assert len(seen) >= 4 and len(set(seen)) >= 2  # the readers did read during the writes


@pytest.mark.timeout(900)  # three processes at once: minutes on a loaded machine
def test_two_renders_and_a_write_at_once(pg, tmp_path, shared_data):
    """Processes, as three officers would run them: two ``pakmap render`` of a project reading the
    table while ``pakmap join --replace`` rewrites it; all three succeed."""
    out = "postgresql:///public.shared_map?service=pakmap"
    assert _join(shared_data, out) == 0
    project = tmp_path / "shared.toml"
    project.write_text(
        f'[pakmap]\nformat = 1\n\n[[layers]]\nname = "districts"\npath = "{out}"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cli = [sys.executable, "-m", "pakmap"]
    census = str(shared_data / "pak_census2023_districts.csv")
    runs = [
        subprocess.Popen(
            cli + ["join", DISTRICTS, census, "--on", "name=district", "-o", out, "--replace"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    ] + [
        subprocess.Popen(
            cli + ["render", str(project), "-o", str(tmp_path / f"map{i}.png")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in runs]
    assert all(code == 0 for code, _ in results), results
    assert _sql(pg, "SELECT count(*), count(population_2023) FROM shared_map")[0] == (156, 136)
