"""Issue 13 "faults" and issue 21 "stray temp files": every writer reports a refused write in one line,
leaves no partial file and no temporary file, keeps the previous file; pipes and devices are not read;
a write killed mid-way leaves nothing under the final name and its temp file is cleared up later."""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from safe_write_helpers import assert_one_line_error, hashes, temp_files, write_districts, write_project, write_table

from pakmap.atomic import STALE_TEMP_SECONDS, TEMP_PREFIX, remove_stale_temp_files, write_text_atomic
from pakmap.cli import main
from pakmap.errors import ExportError

# Runs each argv of a JSON list through pakmap's CLI in this one process; prints status and stderr.
RUN_ALL = """
import contextlib, io, json, sys
from pakmap.cli import main
results = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = main(argv)
    results.append({"rc": rc, "err": err.getvalue()})
print(json.dumps(results))
"""
CHILD_TIMEOUT = 240  # seconds for a whole child process; a hang fails the test instead of the run


def _env() -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}


def _run_all(argvs: list[list[str]], *, file_size_limit: int | None = None) -> list[dict]:
    def limit():
        if file_size_limit is not None:
            import resource

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), no kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    proc = subprocess.run(
        [sys.executable, "-c", RUN_ALL, json.dumps(argvs)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=CHILD_TIMEOUT,
        preexec_fn=limit,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    write_districts(folder, count=240)
    write_table(folder, count=240)
    write_project(folder, folder / "districts.geojson")
    return folder


def _writers(data: Path, out: Path) -> dict[str, list[str]]:
    """One command per writer; each writes ``out/<key>`` (the atlas: ``out/pages_<district>.png``)."""
    layer, table = str(data / "districts.geojson"), str(data / "census.csv")
    join = ["join", layer, table, "--on", "name=district"]
    return {
        "m.svg": ["map", layer, "--by", "refugees", "-o", str(out / "m.svg")],
        "m.pdf": ["map", layer, "--by", "refugees", "-o", str(out / "m.pdf")],
        "m.png": ["map", layer, "--by", "refugees", "--dpi", "150", "-o", str(out / "m.png")],
        "m.html": ["map", layer, "--by", "refugees", "-o", str(out / "m.html")],
        "m.gpkg": ["map", layer, "--by", "refugees", "-o", str(out / "m.gpkg")],
        "j.gpkg": join + ["-o", str(out / "j.gpkg")],
        "j.geojson": join + ["-o", str(out / "j.geojson")],
        "j.csv": join + ["-o", str(out / "j.csv")],
        "report.csv": join + ["-o", str(out / "j.fgb"), "--report", str(out / "report.csv")],
        # A long title makes the project file itself larger than the limit used below.
        "project.toml": [
            "map",
            layer,
            "--title",
            "Refugees " * 2000,
            "-o",
            str(out / "p.pdf"),
            "--save-project",
            str(out / "project.toml"),
        ],
        "pages.png": [
            "render",
            str(data / "map.toml"),
            "--atlas",
            "districts",
            "--dpi",
            "72",
            "-o",
            str(out / "pages.png"),
        ],
    }


def _check_failed(results, writers, out: Path, before: dict, sources: Path, source_hashes: dict, *words):
    for name, result in zip(writers, results):
        assert result["rc"] == 2, (name, result)
        assert_one_line_error(result["err"], *words)
        if name != "pages.png":
            assert (out / name).read_text() == "the previous file\n", name
    assert not temp_files(out), temp_files(out)
    assert hashes(sources) == source_hashes
    assert sorted(p.name for p in out.iterdir()) == before


def _previous_files(out: Path, writers) -> list[str]:
    for name in writers:
        if name != "pages.png":
            (out / name).write_text("the previous file\n")
    return sorted(p.name for p in out.iterdir())


def test_file_size_limit_every_writer_fails_cleanly(data, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    writers = _writers(data, out)
    before = _previous_files(out, writers)
    source_hashes = hashes(data)
    results = _run_all(list(writers.values()), file_size_limit=2048)
    _check_failed(results, writers, out, before, data, source_hashes, "file-size limit", "ulimit -f")
    # The same commands without a limit write every file (the limit, not the command, failed above).
    results = _run_all(list(writers.values()))
    assert [r["rc"] for r in results] == [0] * len(writers), results
    assert not temp_files(out)


@pytest.fixture
def full_disk(tmp_path):
    """A 1 MiB tmpfs filled to the last few kilobytes (needs root and mount; skipped otherwise)."""
    folder = tmp_path / "full"
    folder.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_full_disk_every_writer_fails_cleanly(data, full_disk):
    writers = _writers(data, full_disk)
    before = _previous_files(full_disk, writers)
    stat = os.statvfs(full_disk)
    (full_disk / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - 8192))
    before = sorted(p.name for p in full_disk.iterdir())
    source_hashes = hashes(data)
    results = _run_all(list(writers.values()))
    _check_failed(results, writers, full_disk, before, data, source_hashes, "disk full", "free space")


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder no write can go into: chmod for a user, a read-only bind mount for root."""
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "m.pdf").write_text("the previous file\n")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if (
        subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True).returncode
        or subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True).returncode
    ):
        subprocess.run(["umount", str(folder)], capture_output=True)
        pytest.skip("cannot make a read-only folder here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_read_only_folder_is_one_line_before_reading_and_in_every_writer(data, read_only_folder, capsys):
    for argv in (
        ["map", str(data / "districts.geojson"), "-o", str(read_only_folder / "m.pdf")],
        [
            "map",
            str(data / "districts.geojson"),
            "-o",
            str(data / "m.pdf"),
            "--save-project",
            str(read_only_folder / "p.toml"),
        ],
        ["render", str(data / "map.toml"), "-o", str(read_only_folder / "m.html")],
    ):
        assert main(argv) == 2
        assert_one_line_error(capsys.readouterr().err, "no permission to write in this folder")
    # The writers themselves say the same when a folder turns read-only after the check.
    with pytest.raises(ExportError, match="no permission to write in this folder"):
        write_text_atomic(read_only_folder / "m.pdf", "new")
    assert (read_only_folder / "m.pdf").read_text() == "the previous file\n"
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["m.pdf"]


def test_pipes_and_devices_are_refused_promptly(data, tmp_path):
    pipe = tmp_path / "layer.geojson"
    os.mkfifo(pipe)
    os.mkfifo(tmp_path / "project.toml")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    piped_project = write_project(tmp_path, pipe)
    argvs = [
        ["info", str(pipe)],
        ["info", "/dev/zero"],
        ["map", str(tmp_path / "zero.csv"), "-o", str(tmp_path / "m.pdf")],
        ["join", str(data / "districts.geojson"), str(pipe), "--on", "name=district", "-o", str(tmp_path / "j.csv")],
        ["render", str(piped_project), "-o", str(tmp_path / "m.pdf")],
        ["render", str(tmp_path / "project.toml"), "-o", str(tmp_path / "m.pdf")],
    ]
    results = _run_all(argvs)  # a reader stuck on the pipe would run into the child's timeout
    for argv, result in zip(argvs, results):
        assert result["rc"] == 2, (argv, result)
        line = assert_one_line_error(result["err"])
        assert "is a named pipe" in line or "is a device" in line, line
    assert not (tmp_path / "m.pdf").exists()


def test_a_zip_member_that_is_a_link_is_refused(tmp_path, capsys):
    import zipfile

    archive = tmp_path / "districts.zip"
    with zipfile.ZipFile(archive, "w") as z:
        info = zipfile.ZipInfo("districts.geojson")
        info.external_attr = 0o120777 << 16  # a symbolic link, as `zip -y` stores one
        z.writestr(info, "/etc/passwd")
    assert main(["info", str(archive)]) == 2
    assert_one_line_error(capsys.readouterr().err, "districts.geojson", "not a regular file")


# A pakmap export that stops for good once its PDF temp file is open: the parent kills it there.
SLOW_EXPORT = """
import sys, time
import pakmap.export.pdf as pdf
paint = pdf.paint_page
def paint_then_wait(page, painter, dpi, *context):
    paint(page, painter, dpi, *context)
    print("painted", flush=True)
    time.sleep(3600)
pdf.paint_page = paint_then_wait
from pakmap.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_export_killed_mid_write_leaves_no_partial_file_and_the_next_clears_its_temp(data, tmp_path, capsys):
    out = tmp_path / "shared"
    out.mkdir()
    target = out / "map.pdf"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_EXPORT, "map", str(data / "districts.geojson"), "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout.readline().strip() == "painted", proc.stderr.read()
        left = temp_files(out)
        assert len(left) == 1 and left[0].name.startswith(TEMP_PREFIX) and left[0].suffix == ".pdf"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert not target.exists()  # nothing under the final name
    stale = temp_files(out)[0]
    fresh = out / f"{TEMP_PREFIX}other.k2j3h4l5.png"  # another export still writing: not touched
    fresh.write_bytes(b"writing")
    officers = out / ".notes.pdf"  # a hidden file of the officer's own: never pakmap's to remove
    officers.write_bytes(b"mine")
    old = stale.stat().st_mtime - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(officers, (old, old))
    assert main(["map", str(data / "districts.geojson"), "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert not stale.exists()
    assert fresh.exists() and officers.read_bytes() == b"mine"


def test_remove_stale_temp_files_by_age_and_name(tmp_path):
    now = 2_000_000_000.0
    old = tmp_path / f"{TEMP_PREFIX}map.abcd1234.pdf"
    journal = tmp_path / f"{TEMP_PREFIX}layers.wxyz5678.gpkg-journal"
    young = tmp_path / f"{TEMP_PREFIX}map.efgh9012.svg"
    other = tmp_path / ".map.abcd1234.pdf"
    for path, age in ((old, STALE_TEMP_SECONDS + 1), (journal, 10 * STALE_TEMP_SECONDS), (young, 5), (other, 10**6)):
        path.write_bytes(b"x")
        os.utime(path, (now - age, now - age))
    assert sorted(remove_stale_temp_files(tmp_path, now=now)) == sorted([old, journal])
    assert young.exists() and other.exists()


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "disk full"),
        (errno.EFBIG, "file-size limit"),
        (errno.EROFS, "no permission to write in folder"),
        (errno.EIO, "cannot write this file (Input/output error)"),
    ],
)
def test_a_refused_write_names_its_cause_and_keeps_the_previous_file(tmp_path, monkeypatch, code, words):
    from pakmap.protection.record import RECORD_SUFFIX

    target = tmp_path / f"map.pdf{RECORD_SUFFIX}"  # an export record, written like every small file
    target.write_text("the previous record\n")

    def refuse(self, data):
        Path.write_text(self, "half of it")  # some bytes made it to the disk before the error
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(ExportError, match=re.escape(words)) as raised:
        write_text_atomic(target, "{}")
    assert "\n" not in str(raised.value) and str(target) in str(raised.value)
    assert target.read_text() == "the previous record\n"
    assert not temp_files(tmp_path)
