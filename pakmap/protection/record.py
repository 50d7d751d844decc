"""The export record: a JSON file beside every export so a map on a portal can be traced back.

``map.pdf`` gets ``map.pdf.record.json``: which sources (file names and their modification dates),
which CRS, which joins and what their reports counted, what was withheld, allowed, aggregated and
suppressed, the protection threshold, the pakmap version and the export time (UTC).

The record travels with the map, so it must not leak the officer's machine: only file *names* are
written, and every string is scrubbed of absolute paths, the home folder and the user name before
the file is written (atomically).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import re
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import write_text_atomic
from ..layer import RasterLayer, TableLayer, VectorLayer
from ..postgis.address import is_database_address
from ..project.loaded import LoadedProject
from .policy import ExportPlan

RECORD_SUFFIX = ".record.json"
RECORD_FORMAT = 1
# An absolute path (POSIX with at least two components, ~/…, or a Windows drive): kept as its name.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/\\])(?:~|[A-Za-z]:)?[/\\](?:[^\s/\\\"']+[/\\])+([^\s/\\\"']*)")


def record_path(out_path) -> Path:
    out_path = Path(out_path)
    return out_path.with_name(out_path.name + RECORD_SUFFIX)


def _private_words() -> list[str]:
    """The user's name(s) and home folder: they must not appear in anything published."""
    words = set()
    for get in (getpass.getuser, os.getlogin):
        try:
            words.add(get())
        except (OSError, KeyError, ImportError):  # no controlling terminal / no passwd entry
            pass
    home = str(Path.home())
    if home not in ("/", ""):
        words.add(home)
    return sorted((w for w in words if w and len(w) >= 2), key=len, reverse=True)


def scrub(text: str, private: list[str] | None = None, folders=()) -> str:
    """``text`` with absolute paths reduced to their last part and private words replaced.

    ``folders``: known local folders (the project's, the sources', the output's), removed first so
    that paths with spaces, which no pattern can delimit, lose them too.
    """
    private = _private_words() if private is None else private
    for folder in sorted({str(f) for f in folders if str(f) not in ("", "/", ".")}, key=len, reverse=True):
        text = text.replace(folder + os.sep, "").replace(folder, "…")
    text = _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "…", text)
    for word in private:
        text = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", "…", text, flags=re.IGNORECASE)
    return text


def _jsonable(value: Any, private: list[str], folders) -> Any:
    """Plain JSON values with every string scrubbed."""
    if isinstance(value, str):
        return scrub(value, private, folders)
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if isinstance(value, Path):
        return scrub(value.name, private, folders)
    if isinstance(value, dict):
        return {scrub(str(k), private, folders): _jsonable(v, private, folders) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v, private, folders) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item(), private, folders)
    return scrub(str(value), private, folders)


def _local_folders(loaded: LoadedProject, out_path) -> set[Path]:
    """Folders on this machine that strings in the record may mention."""
    folders = {Path(out_path).resolve().parent, Path.cwd(), Path.home()}
    if loaded.project.path is not None:
        folders.add(Path(loaded.project.path).resolve().parent)
    for layer in loaded.layers:
        source = getattr(layer, "source", None)
        if source is not None and source.path is not None and not is_database_address(source.path):
            folders.add(Path(str(source.path)).parent)
            folders.add(Path(str(source.path)).resolve().parent)
    return folders


def _modified(path: Path) -> str | None:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _crs_text(crs) -> str | None:
    if crs is None:
        return None
    authority = crs.to_authority()
    return f"{authority[0]}:{authority[1]}" if authority else crs.name


