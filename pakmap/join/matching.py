"""Matching table rows to layer features, stage by stage: accepted, exact, normalized, alias.

The layer's features are grouped by their key (the normalized values of the ``on`` fields, plus the
parent field with ``within``); each table row is resolved to one group or left unmatched, and the
stage that resolved it is recorded. Nothing here builds output columns: ``attribute.join_attributes``
does that from the ``Matching`` returned by ``match_rows``.

Stages, first that succeeds wins:

1. **accepted**: the user accepted this table key → layer key (replayed from the project file); a
   user decision outranks every automatic rule.
2. **exact**: every key value (and the parent) has the same text in the table and the layer.
3. **normalized**: the keys are equal after ``normalize_key`` (its steps are recorded).
4. **alias**: a key value or the parent is equal only through an alias entry, in either direction
   (the table uses an old name, or the layer does). Within a parent, an alias entry for another
   province is not followed; an alias that still leads to several units is not guessed.
5. **spelling variant** (reported as normalized): the looser key of ``normalize_key`` (doubled
   letters, ee/i, oo/u, kh/k), only where it leads to one unit of the layer.
6. **group**: the row names a declared group of units ("Karachi" → its districts; alias files and
   the project's ``groups``): it reaches all their features at once.

A row that resolved to nothing and reads as a totals row ("Grand Total", "Total Sindh",
"Pakistan": ``pakmap.join.totals``) is marked ``total``: left out of the join, not suggested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

import pandas as pd

from .aliases import AliasEntry, AliasTable
from .normalize import KeyNormalizer, normalize_key
from .report import KEY_SEPARATOR, key_text
from .suggest import Candidate
from .totals import total_reason


def _exact_text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return str(value)


@dataclass
class Resolution:
    """How one table row found its layer group."""

    group: int | None  # index into Matching.groups; None if unmatched
    how: str  # exact | normalized | alias | accepted | group | unmatched | total
    detail: str = ""


class _Component:
    """One key field pair (or the parent pair): the layer's values and how a table value reaches them."""

    def __init__(self, layer_values: list, normalize: KeyNormalizer, aliases: AliasTable) -> None:
        self.normalize = normalize
        self.aliases = aliases
        self.layer_norm = [normalize(v) for v in layer_values]
        self.layer_keys: set[str] = {n.key for n in self.layer_norm if n.key is not None}
        self.layer_first: dict[str, Any] = {}  # key -> the first layer value with it, for details
        self.layer_variants: dict[str, set[str]] = defaultdict(set)  # spelling variant -> layer keys
        for n in self.layer_norm:
            if n.key is not None:
                self.layer_first.setdefault(n.key, n)
                if n.variant is not None:
                    self.layer_variants[n.variant].add(n.key)
        # Layer values that are old names themselves ("Kurram Agency" in an old boundary file) stand
        # for the current name, as long as the current name is not in the layer too.
        self.layer_alt: dict[str, tuple[str, AliasEntry]] = {}
        for key in self.layer_keys:
            for entry in aliases.lookup(key):
                target = aliases.target_key(entry)
                if target not in self.layer_keys:
                    self.layer_alt.setdefault(target, (key, entry))

    def resolve(self, value: Any, parent: str | None) -> tuple[str | None, str, str]:
        """(layer key, how, detail) for one table value; how: normalized | alias | ambiguous | unmatched."""
        norm = self.normalize(value)
        if norm.key is None:
            return None, "unmatched", "missing key"
        if norm.key in self.layer_keys:
            layer_norm = self.layer_first[norm.key]
            if str(layer_norm.original) == str(value):
                return norm.key, "normalized", ""
            return norm.key, "normalized", f"{norm.explain()} = layer {layer_norm.explain()}"
        entries = self.aliases.resolve(norm.key, self.layer_keys, parent)
        targets = {self.aliases.target_key(e) for e in entries}
        if len(targets) == 1:
            return targets.pop(), "alias", f"{entries[0].describe()} [{entries[0].source}]"
        if len(targets) > 1:
            names = ", ".join(sorted({e.name for e in entries}))
            return None, "ambiguous", f"alias {value!r} could be {names}: accept one"
        if norm.key in self.layer_alt:
            layer_key, entry = self.layer_alt[norm.key]
            return layer_key, "alias", f"the layer's {entry.alias!r} is an alias of {entry.name!r} [{entry.source}]"
        return self._resolve_variant(norm)

    def _resolve_variant(self, norm) -> tuple[str | None, str, str]:
        """The last resort: the looser spelling-variant key, followed only where it leads to one unit."""
        keys = self.layer_variants.get(norm.variant, set()) if norm.variant is not None else set()
        if len(keys) != 1:
            return None, "unmatched", ""
        key = next(iter(keys))
        layer_norm = self.layer_first[key]
        steps = ", ".join(dict.fromkeys(norm.variant_steps + layer_norm.variant_steps))
        return (
            key,
            "normalized",
            (f"{norm.original!r} and layer {layer_norm.original!r} are spellings of {norm.variant!r} ({steps})"),
        )


