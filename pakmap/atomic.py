"""Atomic file writes: write beside the target, then rename over it.

A crash, a full disk or a cancelled export therefore never leaves a half-written project or map where
the officer's good file was. Every failed write becomes one line saying why (disk full, file-size
limit, no permission) and removes its temporary file.

Temporary files are hidden (a dot name, ``.pakmap-tmp.<name>.<random><ext>``) and recognisably
pakmap's: a process killed mid-write (a power cut, ``kill -9``) leaves one behind, and the next save
or export into that folder removes those older than ``STALE_TEMP_SECONDS``. (Windows does not hide dot
names; setting the hidden attribute would carry over to the renamed file, so it is not set.)
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from .errors import ExportError, PakmapError
from .file_guard import check_output_folder

if sys.platform != "win32":
    import resource  # POSIX only: the file-size limit (ulimit -f)

TEMP_PREFIX = ".pakmap-tmp."
# Old enough that no pakmap still writes it: a temp file's time changes with every write, and
# the slowest export (a large atlas) writes more often than this.
STALE_TEMP_SECONDS = 10 * 60
# Free space under this, or a file this close to the file-size limit, explains a failed write.
_NEARLY_FULL = 1 << 20


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``target``.

    The temporary file keeps the target's extension (libraries such as GDAL choose the format from
    it). On any exception the temporary file is removed and the target is left untouched; a write
    the disk refused is reported as an ``ExportError`` (see ``write_error``).
    """
    target = Path(target)
    folder = target.parent
    check_output_folder(folder)
    remove_stale_temp_files(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{target.stem}.", suffix=suffix or target.suffix, dir=folder
        )
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it; some (GDAL) refuse to overwrite an empty file
    try:
        yield tmp
        if not tmp.exists():
            raise ExportError("the writer produced no file", path=target, fix="report this as a bug in pakmap")
        _flush(tmp)
        os.replace(tmp, target)
    except PakmapError:
        _remove_temp(tmp)
        raise
    except OSError as exc:
        error = write_error(target, exc, tmp)
        _remove_temp(tmp)
        raise error from None
    except Exception:
        # Libraries (GDAL, SQLite) report a full disk in their own words: explain it from the disk.
        explained = _explain(target, tmp)
        _remove_temp(tmp)
        if explained is None:
            raise
        raise explained from None
    except BaseException:
        _remove_temp(tmp)
        raise


def _flush(tmp: Path) -> None:
    """Push the file to the disk before it takes the final name: some file systems report a failed
    write only here, and after a power cut the renamed file must hold the data, not zeros."""
    if tmp.is_file():
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())


def _remove_temp(tmp: Path) -> None:
    # With its sidecars (GeoPackage journals): the random name is pakmap's alone.
    for path in tmp.parent.glob(f"{tmp.name}*"):
        with contextlib.suppress(OSError):
            path.unlink()


def write_error(target: Path, exc: OSError | None = None, tmp: Path | None = None) -> ExportError:
    """One line for a write that failed: disk full, file-size limit, no permission, or the system's reason.

    Without ``exc`` (a writer that does not report its failures, such as Qt's) the disk is asked.
    """
    target = Path(target)
    code = exc.errno if exc is not None else None
    folder = target.parent
    if code in (errno.ENOSPC, errno.EDQUOT) or (code is None and _disk_nearly_full(folder)):
        return ExportError(
            "disk full writing this file",
            path=target,
            fix="free space on that disk or write to another disk (a file already there is unchanged)",
        )
    if code == errno.EFBIG or (code is None and tmp is not None and _at_size_limit(tmp)):
        return ExportError(
            "file-size limit reached writing this file",
            path=target,
            fix="raise the limit (ulimit -f) or make a smaller file (a lower dpi)",
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or (code is None and not os.access(folder, os.W_OK)):
        return ExportError(
            f"no permission to write in folder {folder}",
            path=target,
            fix="choose a folder you can write to, or ask for write access to it",
        )
    reason = (exc.strerror or str(exc)) if exc is not None else "the writer stopped before the end of the file"
    return ExportError(
        f"cannot write this file ({reason})",
        path=target,
        fix="check the folder, the disk and its free space, then export again",
    )


def _explain(target: Path, tmp: Path) -> ExportError | None:
    folder = target.parent
    if _disk_nearly_full(folder) or _at_size_limit(tmp) or not os.access(folder, os.W_OK):
        return write_error(target, None, tmp)
    return None


def _disk_nearly_full(folder: Path) -> bool:
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return False
    return info.f_bavail * info.f_frsize < _NEARLY_FULL


def _at_size_limit(tmp: Path) -> bool:
    if sys.platform == "win32":
        return False
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    sizes = [p.stat().st_size for p in tmp.parent.glob(f"{tmp.name}*") if p.is_file()]
    return bool(sizes) and max(sizes) + _NEARLY_FULL >= limit


def remove_stale_temp_files(folder: str | os.PathLike[str], now: float | None = None) -> list[Path]:
    """Remove pakmap's temporary files in ``folder`` untouched for ``STALE_TEMP_SECONDS``: left by a
    process that was killed while writing. Returns those removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX):
            continue
        with contextlib.suppress(OSError):
            if (
                entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < now - STALE_TEMP_SECONDS
            ):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    write_bytes_atomic(target, text.encode(encoding))


def check_complete(tmp: Path, target: str | os.PathLike, ending: bytes) -> None:
    """Qt's PDF and SVG writers report no failed write: a file that does not end the way its format
    ends (``%%EOF``, ``</svg>``) was cut short by the disk, and is reported as ``write_error`` says."""
    try:
        with open(tmp, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 1024))
            tail = handle.read()
    except OSError as exc:
        raise write_error(Path(target), exc, tmp) from None
    if ending not in tail:
        raise write_error(Path(target), None, tmp)
