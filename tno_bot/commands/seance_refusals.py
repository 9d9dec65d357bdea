"""The wording of the séance refusals: each decision is the domain's (`attendance`, `voting`, `seance`), whose reason
codes are worded here, and the role check of the commands whose arguments decide who may run them.
"""

from __future__ import annotations

from tno_bot.commands.context import CommandContext
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.registry import ROLE_LABELS, grammatical_number
from tno_bot.domain.agenda import Conference, Etat
from tno_bot.domain.attendance import AttendanceRefused
from tno_bot.domain.attendance import Reason as AttendanceReason
from tno_bot.domain.seance import Reason as SeanceReason
from tno_bot.domain.seance import Seance, SeanceRefused
from tno_bot.domain.voting import Reason as VoteReason
from tno_bot.domain.voting import VoteRefused
from tno_bot.reports.agenda import conference_title
from tno_bot.reports.seance import at_time


def _name(ctx: CommandContext, matrix_id: str) -> str:
    return ctx.config.display_name(matrix_id)


def _member_names(ctx: CommandContext, members) -> str:
    return ctx.tr.join_and(ctx.config.member(m).name if ctx.config.member(m) else m for m in members)


def attendance_refusal(error: AttendanceRefused, ctx: CommandContext,
                       before: Conference | None = None) -> CommandError:
    """`before`: the conference whose séance is to come, for a pouvoir given or revoked before it."""
    tr, p, code = ctx.tr, error.params, error.reason
    if code is AttendanceReason.NOT_IN_CAST:
        return CommandError(tr.gettext(
            "{name} is neither a representative nor a named member of the staff of the conference: their attendance "
            "is not recorded.", name=_name(ctx, p["person"])))
    if code is AttendanceReason.GIVER_NOT_REPRESENTATIVE:
        return CommandError(tr.gettext("Only a representative gives a pouvoir; {name} is not one.",
                                       name=_name(ctx, p["mandant"])))
    if code is AttendanceReason.GIVER_NOT_TITULAIRE:
        return CommandError(tr.gettext(
            "{name} is a suppléant: a suppléant has no seat of their own to delegate, only a titulaire gives a "
            "pouvoir.", name=_name(ctx, p["mandant"])))
    if code is AttendanceReason.GIVER_PRESENT:
        return CommandError(tr.gettext(
            "{name} is recorded present: a representative who is present votes in person and gives no pouvoir. "
            "Record the absence first (!absent or !excuse).", name=_name(ctx, p["mandant"])))
    if code is AttendanceReason.ALREADY_GIVEN and p["mandant"] != ctx.sender:
        return CommandError(tr.gettext(
            "{name} has already given a pouvoir to {mandataire}: revoke it first with !pouvoir retirer {name}.",
            name=_name(ctx, p["mandant"]), mandataire=_name(ctx, p["mandataire"])))
    if code is AttendanceReason.ALREADY_GIVEN:
        return CommandError(tr.gettext(
            "{name} has already given a pouvoir to {mandataire}: revoke it first with !pouvoir retirer.",
            name=_name(ctx, p["mandant"]), mandataire=_name(ctx, p["mandataire"])))
    if code is AttendanceReason.SELF_POUVOIR:
        return CommandError(tr.gettext("A pouvoir is given to another representative, not to oneself."))
    if code is AttendanceReason.HOLDER_NOT_REPRESENTATIVE:
        return CommandError(tr.gettext(
            "{name} is not a representative at the conference: a pouvoir is given to a representative only.",
            name=_name(ctx, p["mandataire"])))
    if code is AttendanceReason.HOLDER_FULL:
        return CommandError(tr.ngettext(
            "{name} already holds {n} pouvoir (from {mandants}): that is the limit per representative.",
            "{name} already holds {n} pouvoirs (from {mandants}): that is the limit per representative.",
            p["limit"], name=_name(ctx, p["mandataire"]),
            mandants=tr.join_and(_name(ctx, m) for m in p["mandants"])))
    if code is AttendanceReason.NO_POUVOIR and before is not None:
        return CommandError(tr.gettext(
            "{name} has given no pouvoir for the séance of the {conference}: there is nothing to revoke.",
            name=_name(ctx, p["mandant"]), conference=conference_title(before, tr)))
    if code is AttendanceReason.NO_POUVOIR:
        return CommandError(tr.gettext("{name} has given no pouvoir in this séance: there is nothing to revoke.",
                                       name=_name(ctx, p["mandant"])))
    raise error  # a new reason code, not worded yet: a bug


