"""The command line's promises: one-line errors with exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pakmap.cli import main


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pakmap", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=240)


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
