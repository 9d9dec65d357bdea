"""Agenda commands: conferences (!conference and its sub-commands, !conferences), the ordre du jour (!odj and its
sub-commands) and the reminders (!rappels).

Which conference: a number (`<n>`) when given, else the next conference of the room the command is typed in, else
the only conference to come. A conference is changed, and its draft agenda read, only in its own room
(`app.conferences.conference_here`); its dates and reminders may be read from any served room. Every state change
is checked by the domain (`AgendaError`, worded by `reports.refusals`), then written with its reminders replanned
(`app.conferences`), in the command's transaction.
"""

from __future__ import annotations

from datetime import date, time

from tno_bot import storage
from tno_bot.app import conferences as agenda_app
from tno_bot.app.conferences import choose_conference as choose
from tno_bot.commands.arguments import (
    CONFERENCE_NO,
    DATE,
    PLACE,
    POINT_NO,
    POSITION,
    TIME,
    TITLE,
    bounded,
    choice,
    fold,
)
from tno_bot.commands.context import CommandContext
from tno_bot.commands.registry import Arg, ArgKind, command, take_line
from tno_bot.commands.refusals import refusal
from tno_bot.domain.agenda import AgendaError, Conference, Etat, OrdreDuJour, Reason, nouvelle_conference, timeline
from tno_bot.domain.calendar import local_date
from tno_bot.domain.roles import Action, AgendaAction
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import (
    agenda_report,
    announced,
    avis_message,
    conference_line,
    conference_title,
    countdown,
    ics_file,
    people_with_roles,
    proposal_message,
    reminder_item,
    timeline_report,
    when,
)
from tno_bot.reports.convocation import convocation_reply
from tno_bot.reports.message import Reply
from tno_bot.reports.readings import rules_source
from tno_bot.reports.refusals import sentence
from tno_bot.reports.text import Text

GROUP = N_("Agenda")
MAX_AVIS_CHARS = 2000 - 20
AVIS_TEXT = ArgKind(N_("text"), bounded(MAX_AVIS_CHARS), take=take_line)
# an "avis favorable" is the word alone: any other text ("favorable sous réserve de…") is an avis with remarks
FAVORABLE = ("favorable", "favourable")
LATE = ArgKind("hors-delai", choice("hors-delai", "late"), choices=("hors-delai",))  # shown as its choice
PAST = ArgKind("passees", choice("passees", "past"), choices=("passees",))


# --- which conference --------------------------------------------------------------------------------------------


def choose_conference(ctx: CommandContext, number: int | None = None) -> Conference:
    """Conference `number`, else the next one of this room, else the only one to come."""
    return choose(ctx.session, ctx.room_id, ctx.now, number)


def conference_here(ctx: CommandContext, number: int | None = None) -> Conference:
    """The conference chosen as `choose_conference` does, refused unless this room is its own (to act on it, or
    read its draft agenda)."""
    return agenda_app.conference_here(ctx.session, ctx.room_id, ctx.now, number)


def _roles(ctx: CommandContext) -> frozenset[str]:
    return ctx.config.roles_of(ctx.sender)


def _notice_warning(ctx: CommandContext, conference: Conference) -> str:
    notice = timeline(conference, ctx.config.agenda_rules).notice
    return ctx.tr.gettext(
        "Warning: the last day to send the agenda, {date} (D-{days}), is already past: the notice set by {source} "
        "can no longer be met. The président may send the agenda late with !odj envoyer hors-delai.",
        date=ctx.tr.date(notice.effective), days=-notice.count, source=rules_source(ctx.tr))


def _warning(ctx: CommandContext, conference: Conference, reason: Reason) -> str:
    if reason is Reason.NOTICE_PASSED:
        return _notice_warning(ctx, conference)
    return sentence(AgendaError(reason, day=conference.day), ctx.tr)


def _timeline_reply(ctx: CommandContext, conference: Conference, headline: str | None, warnings=()) -> Reply:
    odj = storage.load_agenda(ctx.session, conference.id)
    sentences = [_warning(ctx, conference, reason) for reason in warnings]
    pending = agenda_app.pending_reminders(ctx.session, conference)
    return Reply(*timeline_report(conference, odj, pending, ctx.config, ctx.now, ctx.tr, headline, sentences).done())


# --- !conference ------------------------------------------------------------------------------------------------


@command(
    "conference",
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("The next conference (or conference n): its date, its deadlines with countdowns, the state of its agenda, "
            "its reminders."),
    group=GROUP,
)
def conference(ctx: CommandContext, number: int | None = None) -> Reply:
    chosen = choose_conference(ctx, number)
    headline = ctx.tr.gettext("Next conference:") if number is None else None
    return _timeline_reply(ctx, chosen, headline)


