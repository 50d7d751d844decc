"""``pakmap demo``: the newcomer's first run works offline and says "illustrative" on every output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from pakmap.project import load_project

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "my demo é"
    result = subprocess.run(
        [sys.executable, "-m", "pakmap", "demo", str(out)], capture_output=True, text=True, timeout=500
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


def test_demo_writes_a_project_that_reloads(demo_dir):
    project = load_project(demo_dir / "project.toml")
    assert [l.name for l in project.layers] == ["refugees_table", "districts", "provinces", "refugee_villages"]
    assert project.joins[0].accepted == {"Peshwar": "Peshawar"}
    assert project.illustrative
    text = (demo_dir / "project.toml").read_text(encoding="utf-8")
    assert str(demo_dir) not in text  # paths are relative: the folder can be moved


def test_demo_renders_every_format(demo_dir):
    for name in ("map.pdf", "map.png", "map.svg", "map.html"):
        path = demo_dir / name
        assert path.exists() and path.stat().st_size > 1000, name
        record = demo_dir / f"{name}.record.json"
        assert record.exists(), f"no export record for {name}"
        assert str(demo_dir) not in record.read_text(encoding="utf-8")
    assert (demo_dir / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (demo_dir / "map.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_demo_pdf_says_illustrative_and_suppresses_small_counts(demo_dir):
    text = subprocess.run(
        ["pdftotext", "-layout", str(demo_dir / "map.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ILLUSTRATIVE" in text.upper()
    assert "Afghan refugees by district" in text


def test_demo_html_says_illustrative(demo_dir):
    html = (demo_dir / "map.html").read_text(encoding="utf-8")
    assert "illustrative" in html.lower()
    assert str(demo_dir) not in html


def test_project_rerenders_after_moving_the_folder(demo_dir, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(demo_dir, moved)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pakmap",
            "render",
            str(moved / "project.toml"),
            "-o",
            str(moved / "again.png"),
            "--dpi",
            "72",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (moved / "again.png").exists()
    record = json.loads((moved / "again.png.record.json").read_text(encoding="utf-8"))
    assert record  # the record is valid JSON


def test_demo_on_real_boundaries(shared_data, tmp_path):
    """``--data`` takes COD-AB style files: the real districts, provinces and Line of Control."""
    out = tmp_path / "real"
    result = subprocess.run(
        [sys.executable, "-m", "pakmap", "demo", str(out), "--data", str(shared_data)],
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert result.returncode == 0, result.stderr
    assert "repaired 4 invalid geometries" in result.stderr  # the published districts, repaired in the copy
    project = load_project(out / "project.toml")
    assert "Line of Control" in [l.name for l in project.layers]
    assert project.layers[[l.name for l in project.layers].index("Line of Control")].style.symbol.line_style == "dot"
    from pakmap.project.loader import load_layers

    loaded = load_layers(project)
    districts = loaded.layer("districts").data
    assert len(districts) == 156
    assert districts["Refugees"].notna().sum() == 30  # every messy name of the partner table matched
    assert int(districts["villages"].sum()) == 54
    assert (out / "map.pdf").stat().st_size < 2_000_000


def test_demo_skips_an_attribute_table_named_like_the_boundaries(districts_path, tmp_path):
    """A COD folder may hold a statistics table named like a level ("adm2_population"): the demo
    takes the boundary layer, not the table (which has no geometry to repair or draw)."""
    import pandas as pd
    import pyogrio

    from pakmap.jobs.demo import _find_admin_layers

    folder = tmp_path / "cod"
    folder.mkdir()
    table = pd.DataFrame({"ADM2_EN": ["Peshawar"], "population": [100]})
    pyogrio.write_dataframe(table, folder / "a_adm2_population.gpkg", layer="adm2_population")
    shutil.copy(districts_path, folder / "pak_adm2.geojson")
    districts, _provinces, _loc, name_field, _province_field = _find_admin_layers(folder)
    assert len(districts) == 156 and name_field in districts.columns
