"""Alias tables: known alternate and historical names mapped to current units.

An alias file is a CSV with the columns ``alias,name,province,note`` (``province`` and ``note`` may be
empty or absent): "Kurram Agency" → "Kurram" (Khyber Pakhtunkhwa, "FATA agency merged into Khyber
Pakhtunkhwa in 2018"). The built-in files live in ``layers/aliases/``; an officer adds their own file
with the same columns (``--aliases FILE``, or ``aliases = [...]`` in a project's ``[[joins]]``).

A **group** is a line whose ``name`` lists several units joined by ``+``: "Karachi" → "Karachi
Central + Karachi East + …". A table row with that name is one figure for all of them: the join maps
it onto their union (``pakmap.join.groups``). A project declares its own groups in ``[joins.groups]``.

Aliases are compared on normalized keys (``pakmap.join.normalize``), so one line covers every
spelling that normalizes the same way. One merged table serves names and provinces alike: a join
only follows an alias to a target that exists among the layer's values, so "KP" → "Khyber
Pakhtunkhwa" never touches a district field.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from ..errors import JoinError
from ..file_guard import regular_file
from ..resources import layers_dir
from .normalize import KeyNormalizer

REQUIRED_COLUMNS = ("alias", "name")
GROUP_SEPARATOR = "+"  # between the units of a group line: "Karachi Central + Karachi East + …"
OPTIONAL_COLUMNS = ("province", "note")


@dataclass(frozen=True)
class AliasEntry:
    """One line of an alias file."""

    alias: str
    name: str  # the current unit's name, as spelled in the boundaries
    province: str = ""  # where the unit is ("" = anywhere); used when a join is made within provinces
    note: str = ""  # why the alias exists ("FATA agency merged into KP in 2018")
    source: str = ""  # file and line, for reports

    def describe(self) -> str:
        why = f": {self.note}" if self.note else ""
        return f"alias {self.alias!r} → {self.name!r}{why}"

    @property
    def members(self) -> tuple[str, ...]:
        """The units a group line names (``"A + B"`` → ``("A", "B")``); one name for a plain alias."""
        return tuple(part.strip() for part in self.name.split(GROUP_SEPARATOR) if part.strip())

    @property
    def is_group(self) -> bool:
        return len(self.members) > 1


def default_alias_files() -> list[Path]:
    """The built-in alias files (``layers/aliases/*.csv``), then any in ``$PAKMAP_LAYERS_DIR/aliases``."""
    files = sorted((layers_dir() / "aliases").glob("*.csv"))
    override = os.environ.get("PAKMAP_LAYERS_DIR")
    if override:
        files += sorted((Path(override) / "aliases").glob("*.csv"))
    return files


def read_alias_file(path: str | os.PathLike) -> list[AliasEntry]:
    """Read and validate one alias CSV; errors name the file, the line and the fix."""
    path = regular_file(path, "alias table")
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise JoinError(
                    f"alias file lacks the column(s) {', '.join(missing)}",
                    path=path,
                    fix="the first line must be: alias,name,province,note",
                )
            reader.fieldnames = header
            entries = []
            for line, row in enumerate(reader, start=2):
                alias = (row.get("alias") or "").strip()
                name = (row.get("name") or "").strip()
                if not alias and not name:
                    continue  # blank line
                if not alias or not name:
                    raise JoinError(
                        f"line {line} has an empty {'alias' if not alias else 'name'}",
                        path=path,
                        fix="give both the alias and the current name, or delete the line",
                    )
                entries.append(
                    AliasEntry(
                        alias,
                        name,
                        (row.get("province") or "").strip(),
                        (row.get("note") or "").strip(),
                        f"{path.name}:{line}",
                    )
                )
    except FileNotFoundError:
        raise JoinError("alias file not found", path=path, fix="check the path given with --aliases") from None
    except UnicodeDecodeError:
        raise JoinError("alias file is not UTF-8 text", path=path, fix="save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise JoinError(f"alias file is not valid CSV ({exc})", path=path, fix="save it as CSV UTF-8") from None
    return entries


class AliasTable:
    """All alias entries of a join, indexed by the normalized alias."""

    def __init__(self, entries: Iterable[AliasEntry] = (), normalizer: KeyNormalizer | None = None) -> None:
        self._normalize = normalizer or KeyNormalizer()
        entries = list(entries)
        self.entries: list[AliasEntry] = [e for e in entries if not e.is_group]
        self.groups: dict[str, AliasEntry] = {}  # normalized group name -> its entry (the last declared wins)
        for entry in entries:
            key = self._normalize(entry.alias).key
            if entry.is_group and key is not None:
                self.groups[key] = entry
        self._by_key: dict[str, list[AliasEntry]] = defaultdict(list)
        self._by_target: dict[str, list[AliasEntry]] = defaultdict(list)
        for entry in self.entries:
            key = self._normalize(entry.alias).key
            target = self._normalize(entry.name).key
            if key is not None and target is not None and key != target:  # self-aliases say nothing
                self._by_key[key].append(entry)
                self._by_target[target].append(entry)

    @classmethod
    def load(
        cls,
        files: Sequence[str | os.PathLike] | None = None,
        *,
        builtin: bool = True,
        normalizer: KeyNormalizer | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
    ) -> "AliasTable":
        """The built-in aliases (unless ``builtin=False``) followed by the user's ``files``, then the
        ``groups`` a project declares (``{"Karachi": ["Karachi Central", …]}``), which win."""
        paths = (default_alias_files() if builtin else []) + [Path(f) for f in files or []]
        entries: list[AliasEntry] = []
        for path in paths:
            entries.extend(read_alias_file(path))
        entries.extend(group_entries(groups or {}))
        return cls(entries, normalizer)

    def group(self, key: str | None) -> AliasEntry | None:
        """The group declared under the normalized name ``key``, if any."""
        return self.groups.get(key) if key else None

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, key: str | None) -> list[AliasEntry]:
        """Entries whose alias normalizes to ``key``."""
        return list(self._by_key.get(key, ())) if key else []

    def aliases_of(self, target_key: str | None) -> list[AliasEntry]:
        """Entries whose current name normalizes to ``target_key`` (for fuzzy candidates)."""
        return list(self._by_target.get(target_key, ())) if target_key else []

    def canonical(self, key: str | None) -> str | None:
        """``key``, or the normalized name it is an unambiguous alias of ("kpk" → "khyberpakhtunkhwa")."""
        targets = {self._normalize(e.name).key for e in self.lookup(key)}
        return targets.pop() if len(targets) == 1 else key

    def resolve(self, key: str | None, candidates: set[str], parent: str | None = None) -> list[AliasEntry]:
        """Entries for ``key`` whose target is one of ``candidates`` (normalized layer keys).

        With ``parent`` (the canonical key of the row's province), entries for another province are
        left out. Several remaining entries with different targets mean the alias is ambiguous.
        """
        found = []
        for entry in self.lookup(key):
            if self._normalize(entry.name).key not in candidates:
                continue
            if parent and entry.province and self.canonical(self._normalize(entry.province).key) != parent:
                continue
            found.append(entry)
        return found

    def target_key(self, entry: AliasEntry) -> str:
        return self._normalize(entry.name).key  # type: ignore[return-value]


def group_entries(groups: Mapping[str, Sequence[str]], source: str = "project") -> list[AliasEntry]:
    """Group declarations of a project (``[joins.groups]``) as alias entries; each needs two units."""
    out = []
    for name, members in groups.items():
        if isinstance(members, str):
            members = members.split(GROUP_SEPARATOR)
        members = [str(m).strip() for m in members if str(m).strip()]
        if not str(name).strip() or len(members) < 2 or any(GROUP_SEPARATOR in m for m in members):
            raise JoinError(
                f"group {name!r} must name two or more units",
                path=None,
                fix='e.g. Karachi = ["Karachi Central", "Karachi East", "Malir"]',
            )
        out.append(
            AliasEntry(str(name).strip(), f" {GROUP_SEPARATOR} ".join(members), "", "declared in the project", source)
        )
    return out


__all__ = ["AliasEntry", "AliasTable", "default_alias_files", "read_alias_file", "group_entries", "GROUP_SEPARATOR"]