@command(
    "nouvelle",
    aliases=("new",),
    parent="conference",
    args=(Arg("day", DATE), Arg("start", TIME), Arg("place", PLACE, optional=True)),
    actions=(AgendaAction.CONFERENCE_NOUVELLE,),
    help=N_("Plan a conference in this room: its timeline and its reminders are computed."),
)
def conference_nouvelle(ctx: CommandContext, day: date, start: time, place: str = "") -> Reply:
    planned, warnings = nouvelle_conference(day, start, place, roles=_roles(ctx), now=ctx.now,
                                            rules=ctx.config.agenda_rules)
    stored = agenda_app.create(ctx.session, ctx.config, planned, ctx.room_id, ctx.sender, ctx.now)
    return _timeline_reply(ctx, stored, ctx.tr.gettext("Conference no. {n} created.", n=stored.id), warnings)


@command(
    "deplacer",
    aliases=("move",),
    parent="conference",
    args=(Arg("number", CONFERENCE_NO), Arg("day", DATE), Arg("start", TIME)),
    actions=(AgendaAction.CONFERENCE_DEPLACER,),
    help=N_("Move a conference: every deadline and reminder is recomputed."),
)
def conference_deplacer(ctx: CommandContext, number: int, day: date, start: time) -> Reply:
    current = conference_here(ctx, number)
    try:
        moved, warnings = current.deplacer(day, start, roles=_roles(ctx), now=ctx.now, rules=ctx.config.agenda_rules)
    except AgendaError as error:
        raise refusal(error, ctx, conference=current)
    agenda_app.update(ctx.session, ctx.config, moved, ctx.now)
    headline = ctx.tr.gettext("Conference no. {n} moved from {before} to {after}; its deadlines and reminders are "
                              "recomputed.", n=moved.id, before=when(current.starts_at, ctx.tr),
                              after=when(moved.starts_at, ctx.tr))
    return announced(_timeline_reply(ctx, moved, headline, warnings), ctx.config, ctx.tr)


@command(
    "annuler",
    aliases=("cancel",),
    parent="conference",
    args=(Arg("number", CONFERENCE_NO),),
    actions=(AgendaAction.CONFERENCE_ANNULER,),
    help=N_("Cancel a conference: its reminders are cancelled."),
)
def conference_annuler(ctx: CommandContext, number: int) -> Reply:
    current = conference_here(ctx, number)
    try:
        cancelled = current.annuler(roles=_roles(ctx), now=ctx.now)
    except AgendaError as error:
        raise refusal(error, ctx, conference=current)
    pending = len(agenda_app.pending_reminders(ctx.session, current))
    agenda_app.update(ctx.session, ctx.config, cancelled, ctx.now)
    tr = ctx.tr
    sentence = tr.gettext("The {conference} is cancelled.", conference=conference_title(cancelled, tr))
    sentence += " " + tr.ngettext("{n} reminder cancelled.", "{n} reminders cancelled.", pending)
    return announced(Reply(*Text.empty().para(sentence).done()), ctx.config, tr)


@command(
    "ics",
    parent="conference",
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("An iCalendar file of a conference and its deadlines, to import in a calendar."),
)
def conference_ics_command(ctx: CommandContext, number: int | None = None) -> Reply:
    chosen = choose_conference(ctx, number)
    attachment = ics_file(chosen, agenda_app.timeline_of(ctx.session, ctx.config, chosen),
                          storage.load_agenda(ctx.session, chosen.id), ctx.config, ctx.tr, ctx.now)
    sentence = ctx.tr.gettext("The calendar of the {conference}: {file}", conference=conference_title(chosen, ctx.tr),
                              file=attachment.filename)
    return Reply(*Text.empty().para(sentence).done(), attachment=attachment)


@command(
    "conferences",
    args=(Arg("past", PAST, optional=True),),
    help=N_("The conferences to come, with countdowns; the past ones with “passees”."),
    group=GROUP,
)
def conferences(ctx: CommandContext, past: bool = False) -> Reply:
    tr = ctx.tr
    listed = [(c, room) for c, room in storage.all_conferences(ctx.session) if (c.starts_at <= ctx.now) == past]
    if past:
        listed.reverse()
    if not listed:
        return Reply(tr.gettext("No past conference.") if past else tr.gettext("No conference to come."))
    items = []
    for conf, _room in listed:
        odj = storage.load_agenda(ctx.session, conf.id)
        item = conference_line(conf, tr) + " — " + countdown(conf.day, ctx.now, tr)
        if conf.cancelled:
            item += " — " + tr.gettext("cancelled")
        elif not past:
            item += " — " + tr.gettext("agenda: {state}", state=_short_state(odj, tr))
        items.append(item)
    title = tr.gettext("Past conferences:") if past else tr.gettext("Conferences to come:")
    return Reply(*Text.empty().para(title).bullets(items).done())


