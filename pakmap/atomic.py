"""Atomic file writes: write beside the target, then rename over it.

A crash, a full disk or a cancelled export therefore never leaves a half-written project or map where
the officer's good file was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import ExportError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target``.

    The temporary file keeps the target's extension (libraries such as GDAL choose the format from
    it). On any exception the temporary file is removed and the target is left untouched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError("the output folder does not exist", path=folder,
                          fix="create the folder or choose another output path")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=suffix or target.suffix,
                                    dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it; some (GDAL) refuse to overwrite an empty file
    try:
        yield tmp
        if not tmp.exists():
            raise ExportError("the writer produced no file", path=target,
                              fix="report this as a bug in pakmap")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(target, text.encode(encoding))
