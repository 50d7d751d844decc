"""``pakmap render PROJECT -o map.pdf`` and ``--atlas`` end to end, through the lead's command."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pakmap.cli import main

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed"),
]


def _project(tmp_path, shared_data):
    gpkg = (shared_data / "pakistan_admin.gpkg").as_posix()
    csv = (shared_data / "pak_census2023_districts.csv").as_posix()
    path = tmp_path / "population.toml"
    path.write_text(
        f"""[pakmap]
format = 1

[[layers]]
name = "census"
path = "{csv}"
visible = false
legend = false

[[layers]]
name = "districts"
path = "{gpkg}"
layer = "districts"
style = {{ kind = "graduated", field = "population_2023", classes = 5 }}

[[layers]]
name = "provinces"
path = "{gpkg}"
layer = "provinces"
style = {{ kind = "single", symbol = {{ fill = "#00000000", stroke = "#333333", stroke_width = 0.35 }} }}

[[joins]]
layer = "districts"
table = "census"
on = [["name", "district"]]

[layout]
template = "a4_portrait"
title = "Population by district"
sources = "Boundaries: © OpenStreetMap contributors; Statistics: PBS Census 2023"
""",
        encoding="utf-8",
    )
    return path


def _pdfinfo(path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def test_render_project_to_pdf_and_atlas(tmp_path, shared_data, capsys):
    project = _project(tmp_path, shared_data)
    out = tmp_path / "map.pdf"
    assert main(["render", str(project), "-o", str(out)]) == 0
    info = _pdfinfo(out)
    assert "Title:           Population by district" in info and "(A4)" in info and "595 x 842" in info
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Population 2023" in text and "No data" in text

    atlas = tmp_path / "atlas.pdf"
    assert main(["render", str(project), "--atlas", "provinces", "-o", str(atlas)]) == 0
    assert "Pages:           7" in _pdfinfo(atlas)


def test_render_to_an_unknown_format_is_a_one_line_error(tmp_path, shared_data, capsys):
    project = _project(tmp_path, shared_data)
    assert main(["render", str(project), "-o", str(tmp_path / "map.docx")]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]  # the join report comes first
    assert err.startswith("pakmap: error: ") and "unknown output format '.docx'" in err


def test_a_layer_hidden_in_the_project_is_not_in_the_printed_legend(tmp_path, shared_data):
    project = _project(tmp_path, shared_data)
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace('name = "provinces"', 'name = "Province borders"'), encoding="utf-8")

    def legend_text(out):
        assert main(["render", str(project), "-o", str(out)]) == 0
        return subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout

    shown = legend_text(tmp_path / "shown.pdf")
    assert "Province borders" in shown and "Population 2023" in shown
    project.write_text(
        text.replace('name = "provinces"', 'name = "Province borders"\nvisible = false'), encoding="utf-8"
    )
    hidden = legend_text(tmp_path / "hidden.pdf")
    assert "Province borders" not in hidden and "Population 2023" in hidden
