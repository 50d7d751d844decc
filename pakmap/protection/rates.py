"""Rates that give a suppressed count back: flagged by ``pakmap check``.

A count of 3 is published as "<5", but a share of 0.35 % beside a population of 850 says 3 again,
and a literacy rate over a population of 2 is about 2 people. The rule, for every field of kind
``rate`` (``pakmap.field_kinds``) and every count field named as a denominator (population,
households, individuals, persons, people, members, total):

* **small numerator**: rate × denominator (a rate above 1 is read as a percentage) rounds to a whole
  number from 1 to threshold − 1 — the rate reveals a count that would be suppressed;
* **tiny denominator**: the denominator is from 1 to threshold − 1 — a rate of fewer than k people.

Each finding names the layer, both fields and how many rows, with the first row number; no values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..field_kinds import name_tokens, numeric_values

DENOMINATOR_NAMES = {
    "population",
    "pop",
    "households",
    "household",
    "hh",
    "hhs",
    "individuals",
    "persons",
    "people",
    "members",
    "total",
}


@dataclass(frozen=True)
class RateFinding:
    layer: str
    rate: str
    denominator: str
    rule: str  # "small numerator" or "tiny denominator"
    rows: int
    first_row: int  # 1-based feature/row number
    threshold: int

    def message(self) -> str:
        where = f"{self.rows} row{'s' if self.rows != 1 else ''} (first: row {self.first_row})"
        if self.rule == "small numerator":
            return (
                f"layer '{self.layer}': {self.rate} × {self.denominator} gives fewer than {self.threshold} "
                f'in {where}: the rate reveals a count that is suppressed as "<{self.threshold}" — '
                f"leave the rate out of those rows or publish it rounded to a band"
            )
        return (
            f"layer '{self.layer}': {self.rate} is over fewer than {self.threshold} {self.denominator} "
            f"in {where}: a rate of so few identifies them — leave those rows' rate out"
        )


def _denominators(kinds) -> list[str]:
    return [f for f, k in kinds.items() if k.kind == "count" and set(name_tokens(f)) & DENOMINATOR_NAMES]


def revealing_rates(name: str, frame: pd.DataFrame, kinds, threshold: int) -> list[RateFinding]:
    """The rate findings of one layer's table (``kinds``: its ``field_kinds``)."""
    findings = []
    rates = [f for f, k in kinds.items() if k.kind == "rate" and f in frame.columns]
    for rate in rates:
        r = numeric_values(frame[rate])
        if r is None or r.dropna().empty:
            continue
        share = r / 100 if r.max() > 1 else r
        for denominator in _denominators(kinds):
            d = numeric_values(frame[denominator])
            if d is None:
                continue
            with np.errstate(invalid="ignore"):
                numerator = np.round((share * d).to_numpy(dtype=float))
                rules = {
                    "small numerator": (numerator >= 1) & (numerator < threshold),
                    "tiny denominator": r.notna().to_numpy() & (d.to_numpy() > 0) & (d.to_numpy() < threshold),
                }
            for rule, hit in rules.items():
                if hit.any():
                    findings.append(
                        RateFinding(
                            name, rate, denominator, rule, int(hit.sum()), int(np.flatnonzero(hit)[0]) + 1, threshold
                        )
                    )
    return findings


__all__ = ["RateFinding", "revealing_rates", "DENOMINATOR_NAMES"]