def _short_state(odj: OrdreDuJour, tr: Translator) -> str:
    if odj.etat is Etat.BROUILLON:
        return tr.gettext("draft")
    if odj.etat is Etat.PROPOSE:
        return tr.gettext("proposed (version {version})", version=odj.current.numero)
    return tr.gettext("fixed (version {version})", version=odj.fixation.version)


# --- !odj -------------------------------------------------------------------------------------------------------


@command(
    "odj",
    aliases=("agenda",),
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("The agenda (ordre du jour) of a conference and its state: draft, proposed, fixed."),
    group=GROUP,
)
def odj(ctx: CommandContext, number: int | None = None) -> Reply:
    chosen = conference_here(ctx, number)
    return Reply(*agenda_report(chosen, storage.load_agenda(ctx.session, chosen.id), ctx.config, ctx.now, ctx.tr))


def _change(ctx: CommandContext, change) -> tuple[Conference, OrdreDuJour, OrdreDuJour]:
    """Apply `change(conference, odj) -> odj` to the chosen conference's agenda and write it; refusals worded."""
    chosen = conference_here(ctx)
    try:
        before, after = agenda_app.change_agenda(ctx.session, ctx.config, chosen, change, ctx.now)
    except AgendaError as error:
        raise refusal(error, ctx, conference=chosen)
    return chosen, before, after


def _draft_reply(ctx: CommandContext, conference: Conference, odj: OrdreDuJour, sentence: str) -> Reply:
    tr = ctx.tr
    text = Text.empty().para(sentence)
    text.para(tr.gettext("Draft agenda of the {conference}:", conference=conference_title(conference, tr)))
    if odj.brouillon:
        text.numbered(odj.brouillon)
    else:
        text.para(tr.gettext("No point yet: add one with !odj ajouter <title>."))
    return Reply(*text.done())


@command(
    "ajouter",
    aliases=("add",),
    parent="odj",
    args=(Arg("title", TITLE),),
    actions=(AgendaAction.ODJ_MODIFIER,),
    help=N_("Add a point at the end of the draft agenda."),
)
def odj_ajouter(ctx: CommandContext, title: str) -> Reply:
    chosen, _, after = _change(ctx, lambda c, o: o.ajouter(title, roles=_roles(ctx)))
    sentence = ctx.tr.gettext("Point {numero} added.", numero=len(after.brouillon))
    return _draft_reply(ctx, chosen, after, sentence)


@command(
    "retirer",
    aliases=("remove",),
    parent="odj",
    args=(Arg("numero", POINT_NO),),
    actions=(AgendaAction.ODJ_MODIFIER,),
    help=N_("Remove a point of the draft agenda."),
)
def odj_retirer(ctx: CommandContext, numero: int) -> Reply:
    chosen, before, after = _change(ctx, lambda c, o: o.retirer(numero, roles=_roles(ctx)))
    sentence = ctx.tr.gettext("Point {numero} removed: “{title}”.", numero=numero, title=before.brouillon[numero - 1])
    return _draft_reply(ctx, chosen, after, sentence)


@command(
    "deplacer",
    aliases=("move",),
    parent="odj",
    args=(Arg("numero", POINT_NO), Arg("position", POSITION)),
    actions=(AgendaAction.ODJ_MODIFIER,),
    help=N_("Move a point of the draft agenda to another position."),
)
def odj_deplacer(ctx: CommandContext, numero: int, position: int) -> Reply:
    chosen, _, after = _change(ctx, lambda c, o: o.deplacer(numero, position, roles=_roles(ctx)))
    sentence = ctx.tr.gettext("Point {numero} is now point {position}.", numero=numero, position=position)
    return _draft_reply(ctx, chosen, after, sentence)


@command(
    "envoyer",
    aliases=("send",),
    parent="odj",
    args=(Arg("late", LATE, optional=True),),
    actions=(AgendaAction.ODJ_ENVOYER, AgendaAction.ODJ_ENVOYER_HORS_DELAI),
    help=N_("Send the draft to the representatives as a numbered version: the reply window opens. After the notice "
            "deadline, only the président may send it, with “hors-delai”."),
)
def odj_envoyer(ctx: CommandContext, late: bool = False) -> Reply:
    config = ctx.config
    chosen, _, after = _change(ctx, lambda c, o: o.envoyer(by=ctx.sender, roles=_roles(ctx), now=ctx.now,
                                                           conference=c, rules=config.agenda_rules, hors_delai=late))
    plain, html = proposal_message(chosen, after, config, ctx.tr)
    return Reply(plain, html, mentions=tuple(p.matrix_id for p in config.people))


