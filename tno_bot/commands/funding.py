"""Funding commands: the call for funds, a budget, a share of an amount, the keys in force, the missions."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from tno_bot.app.decisions import admissions
from tno_bot.app.funding import budget_of, key_sets_for, keys_of, share_of, summary_of
from tno_bot.app.members import in_office
from tno_bot.commands.arguments import MISSION_KIND
from tno_bot.commands.context import CommandContext
from tno_bot.commands.registry import AMOUNT, MEMBER, MISSION, YEAR, Arg, command
from tno_bot.domain.calendar import local_date
from tno_bot.domain.funding import call_for_funds
from tno_bot.i18n import N_
from tno_bot.reports.funding import appel_report, budget_report, keys_report, share_report
from tno_bot.reports.message import Reply
from tno_bot.reports.missions import missions_report

GROUP = N_("Funding")


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
    call = call_for_funds(budget_of(ctx.config, year), key_sets_for(ctx.config, year))
    return Reply(*appel_report(call, ctx.config, ctx.tr, member.id if member else None))


@command(
    "budget",
    args=(Arg("year", YEAR), Arg("mission", MISSION, optional=True)),
    help=N_("The budget of a year: expenses by mission and section, receipts and balance; the lines of one mission."),
    group=GROUP,
)
def budget(ctx: CommandContext, year: int, mission: str | None = None) -> Reply:
    return Reply(*budget_report(summary_of(ctx.config, year, mission), ctx.tr, mission))


@command(
    "quote-part",
    aliases=("share",),
    args=(Arg("amount", AMOUNT), Arg("year", YEAR, optional=True)),
    help=N_("An amount split by the keys in force in a year (the current year by default)."),
    group=GROUP,
)
def quote_part(ctx: CommandContext, amount: Decimal, year: int | None = None) -> Reply:
    asked = ctx.current_year if year is None else year
    keys, parts = share_of(ctx.config, amount, asked)
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
    return _with_default_year(ctx, keys_report(keys_of(ctx.config, asked), ctx.config, ctx.tr, asked), year)


@command(
    "missions",
    args=(Arg("kind", MISSION_KIND, optional=True),),
    help=N_("The missions of the entente with their members today: the missions socles (every member) and the "
            "missions spécifiques (some members); “socles” or “specifiques” lists one kind."),
    group=GROUP,
)
def missions(ctx: CommandContext, kind: str | None = None) -> Reply:
    today = in_office(ctx.config, local_date(ctx.now), admissions(ctx.session, ctx.config))
    listed = [(m, m.members_on(today)) for m in ctx.config.missions if kind in (None, m.kind)]
    return Reply(*missions_report(listed, ctx.config, ctx.tr))
