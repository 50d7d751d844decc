"""What goes wrong with a database, as one line naming the server and the fix: bad credentials, a
query with a syntax error, a connection lost mid-read, a query or a server that never answers; and
the password never reaching an output, a record, a log or an error."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from pakmap.cli import main
from pakmap.errors import SourceError
from pakmap.sources import open_layer

pytestmark = [pytest.mark.timeout(300), pytest.mark.filterwarnings("ignore:Could not parse column:UserWarning")]

DISTRICTS = "postgresql:///public.districts?service=pakmap"


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    lines = [line for line in err.splitlines() if not line.startswith("WARNING:")]  # libpq's own notices
    assert len(lines) == 1 and lines[0].startswith("pakmap: error:"), err
    assert "Traceback" not in err
    return lines[0]


def test_bad_password_is_one_line_exit_2(pg, tmp_path, monkeypatch, capsys):
    wrong = tmp_path / "pgpass"
    wrong.write_text(pg.passfile.read_text().replace(pg.officer_password, "Not-The-Password-42"))
    wrong.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(wrong))
    assert main(["info", DISTRICTS]) == 2
    line = _one_line_error(capsys)
    assert "service 'pakmap' refused the login" in line and "PGPASSFILE" in line
    assert "Not-The-Password-42" not in line


def test_unknown_user_and_missing_service(pg, monkeypatch, capsys):
    assert main(["info", "postgresql://nobody@127.0.0.1:%d/pakmap/districts" % pg.port]) == 2
    assert "refused the login" in _one_line_error(capsys)
    assert main(["info", "postgresql:///public.districts?service=elsewhere"]) == 2
    assert "service is not defined" in _one_line_error(capsys)


def test_password_in_an_address_or_project_is_refused_unechoed(pg, tmp_path, capsys):
    secret = pg.officer_password
    assert main(["info", f"postgresql://officer:{secret}@127.0.0.1:{pg.port}/pakmap/districts"]) == 2
    line = _one_line_error(capsys)
    assert "holds a password" in line and secret not in line
    project = tmp_path / "p.toml"
    project.write_text(
        f'[pakmap]\nformat = 1\n[[layers]]\nname = "d"\n[layers.source]\nservice = "pakmap"\n'
        f'table = "districts"\npassword = "{secret}"\n',
        encoding="utf-8",
    )
    assert main(["render", str(project), "-o", str(tmp_path / "m.png")]) == 2
    line = _one_line_error(capsys)
    assert "password" in line and secret not in line


def test_query_with_a_syntax_error(pg, tmp_path, capsys):
    project = tmp_path / "p.toml"
    project.write_text(
        '[pakmap]\nformat = 1\n[[layers]]\nname = "d"\n[layers.source]\nservice = "pakmap"\n'
        'query = "SELEC name, geometry FROM districts"\n',
        encoding="utf-8",
    )
    assert main(["render", str(project), "-o", str(tmp_path / "m.png")]) == 2
    line = _one_line_error(capsys)
    assert "the query has a syntax error (syntax error at or near" in line and "correct the query" in line


def _terminate_pakmap_backends(pg, after: float) -> threading.Thread:
    def kill() -> None:
        time.sleep(after)
        with psycopg.connect(pg.superuser_dsn("pakmap"), autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'pakmap' AND state = 'active'"
            )

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def test_connection_lost_mid_read(pg):
    """The server ends the session while a query runs (pg_terminate_backend, as an administrator or
    a restart would): one line naming the server and what to do, well before the query's end."""
    killer = _terminate_pakmap_backends(pg, after=1.0)
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        open_layer_query(pg, "SELECT name, pg_sleep(20) AS slept FROM districts LIMIT 2")
    killer.join()
    assert time.monotonic() - started < 15
    message = str(caught.value)
    assert "connection to service 'pakmap'" in message and "was lost" in message and "pg_isready" in message
    assert "\n" not in message and pg.officer_password not in message


def open_layer_query(pg, query: str):
    from pakmap.project.loader import open_layer_spec
    from pakmap.project.model import LayerSpec, Project

    return open_layer_spec(Project(), LayerSpec("q", source={"service": "pakmap", "query": query}))


def test_statement_timeout(pg, monkeypatch):
    monkeypatch.setenv("PAKMAP_PG_STATEMENT_TIMEOUT", "1")
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        open_layer_query(pg, "SELECT pg_sleep(30) AS slept")
    assert time.monotonic() - started < 10
    assert "took longer than 1 s" in str(caught.value) and "PAKMAP_PG_STATEMENT_TIMEOUT" in str(caught.value)


def test_a_server_that_never_answers_times_out(pg, monkeypatch):
    """A port that accepts connections but never speaks (a hung server, a firewall's tarpit)."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    monkeypatch.setenv("PAKMAP_PG_CONNECT_TIMEOUT", "2")
    started = time.monotonic()
    try:
        with pytest.raises(SourceError) as caught:
            open_layer(f"postgresql://officer@127.0.0.1:{silent.getsockname()[1]}/pakmap/districts")
    finally:
        silent.close()
    assert time.monotonic() - started < 12
    assert "cannot connect" in str(caught.value) and "PAKMAP_PG_CONNECT_TIMEOUT" in str(caught.value)


# Eight command-line runs, each its own process: minutes on a loaded machine.
@pytest.mark.timeout(900)
def test_the_password_reaches_no_output(pg, tmp_path, shared_data):
    """Every output of a project and a join read from the database, and everything the commands
    print, searched for the officer's password (which libpq read from PGPASSFILE)."""
    secret = pg.officer_password
    project = tmp_path / "shared.toml"
    project.write_text(
        '[pakmap]\nformat = 1\n[[layers]]\nname = "districts"\n[layers.source]\nservice = "pakmap"\n'
        'table = "public.districts"\n[[layers]]\nname = "census"\n'
        'path = "postgresql:///public.census?service=pakmap"\nvisible = false\n'
        '[[joins]]\nlayer = "districts"\ntable = "census"\non = [["name", "district"]]\n',
        encoding="utf-8",
    )
    join = ["join", DISTRICTS, "postgresql:///public.census?service=pakmap", "--on", "name=district", "-o"]
    runs = []
    for args in (
        ["render", str(project), "-o", str(tmp_path / "map.pdf")],
        ["render", str(project), "-o", str(tmp_path / "map.html")],
        ["render", str(project), "-o", str(tmp_path / "map.svg")],
        ["info", DISTRICTS],
        ["check", str(project)],
        [*join, str(tmp_path / "joined.gpkg"), "--report", str(tmp_path / "report.csv")],
        [*join, "postgresql:///public.secret_check?service=pakmap", "--replace"],
        ["--debug", "info", "postgresql://officer@127.0.0.1:1/pakmap/districts"],
    ):
        done = subprocess.run([sys.executable, "-m", "pakmap", *args], capture_output=True, timeout=300)
        runs.append(done)
    assert [r.returncode for r in runs[:-1]] == [0] * 7, [r.stderr[-400:] for r in runs]
    for done in runs:
        assert secret.encode() not in done.stdout + done.stderr
    files = [p for p in tmp_path.iterdir() if p.is_file() and p.name != "shared.toml"]
    assert len(files) >= 8
    for path in files:
        assert secret.encode() not in path.read_bytes(), path.name
    with psycopg.connect(pg.superuser_dsn("pakmap")) as conn:
        record = conn.execute("SELECT record FROM secret_check_export_record").fetchone()[0]
    assert secret not in record and "service=pakmap" in record