@command(
    "avis",
    aliases=("reply",),
    parent="odj",
    args=(Arg("text", AVIS_TEXT),),
    actions=(AgendaAction.ODJ_AVIS,),
    help=N_("Give an avis on the proposed agenda while the reply window is open: your remarks or reservations, after "
            "which it is not fixed tacitly; or the word “favorable” alone for a favourable avis."),
)
def odj_avis(ctx: CommandContext, text: str) -> Reply:
    favorable = fold(text.rstrip(".! ")) in FAVORABLE
    text = "" if favorable else text
    chosen, _, after = _change(ctx, lambda c, o: o.donner_avis(text, by=ctx.sender, roles=_roles(ctx), now=ctx.now,
                                                               favorable=favorable))
    given = after.avis[-1]
    plain, html = avis_message(chosen, after, given, ctx.config, ctx.tr)
    to_act = given in after.avis_bloquants  # the président and the comité technique must then act
    return Reply(plain, html, mentions=people_with_roles(ctx.config, ("president", "comite_technique")) if to_act
                 else ())


@command(
    "amender",
    aliases=("amend",),
    parent="odj",
    actions=(AgendaAction.ODJ_AMENDER,),
    help=N_("After an avis, turn the proposed version back into a draft, to change it and send a new version."),
)
def odj_amender(ctx: CommandContext) -> Reply:
    chosen, before, after = _change(ctx, lambda c, o: o.amender(roles=_roles(ctx)))
    sentence = ctx.tr.gettext("Version {version} is back to a draft: change it, then send version {next} with "
                              "!odj envoyer.", version=before.current.numero, next=before.current.numero + 1)
    return _draft_reply(ctx, chosen, after, sentence)


@command(
    "fixer",
    aliases=("fix",),
    parent="odj",
    actions=(AgendaAction.ODJ_FIXER,),
    help=N_("Fix the proposed agenda, after an avis or a late sending: it is then locked."),
)
def odj_fixer(ctx: CommandContext) -> Reply:
    chosen, _, after = _change(ctx, lambda c, o: o.fixer(by=ctx.sender, roles=_roles(ctx), now=ctx.now))
    return [Reply(*agenda_report(chosen, after, ctx.config, ctx.now, ctx.tr)),
            convocation_reply(chosen, after, ctx.config, ctx.tr, ctx.now)]


@command(
    "convocation",
    aliases=("convene",),
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    actions=(Action.CONVOQUER,),
    help=N_("Post the convocation to the next conference (or conference n), PDF and ODT, in the conference's room, "
            "the representatives mentioned: once its agenda is fixed (it is posted then by itself)."),
    group=GROUP,
)
def convocation(ctx: CommandContext, number: int | None = None) -> list[Reply]:
    chosen = conference_here(ctx, number)  # posted with the representatives mentioned: in its own room
    try:
        odj = agenda_app.fixed_agenda(ctx.session, chosen)
    except AgendaError as error:
        raise refusal(error, ctx, conference=chosen)
    return convocation_reply(chosen, odj, ctx.config, ctx.tr, ctx.now)


# --- !rappels ---------------------------------------------------------------------------------------------------


@command(
    "rappels",
    aliases=("reminders",),
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("The reminders to come, with their dates, and the ones missed while the bot was down."),
    group=GROUP,
)
def rappels(ctx: CommandContext, number: int | None = None) -> Reply:
    tr = ctx.tr
    if number is not None:
        chosen = [choose_conference(ctx, number)]
    else:
        chosen = [c for c, _ in storage.all_conferences(ctx.session) if c.starts_at > ctx.now]
    text = Text.empty()
    for conf in chosen:
        rows = storage.reminders_of(ctx.session, conf.id, [storage.REMINDER_PENDING, storage.REMINDER_MISSED])
        to_come = [reminder_item(storage.as_reminder(r), tr) for r in rows if r.status == storage.REMINDER_PENDING]
        missed = [tr.gettext("{item} — missed: the bot was down and it was no longer relevant on {date}.",
                             item=reminder_item(storage.as_reminder(r), tr), date=tr.date(local_date(r.done_at)))
                  for r in rows if r.status == storage.REMINDER_MISSED]
        text.para(conference_line(conf, tr) + (" — " + tr.gettext("cancelled") if conf.cancelled else ""))
        if to_come:
            text.bullets(to_come)
        elif not missed:
            text.bullets([tr.gettext("No reminder to come.")])
        if missed:
            text.para(tr.gettext("Missed reminders:")).bullets(missed)
    if not chosen:
        text.para(tr.gettext("No conference to come, so no reminder."))
    return Reply(*text.done())
