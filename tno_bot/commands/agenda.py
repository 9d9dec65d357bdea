"""Agenda commands: conferences (!conference and its sub-commands, !conferences), the ordre du jour (!odj and its
sub-commands) and the reminders (!rappels).

Which conference: a number (`<n>`) when given, else the next conference of the room the command is typed in, else
the only conference to come. Every state change is checked by the domain (`AgendaError`, worded here), then written
with its reminders replanned, in the command's transaction.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time

from tno_bot import storage
from tno_bot.commands.arguments import fold, shorten
from tno_bot.commands.context import Attachment, CommandContext, Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.registry import ROLE_LABELS, Arg, ArgKind, command, grammatical_number, take_line
from tno_bot.config import Config
from tno_bot.domain.agenda import (
    AgendaError,
    Conference,
    Etat,
    OrdreDuJour,
    Reason,
    nouvelle_conference,
    timeline,
)
from tno_bot.domain.calendar import local_date
from tno_bot.domain.ics import conference_ics
from tno_bot.domain.reminders import Reminder
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import (
    ACTION_LABELS,
    Text,
    agenda_report,
    avis_message,
    conference_line,
    conference_title,
    countdown,
    ics_summary,
    people_with_roles,
    proposal_message,
    reminder_item,
    timeline_report,
    when,
)

GROUP = N_("Agenda")
MAX_PLACE_CHARS = 200
MAX_TITLE_CHARS = 300
MAX_AVIS_CHARS = 2000 - 20
ICS_MIMETYPE = "text/calendar"

PRESIDENCY = frozenset({"president", "secretariat"})
DRAFTERS = frozenset({"comite_technique", "secretariat"})

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"([01]?\d|2[0-3])(?::|h|H)([0-5]\d)?")
_NUMBER = re.compile(r"(?:n°|no\.?|#)?\s*(\d{1,9})", re.IGNORECASE)


# --- arguments ---------------------------------------------------------------------------------------------------


def _parse_date(text: str, ctx: CommandContext) -> date:
    match = _ISO_DATE.fullmatch(text)
    parts = (match[1], match[2], match[3]) if match else None
    if parts is None and (match := _FR_DATE.fullmatch(text)):
        parts = (match[3], match[2], match[1])
    try:
        if parts is None:
            raise ValueError
        return date(*(int(p) for p in parts))
    except ValueError:
        raise UsageError(ctx.tr.gettext("“{text}” is not a date: write it as YYYY-MM-DD, for example 2025-11-07.",
                                        text=shorten(text)))


def _parse_time(text: str, ctx: CommandContext) -> time:
    match = _TIME.fullmatch(text)
    if match is None:
        raise UsageError(ctx.tr.gettext("“{text}” is not a time: write it as HH:MM, for example 14:30.",
                                        text=shorten(text)))
    return time(int(match[1]), int(match[2] or 0))


def _parse_number(text: str, ctx: CommandContext) -> int:
    match = _NUMBER.fullmatch(text)
    if match is None or int(match[1]) == 0:
        raise UsageError(ctx.tr.gettext("“{text}” is not a number: write a whole number such as 2.",
                                        text=shorten(text)))
    return int(match[1])


def _bounded(limit: int):
    def parse(text: str, ctx: CommandContext) -> str:
        if len(text) > limit:
            raise UsageError(ctx.tr.gettext("This text is {length} characters long; at most {limit} are accepted here.",
                                            length=ctx.tr.number(len(text)), limit=ctx.tr.number(limit)))
        return text
    return parse


def _choice(*words: str):
    def parse(text: str, ctx: CommandContext) -> bool:
        if fold(text) not in words:
            raise UsageError(ctx.tr.gettext("Unexpected “{text}”: write {choices}.", text=shorten(text),
                                            choices=ctx.tr.join_or(words[:1])))
        return True
    return parse


DATE = ArgKind(N_("YYYY-MM-DD"), _parse_date)
TIME = ArgKind(N_("HH:MM"), _parse_time)
CONFERENCE_NO = ArgKind(N_("n"), _parse_number)
POINT_NO = ArgKind(N_("point no."), _parse_number)
POSITION = ArgKind(N_("position"), _parse_number)
PLACE = ArgKind(N_("place…"), _bounded(MAX_PLACE_CHARS), take=take_line)
TITLE = ArgKind(N_("title"), _bounded(MAX_TITLE_CHARS), take=take_line)
AVIS_TEXT = ArgKind(N_("text"), _bounded(MAX_AVIS_CHARS), take=take_line)
LATE = ArgKind("hors-delai", _choice("hors-delai", "late"), choices=("hors-delai",))  # shown as its choice
PAST = ArgKind("passees", _choice("passees", "past"), choices=("passees",))


# --- refusals ----------------------------------------------------------------------------------------------------


def refusal(error: AgendaError, ctx: CommandContext, conference: Conference | None = None,
            odj: OrdreDuJour | None = None) -> CommandError:
    """A domain refusal as a sentence of the room's language (UsageError when the input was impossible)."""
    tr, d, code = ctx.tr, error.details, error.code
    number = conference.id if conference else None
    if code is Reason.FORBIDDEN:
        roles = tr.join_or([tr.gettext(ROLE_LABELS[r]) for r in sorted(d["allowed"])])
        sentence = tr.ngettext("Only {roles} may {action}.", "Only {roles} may {action}.",
                               grammatical_number(d["allowed"]), roles=roles,
                               action=tr.gettext(ACTION_LABELS[d["action"]]))
        if d["action"].value == "odj_envoyer":
            sentence += " " + tr.gettext("After the notice deadline, the président may send it with "
                                         "!odj envoyer hors-delai.")
        return CommandError(sentence)
    if code is Reason.IN_PAST:
        return UsageError(tr.gettext("{when} is already past: a conference is planned in the future.",
                                     when=when(d["starts_at"], tr)))
    if code is Reason.CANCELLED:
        return CommandError(tr.gettext("Conference no. {n} is cancelled: nothing can be changed any more.", n=number))
    if code is Reason.CONFERENCE_STARTED:
        return CommandError(tr.gettext("Conference no. {n} has already started: nothing can be changed any more.",
                                       n=number))
    if code is Reason.NOTICE_PASSED:
        notice = d["notice"]
        return CommandError(tr.gettext(
            "Too late to send the agenda: the last day was {date} (D-{days}, calendar days). The président may still "
            "send it with !odj envoyer hors-delai; this will be recorded and shown with the agenda.",
            date=tr.date(notice.effective), days=-notice.days))
    if code is Reason.LOCKED:
        fixation = odj.fixation if odj else None
        return CommandError(tr.gettext("The agenda is fixed (version {version}, on {date}): it can no longer change.",
                                       version=fixation.version if fixation else "?",
                                       date=tr.date(fixation.day) if fixation else "?"))
    if code is Reason.NOT_DRAFT:
        return CommandError(tr.gettext(
            "Version {version} of the agenda is sent and waiting for replies: it can be changed only after an avis, "
            "with !odj amender.", version=odj.current.numero if odj and odj.current else "?"))
    if code is Reason.NOT_PROPOSED:
        return CommandError(tr.gettext("The agenda has not been sent: no proposal is waiting for replies."))
    if code is Reason.EMPTY_TITLE:
        return UsageError(tr.gettext("Give the title of the point."))
    if code is Reason.EMPTY_TEXT:
        return UsageError(tr.gettext("Write your avis after the command."))
    if code is Reason.EMPTY_AGENDA:
        return CommandError(tr.gettext("The draft agenda has no point: add one with !odj ajouter <title> first."))
    if code is Reason.NO_SUCH_POINT:
        if d["count"] == 0:
            return UsageError(tr.gettext("The draft agenda has no point yet."))
        return UsageError(tr.ngettext("There is no point {numero}: the draft has {n} point.",
                                      "There is no point {numero}: the draft has {n} points.", d["count"],
                                      numero=d["numero"]))
    if code is Reason.BAD_POSITION:
        return UsageError(tr.gettext("Position {position} is not possible: choose a position from 1 to {count}.",
                                     position=d["position"], count=d["count"]))
    if code is Reason.WINDOW_CLOSED:
        return CommandError(tr.gettext("The reply window closed at the end of {date}: avis are no longer accepted.",
                                       date=tr.date(d["window"].effective)))
    if code is Reason.WINDOW_OPEN:
        return CommandError(tr.gettext("The reply window is open until {date} inclusive.",
                                       date=tr.date(d["window"].effective)))
    if code is Reason.NO_AVIS:
        version = odj.current if odj else None
        return CommandError(tr.gettext(
            "No avis was given on version {version}: it will be fixed tacitly at the end of {date}, when the reply "
            "window closes.", version=version.numero if version else "?",
            date=tr.date(version.window.effective) if version else "?"))
    if code is Reason.AVIS_GIVEN:
        return CommandError(tr.gettext("An avis was given: the agenda will not be fixed tacitly."))
    raise error  # a new reason code, not worded yet: a bug


