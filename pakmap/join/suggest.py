"""Ranked fuzzy suggestions for table keys that matched nothing (rapidfuzz).

All unmatched keys are scored against all candidates in one ``rapidfuzz.process.cdist`` call per
parent (C++, both cores) with a fast edit ratio; the best few per key are then ranked with
``fuzz.WRatio``, which also forgives word order and partial names. Candidates are the layer
features' normalized names and the alias names that lead to them; with a parent (``within``), a key
only gets candidates in its own province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .report import Suggestion

MIN_SCORE = 60.0  # below this, a "suggestion" is noise
LIMIT = 3
SHORTLIST = 24
PARTIAL_DISCOUNT = 0.9  # candidates per key re-scored with WRatio


@dataclass(frozen=True)
class Candidate:
    text: str  # normalized, spaced text scored against the query
    layer_key: str  # the feature's key as the user reads it (what an accepted match stores)
    parent: str | None  # canonical parent key of the feature (None without ``within``)
    via: str = ""


def _score(query: str, candidate: str, min_score: float) -> float:
    """WRatio, except that a partial alignment counts only when a whole word lines up.

    WRatio scores the best-aligned substring, so 'azad kashmir' reaches 72 against 'kashmore' through
    "kashm…" alone. A partial score is kept when one name's words are all in the other ('kashmore'
    in 'kashmore kandhkot'); otherwise the names are compared whole (ratio, sorted and shared words)
    with the discount WRatio itself gives partial alignments (0.9), so a name that only shares a
    stretch of letters falls below the threshold.
    """
    score = fuzz.WRatio(query, candidate, score_cutoff=min_score)
    if not score:
        return 0.0
    whole = max(
        fuzz.ratio(query, candidate),
        0.95 * fuzz.token_sort_ratio(query, candidate),
        0.95 * fuzz.token_set_ratio(query, candidate),
    )
    if score > whole and fuzz.token_set_ratio(query, candidate) < 90:
        whole *= PARTIAL_DISCOUNT
        return whole if whole >= min_score else 0.0
    return score


def rank_suggestions(
    queries: Sequence[tuple[str, str, str | None]],
    candidates: Sequence[Candidate],
    limit: int = LIMIT,
    min_score: float = MIN_SCORE,
    taken: Collection[str] = (),
) -> dict[str, list[Suggestion]]:
    """``queries``: (table key, normalized text, canonical parent or None) → ranked suggestions per table key.

    A query with a parent only sees candidates with that parent; a query whose parent is unknown sees
    all. Each feature is suggested once, with its best score (direct name or alias). Features in
    ``taken`` (layer keys another table row already matched) come after every feature still without a
    row, whatever their score: 'TANDO AHYAR' is far more likely the unmatched Tando Allah Yar than the
    Tando Muhammad Khan that 'TANDO MUHAMMAD KHAN' already took.
    """
    taken = set(taken)
    out: dict[str, list[Suggestion]] = {}
    if not queries or not candidates:
        return out
    # Score each parent's queries against that parent's candidates only: with ``within`` this is both
    # the rule (no suggestion from another province) and what keeps large tables fast.
    by_parent: dict[str | None, list[tuple[str, str]]] = {}
    for table_key, text, parent in queries:
        by_parent.setdefault(parent, []).append((table_key, text))
    for parent, items in by_parent.items():
        pool = [c for c in candidates if parent is None or c.parent == parent]
        if not pool:
            continue
        texts = list(dict.fromkeys(text for _, text in items))
        pool_texts = [c.text for c in pool]
        # A fast bit-parallel edit ratio picks a shortlist per key; WRatio (which also forgives word
        # order and partial names) then ranks the shortlist. Scoring every pair with WRatio costs 10x.
        rough = process.cdist(texts, pool_texts, scorer=fuzz.ratio, workers=-1, dtype=np.uint8)
        width = min(SHORTLIST, len(pool))
        shortlist = np.argpartition(-rough.astype(np.int16), width - 1, axis=1)[:, :width]
        ranked = {}
        for row, text in enumerate(texts):
            cols = np.sort(shortlist[row])  # layer order, so ties stay reproducible
            scores = np.array([_score(text, pool_texts[j], min_score) for j in cols])
            is_taken = np.array([pool[j].layer_key in taken for j in cols])
            order = np.lexsort((-scores, is_taken))  # free features first, then by score; stable
            picked: dict[str, Suggestion] = {}
            for k in order:
                if len(picked) == limit:
                    break
                if scores[k] < min_score:
                    continue
                cand = pool[cols[k]]
                if cand.layer_key not in picked:  # a feature once, with its best score (name or alias)
                    picked[cand.layer_key] = Suggestion("", cand.layer_key, round(float(scores[k]), 1), cand.via)
            ranked[text] = list(picked.values())
        for table_key, text in items:
            if ranked[text]:
                out[table_key] = [Suggestion(table_key, s.layer_key, s.score, s.via) for s in ranked[text]]
    return out


__all__ = ["Candidate", "rank_suggestions", "MIN_SCORE", "LIMIT"]
