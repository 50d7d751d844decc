"""Where pakmap's editable data lives: the layer catalog (``layers/``) and styles (``styles/``).

Both are installed as data packages (``pakmap_layers``, ``pakmap_styles``) so ``pip install .`` and
``pip install -e .`` find them the same way. An officer may point ``PAKMAP_STYLES_DIR`` or
``PAKMAP_LAYERS_DIR`` at a folder of their own to override files by name.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

from .errors import StyleError


def _package_dir(package: str) -> Path:
    return Path(str(resources.files(package)))


def styles_dir() -> Path:
    return _package_dir("pakmap_styles")


def layers_dir() -> Path:
    return _package_dir("pakmap_layers")


def read_data_file(path: Path, what: str, error=StyleError) -> dict:
    """Parse one of the officer-editable TOML files (palettes, markers, templates, the catalog).

    Any problem becomes one line naming the file and how to recover, as ``error`` (the kind of
    ``PakmapError`` that fits the file).
    """
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(
            f"{what} not found", path=path, fix="reinstall pakmap, or check PAKMAP_STYLES_DIR / PAKMAP_LAYERS_DIR"
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise error(
            f"cannot read the {what}: {exc}", path=path, fix="fix the TOML syntax at that line, or restore the file"
        ) from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise error(f"cannot read the {what}: values nested too deeply", path=path, fix="restore the file") from None


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


def is_template_file(name_or_path: str | os.PathLike) -> bool:
    """A page template given as a path to a TOML file (``a4_copy.toml``, ``templates/a4.toml``)
    rather than the name of a built-in one (``a4_landscape``)."""
    text = os.fspath(name_or_path)
    return text.endswith(".toml") or os.sep in text or "/" in text