# --- which conference --------------------------------------------------------------------------------------------


def _to_come(ctx: CommandContext) -> list[tuple[Conference, str]]:
    return [(c, room) for c, room in storage.all_conferences(ctx.session)
            if not c.cancelled and c.starts_at > ctx.now]


def choose_conference(ctx: CommandContext, number: int | None = None) -> Conference:
    """Conference `number`, else the next one of this room, else the only one to come."""
    tr = ctx.tr
    if number is not None:
        conference = storage.get_conference(ctx.session, number)
        if conference is None:
            raise UsageError(tr.gettext("There is no conference no. {n}: !conferences lists them.", n=number))
        return conference
    to_come = _to_come(ctx)
    here = [c for c, room in to_come if room == ctx.room_id]
    if here:
        return here[0]
    if len(to_come) == 1:
        return to_come[0][0]
    if not to_come:
        raise CommandError(tr.gettext("No conference is planned. Create one with "
                                      "!conference nouvelle <YYYY-MM-DD> <HH:MM> [place]."))
    raise CommandError(tr.ngettext(
        "No conference is planned in this room, and {n} elsewhere: give its number (!conferences lists them).",
        "No conference is planned in this room, and {n} elsewhere: give its number (!conferences lists them).",
        len(to_come)))


def _pending(ctx: CommandContext, conference: Conference) -> list[Reminder]:
    rows = storage.reminders_of(ctx.session, conference.id, [storage.REMINDER_PENDING])
    return [storage.as_reminder(r) for r in rows]


