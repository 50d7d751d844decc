"""Run every benchmark in this folder: ``python bench/run.py [--quick]``.

Each ``bench_*.py`` module's ``main(argv)`` is called in turn with the same arguments (``--quick``:
smaller data, for a fast check). Data is generated on first use into ``bench/data/`` (git-ignored).
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
    status = 0
    for path in sorted(HERE.glob("bench_*.py")):
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
