"""Where pakmap's editable data lives: the layer catalog (``layers/``) and styles (``styles/``).

Both are installed as data packages (``pakmap_layers``, ``pakmap_styles``) so ``pip install .`` and
``pip install -e .`` find them the same way. An officer may point ``PAKMAP_STYLES_DIR`` or
``PAKMAP_LAYERS_DIR`` at a folder of their own to override files by name.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def _package_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def styles_dir() -> Path:
    return _package_dir("pakmap_styles")


def layers_dir() -> Path:
    return _package_dir("pakmap_layers")


def _find(relative: str, override_env: str, default: Path) -> Path:
    override = os.environ.get(override_env)
    if override:
        candidate = Path(override) / relative
        if candidate.exists():
            return candidate
    return default / relative


def style_file(relative: str) -> Path:
    """Path of a file under ``styles/`` (user override folder first)."""
    return _find(relative, "PAKMAP_STYLES_DIR", styles_dir())


def layer_file(relative: str) -> Path:
    """Path of a file under ``layers/`` (user override folder first)."""
    return _find(relative, "PAKMAP_LAYERS_DIR", layers_dir())