def _replan(ctx: CommandContext, conference_id: int) -> None:
    storage.replan_reminders(ctx.session, conference_id, ctx.config.agenda_rules, ctx.config.reminders, ctx.now)


def _roles(ctx: CommandContext) -> frozenset[str]:
    return ctx.config.roles_of(ctx.sender)


def _notice_warning(ctx: CommandContext, conference: Conference) -> str:
    notice = timeline(conference, ctx.config.agenda_rules).notice
    return ctx.tr.gettext(
        "Warning: the last day to send the agenda, {date} (D-{days}), is already past: the notice of the convention "
        "can no longer be met. The président may send the agenda late with !odj envoyer hors-delai.",
        date=ctx.tr.date(notice.effective), days=ctx.config.rules.agenda_notice_days)


def _timeline_reply(ctx: CommandContext, conference: Conference, headline: str | None, warnings=()) -> Reply:
    odj = storage.load_agenda(ctx.session, conference.id)
    text = Text.empty()
    for reason in warnings:
        if reason is Reason.NOTICE_PASSED:
            text.para(_notice_warning(ctx, conference))
    report = timeline_report(conference, odj, _pending(ctx, conference), ctx.config, ctx.now, ctx.tr, headline)
    cut = 1 if headline else 0
    return Reply(*Text(report.plain[:cut] + text.plain + report.plain[cut:],
                       report.html[:cut] + text.html + report.html[cut:]).done())


