"""Run the benchmarks in this folder: ``python bench/run.py [--quick] [NAME ...]``.

Each ``bench_*.py`` module's ``main(argv)`` is called in turn with the same arguments (``--quick``:
smaller data, for a fast check; ``--runs N``). Names choose some of them: ``python bench/run.py
process startup gui`` runs ``bench_process.py``, ``bench_startup.py`` and ``bench_gui.py`` only (the
whole-process tables against QGIS of issue 15). Data is generated on first use into ``bench/data/``
(git-ignored).
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    names = [a for a in argv if not a.startswith("-") and (HERE / f"bench_{a}.py").exists()]
    argv = [a for a in argv if a not in names]
    chosen = [HERE / f"bench_{n}.py" for n in names] if names else sorted(HERE.glob("bench_*.py"))
    status = 0
    for path in chosen:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        print(f"=== {path.name} ===", flush=True)
        start = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            if not hasattr(module, "main"):
                print(f"(no main() in {path.name}: skipped)")
                continue
            result = module.main(list(argv))
            status = status or int(result or 0)
        except Exception:  # one broken benchmark must not hide the others' numbers
            traceback.print_exc()
            status = 1
        print(f"=== {path.name}: {time.perf_counter() - start:.1f} s ===\n", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
