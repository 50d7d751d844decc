"""What the benchmarks share about their peers (not itself a benchmark: run.py runs bench_*.py only)."""

from __future__ import annotations

import subprocess

QGIS_PYTHON = "/usr/bin/python3"  # Debian's python3-qgis is importable from the system Python only
# The libraries any vector read imports (pyogrio imports pandas, pyarrow and geopandas itself): the
# floor of ``pakmap info`` before it reads a byte, timed beside it.
READERS = "import geopandas, pyogrio, pyproj"


def qgis_available() -> bool:
    """Whether PyQGIS can be imported (``apt-get install python3-qgis``); QGIS is then measured too."""
    try:
        return subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
