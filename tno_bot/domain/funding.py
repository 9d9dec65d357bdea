"""Funding of the entente: split by the keys, call for funds, reconciliation, budget summary.

Pure code on Decimal euros. Rounding is always to the euro and symmetric around zero:
``split(-a, ...) == {m: -p for m, p in split(a, ...).items()}``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from enum import Enum

from tno_bot.domain.refusals import Refused

SECTIONS = ("investissement", "fonctionnement")
EURO = Decimal(1)
HUNDRED = Decimal(100)


class RoundingPolicy(str, Enum):
    PER_MEMBER_HALF_UP = "per_member_half_up"  # each part rounded to the euro, half up (the deliberation's method)
    LARGEST_REMAINDER = "largest_remainder"  # parts always add up to the whole


@dataclass(frozen=True)
class KeySet:
    """Contribution keys (percent by member id) in force from `valid_from` on; order = display order."""

    valid_from: int
    shares: Mapping[str, Decimal]


@dataclass(frozen=True)
class BudgetLine:
    mission: str
    label: str
    investissement: Decimal
    fonctionnement: Decimal


@dataclass(frozen=True)
class Receipt:
    label: str
    investissement: Decimal
    fonctionnement: Decimal


@dataclass(frozen=True)
class Advance:
    """An amount one member already paid, deducted from its part."""

    member: str
    amount: Decimal


@dataclass(frozen=True)
class Component:
    """One amount of a call for funds, split with the keys of `keys_year` (None: the call's year), so a 2023
    balance called in 2024 is split as the 2023 contributions were (issue 12). A negative amount is a surplus
    given back to the members ("à reverser"), split the same way."""

    label: str
    amount: Decimal
    advance: Advance | None = None
    keys_year: int | None = None
    mission: str | None = None  # a mission's budget lines, split among its members with its own keys
    mission_keys: KeySet | None = None  # those keys (they replace the year's)


@dataclass(frozen=True)
class Budget:
    year: int
    rounding: RoundingPolicy
    lines: tuple[BudgetLine, ...]
    receipts: tuple[Receipt, ...]
    components: tuple[Component, ...]  # the call for funds of `year`, in display order


class FundingReason(str, Enum):
    NO_BUDGETS = "no_budgets"  # no budget is configured
    NO_BUDGET = "no_budget"  # params: year, years (the configured ones)
    NO_KEYS = "no_keys"  # params: year, first (the first year with keys)
    UNKNOWN_MISSION = "unknown_mission"  # params: mission, missions


class FundingRefused(Refused):
    """A question about funding that has no answer: `reason` is a `FundingReason`."""


def keys_in_force(key_sets: Sequence[KeySet], year: int) -> KeySet | None:
    """The key set in force in `year`: the latest `valid_from` <= year (`key_sets` sorted by valid_from)."""
    return next((k for k in reversed(key_sets) if k.valid_from <= year), None)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a label, for matching user input."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def split(amount: Decimal, shares: Mapping[str, Decimal], policy: RoundingPolicy) -> dict[str, Decimal]:
    """Split `amount` by `shares` (percent, summing to 100) into parts rounded to the euro.

    PER_MEMBER_HALF_UP rounds each part on its own, so the parts may miss the whole by a few euros.
    LARGEST_REMAINDER floors each part, then hands the missing euros one by one to the largest remainders
    (ties: larger share, then display order); when the amount has cents, the last fraction of a euro goes to the
    next part in that ranking, so the parts always add up to the whole exactly.
    A negative amount is split as its opposite and every part negated.
    Raises ValueError on a non-finite amount, an empty or negative share, or shares not summing to 100.
    """
    if not amount.is_finite():
        raise ValueError(f"amount must be finite: {amount}")
    if not shares or any(s < 0 for s in shares.values()) or sum(shares.values()) != HUNDRED:
        raise ValueError(f"shares must be non-negative percentages summing to 100: {dict(shares)}")
    with localcontext() as ctx:
        ctx.prec = 28 + max(0, amount.adjusted())
        parts = _split_positive(abs(amount), shares, policy)
        return {m: -p for m, p in parts.items()} if amount < 0 else parts


def _split_positive(amount: Decimal, shares: Mapping[str, Decimal], policy: RoundingPolicy) -> dict[str, Decimal]:
    exact = {m: amount * s / HUNDRED for m, s in shares.items()}
    if policy is RoundingPolicy.PER_MEMBER_HALF_UP:
        return {m: v.quantize(EURO, ROUND_HALF_UP) for m, v in exact.items()}
    parts = {m: v.quantize(EURO, ROUND_FLOOR) for m, v in exact.items()}
    order = list(shares)
    ranking = sorted(order, key=lambda m: (-(exact[m] - parts[m]), -shares[m], order.index(m)))
    leftover = amount - sum(parts.values())
    for member in ranking:
        if leftover <= 0:
            break
        given = min(EURO, leftover)
        parts[member] += given
        leftover -= given
    return parts


@dataclass(frozen=True)
class ComponentShares:
    """One component of a call for funds: `base` split, minus any advance; `total` = sum of `parts`."""

    label: str
    base: Decimal
    parts: dict[str, Decimal]  # every member of the call: 0 for one outside this component's keys
    total: Decimal
    keys: KeySet  # the key set that split it
    keys_year: int  # the year whose keys those are (the call's year unless the component says otherwise)
    mission: str | None = None  # split with that mission's own keys (`keys`), among its members


@dataclass(frozen=True)
class Note:
    """A reconciliation point: rounding (whole vs rounded parts) or balance (expenses vs receipts)."""

    kind: str  # "rounding" | "balance"
    label: str  # component label, or section name
    expected: Decimal  # rounding: the whole split; balance: expenses
    actual: Decimal  # rounding: sum of the rounded parts; balance: receipts

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected


@dataclass(frozen=True)
class CallForFunds:
    year: int
    components: tuple[ComponentShares, ...]
    member_totals: dict[str, Decimal]
    total: Decimal
    notes: tuple[Note, ...]  # "rounding" notes for components whose parts differ from the whole, then one
    # "balance" note per budget section (ok or not)


def call_for_funds(budget: Budget, key_sets: Sequence[KeySet]) -> CallForFunds:
    """The call for funds of `budget.year`: each component split by the keys in force in its `keys_year` (default
    the call's year), or a mission's component by that mission's own keys among its members (0 for the others), with
    the reconciliation notes. The members called are those of the call year's keys, then any other member of an
    earlier year's keys a component uses (a member that left still gets its share of a balance of its years). ValueError when a year has no keys (the config rules it out)."""
    split_with = {}
    for year in [budget.year] + [c.keys_year for c in budget.components if c.keys_year is not None]:
        if (found := keys_in_force(key_sets, year)) is None:
            raise ValueError(f"no keys in force in {year}")
        split_with[year] = found
    members = list(dict.fromkeys(m for keys in split_with.values() for m in keys.shares))
    components: list[ComponentShares] = []
    notes: list[Note] = []
    for component in budget.components:
        keys_year = component.keys_year or budget.year
        keys = component.mission_keys or split_with[keys_year]
        parts = split(component.amount, keys.shares, budget.rounding)
        rounded_sum = sum(parts.values(), Decimal(0))
        if rounded_sum != component.amount:
            notes.append(Note("rounding", component.label, component.amount, rounded_sum))
        if component.advance is not None:
            if component.advance.member not in parts:
                raise ValueError(f"advance by unknown member {component.advance.member!r} in {component.label!r}")
            parts[component.advance.member] -= component.advance.amount
        parts = {m: parts.get(m, Decimal(0)) for m in members}
        components.append(ComponentShares(component.label, component.amount, parts, sum(parts.values(), Decimal(0)),
                                          keys, keys_year, component.mission))
    member_totals = {m: sum((c.parts[m] for c in components), Decimal(0)) for m in members}
    summary = summarize_budget(budget)
    notes += [Note("balance", s, summary.expenses[s], summary.receipts_total[s]) for s in SECTIONS]
    return CallForFunds(
        year=budget.year,
        components=tuple(components),
        member_totals=member_totals,
        total=sum(member_totals.values(), Decimal(0)),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class BudgetSummary:
    """Expenses by mission and section, receipts and balance (receipts - expenses) of a whole budget.

    Only `lines` is filtered when a mission is asked; the totals always cover the whole budget.
    """

    year: int
    missions: tuple[tuple[str, Decimal, Decimal], ...]  # (mission, investissement, fonctionnement), file order
    lines: tuple[BudgetLine, ...]
    expenses: dict[str, Decimal]
    receipts: tuple[Receipt, ...]
    receipts_total: dict[str, Decimal]
    balance: dict[str, Decimal]


def summarize_budget(budget: Budget, mission: str | None = None) -> BudgetSummary:
    """Summarize `budget`; `mission` (case/accent-insensitive) filters the lines, unknown -> ValueError."""
    by_mission: dict[str, tuple[Decimal, Decimal]] = {}
    for line in budget.lines:
        inv, fonct = by_mission.get(line.mission, (Decimal(0), Decimal(0)))
        by_mission[line.mission] = (inv + line.investissement, fonct + line.fonctionnement)
    lines = budget.lines
    if mission is not None:
        lines = tuple(line for line in budget.lines if fold(line.mission) == fold(mission))
        if not lines:
            raise ValueError(f"unknown mission {mission!r}; known: {', '.join(by_mission)}")
    expenses = {s: sum((getattr(line, s) for line in budget.lines), Decimal(0)) for s in SECTIONS}
    receipts_total = {s: sum((getattr(r, s) for r in budget.receipts), Decimal(0)) for s in SECTIONS}
    return BudgetSummary(
        year=budget.year,
        missions=tuple((name, inv, fonct) for name, (inv, fonct) in by_mission.items()),
        lines=lines,
        expenses=expenses,
        receipts=budget.receipts,
        receipts_total=receipts_total,
        balance={s: receipts_total[s] - expenses[s] for s in SECTIONS},
    )
