"""A project's ``[[exports]]`` entry that publishes a layer to a PostGIS table: ``pakmap render``
writes it beside the print files, through the same protection guard, in one transaction."""

from __future__ import annotations

import json

import psycopg
import pytest

from pakmap.cli import main
from pakmap.errors import ProjectError
from pakmap.project import load_project

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")]

TABLE = "postgresql:///public.monthly_refugees?service=pakmap"


def _sql(pg, statement: str, *params):
    with psycopg.connect(pg.superuser_dsn("pakmap")) as conn:
        return conn.execute(statement, params or None).fetchall()


def _project(tmp_path, shared_data, export: str) -> str:
    """The real districts, a partner's refugee counts joined by name (Quetta: 3), a choropleth."""
    (tmp_path / "refugees.csv").write_text(
        "district,refugees,focal_point_phone\n"
        "Peshawar,161399,0300 1234567\nQuetta,3,0301 7654321\nKarachi East,48210,0302 1112223\n"
        "Nowhere,12,0303 0000000\n",
        encoding="utf-8",
    )
    project = tmp_path / "monthly.toml"
    project.write_text(
        "[pakmap]\nformat = 1\n\n"
        f'[[layers]]\nname = "districts"\npath = "{(shared_data / "pak_districts.geojson").as_posix()}"\n'
        '[layers.style]\nkind = "graduated"\nfield = "refugees"\nclasses = 3\n'
        '[layers.labels]\nfield = "name"\n\n'
        '[[layers]]\nname = "refugees"\npath = "refugees.csv"\nvisible = false\n\n'
        '[[joins]]\nlayer = "districts"\ntable = "refugees"\non = [["name", "district"]]\n\n'
        '[[exports]]\npath = "monthly.pdf"\n\n' + export,
        encoding="utf-8",
    )
    return str(project)


def test_render_publishes_the_layer_to_the_database(pg, tmp_path, shared_data, capsys):
    project = _project(tmp_path, shared_data, f'[[exports]]\npath = "{TABLE}"\nlayer = "districts"\n')
    assert main(["render", project]) == 0
    out = capsys.readouterr().out
    assert "monthly.pdf" in out and "service 'pakmap': public.monthly_refugees" in out
    assert (tmp_path / "monthly.pdf").stat().st_size > 10_000
    # The layer as the GeoPackage export publishes it: the fields the map uses, small counts as "<5".
    columns = {
        c
        for (c,) in _sql(pg, "SELECT column_name FROM information_schema.columns WHERE table_name = 'monthly_refugees'")
    }
    assert columns == {"name", "refugees", "geometry"}
    assert _sql(pg, "SELECT count(*) FROM monthly_refugees")[0][0] == 156
    rows = dict(_sql(pg, "SELECT name, refugees FROM monthly_refugees WHERE refugees IS NOT NULL"))
    assert rows["Quetta"] == "<5" and rows["Peshawar"] == "161,399"
    # The join report (the unmatched "Nowhere" row without its phone) and the value-free record.
    report = _sql(pg, "SELECT * FROM monthly_refugees_join_report")
    assert any("Nowhere" in map(str, row) for row in report)
    assert not any("0303" in str(cell) for row in report for cell in row)
    record = json.loads(_sql(pg, "SELECT record FROM monthly_refugees_export_record")[0][0])
    assert record["command"] == "render" and record["layer"] == "districts" and record["output"] == TABLE
    protection = record["protection"]
    assert (
        "focal_point_phone" in protection["withheld"]["districts"]
        and "refugees" in protection["suppressed_counts"]["districts"]
    )
    text = json.dumps(record)
    assert str(tmp_path) not in text and "0301" not in text and "Quetta" not in text


def test_an_existing_table_is_refused_before_anything_is_written_unless_replace(pg, tmp_path, shared_data, capsys):
    entry = f'[[exports]]\npath = "{TABLE.replace("monthly_refugees", "kept_table")}"\nlayer = "districts"\n'
    project = _project(tmp_path, shared_data, entry)
    assert main(["render", project]) == 0
    (tmp_path / "monthly.pdf").unlink()
    capsys.readouterr()
    assert main(["render", project]) == 2
    err = capsys.readouterr().err.strip()
    assert "already exists" in err and "replace" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "monthly.pdf").exists()  # refused before any data was read or drawn
    project_file = tmp_path / "monthly.toml"
    project_file.write_text(project_file.read_text(encoding="utf-8") + "replace = true\n", encoding="utf-8")
    assert main(["render", project]) == 0
    assert (tmp_path / "monthly.pdf").exists()
    assert _sql(pg, "SELECT count(*) FROM kept_table")[0][0] == 156


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (f'[[exports]]\npath = "{TABLE}"\n', "publishes no layer"),
        (f'[[exports]]\npath = "{TABLE}"\nlayer = "provinces"\n', "'provinces', which is not a layer"),
        ('[[exports]]\npath = "postgresql:///?service=pakmap"\nlayer = "districts"\n', "names no table"),
        (f'[[exports]]\npath = "{TABLE}"\nlayer = "districts"\natlas = true\n', "asks for an atlas"),
        ('[[exports]]\npath = "districts.gpkg"\nlayer = "districts"\n', "is a file, but gives layer"),
    ],
)
def test_a_wrong_database_export_is_a_project_error(tmp_path, shared_data, entry, message):
    with pytest.raises(ProjectError, match=message):
        load_project(_project(tmp_path, shared_data, entry))


def test_render_o_to_a_database_says_how(tmp_path, shared_data, capsys):
    project = _project(tmp_path, shared_data, "")
    assert main(["render", project, "-o", TABLE]) == 2
    err = capsys.readouterr().err.strip()
    assert "[[exports]]" in err and 'layer = "NAME"' in err and len(err.splitlines()) == 1


def test_the_database_export_survives_saving_the_project_elsewhere(tmp_path, shared_data):
    from pakmap.project import save_project

    project = load_project(_project(tmp_path, shared_data, f'[[exports]]\npath = "{TABLE}"\nlayer = "districts"\n'))
    (tmp_path / "elsewhere").mkdir()
    saved = load_project(save_project(project, tmp_path / "elsewhere" / "copy.toml"))
    database = [e for e in saved.exports if e.layer]
    assert [(e.path, e.layer, e.replace) for e in database] == [(TABLE, "districts", False)]


def test_check_names_the_database_export_by_its_table(tmp_path, shared_data, capsys):
    project = _project(tmp_path, shared_data, f'[[exports]]\npath = "{TABLE}"\nlayer = "districts"\n')
    assert main(["check", project]) == 0
    out = capsys.readouterr().out
    assert "[monthly.pdf, public.monthly_refugees]" in out and "service=" not in out