def in_conference_room(ctx: CommandContext, conference: Conference, reply: Reply) -> list[Reply]:
    """`reply` where the conference's people are: its room; typed elsewhere, the command gets a short notice."""
    room_id = storage.conference_room(ctx.session, conference.id)
    if room_id in (None, ctx.room_id):
        return [reply]
    tr = ctx.tr
    notice = tr.gettext("Posted in the room of the {conference}.", conference=conference_title(conference, tr))
    return [Reply(notice), replace(reply, room_id=room_id)]


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
    roles=PRESIDENCY,
    help=N_("Plan a conference in this room: its timeline and its reminders are computed."),
)
def conference_nouvelle(ctx: CommandContext, day: date, start: time, place: str = "") -> Reply:
    try:
        planned, warnings = nouvelle_conference(day, start, place, roles=_roles(ctx), now=ctx.now,
                                                rules=ctx.config.agenda_rules)
    except AgendaError as error:
        raise refusal(error, ctx)
    stored = storage.add_conference(ctx.session, planned, ctx.room_id, ctx.sender, ctx.now)
    _replan(ctx, stored.id)
    return _timeline_reply(ctx, stored, ctx.tr.gettext("Conference no. {n} created.", n=stored.id), warnings)


@command(
    "deplacer",
    aliases=("move",),
    parent="conference",
    args=(Arg("number", CONFERENCE_NO), Arg("day", DATE), Arg("start", TIME)),
    roles=PRESIDENCY,
    help=N_("Move a conference: every deadline and reminder is recomputed."),
)
def conference_deplacer(ctx: CommandContext, number: int, day: date, start: time) -> list[Reply]:
    current = choose_conference(ctx, number)
    try:
        moved, warnings = current.deplacer(day, start, roles=_roles(ctx), now=ctx.now, rules=ctx.config.agenda_rules)
    except AgendaError as error:
        raise refusal(error, ctx, current)
    storage.update_conference(ctx.session, moved, ctx.now)
    _replan(ctx, moved.id)
    headline = ctx.tr.gettext("Conference no. {n} moved from {before} to {after}; its deadlines and reminders are "
                              "recomputed.", n=moved.id, before=when(current.starts_at, ctx.tr),
                              after=when(moved.starts_at, ctx.tr))
    return in_conference_room(ctx, moved, _timeline_reply(ctx, moved, headline, warnings))


@command(
    "annuler",
    aliases=("cancel",),
    parent="conference",
    args=(Arg("number", CONFERENCE_NO),),
    roles=PRESIDENCY,
    help=N_("Cancel a conference: its reminders are cancelled."),
)
def conference_annuler(ctx: CommandContext, number: int) -> list[Reply]:
    current = choose_conference(ctx, number)
    try:
        cancelled = current.annuler(roles=_roles(ctx), now=ctx.now)
    except AgendaError as error:
        raise refusal(error, ctx, current)
    pending = len(_pending(ctx, current))
    storage.update_conference(ctx.session, cancelled, ctx.now)
    _replan(ctx, cancelled.id)
    tr = ctx.tr
    sentence = tr.gettext("The {conference} is cancelled.", conference=conference_title(cancelled, tr))
    sentence += " " + tr.ngettext("{n} reminder cancelled.", "{n} reminders cancelled.", pending)
    return in_conference_room(ctx, cancelled, Reply(*Text.empty().para(sentence).done()))