@dataclass
class Matching:
    """Layer groups and the resolution of every table row."""

    groups: list[list[int]]  # positions of the layer features sharing one key
    group_text: list[str]  # each group's key as the user reads it ("Kurram")
    resolutions: list[Resolution]
    table_text: list[str]  # each table row's key text (the ``on`` values: what accepted matches store)
    table_parent: list[str | None]  # each row's parent as a layer parent key (None: unknown or no within)
    candidates: list[Candidate] = field(default_factory=list)
    accepted_used: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Layer groups made for a declared group of units (index -> (alias entry, the units' layer keys)).
    declared: dict[int, tuple] = field(default_factory=dict)


def _split_norm(text: str, normalize: KeyNormalizer) -> tuple:
    return tuple(normalize(part.strip()).key for part in str(text).split(KEY_SEPARATOR.strip()))


def match_rows(
    layer: pd.DataFrame,
    table: pd.DataFrame,
    on: Sequence[tuple[str, str]],
    within: tuple[str, str] | None,
    aliases: AliasTable,
    accepted: dict[str, str],
    normalizer: KeyNormalizer | None = None,
) -> Matching:
    """Resolve every table row to a group of layer features (stages in the module docstring)."""
    normalize = normalizer or KeyNormalizer()
    pairs = list(on)
    layer_cols = [layer[lf].tolist() for lf, _ in pairs]
    table_cols = [table[tf].tolist() for _, tf in pairs]
    components = [_Component(col, normalize, aliases) for col in layer_cols]
    # The parent columns are read (and indexed below) only with ``within``.
    layer_parent_field = within[0] if within else ""
    layer_parent_col = layer[within[0]].tolist() if within else []
    table_parent_col = table[within[1]].tolist() if within else []
    parent_comp = _Component(layer_parent_col, normalize, aliases) if within else None

    # Layer groups: features with the same normalized key (and parent).
    group_of_key: dict[tuple, int] = {}
    groups: list[list[int]] = []
    group_text: list[str] = []
    group_parent: list[str | None] = []
    exact_index: dict[tuple, int] = {}
    for pos in range(len(layer)):
        parts = tuple(c.layer_norm[pos].key for c in components)
        if any(p is None for p in parts):
            continue  # a feature without a key can receive nothing; it is reported as unmatched
        parent = parent_comp.layer_norm[pos].key if parent_comp else None
        key = parts + ((parent,) if parent_comp else ())
        if key not in group_of_key:
            group_of_key[key] = len(groups)
            groups.append([])
            group_text.append(key_text(tuple(col[pos] for col in layer_cols)))
            group_parent.append(parent)
        groups[group_of_key[key]].append(pos)
        raw = tuple(_exact_text(col[pos]) for col in layer_cols)
        raw += (_exact_text(layer_parent_col[pos]),) if within else ()
        exact_index.setdefault(raw, group_of_key[key])
    groups_by_on: dict[tuple, list[int]] = defaultdict(list)
    for key, g in group_of_key.items():
        groups_by_on[key[: len(pairs)]].append(g)

    accepted_norm = {_split_norm(t, normalize): (t, l) for t, l in accepted.items()}
    result = Matching(groups, group_text, [], [], [])
    for i in range(len(table)):
        values = tuple(col[i] for col in table_cols)
        result.table_text.append(key_text(values))
        raw = tuple(_exact_text(v) for v in values) + ((_exact_text(table_parent_col[i]),) if within else ())
        if not accepted_norm and None not in raw and raw in exact_index:
            # Fast path for the common case (stage 2 without a stage 1 to try first).
            group = exact_index[raw]
            result.table_parent.append(group_parent[group])
            result.resolutions.append(Resolution(group, "exact"))
            continue
        # The parent first: names are resolved within it.
        parent, parent_how, parent_detail = (None, "normalized", "")
        if parent_comp is not None:
            parent, parent_how, parent_detail = parent_comp.resolve(table_parent_col[i], None)
        result.table_parent.append(parent)
        canonical_parent = aliases.canonical(parent) if parent else None
        # 1. accepted
        hit = accepted_norm.get(tuple(normalize(v).key for v in values)) if accepted_norm else None
        if hit is not None:
            options = groups_by_on.get(_split_norm(hit[1], normalize), [])
            if parent is not None and len(options) > 1:
                options = [g for g in options if group_parent[g] == parent]
            if len(options) == 1:
                result.accepted_used[hit[0]] = hit[1]
                result.resolutions.append(Resolution(options[0], "accepted", f"accepted {hit[0]!r} = {hit[1]!r}"))
                continue
            result.notes.append(
                f"accepted match {hit[0]!r} = {hit[1]!r} leads to "
                f"{'several features' if options else 'no feature'} of the layer"
            )
        # 2. exact
        if None not in raw and raw in exact_index:
            result.resolutions.append(Resolution(exact_index[raw], "exact"))
            continue
        # 3. normalized, 4. alias
        if parent_comp is not None and parent is None:
            why = parent_detail or f"{table_parent_col[i]!r} is not a {layer_parent_field} of the layer"
            result.resolutions.append(Resolution(None, "unmatched", why))
            continue
        resolved, hows = [], [parent_how] if within else []
        details = [parent_detail] if within and parent_how == "alias" else []
        for comp, value in zip(components, values):
            resolved_key, how, detail = comp.resolve(value, canonical_parent)
            resolved.append(resolved_key)
            hows.append(how)
            details.append(detail)
        if any(k is None for k in resolved):
            reason = "; ".join(
                d
                for d, h in zip(details[-len(values) :], hows[-len(values) :])
                if h in ("unmatched", "ambiguous") and d
            )
            result.resolutions.append(Resolution(None, "unmatched", reason))
            continue
        found = group_of_key.get(tuple(resolved) + ((parent,) if within else ()))
        if found is None:
            elsewhere = groups_by_on.get(tuple(resolved), [])
            where = ", ".join(str(layer_parent_col[groups[g][0]]) for g in elsewhere)
            reason = f"the layer has this key only under {where}" if elsewhere else "no feature has this key"
            result.resolutions.append(Resolution(None, "unmatched", reason))
            continue
        result.resolutions.append(
            Resolution(found, "alias" if "alias" in hows else "normalized", "; ".join(d for d in details if d))
        )

    for table_key, layer_key in accepted.items():
        if table_key not in result.accepted_used and not any(repr(table_key) in n for n in result.notes):
            result.notes.append(
                f"accepted match {table_key!r} = {layer_key!r} was not needed: no table row has that key"
            )
    result.candidates = _candidates(groups, group_text, group_parent, components, aliases, normalize)
    if len(pairs) == 1 and aliases.groups:
        _resolve_groups(result, table_cols[0], components[0], aliases, groups_by_on, group_parent, normalize)
    _mark_totals(result, table, table_cols)
    return result


def _resolve_groups(
    result: Matching,
    values: list,
    component: "_Component",
    aliases: AliasTable,
    groups_by_on: dict[tuple, list[int]],
    group_parent: list,
    normalize: KeyNormalizer,
) -> None:
    """Unmatched rows named after a declared group ("Karachi"): one figure for several features.

    Each unit of the group is resolved like a table value (normalized, alias, spelling variant),
    within the row's parent when the join has one. The row then reaches a new layer group holding
    every feature of those units; units the layer does not have are named in the detail (a COD-AB
    2022 layer has no Keamari yet). A unit the layer has twice (in two provinces, without a parent
    to decide) is not guessed.
    """
    made: dict[tuple, int] = {}  # (group name, parent) -> the layer group already made for it
    for i, res in enumerate(result.resolutions):
        if res.how != "unmatched":
            continue
        entry = aliases.group(normalize(values[i]).key)
        if entry is None:
            continue
        parent = result.table_parent[i]
        canonical_parent = aliases.canonical(parent) if parent else None
        found, missing, unclear = [], [], []
        for unit in entry.members:
            key, _, _ = component.resolve(unit, canonical_parent)
            options = groups_by_on.get((key,), []) if key is not None else []
            if parent is not None:
                options = [g for g in options if group_parent[g] == parent]
            if len(options) == 1:
                found.append(options[0])
            elif options:
                unclear.append(unit)
            else:
                missing.append(unit)
        where = f"group {entry.alias!r} [{entry.source}]"
        if not found or unclear:
            why = (
                f"units in several places, give a parent (--within): {', '.join(unclear)}"
                if unclear
                else "none of its units is in the layer"
            )
            result.resolutions[i] = Resolution(None, "unmatched", f"{where}: {why}")
            continue
        ident = (entry.alias, parent)
        if ident not in made:
            made[ident] = len(result.groups)
            result.groups.append(sorted(p for g in found for p in result.groups[g]))
            result.group_text.append(entry.alias)
            group_parent.append(parent)
            result.declared[made[ident]] = (entry, [result.group_text[g] for g in found])
        units = ", ".join(result.group_text[g] for g in found)
        absent = f"; not in the layer: {', '.join(missing)}" if missing else ""
        result.resolutions[i] = Resolution(made[ident], "group", f"{where}: {units}{absent}")


def _mark_totals(result: Matching, table: pd.DataFrame, table_cols: list[list]) -> None:
    """Rows that matched nothing and read as totals (``pakmap.join.totals``): reported, not joined.

    The key is read with every rule; a row without a key by its text cells ("Total Sindh" in the
    region column, the district cell empty), with the totals words only (a province column names a
    province on every row)."""
    text_columns = [c for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    for i, res in enumerate(result.resolutions):
        if res.group is not None:
            continue
        values = [col[i] for col in table_cols]
        found = next(((v, r) for v in values if (r := total_reason(v))), None)
        if found is None and all(normalize_key(v).key is None for v in values):
            cells = table[text_columns].iloc[i].tolist() if text_columns else []
            found = next(((v, r) for v in cells if (r := total_reason(v, levels=False))), None)
        if found:
            result.resolutions[i] = Resolution(None, "total", f"{str(found[0]).strip()!r} is {found[1]}")


def _candidates(
    groups, group_text, group_parent, components, aliases: AliasTable, normalize: KeyNormalizer
) -> list[Candidate]:
    """What fuzzy suggestions are drawn from: every group's name, and alias names leading to it."""
    out = []
    for g, members in enumerate(groups):
        first = members[0]
        text = " ".join(filter(None, (c.layer_norm[first].text for c in components)))
        out.append(Candidate(text, group_text[g], group_parent[g]))
        if len(components) == 1:  # aliases describe single names, not composite keys
            for entry in aliases.aliases_of(components[0].layer_norm[first].key):
                out.append(
                    Candidate(
                        normalize(entry.alias).text or "", group_text[g], group_parent[g], f"alias {entry.alias!r}"
                    )
                )
    return out


__all__ = ["Matching", "Resolution", "match_rows"]
