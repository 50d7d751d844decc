"""The desktop app's start path: what is imported before the first window."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_data_stack_is_imported_before_qt():
    # PySide6's import hook reads the source of every module imported after it: pandas, pyarrow
    # and geopandas (hundreds of modules), the project model and the joins (rapidfuzz) come first
    # so start-up does not pay for it.
    code = (
        "import sys; from pakmap_ui.app import create_app; create_app(); "
        "order = list(sys.modules); print(*(order.index(m) < order.index('PySide6') for m in "
        "('pandas', 'geopandas', 'pakmap.project', 'pakmap.join', 'rapidfuzz')))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["True"] * 5, out.stderr[-2000:]


def test_a_render_leaves_no_module_sources_in_memory(tmp_path):
    """The import hook's copies of module sources (``linecache``) are dropped once the command is loaded."""
    code = (
        "import linecache, sys; from pathlib import Path; from pakmap.cli import main; "
        "from pakmap.jobs.demo import build_demo; project = build_demo(Path('demo')); "
        "assert main(['render', str(project.path), '-o', 'map.png', '--dpi', '72']) == 0; "
        "print(sorted(f for f in linecache.cache if 'pakmap' in f or 'pikepdf' in f))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=240
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
