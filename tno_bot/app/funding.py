"""Funding questions: the budget, the keys and the summary of a year, refused with a `FundingReason`."""

from __future__ import annotations

from tno_bot.config import Config
from tno_bot.domain.funding import (
    Budget,
    BudgetSummary,
    FundingReason,
    FundingRefused,
    KeySet,
    RoundingPolicy,
    split,
    summarize_budget,
)


def budget_of(config: Config, year: int) -> Budget:
    budget = config.budgets.get(year)
    if budget is None:
        years = tuple(sorted(config.budgets))
        if not years:
            raise FundingRefused(FundingReason.NO_BUDGETS)
        raise FundingRefused(FundingReason.NO_BUDGET, year=year, years=years)
    return budget


def keys_of(config: Config, year: int) -> KeySet:
    keys = config.keys_for(year)
    if keys is None:
        raise FundingRefused(FundingReason.NO_KEYS, year=year, first=min(k.valid_from for k in config.key_sets))
    return keys


def key_sets_for(config: Config, year: int) -> tuple[KeySet, ...]:
    """Every key set, for the call for funds of `year` (its components may use an earlier year's keys); refused
    when no keys are in force in `year`."""
    keys_of(config, year)
    return config.key_sets


def summary_of(config: Config, year: int, mission: str | None = None) -> BudgetSummary:
    """The summary of the budget of `year` (the lines of `mission` when given)."""
    budget = budget_of(config, year)
    try:
        return summarize_budget(budget, mission)
    except ValueError:
        missions = tuple(name for name, _, _ in summarize_budget(budget).missions)
        raise FundingRefused(FundingReason.UNKNOWN_MISSION, mission=mission, missions=missions) from None


def share_of(config: Config, amount, year: int) -> tuple[KeySet, dict]:
    """The keys in force in `year` and `amount` split by them, rounded as that year's budget says."""
    keys = keys_of(config, year)
    budget = config.budgets.get(year)
    policy = budget.rounding if budget else RoundingPolicy.PER_MEMBER_HALF_UP
    return keys, split(amount, keys.shares, policy)
