"""A threshold below 5 publishes counts of 3 or 4 people: only with a recorded reason, warned by check."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pakmap.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

TABLE = "district,refugees\nPeshawar,3\nKohat,4\nQuetta,1200\nTank,2\nBannu,350\n"


def _project(tmp_path, districts_path, protection: str = "") -> str:
    (tmp_path / "refugees.csv").write_text(TABLE, encoding="utf-8")
    text = (
        "[pakmap]\nformat = 1\n\n"
        f'[[layers]]\nname = "districts"\npath = "{districts_path.as_posix()}"\n'
        'style = { kind = "graduated", field = "refugees" }\n'
        'popup_fields = ["name", "refugees"]\n\n'
        '[[layers]]\nname = "refugees"\npath = "refugees.csv"\nvisible = false\n\n'
        '[[joins]]\nlayer = "districts"\ntable = "refugees"\non = [["name", "district"]]\n'
        f"{protection}"
    )
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_threshold_below_five_needs_a_reason_on_the_command_line(districts_path, tmp_path, capsys):
    project = _project(tmp_path, districts_path)
    out = tmp_path / "map.html"
    assert main(["render", project, "-o", str(out), "--threshold", "3"]) == 2
    err = capsys.readouterr().err
    assert "needs a recorded reason" in err and "--reason" in err and "Traceback" not in err
    assert not out.exists()
    reason = "sector agreement: cells of 3+ cleared by the protection unit, 2026-11"
    assert main(["render", project, "-o", str(out), "--threshold", "3", "--reason", reason]) == 0
    page = out.read_text(encoding="utf-8")
    assert "&lt;3" in page or "<3" in page  # Tank's 2 is still suppressed, at the lower threshold
    record = json.loads((tmp_path / "map.html.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["threshold"] == 3 and record["protection"]["threshold_reason"] == reason


def test_project_threshold_below_five_is_a_check_warning(districts_path, tmp_path, capsys):
    project = _project(tmp_path, districts_path, "\n[protection]\nthreshold = 3\n")
    assert main(["check", project]) == 3
    out = capsys.readouterr().out
    assert "warning: threshold 3 is below 5" in out and "exports are refused" in out
    assert main(["render", project, "-o", str(tmp_path / "map.pdf")]) == 2
    capsys.readouterr()
    reasoned = _project(tmp_path, districts_path, '\n[protection]\nthreshold = 3\nthreshold_reason = "agreement X"\n')
    assert main(["check", reasoned]) == 0
    out = capsys.readouterr().out
    assert "warning: threshold 3 is below 5" in out and "(reason: agreement X)" in out


def test_threshold_recorded_by_join_and_default_not_warned(districts_path, tmp_path, capsys):
    (tmp_path / "refugees.csv").write_text(TABLE, encoding="utf-8")
    out = tmp_path / "joined.csv"
    args = ["join", str(districts_path), str(tmp_path / "refugees.csv"), "--on", "name=district", "-o", str(out)]
    assert main([*args, "--threshold", "10"]) == 0
    joined = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("name")
    assert joined.loc["Peshawar", "refugees"] == "<10"
    record = json.loads((tmp_path / "joined.csv.record.json").read_text(encoding="utf-8"))
    assert record["protection"]["threshold"] == 10 and "threshold_reason" not in record["protection"]
    assert main([*args, "--threshold", "2"]) == 2
    assert "needs a recorded reason" in capsys.readouterr().err
    project = _project(tmp_path, districts_path)
    assert main(["check", project]) == 0
    assert "threshold" not in capsys.readouterr().out.split("fields of")[0]
