"""Which files pakmap reads and where it may write: checked before any data is read.

- ``regular_file``: only regular files (and folders, which the readers open as a File Geodatabase or
  refuse) reach a reader: a named pipe would hang it for ever and ``/dev/zero`` would feed it without
  end. Every source, project and alias file is opened through it.
- ``check_outputs``: every output's folder exists and is writable; no output is a file the command
  reads (a layer, a table, a template, the project file), however the path reaches it (a symlink, a
  hard link, another letter case on a case-insensitive disk, ``..``); no two outputs are one file.
  Every command and the desktop app's export and save call it, before anything is read or written.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import ExportError, SourceError

# Files a reader opens beside the one it was given: writing over one spoils the source as surely.
SIDECARS = {
    ".shp": (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml"),
    ".tif": (".tif.ovr", ".tif.aux.xml", ".tfw"),
    ".tiff": (".tiff.ovr", ".tiff.aux.xml", ".tfw"),
    ".gpkg": (".gpkg-wal", ".gpkg-shm", ".gpkg-journal"),
}


@dataclass(frozen=True)
class Source:
    """A file a command reads, and how an error message names it ("layer 'districts'")."""

    path: Path
    what: str


def regular_file(path: str | os.PathLike, what: str = "data file") -> Path:
    """``path`` unless it is a pipe, a socket or a device (followed through symlinks).

    A missing path is returned as is: the caller says "not found" in its own words.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return path
    kind = (
        "a named pipe"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise SourceError(f"is {kind}, not a {what}", path=path, fix=f"give the path of the {what} itself")


def check_zip_member(info: zipfile.ZipInfo, archive: str | os.PathLike) -> None:
    """Refuse an archive member stored as a symbolic link, a pipe or a device (its Unix file type)."""
    mode = info.external_attr >> 16
    if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise SourceError(
            f"the archive member '{info.filename}' is not a regular file (a link, pipe or device)",
            path=archive,
            fix="zip the data files themselves, not links to them",
        )


def sources_of(path: str | os.PathLike, what: str) -> list[Source]:
    """The file ``path`` and the sidecar files its reader opens with it (a shapefile's .dbf, …)."""
    path = Path(os.fspath(path)).expanduser()
    found = [Source(path, what)]
    ext = path.suffix.lower()
    stem = path.name[: len(path.name) - len(ext)]
    for side in SIDECARS.get(ext, ()):
        for name in {stem + side, stem + side.upper()}:
            found.append(Source(path.with_name(name), f"{what} (its {side} file)"))
    return found


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """One file under two paths: same inode if both exist, else the same resolved, case-folded path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def check_output_folder(folder: str | os.PathLike, *, may_create: bool = False) -> None:
    """``folder`` exists and is writable (``may_create``: the command creates it, so its nearest
    existing parent must be writable)."""
    folder = Path(folder)
    existing = folder
    while may_create and not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ExportError(
            "the output folder does not exist", path=folder, fix="create the folder or choose another output path"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ExportError(
            "no permission to write in this folder",
            path=existing,
            fix="choose a folder you can write to, or ask for write access to it",
        )


def check_outputs(
    outputs: Iterable[str | os.PathLike], sources: Iterable[Source] = (), folders: Iterable[str | os.PathLike] = ()
) -> None:
    """Refuse, with one line, any output that would land on a source or on another output.

    ``outputs`` are files; ``folders`` are the folders the command creates for them (the demo's,
    an atlas's).
    """
    present = [source for source in sources if source.path.exists()]
    created = [Path(folder).expanduser() for folder in folders]
    for folder in created:
        check_output_folder(folder, may_create=True)
    written: list[Path] = []
    for out in [Path(o).expanduser() for o in outputs]:
        folder = out.parent
        check_output_folder(folder, may_create=any(folder == c or c in folder.parents for c in created))
        if out.is_dir():
            raise ExportError("the output is a folder", path=out, fix="give a file name with its extension")
        for source in present:
            if same_file(out, source.path):
                raise ExportError(
                    f"this output is {source.what}, which this command reads",
                    path=out,
                    fix="write the output under another name: pakmap never overwrites a source",
                )
        for earlier in written:
            if same_file(out, earlier):
                raise ExportError(
                    f"this file would be written twice (also as {earlier})",
                    path=out,
                    fix="give each output its own name",
                )
        written.append(out)


__all__ = [
    "Source",
    "regular_file",
    "check_zip_member",
    "sources_of",
    "same_file",
    "check_output_folder",
    "check_outputs",
]
