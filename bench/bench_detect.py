"""Personal-data detection on a large household table.

``python bench/bench_detect.py [--quick]`` (or through ``bench/run.py``) times
``pakmap.sensitivity.detect_sensitive`` on a 1,000,000-row table (``--quick``: 100,000) of 30
columns: phones, CNICs, PoR and case numbers under disguised headers, free-text notes, specific
needs, Pashto and Dari headers, and the ordinary columns beside them. Detection looks at a sample
of each column, so the time should hardly grow with the rows. Target: under 2 s for a million rows.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pakmap.sensitivity.detect import detect_sensitive  # noqa: E402

TARGET_S = 2.0


def household_table(rows: int, seed: int = 3) -> pd.DataFrame:
    """A wide table built with numpy string operations (no Python loop over the rows)."""
    rng = np.random.default_rng(seed)

    def digits(n: int) -> np.ndarray:
        return np.char.zfill(rng.integers(0, 10**n, rows).astype(str), n)

    operator = rng.choice(["0300", "0301", "0321", "0345"], rows)
    first = rng.choice(["Gul", "Zarmina", "Abdul", "Noor", "Pari", "Wali", "Shabana", "Farid"], rows)
    last = rng.choice(["Khan", "Safi", "Popal", "Durrani", "Kakar", "Afridi", "Hotak"], rows)
    names = np.char.add(np.char.add(first, " "), np.char.add(np.char.add(rng.choice(first, rows), " "), last))
    phones = np.char.add(np.char.add(operator, " "), digits(7))
    notes = np.where(rng.random(rows) < 0.2, np.char.add("Head of household: ", names), "visited, no issues")
    needs = np.where(rng.random(rows) < 0.3, rng.choice(["GBV survivor", "UASC", "disabled"], rows), "none")
    frame = pd.DataFrame(
        {
            "col7": phones,
            "ref": np.char.add(np.char.add(digits(5), "-"), np.char.add(digits(7), "-1")),
            "col3": digits(10),
            "ident": np.char.add("PAK-21C", digits(5)),
            "notes": notes,
            "col9": names,
            "ګرځنده": phones,
            "پته": np.char.add("Street ", digits(2)),
            "نام پدر": names,
            "col12": needs,
        }
    )
    for i in range(10):
        frame[f"district_{i}"] = rng.choice(["Peshawar", "Quetta", "Karachi East", "Haripur"], rows)
        frame[f"count_{i}"] = rng.integers(0, 500, rows)
    return frame


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    rows = 100_000 if "--quick" in argv else 1_000_000
    frame = household_table(rows)
    best, found = float("inf"), {}
    for _ in range(3):
        start = time.perf_counter()
        found = detect_sensitive(frame)
        best = min(best, time.perf_counter() - start)
    verdict = "ok" if best < TARGET_S else f"SLOWER than the {TARGET_S:g} s target"
    print(
        f"detect_sensitive, {rows:,} rows × {frame.shape[1]} columns: {best:.2f} s ({verdict}); "
        f"{len(found)} sensitive columns found: {', '.join(found)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
