"""No categorized style on a count of people in an export: each small value would be its own class."""

from __future__ import annotations

import pytest

from pakmap.cli import main

pytestmark = pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")

TABLE = "district,refugees,schools\nPeshawar,3,4\nKohat,4,2\nQuetta,1200,31\nTank,2,1\n"


def _project(tmp_path, districts_path, field: str) -> str:
    (tmp_path / "refugees.csv").write_text(TABLE, encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(
        "[pakmap]\nformat = 1\n\n"
        f'[[layers]]\nname = "districts"\npath = "{districts_path.as_posix()}"\n'
        f'style = {{ kind = "categorized", field = "{field}" }}\n\n'
        '[[layers]]\nname = "refugees"\npath = "refugees.csv"\nvisible = false\n\n'
        '[[joins]]\nlayer = "districts"\ntable = "refugees"\non = [["name", "district"]]\n',
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize("suffix", [".pdf", ".html", ".gpkg", ".qgz"])
def test_categorized_count_of_people_is_refused_on_every_export(districts_path, tmp_path, capsys, suffix):
    project = _project(tmp_path, districts_path, "refugees")
    out = tmp_path / f"map{suffix}"
    command = ["export-qgis", project, "-o", str(out)] if suffix == ".qgz" else ["render", project, "-o", str(out)]
    assert main(command) == 2
    err = capsys.readouterr().err.strip()
    errors = [line for line in err.splitlines() if line.startswith("pakmap: error")]
    assert len(errors) == 1 and "Traceback" not in err
    assert "styled by category on 'refugees', a count of people" in err and 'kind = "graduated"' in err
    assert not out.exists()


def test_check_refuses_it_and_a_count_of_things_may_be_categorized(districts_path, tmp_path, capsys):
    assert main(["check", _project(tmp_path, districts_path, "refugees")]) == 3
    assert "refused: layer 'districts' is styled by category on 'refugees'" in capsys.readouterr().out
    project = _project(tmp_path, districts_path, "schools")
    assert main(["check", project]) == 0
    assert main(["render", project, "-o", str(tmp_path / "schools.pdf")]) == 0