def vote_refusal(error: VoteRefused, ctx: CommandContext, seance: Seance | None = None) -> CommandError:
    tr, p, code = ctx.tr, error.params, error.reason
    if code is VoteReason.NOT_ON_AGENDA:
        if not p["agenda"]:
            return CommandError(tr.gettext("The fixed agenda of this séance has no point."))
        return UsageError(tr.ngettext(
            "Point {item} is not on the fixed agenda of this séance: it has {n} point (!seance shows them).",
            "Point {item} is not on the fixed agenda of this séance: it has {n} points (!seance shows them).",
            len(p["agenda"]), item=p["item"]))
    if code is VoteReason.QUORUM_NOT_REACHED:
        return CommandError(tr.gettext(
            "The quorum is not reached: no representative of {members} is present (pouvoirs do not count). "
            "Nothing can be voted until it is.", members=_member_names(ctx, p["missing"])))
    if code is VoteReason.VOTE_CLOSED:
        return CommandError(tr.gettext("This vote is closed: its result can no longer change."))
    if code is VoteReason.DUPLICATE_EVENT:
        return CommandError(tr.gettext("This message was already counted as a ballot."))
    if code is VoteReason.NOT_IN_CAST:
        return CommandError(tr.gettext(
            "{name} is not a representative at the conference: only the representatives vote.",
            name=_name(ctx, p["voter"])))
    if code is VoteReason.NOT_PRESENT:
        return CommandError(tr.gettext(
            "{name} is not recorded present: record the presence with !present first.", name=_name(ctx, p["voter"])))
    if code is VoteReason.NO_RIGHT_TO_VOTE:
        return CommandError(tr.gettext(
            "{name} is present but votes for no seat: the titulaires of the member vote (a suppléant votes only in "
            "place of an absent titulaire who gave no pouvoir).", name=_name(ctx, p["voter"])))
    if code is VoteReason.MANDANT_REQUIRED:
        return CommandError(tr.gettext(
            "{name} votes only by pouvoir here: name the mandant, for example !vote pour {mandant}.",
            name=_name(ctx, p["voter"]), mandant=_name(ctx, p["mandants"][0])))
    if code is VoteReason.MANDANT_NOT_REPRESENTED:
        return CommandError(tr.gettext(
            "{name} does not vote for the seat of {mandant}: no pouvoir of {mandant} to {name} is in force, or "
            "{mandant} is present.", name=_name(ctx, p["voter"]), mandant=_name(ctx, p["mandant"])))
    raise error  # a new reason code, not worded yet: a bug


def seance_refusal(error: SeanceRefused, ctx: CommandContext, conference: Conference | None = None) -> CommandError:
    tr, p, code = ctx.tr, error.params, error.reason
    if code is SeanceReason.CANCELLED:
        return CommandError(tr.gettext("Conference no. {n} is cancelled: it has no séance.", n=p["conference"]))
    if code is SeanceReason.AGENDA_NOT_FIXED:
        if p["etat"] is Etat.PROPOSE:
            why = tr.gettext("its agenda is proposed and not fixed yet (tacitly at the end of the reply window, or by "
                             "the président with !odj fixer).")
        else:
            why = tr.gettext("its agenda is still a draft: it must be sent (!odj envoyer) and fixed.")
        return CommandError(tr.gettext("The séance of conference no. {n} cannot open: {why}", n=p["conference"],
                                       why=why))
    if code is SeanceReason.CLOSED:
        return CommandError(tr.gettext("The séance was closed at {time}: nothing can change any more.",
                                       time=at_time(p["closed_at"], tr)))
    if code is SeanceReason.SUSPENDED:
        return CommandError(tr.gettext("The séance is suspended since {time}: resume it first with !seance reprendre.",
                                       time=at_time(p["since"], tr)))
    if code is SeanceReason.NOT_SUSPENDED:
        return CommandError(tr.gettext("The séance is not suspended."))
    raise error  # a new reason code, not worded yet: a bug


def _only(ctx: CommandContext, roles: frozenset[str], action: str) -> None:
    """Refuse unless the sender has one of `roles`; `action` is a msgid."""
    if roles & ctx.config.roles_of(ctx.sender):
        return
    tr = ctx.tr
    names = tr.join_or([tr.gettext(ROLE_LABELS[r]) for r in sorted(roles)])
    raise CommandError(tr.ngettext("Only {roles} may {action}.", "Only {roles} may {action}.",
                                   grammatical_number(roles), roles=names, action=tr.gettext(action)))
