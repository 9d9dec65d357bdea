"""Decision numbers of the conference: "TNO <year>-<nn>", numbered from 01 each year, never reused."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

PREFIX = "TNO"
# "TNO 2022-01", "tno 2022-1", "2022-01", "TNO_2022-01", and the seed's "CITNO_2022-01"
_DECISION_ID = re.compile(r"\s*(?:(?:CI)?TNO[\s_-]*)?(\d{4})\s*[-/_]\s*0*(\d{1,4})\s*", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class DecisionId:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1000 <= self.year <= 9999 or self.number < 1:
            raise ValueError(f"not a decision id: year {self.year}, number {self.number}")

    def __str__(self) -> str:
        return f"{PREFIX} {self.year}-{self.number:02d}"


def parse_decision_id(text: str) -> DecisionId:
    """"TNO 2022-01" and its tolerated forms; ValueError otherwise."""
    match = _DECISION_ID.fullmatch(text)
    if match is None or int(match[2]) == 0:
        raise ValueError(f"not a decision id: {text!r} (expected like {PREFIX} 2026-01)")
    return DecisionId(int(match[1]), int(match[2]))


def next_decision_id(year: int, existing: Iterable[DecisionId | str]) -> DecisionId:
    """The number after the highest of `year` among `existing` (other years ignored); gaps are not refilled."""
    ids = (e if isinstance(e, DecisionId) else parse_decision_id(e) for e in existing)
    return DecisionId(year, max((d.number for d in ids if d.year == year), default=0) + 1)
