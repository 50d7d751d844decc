"""The command line's promises: one-line errors with exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pakmap.cli import main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pakmap", *args], capture_output=True, text=True, cwd=cwd, timeout=240)


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("info", "map", "render", "join", "check", "boundaries", "demo"):
        assert command in out


def test_render_of_a_missing_project(tmp_path):
    result = run_cli("render", str(tmp_path / "nope.toml"), "-o", str(tmp_path / "m.pdf"))
    assert_one_line_error(result, "nope.toml", "not found")


def test_render_of_a_project_whose_layer_file_moved_names_the_layer(tmp_path):
    (tmp_path / "p.toml").write_text(
        '[pakmap]\nformat = 1\n\n[[layers]]\nname = "districts"\npath = "data/districts.geojson"\n', encoding="utf-8"
    )
    result = run_cli("render", str(tmp_path / "p.toml"), "-o", str(tmp_path / "m.png"))
    assert_one_line_error(
        result, str(tmp_path / "data" / "districts.geojson"), "the file of layer 'districts' is not there", "pakmap-gui"
    )


def test_render_of_a_malformed_project(tmp_path):
    bad = tmp_path / "bad project.toml"
    bad.write_text("[pakmap]\nformat = 1\n[layout]\ntitel = 'x'\n", encoding="utf-8")
    result = run_cli("render", str(bad), "-o", str(tmp_path / "m.pdf"))
    assert_one_line_error(result, "bad project.toml", "titel")


def test_map_of_a_missing_layer_file(tmp_path):
    result = run_cli("map", str(tmp_path / "districts.gpkg"), "-o", str(tmp_path / "m.pdf"))
    assert_one_line_error(result, "districts.gpkg")
    assert not (tmp_path / "m.pdf").exists()


def test_map_with_an_unknown_output_format(tmp_path, districts_path):
    result = run_cli("map", str(districts_path), "-o", str(tmp_path / "m.docx"))
    assert_one_line_error(result, "m.docx", ".pdf")


def test_map_with_an_unknown_field(tmp_path, districts_path):
    result = run_cli("map", str(districts_path), "--by", "refugeez", "-o", str(tmp_path / "m.png"))
    assert_one_line_error(result, "refugeez", "use one of")


@pytest.fixture
def household_csv(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    n = 200
    path = tmp_path / "households.csv"
    pd.DataFrame(
        {
            "head_of_household": [f"Gul Bibi {i}" for i in range(n)],
            "phone": [f"0301-{rng.integers(1_000_000, 9_999_999)}" for _ in range(n)],
            "hh_size": rng.integers(1, 12, n),
            "lat": rng.uniform(33.8, 34.2, n),
            "lon": rng.uniform(71.3, 71.8, n),
        }
    ).to_csv(path, index=False)
    return path


def test_info_flags_personal_data_on_load(household_csv):
    result = run_cli("info", str(household_csv))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, l in enumerate(lines) if l.strip().startswith("sensitive:"))
    assert "4 fields withheld" in lines[start]  # and the coordinates: lat, lon
    # One line per field with the rule that fired.
    assert (
        lines[start + 1].strip()
        == "head_of_household — person name: header 'head_of_household' (English 'head of household')"
    )
    assert lines[start + 2].strip().startswith("phone — phone number: header 'phone'")


def test_household_points_are_refused_then_aggregated(household_csv, tmp_path):
    refused = run_cli("map", str(household_csv), "-o", str(tmp_path / "hh.pdf"))
    assert_one_line_error(refused, "hh.pdf", "personal data", "--allow-sensitive")
    assert not (tmp_path / "hh.pdf").exists()
    done = run_cli("map", str(household_csv), "--aggregate", "households=hex:5", "-o", str(tmp_path / "hh.gpkg"))
    assert done.returncode == 0, done.stderr
    import geopandas as gpd

    published = gpd.read_file(tmp_path / "hh.gpkg")
    assert set(published.geom_type) == {"Polygon"}  # hexagons, not households
    assert "head_of_household" not in published.columns and "phone" not in published.columns
    assert (tmp_path / "hh.gpkg.record.json").exists()


def test_bad_aggregate_option(household_csv, tmp_path):
    result = run_cli("map", str(household_csv), "--aggregate", "hex10", "-o", str(tmp_path / "hh.pdf"))
    assert_one_line_error(result, "--aggregate", "hex:")


def test_render_without_output_needs_exports_in_the_project(tmp_path, districts_path):
    project = tmp_path / "no exports.toml"
    project.write_text(
        f"[pakmap]\nformat = 1\n[[layers]]\nname = 'd'\npath = '{districts_path.as_posix()}'\n", encoding="utf-8"
    )
    result = run_cli("render", str(project))
    assert_one_line_error(result, "no exports.toml", "lists no exports", "-o OUT")


@pytest.fixture
def sindh_without_crs(tmp_path, shared_data):
    """The real Sindh COD-AB districts as a shapefile whose .prj went missing on the way (made here)."""
    import geopandas as gpd

    folder = tmp_path / "from email"
    folder.mkdir()
    districts = gpd.read_file(shared_data / "sindh_cod_adm2_pcodes.geojson")[["ADM2_EN", "ADM2_PCODE", "geometry"]]
    districts.set_crs(None, allow_override=True).to_file(folder / "sindh.shp")
    (folder / "sindh.prj").unlink(missing_ok=True)
    return folder / "sindh.shp"


def test_map_of_a_file_without_crs_names_it_and_offers_crs(sindh_without_crs, tmp_path):
    result = run_cli("map", str(sindh_without_crs), "-o", str(tmp_path / "m.pdf"))
    assert_one_line_error(result, "sindh.shp", "no coordinate reference system", "--crs EPSG:4326")
    assert not (tmp_path / "m.pdf").exists()


def test_map_crs_option_sets_the_missing_crs_and_is_saved(sindh_without_crs, tmp_path):
    import tomllib

    out, project = tmp_path / "m.png", tmp_path / "sindh.toml"
    result = run_cli(
        "map",
        str(sindh_without_crs),
        "--crs",
        "EPSG:4326",
        "--dpi",
        "72",
        "-o",
        str(out),
        "--save-project",
        str(project),
    )
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert tomllib.loads(project.read_text(encoding="utf-8"))["layers"][0]["crs"] == "EPSG:4326"


def test_map_crs_option_keeps_a_files_own_crs_and_rejects_nonsense(tmp_path, shared_data):
    sindh = shared_data / "sindh_cod_adm2_pcodes.geojson"
    result = run_cli("map", str(sindh), "--crs", "EPSG:32642", "--dpi", "72", "-o", str(tmp_path / "m.png"))
    assert result.returncode == 0 and "--crs ignored" in result.stderr
    assert_one_line_error(
        run_cli("map", str(sindh), "--crs", "EPSG:99999", "-o", str(tmp_path / "n.png")), "--crs", "EPSG:99999"
    )


def test_quick_map_title_and_sources_come_from_the_data_not_file_names(tmp_path, shared_data, capsys):
    import subprocess

    out = tmp_path / "population.pdf"
    argv = [
        "map",
        str(shared_data / "pak_districts.geojson"),
        "--table",
        str(shared_data / "pak_census2023_districts.csv"),
    ]
    assert main([*argv, "--on", "name=district", "--by", "population_2023", "-o", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Population 2023 by district" in text and "pak districts" not in text
    assert (
        "Sources: Boundaries: © OpenStreetMap contributors, ODbL 1.0; "
        "Statistics: Pakistan Bureau of Statistics, Population Census 2023" in text
    )
    assert ".geojson" not in text and ".csv" not in text
    # A COD-AB layer outside the catalog is known by its P-code fields.
    cod = tmp_path / "sindh.pdf"
    assert main(["map", str(shared_data / "sindh_cod_adm2_pcodes.geojson"), "-o", str(cod)]) == 0
    text = subprocess.run(["pdftotext", str(cod), "-"], capture_output=True, text=True, check=True).stdout
    assert "Districts (OCHA COD-AB)" in text and "Boundaries: OCHA Common Operational Datasets (COD-AB)" in text
    capsys.readouterr()


def test_a_quick_map_of_unknown_data_says_how_to_add_its_source(tmp_path, capsys):
    import geopandas as gpd
    import shapely

    path = tmp_path / "my_areas.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(70, 30, 71, 31)], crs="EPSG:4326").to_file(path)
    assert main(["map", str(path), "-o", str(tmp_path / "m.png"), "--dpi", "72"]) == 0
    err = capsys.readouterr().err
    assert "does not say where the boundaries come from" in err and "sources =" in err


def _script(tmp_path: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=240)


def test_the_script_runs_exit_handlers_and_flushes_before_it_ends(tmp_path, districts_path):
    """``pakmap.cli.run`` (the ``pakmap`` script) skips the interpreter's teardown, not what matters."""
    code = (
        "import atexit, sys; from pakmap.cli import run; "
        "atexit.register(lambda: print('handler ran', flush=True)); "
        f"sys.argv = ['pakmap', 'info', {str(districts_path)!r}]; print('partial line', end=''); run()"
    )
    done = _script(tmp_path, code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("partial line") and "features:  156" in done.stdout
    assert done.stdout.rstrip().endswith("handler ran")
    failed = _script(
        tmp_path, "import sys; from pakmap.cli import run; sys.argv = ['pakmap', 'info', 'gone.gpkg']; run()"
    )
    assert failed.returncode == 2 and failed.stderr.count("\n") == 1 and "file not found" in failed.stderr


def test_the_script_waits_for_a_thread_still_working(tmp_path, districts_path):
    code = (
        "import sys, threading, time; from pakmap.cli import run; "
        "threading.Thread(target=lambda: (time.sleep(3), print('thread done', flush=True))).start(); "
        f"sys.argv = ['pakmap', 'info', {str(districts_path)!r}]; run()"
    )
    done = _script(tmp_path, code)
    assert done.returncode == 0 and "thread done" in done.stdout, done.stderr[-2000:]


def test_output_whose_reader_went_away_ends_quietly(tmp_path, districts_path):
    """``pakmap info FILE | head -1``: no traceback nor "unexpected error" once the reader is gone."""
    child = subprocess.Popen(
        [sys.executable, "-m", "pakmap", "info", str(districts_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    child.stdout.close()  # the reader is gone before pakmap writes a line
    _, err = child.communicate(timeout=240)
    assert child.returncode == 1 and err == b""
