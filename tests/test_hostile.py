"""The hostile corpus (issue 13) through pakmap's real command line, under a memory limit.

``tests/hostile/make_corpus.py`` writes each case's small files into a temporary folder;
``tests/hostile/cases.py`` says what must happen. One child process (``tests/hostile/run_cases.py``)
runs every case through ``pakmap.cli.main`` under ``RLIMIT_AS``, with a timeout per case, so a
bomb fails its case instead of eating the machine and a hang names the case that hung. Starting
Python and importing pakmap once instead of once per case keeps the corpus to seconds.

For every case: the exit status; for errors exactly one stderr line naming the limit or problem, for
successes an empty stderr; no traceback; the case's files byte for byte as they were; no partial
output left behind by a failure; peak memory (resident) under ``PEAK_RSS_MB``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile.cases import EXPECTED
from hostile.make_corpus import CASE_MAKERS

pytestmark = pytest.mark.hostile

ADDRESS_SPACE_MB = 3072  # virtual: Qt, GDAL and Arrow map ~1.8 GB of libraries and arenas at rest
PEAK_RSS_MB = 1024  # resident: the corpus's largest honest case needs ~0.5 GB
CASE_TIMEOUT_S = 90  # per case; the slowest honest case takes a few seconds
RUNNER = Path(__file__).parent / "hostile" / "run_cases.py"


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Make every case's files, run them all in one limited child process; per case: results and
    the case folder's file hashes before and after."""
    root = tmp_path_factory.mktemp("hostile")
    assert set(CASE_MAKERS) == {e.id for e in EXPECTED}, "every corpus case needs its expected outcome"
    cases, before = [], {}
    for expected in EXPECTED:
        folder = root / expected.id
        folder.mkdir()
        argv = CASE_MAKERS[expected.id](folder)
        before[expected.id] = _hashes(folder)
        cases.append(
            {"id": expected.id, "argv": argv, "env": expected.env, "cwd": str(folder), "timeout": CASE_TIMEOUT_S}
        )
    (root / "cases.json").write_text(json.dumps(cases))
    results_file = root / "results.jsonl"
    # Fewer malloc arenas and BLAS threads: they reserve address space the limit would count.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1", "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, str(RUNNER), str(root / "cases.json"), str(results_file), str(ADDRESS_SPACE_MB)],
        env=env,
        capture_output=True,
        text=True,
        timeout=CASE_TIMEOUT_S * 4 + 60,
    )
    results, started = {}, []
    for line in results_file.read_text().splitlines() if results_file.exists() else []:
        record = json.loads(line)
        if record.get("started"):
            started.append(record["id"])
        else:
            results[record["id"]] = record
    return {
        "root": root,
        "results": results,
        "before": before,
        "started": started,
        "child": f"exit {child.returncode}; stderr: {child.stderr[-2000:]}",
    }


@pytest.mark.parametrize("expected", EXPECTED, ids=[e.id for e in EXPECTED])
def test_hostile_case(corpus, expected):
    result = corpus["results"].get(expected.id)
    if result is None:
        hung = corpus["started"][-1] if corpus["started"] else None
        pytest.fail(f"no result: the child process died during case {hung!r} ({corpus['child']})")
    stderr_lines = result["stderr"].splitlines()
    assert "Traceback" not in result["stderr"] + result["stdout"]
    assert result["exit"] == expected.exit, result["stderr"]
    if expected.exit == 0:
        assert stderr_lines == [], "a success prints nothing on stderr"
        assert expected.phrase in result["stdout"], result["stdout"]
    else:
        assert len(stderr_lines) == 1, f"exactly one stderr line, got: {stderr_lines}"
        assert stderr_lines[0].startswith("pakmap: error: ")
        assert expected.phrase in stderr_lines[0]
        assert " — " in stderr_lines[0], "the line gives the fix"
    folder = corpus["root"] / expected.id
    after = _hashes(folder)
    before = corpus["before"][expected.id]
    assert {name: after.get(name) for name in before} == before, "a source file was changed"
    if expected.exit != 0:
        assert set(after) == set(before), f"a failed case left files: {sorted(set(after) - set(before))}"
    assert result["max_rss_mb"] <= PEAK_RSS_MB, f"peak memory {result['max_rss_mb']} MB"
