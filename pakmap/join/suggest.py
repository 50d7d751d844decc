"""Ranked fuzzy suggestions for table keys that matched nothing (rapidfuzz).

All unmatched keys are scored against all candidates in one ``rapidfuzz.process.cdist`` call (C++,
both cores), not key by key, so a 10,000-row table with a few hundred misspellings takes
milliseconds. Candidates are the layer features' normalized names and the alias names that lead to
them; with a parent (``within``), a key only gets candidates in its own province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .report import Suggestion

MIN_SCORE = 60.0  # below this, a "suggestion" is noise
LIMIT = 3


@dataclass(frozen=True)
class Candidate:
    text: str  # normalized, spaced text scored against the query
    layer_key: str  # the feature's key as the user reads it (what an accepted match stores)
    parent: str | None  # canonical parent key of the feature (None without ``within``)
    via: str = ""


def rank_suggestions(queries: Sequence[tuple[str, str, str | None]], candidates: Sequence[Candidate],
                     limit: int = LIMIT, min_score: float = MIN_SCORE) -> dict[str, list[Suggestion]]:
    """``queries``: (table key, normalized text, canonical parent or None) → ranked suggestions per table key.

    A query with a parent only sees candidates with that parent; a query whose parent is unknown sees
    all. Each feature is suggested once, with its best score (direct name or alias).
    """
    out: dict[str, list[Suggestion]] = {}
    if not queries or not candidates:
        return out
    query_texts = list(dict.fromkeys(q[1] for q in queries))
    row_of = {text: i for i, text in enumerate(query_texts)}
    scores = process.cdist(query_texts, [c.text for c in candidates], scorer=fuzz.WRatio,
                           score_cutoff=min_score, workers=-1, dtype=np.uint8)
    parents = np.array([c.parent if c.parent is not None else "" for c in candidates], dtype=object)
    for table_key, text, parent in queries:
        row = scores[row_of[text]].astype(np.int16)
        if parent is not None:
            row = np.where(parents == parent, row, 0)
        order = np.argsort(-row, kind="stable")
        picked: dict[str, Suggestion] = {}
        for j in order:
            if row[j] < min_score or len(picked) == limit:
                break
            cand = candidates[j]
            if cand.layer_key not in picked:
                picked[cand.layer_key] = Suggestion(table_key, cand.layer_key, float(row[j]), cand.via)
        if picked:
            out[table_key] = list(picked.values())
    return out


__all__ = ["Candidate", "rank_suggestions", "MIN_SCORE", "LIMIT"]
