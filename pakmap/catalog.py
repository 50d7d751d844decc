"""The layer catalog (``layers/catalog.toml``): standard layers, their key fields and default styles.

``load_catalog()`` reads and validates the built-in catalog (or ``$PAKMAP_LAYERS_DIR/catalog.toml``,
or any path given); every problem is a ``ProjectError`` naming the file, the entry and the fix.
The GUI lists the entries; joins use an entry's ``key_fields``, ``parent_field`` and ``aliases``;
the renderer starts from its ``style``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .errors import ProjectError, StyleError
from .field_kinds import FieldKind, check_kind, declared
from .resources import layer_file, read_data_file
from .style import LabelStyle, VectorStyle, labels_from_dict, style_from_dict

KINDS = ("boundaries", "lines", "points", "table")
CATALOG_VERSION = 1


@dataclass
class CatalogEntry:
    """One standard layer."""

    id: str
    title: str
    kind: str
    files: list[str] = field(default_factory=list)
    admin_level: int | None = None
    name_field: str = "name"
    pcode_field: str = ""
    parent_field: str = ""
    key_fields: list[str] = field(default_factory=list)
    aliases: list[Path] = field(default_factory=list)  # resolved against the catalog's folder
    source: str = ""
    style: VectorStyle | None = None
    labels: LabelStyle | None = None
    fields: dict[str, str] = field(default_factory=dict)  # field -> kind (pakmap.field_kinds.KINDS)

    def join_pairs(self, table_columns: Sequence[str]) -> list[tuple[str, str]]:
        """The first key field that the table also has (case-insensitively), as ``[(layer_field, table_field)]``.

        P-codes come first in ``key_fields``, so a table with P-codes is joined on them; otherwise on names.
        """
        by_folded = {str(c).casefold(): str(c) for c in table_columns}
        for key in self.key_fields:
            if key.casefold() in by_folded:
                return [(key, by_folded[key.casefold()])]
        return []

    def within_pair(self, table_columns: Sequence[str]) -> tuple[str, str] | None:
        """``(parent_field, table's parent field)`` when both exist, for name joins within provinces."""
        if not self.parent_field:
            return None
        by_folded = {str(c).casefold(): str(c) for c in table_columns}
        match = by_folded.get(self.parent_field.casefold())
        return (self.parent_field, match) if match else None


@dataclass
class Catalog:
    path: Path
    entries: list[CatalogEntry]

    def get(self, entry_id: str) -> CatalogEntry:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise ProjectError(
            f"no standard layer '{entry_id}' in the catalog",
            path=self.path,
            fix=f"use one of: {', '.join(e.id for e in self.entries)}",
        )

    def for_file(self, path: str | os.PathLike, layer: str | None = None) -> CatalogEntry | None:
        """The entry whose ``files`` name this file (``name.gpkg:layer`` for a layer inside a file)."""
        name = Path(path).name.casefold()
        wanted = f"{name}:{layer.casefold()}" if layer else name
        for entry in self.entries:
            if wanted in (f.casefold() for f in entry.files):
                return entry
        return None


_FIELDS = {f.name for f in dataclasses.fields(CatalogEntry)}


def default_catalog_path() -> Path:
    return layer_file("catalog.toml")


def load_catalog(path: str | os.PathLike | None = None) -> Catalog:
    """Read and validate a catalog; alias paths are resolved and must exist."""
    path = Path(path) if path else default_catalog_path()
    data = read_data_file(path, "layer catalog", ProjectError)
    version = data.get("version")
    if version != CATALOG_VERSION:
        raise ProjectError(
            f"layer catalog has version {version!r}",
            path=path,
            fix=f"this pakmap reads catalog version {CATALOG_VERSION}",
        )
    unknown_top = sorted(set(data) - {"version", "layers"})
    if unknown_top:
        raise ProjectError(
            f"unknown key(s) {', '.join(unknown_top)} in the layer catalog", path=path, fix="use only: version, layers"
        )
    entries, seen = [], set()
    for i, raw in enumerate(data.get("layers", []), 1):
        entry = _entry(raw, i, path)
        if entry.id in seen:
            raise ProjectError(f"layer id '{entry.id}' is used twice", path=path, fix="give every entry its own id")
        seen.add(entry.id)
        entries.append(entry)
    return Catalog(path, entries)


def _entry(raw: dict[str, Any], i: int, path: Path) -> CatalogEntry:
    where = f"entry {i} ({raw.get('id', 'no id')})"
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise ProjectError(
            f"unknown key(s) {', '.join(unknown)} in {where}", path=path, fix=f"use only: {', '.join(sorted(_FIELDS))}"
        )
    for required in ("id", "title", "kind"):
        if not raw.get(required):
            raise ProjectError(f"{where} has no '{required}'", path=path, fix=f'add {required} = "…"')
    if raw["kind"] not in KINDS:
        raise ProjectError(f"{where} has kind '{raw['kind']}'", path=path, fix=f"use one of: {', '.join(KINDS)}")
    values = dict(raw)
    values["aliases"] = [path.parent / a for a in raw.get("aliases", [])]
    for alias in values["aliases"]:
        if not alias.exists():
            raise ProjectError(
                f"{where} names the alias file {alias.name}, which does not exist",
                path=path,
                fix="correct the path (relative to the catalog's folder)",
            )
    key_fields = raw.get("key_fields") or [raw.get("name_field", "name")]
    if not isinstance(key_fields, list) or not all(isinstance(k, str) and k for k in key_fields):
        raise ProjectError(
            f"{where}: key_fields must be a list of field names",
            path=path,
            fix='e.g. key_fields = ["ADM2_PCODE", "ADM2_EN"]',
        )
    values["key_fields"] = key_fields
    fields = raw.get("fields", {})
    if not isinstance(fields, dict):
        raise ProjectError(
            f"{where}: fields must be a table of field = kind",
            path=path,
            fix='e.g. fields = { literacy_rate = "rate", population_2023 = "count" }',
        )
    try:
        for name, kind in fields.items():
            check_kind(kind, f"{where}, field '{name}'")
    except ValueError as exc:
        raise ProjectError(str(exc).split("; ")[0], path=path, fix=str(exc).split("; ")[1]) from None
    try:
        values["style"] = style_from_dict(raw.get("style"), f"the style of {where}") if "style" in raw else None
        values["labels"] = labels_from_dict(raw.get("labels"), f"the labels of {where}")
    except StyleError as exc:
        raise ProjectError(exc.problem, path=path, fix=exc.fix) from None
    return CatalogEntry(**values)


_loaded: dict[tuple, Catalog] = {}


def catalog_kinds(path: str | os.PathLike, layer: str | None = None) -> dict[str, FieldKind]:
    """The field kinds the catalog declares for the file ``path`` (empty when no entry names it)."""
    catalog_path = default_catalog_path()
    try:
        key = (str(catalog_path), catalog_path.stat().st_mtime_ns)
    except OSError:
        return {}
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = load_catalog(catalog_path)
    entry = _loaded[key].for_file(path, layer)
    return declared(entry.fields, f"the layer catalog ({entry.id})") if entry else {}


__all__ = ["Catalog", "CatalogEntry", "load_catalog", "default_catalog_path", "catalog_kinds", "KINDS"]