def ics_file(session, config: Config, conference: Conference, tr: Translator, now: datetime) -> Attachment:
    """The iCalendar file of a stored conference and its deadlines (shared with `tno-bot ics`)."""
    odj = storage.load_agenda(session, conference.id)
    data = conference_ics(conference, timeline(conference, config.agenda_rules, odj),
                          summary=lambda event: ics_summary(event, conference, tr), clock=lambda: now)
    return Attachment(f"conference-{conference.id}.ics", ICS_MIMETYPE, data)


@command(
    "ics",
    parent="conference",
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("An iCalendar file of a conference and its deadlines, to import in a calendar."),
)
def conference_ics_command(ctx: CommandContext, number: int | None = None) -> Reply:
    chosen = choose_conference(ctx, number)
    attachment = ics_file(ctx.session, ctx.config, chosen, ctx.tr, ctx.now)
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
    chosen = choose_conference(ctx, number)
    return Reply(*agenda_report(chosen, storage.load_agenda(ctx.session, chosen.id), ctx.config, ctx.now, ctx.tr))


def _change(ctx: CommandContext, change) -> tuple[Conference, OrdreDuJour, OrdreDuJour]:
    """Apply `change(conference, odj) -> odj` to the chosen conference's agenda and write it; refusals worded."""
    chosen = choose_conference(ctx)
    before = storage.load_agenda(ctx.session, chosen.id)
    try:
        if chosen.cancelled:
            raise AgendaError(Reason.CANCELLED)
        after = change(chosen, before)
    except AgendaError as error:
        raise refusal(error, ctx, chosen, before)
    storage.save_agenda(ctx.session, chosen.id, after)
    _replan(ctx, chosen.id)
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
    roles=DRAFTERS,
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
    roles=DRAFTERS,
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
    roles=DRAFTERS,
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
    roles=frozenset({"comite_technique", "president"}),
    help=N_("Send the draft to the representatives as a numbered version: the reply window opens. After the notice "
            "deadline, only the président may send it, with “hors-delai”."),
)
def odj_envoyer(ctx: CommandContext, late: bool = False) -> list[Reply]:
    config = ctx.config
    chosen, _, after = _change(ctx, lambda c, o: o.envoyer(by=ctx.sender, roles=_roles(ctx), now=ctx.now,
                                                           conference=c, rules=config.agenda_rules, hors_delai=late))
    plain, html = proposal_message(chosen, after, config, ctx.tr)
    return in_conference_room(ctx, chosen, Reply(plain, html, mentions=tuple(p.matrix_id for p in config.people)))


@command(
    "avis",
    aliases=("reply",),
    parent="odj",
    args=(Arg("text", AVIS_TEXT),),
    roles=frozenset({"representant"}),
    help=N_("Give an avis on the proposed agenda while the reply window is open: it will not be fixed tacitly."),
)
def odj_avis(ctx: CommandContext, text: str) -> Reply:
    chosen, _, after = _change(ctx, lambda c, o: o.donner_avis(text, by=ctx.sender, roles=_roles(ctx), now=ctx.now))
    avis = after.avis[-1]
    plain, html = avis_message(chosen, after, avis.auteur, avis.at, avis.texte, ctx.config, ctx.tr)
    return Reply(plain, html, mentions=people_with_roles(ctx.config, ("president", "comite_technique")))


@command(
    "amender",
    aliases=("amend",),
    parent="odj",
    roles=frozenset({"comite_technique"}),
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
    roles=frozenset({"president"}),
    help=N_("Fix the proposed agenda, after an avis or a late sending: it is then locked."),
)
def odj_fixer(ctx: CommandContext) -> list[Reply]:
    chosen, _, after = _change(ctx, lambda c, o: o.fixer(by=ctx.sender, roles=_roles(ctx), now=ctx.now))
    return in_conference_room(ctx, chosen, Reply(*agenda_report(chosen, after, ctx.config, ctx.now, ctx.tr)))


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