def _source(layer) -> dict[str, Any]:
    entry: dict[str, Any] = {"layer": layer.name}
    source = getattr(layer, "source", None)
    if source is not None and is_database_address(source.path):
        # The table and the server as the address names them (no password is ever in one).
        entry["database"] = str(source.path)
        source = None
    path = Path(str(source.path)) if source is not None and source.path is not None else None
    entry["file"] = path.name if path else None
    if source is not None and source.layer:
        entry["inner_layer"] = source.layer
    entry["modified"] = _modified(path) if path else None
    if isinstance(layer, VectorLayer):
        entry.update(
            kind="vector", geometry=layer.geometry_type, features=int(layer.feature_count), crs=_crs_text(layer.crs)
        )
    elif isinstance(layer, TableLayer):
        entry.update(kind="table", rows=int(len(layer.data)))
    elif isinstance(layer, RasterLayer):
        entry.update(kind="raster", crs=_crs_text(layer.crs), width=layer.width, height=layer.height)
    return entry


def report_summary(report: Any) -> dict[str, Any]:
    """A join report's counts (numbers, flags, list lengths) and its summary line."""
    out: dict[str, Any] = {}
    if dataclasses.is_dataclass(report):
        items = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)}
    else:
        items = {k: v for k, v in vars(report).items() if not k.startswith("_")} if hasattr(report, "__dict__") else {}
    for key, value in items.items():
        if isinstance(value, (bool, int, float)) or (hasattr(value, "item") and not hasattr(value, "__len__")):
            out[key] = value
        elif hasattr(value, "__len__") and not isinstance(value, str):
            out[key] = len(value)  # rows, keys, suggestions: how many, never which (they may be personal)
    matched = getattr(type(report), "matched", None)
    if isinstance(matched, property) and isinstance(report.matched, int):
        out["matched"] = report.matched
    if callable(getattr(report, "counts", None)):
        counts = report.counts()
        if isinstance(counts, dict):
            out.update({str(k): v for k, v in counts.items() if isinstance(v, (int, float))})
    if callable(getattr(report, "summary", None)):
        out["summary"] = report.summary()
    return out


def _joins(loaded: LoadedProject) -> list[dict[str, Any]]:
    joins = []
    for i, join in enumerate(loaded.project.joins):
        entry: dict[str, Any] = {"layer": join.layer, "kind": join.kind}
        if join.kind == "spatial":
            entry.update(points=join.points, stats=dict(join.stats))
        elif join.kind == "zonal":
            entry.update(raster=join.raster, band=join.band, stats=dict(join.stats))
        else:
            entry.update(table=join.table, on=[list(p) for p in join.on], accepted_matches=len(join.accepted))
        if i < len(loaded.join_reports):
            entry["report"] = report_summary(loaded.join_reports[i])
        joins.append(entry)
    return joins


def build_record(loaded: LoadedProject, out_path, plan: ExportPlan, extra: dict | None = None) -> dict[str, Any]:
    """The record as plain data (scrubbed), for writing or showing in the GUI."""
    project = loaded.project
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    record: dict[str, Any] = {
        "record": "pakmap export record",
        "record_format": RECORD_FORMAT,
        "output": Path(out_path).name,
        "exported_at": now,
        "pakmap_version": __version__,
        "title": project.layout.title or project.map.title,
        "map_id": project.layout.map_id,
        "as_of": project.layout.as_of,
        "illustrative": bool(project.illustrative),
        "crs": _crs_text(loaded.crs),
        "sources": [_source(layer) for layer in loaded.layers],
        "joins": _joins(loaded),
        "protection": plan.summary(),
    }
    record.update(extra or {})
    return _jsonable(record, _private_words(), _local_folders(loaded, out_path))


def write_export_record(loaded: LoadedProject, out_path, plan: ExportPlan, extra: dict | None = None) -> Path:
    """Write ``<out_path>.record.json`` beside the export (atomically); returns its path."""
    target = record_path(out_path)
    text = json.dumps(build_record(loaded, out_path, plan, extra), indent=2, ensure_ascii=False)
    write_text_atomic(target, text + "\n")
    return target


__all__ = ["write_export_record", "build_record", "record_path", "report_summary", "scrub", "RECORD_SUFFIX"]
