"""Child process of tests/test_hostile.py: run hostile cases through pakmap's command line.

``python run_cases.py CASES.json RESULTS.jsonl``: each case is ``{"id", "argv", "env", "cwd",
"timeout"}``. The process runs under an address-space limit (``--memory-mb``), so a reader that
inflates a bomb fails its case with MemoryError instead of exhausting the machine. Each case calls
``pakmap.cli.main`` exactly as the ``pakmap`` script does, with file descriptors 1 and 2 redirected to
files so that whatever a C library prints (GDAL, Qt) is caught too. A case that hangs ends the whole
process after its timeout (faulthandler prints where it hung); the results written so far, one JSON
line per case, tell the parent which case that was.
"""

from __future__ import annotations

import faulthandler
import json
import os
import resource
import sys
import time
from pathlib import Path


def _reset_peak_memory() -> None:
    """Start a new peak-RSS measurement (Linux: writing 5 to clear_refs resets VmHWM), so that each
    case's peak is its own and not an earlier case's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # then the peak is the process's so far: stricter, never laxer


def _peak_memory_mb() -> int:
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) // 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _run_one(case: dict, out_dir: Path) -> dict:
    from pakmap.cli import main

    stdout_path, stderr_path = out_dir / f"{case['id']}.out", out_dir / f"{case['id']}.err"
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    os.environ.update(case.get("env", {}))
    os.chdir(case["cwd"])
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    _reset_peak_memory()
    started = time.perf_counter()
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        faulthandler.dump_traceback_later(case["timeout"], exit=True, file=saved_fds[1])
        try:
            code = main(case["argv"])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - recorded as the case's failure
            print(f"run_cases: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = -1
        finally:
            faulthandler.cancel_dump_traceback_later()
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_fds[0], 1)
            os.dup2(saved_fds[1], 2)
            for fd in saved_fds:
                os.close(fd)
    elapsed = time.perf_counter() - started
    os.chdir(saved_cwd)
    os.environ.clear()
    os.environ.update(saved_env)
    return {
        "id": case["id"],
        "exit": code,
        "seconds": round(elapsed, 2),
        "stdout": stdout_path.read_text(errors="replace"),
        "stderr": stderr_path.read_text(errors="replace"),
        "max_rss_mb": _peak_memory_mb(),
    }


def main(argv: list[str]) -> int:
    cases_file, results_file, memory_mb = Path(argv[1]), Path(argv[2]), int(argv[3])
    limit = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cases = json.loads(cases_file.read_text())
    out_dir = results_file.parent / "streams"
    out_dir.mkdir(exist_ok=True)
    with open(results_file, "w") as results:
        for case in cases:
            results.write(json.dumps({"id": case["id"], "started": True}) + "\n")
            results.flush()
            results.write(json.dumps(_run_one(case, out_dir)) + "\n")
            results.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
