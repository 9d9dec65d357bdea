"""Funding commands: the call for funds, a budget, a share of an amount, the keys in force."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from tno_bot.commands.arguments import shorten
from tno_bot.commands.context import CommandContext, Reply
from tno_bot.commands.errors import UsageError
from tno_bot.commands.registry import AMOUNT, MEMBER, MISSION, YEAR, Arg, command
from tno_bot.config import Config
from tno_bot.domain.funding import (
    Budget,
    BudgetSummary,
    KeySet,
    RoundingPolicy,
    call_for_funds,
    split,
    summarize_budget,
)
from tno_bot.i18n import N_, Translator
from tno_bot.reports.funding import appel_report, budget_report, keys_report, share_report

GROUP = N_("Funding")


def budget_of(config: Config, year: int, tr: Translator) -> Budget:
    """The budget of `year`, or a UsageError saying which years exist."""
    budget = config.budgets.get(year)
    if budget is None:
        years = sorted(config.budgets)
        if not years:
            raise UsageError(tr.gettext("No budget is configured."))
        raise UsageError(
            tr.ngettext(
                "No budget for {year}: the configured budget is {years}.",
                "No budget for {year}: the configured budgets are {years}.",
                len(years),
                year=year,
                years=tr.join_and(str(y) for y in years),
            )
        )
    return budget


def keys_of(config: Config, year: int, tr: Translator) -> KeySet:
    """The keys in force in `year`, or a UsageError saying from when keys exist."""
    keys = config.keys_for(year)
    if keys is None:
        first = min(k.valid_from for k in config.key_sets)
        raise UsageError(
            tr.gettext(
                "No contribution keys in force in {year}: the first keys apply from {first}.", year=year, first=first
            )
        )
    return keys


def summary_of(budget: Budget, mission: str | None, tr: Translator) -> BudgetSummary:
    """The summary of `budget` (the lines of `mission` when given), or a UsageError naming the missions."""
    try:
        return summarize_budget(budget, mission)
    except ValueError:
        missions = tr.join_or(name for name, _, _ in summarize_budget(budget).missions)
        raise UsageError(
            tr.gettext("Unknown mission “{text}”: choose {missions}.", text=shorten(mission), missions=missions)
        )


def _with_default_year(ctx: CommandContext, report: tuple[str, str], year: int | None) -> Reply:
    """The report, preceded by a line saying which year was chosen when none was given."""
    plain, html = report
    if year is not None:
        return Reply(plain, html)
    notice = ctx.tr.gettext("No year given: the current year, {year}.", year=ctx.current_year)
    return Reply(f"{notice}\n{plain}", f"<p>{escape(notice)}</p>{html}")


@command(
    "appel",
    aliases=("call",),
    args=(Arg("year", YEAR), Arg("member", MEMBER, optional=True)),
    help=N_(
        "The call for funds of a year: each member's part of each component, the totals and the reconciliation notes."
    ),
    group=GROUP,
)
def appel(ctx: CommandContext, year: int, member=None) -> Reply:
    call = call_for_funds(budget_of(ctx.config, year, ctx.tr), keys_of(ctx.config, year, ctx.tr))
    return Reply(*appel_report(call, ctx.config, ctx.tr, member.id if member else None))


@command(
    "budget",
    args=(Arg("year", YEAR), Arg("mission", MISSION, optional=True)),
    help=N_("The budget of a year: expenses by mission and section, receipts and balance; the lines of one mission."),
    group=GROUP,
)
def budget(ctx: CommandContext, year: int, mission: str | None = None) -> Reply:
    return Reply(*budget_report(summary_of(budget_of(ctx.config, year, ctx.tr), mission, ctx.tr), ctx.tr, mission))


@command(
    "quote-part",
    aliases=("share",),
    args=(Arg("amount", AMOUNT), Arg("year", YEAR, optional=True)),
    help=N_("An amount split by the keys in force in a year (the current year by default)."),
    group=GROUP,
)
def quote_part(ctx: CommandContext, amount: Decimal, year: int | None = None) -> Reply:
    asked = ctx.current_year if year is None else year
    keys = keys_of(ctx.config, asked, ctx.tr)
    budget = ctx.config.budgets.get(asked)
    policy = budget.rounding if budget else RoundingPolicy.PER_MEMBER_HALF_UP
    parts = split(amount, keys.shares, policy)
    return _with_default_year(ctx, share_report(amount, asked, parts, keys, ctx.config, ctx.tr), year)


@command(
    "cles",
    aliases=("keys",),
    args=(Arg("year", YEAR, optional=True),),
    help=N_("The contribution keys in force in a year (the current year by default)."),
    group=GROUP,
)
def cles(ctx: CommandContext, year: int | None = None) -> Reply:
    asked = ctx.current_year if year is None else year
    return _with_default_year(ctx, keys_report(keys_of(ctx.config, asked, ctx.tr), ctx.config, ctx.tr, asked), year)
