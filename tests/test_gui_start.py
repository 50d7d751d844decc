"""The desktop app's start path: what is imported before the first window."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_data_stack_is_imported_before_qt():
    # PySide6's import hook reads the source of every module imported after it: pandas, pyarrow
    # and geopandas (hundreds of modules) come first so start-up does not pay for it.
    code = (
        "import sys; from pakmap_ui.app import create_app; create_app(); "
        "order = list(sys.modules); print(order.index('pandas') < order.index('PySide6'), "
        "order.index('geopandas') < order.index('PySide6'))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["True", "True"], out.stderr[-2000:]
