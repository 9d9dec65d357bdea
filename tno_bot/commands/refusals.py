"""A domain refusal answered in the room: the sentence of `reports.refusals`, with the usage line when the input
was impossible (the reasons of `USAGE`)."""

from __future__ import annotations

from typing import Any

from tno_bot.commands.context import CommandContext
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.domain.agenda import Reason as AgendaReason
from tno_bot.domain.attendance import Reason as AttendanceReason
from tno_bot.domain.funding import FundingReason
from tno_bot.domain.parsing import ParseReason
from tno_bot.domain.ratification import Reason as RatificationReason
from tno_bot.domain.refusals import Refused
from tno_bot.domain.seance import Reason as SeanceReason
from tno_bot.domain.voting import Reason as VoteReason
from tno_bot.reports.refusals import sentence

USAGE = frozenset({
    *FundingReason,
    *ParseReason,
    AgendaReason.IN_PAST, AgendaReason.TOO_FAR, AgendaReason.EMPTY_TITLE, AgendaReason.EMPTY_TEXT, AgendaReason.NO_SUCH_POINT,
    AgendaReason.BAD_POSITION, AgendaReason.NO_SUCH_CONFERENCE,
    AttendanceReason.NAME_THE_MANDANT,
    SeanceReason.NO_CONFERENCE_TODAY, SeanceReason.SEVERAL_CONFERENCES_TODAY, SeanceReason.OTHER_DAY,
    VoteReason.NOT_ON_AGENDA, VoteReason.MISSION_NOT_STARTED,
    RatificationReason.BEFORE_DECISION, RatificationReason.IN_THE_FUTURE, RatificationReason.INVALID_NUMBER,
    RatificationReason.NEGATIVE_COUNT, RatificationReason.COUNTS_CONTRADICT_OUTCOME,
    RatificationReason.BEFORE_DELIBERATION, RatificationReason.IDENTIFIER_MALFORMED,
    RatificationReason.NO_SUCH_DECISION,
})


def is_usage(error: Refused) -> bool:
    """Whether the input was impossible (a point not on an agenda that has points, not one that has none)."""
    if error.reason is VoteReason.NOT_ON_AGENDA:
        return bool(error.params["agenda"])
    return error.reason in USAGE


def refusal(error: Refused, ctx: CommandContext, **context: Any) -> CommandError:
    text = sentence(error, ctx.tr, ctx.config, sender=ctx.sender, room_name=ctx.room_name, **context)
    return UsageError(text) if is_usage(error) else CommandError(text)
