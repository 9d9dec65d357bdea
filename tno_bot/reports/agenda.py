"""Agenda reports: conferences, their deadlines, the ordre du jour, reminders, as (plain, html) in a language.

Dates in full ("lundi 7 novembre 2022"), times in Europe/Paris. Every user text (titles, avis, lieu) and every
config string is escaped in the HTML. Mentions are matrix.to pills in the HTML and names in the plain body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from html import escape

from tno_bot.config import Config
from tno_bot.domain.agenda import (
    AgendaRules,
    Avis,
    Conference,
    Etat,
    ModeFixation,
    OrdreDuJour,
    Timeline,
    Version,
    timeline,
)
from tno_bot.domain.calendar import PARIS, Deadline, DayOff, holiday_name, local_date
from tno_bot.domain.ics import CalendarEvent, EventKind, conference_ics
from tno_bot.domain.reminders import Reminder, ReminderKind
from tno_bot.i18n import N_, Translator
from tno_bot.reports.message import Attachment, Reply
from tno_bot.reports.readings import notice_reading, version_avis_rule
from tno_bot.reports.roles import roles_and
from tno_bot.reports.text import Text

MATRIX_TO = "https://matrix.to/#/"
ICS_MIMETYPE = "text/calendar"


# --- words -------------------------------------------------------------------------------------------------------


def when(instant: datetime, tr: Translator) -> str:
    """An instant in full, Paris time: "lundi 7 novembre 2022 à 14 h 30"."""
    local = instant.astimezone(PARIS)
    return tr.gettext("{date} at {time}", date=tr.date(local.date()), time=tr.time(local.time()))


def countdown(day: date, now: datetime, tr: Translator) -> str:
    """"today", "tomorrow", "in 12 days", "3 days ago" (calendar days, Paris)."""
    days = (day - local_date(now)).days
    if days == 0:
        return tr.gettext("today")
    if days == 1:
        return tr.gettext("tomorrow")
    if days > 1:
        return tr.ngettext("in {n} day", "in {n} days", days)
    return tr.ngettext("{n} day ago", "{n} days ago", -days)


def conference_title(conference: Conference, tr: Translator) -> str:
    """"conference no. 3 of lundi 7 novembre 2022 at 14 h 30"."""
    return tr.gettext("conference no. {n} of {when}", n=conference.id, when=when(conference.starts_at, tr))


def conference_line(conference: Conference, tr: Translator) -> str:
    """"Conférence n° 3 : lundi 7 novembre 2022 à 14 h 30, Hôtel de la Métropole"."""
    line = tr.gettext("Conference no. {n}: {when}", n=conference.id, when=when(conference.starts_at, tr))
    return f"{line}, {conference.lieu}" if conference.lieu else line


def counting_note(tr: Translator) -> str:
    return tr.gettext("Deadlines count calendar days, Paris time.")


def day_off_note(deadline: Deadline, tr: Translator) -> str | None:
    """What to know when a deadline ends on a Saturday, a Sunday or a public holiday, or is cut short on the eve of
    the conference, else None."""
    if deadline.capped:
        return tr.gettext("{date} is the eve of the conference: the replies end then at the latest.",
                          date=tr.date(deadline.effective))
    if deadline.day_off is None:
        return None
    due, moved_to = tr.date(deadline.due), tr.date(deadline.working_day)
    if deadline.day_off is DayOff.HOLIDAY:
        why = tr.gettext("{date} is a public holiday ({name})", date=due,
                         name=holiday_name(deadline.due, tr.language) or deadline.holiday)
    else:
        why = tr.gettext("{date} falls on a weekend", date=due)
    if deadline.backward and deadline.extended:
        return tr.gettext("{why}: the deadline moves to the previous working day, {previous}.", why=why,
                          previous=moved_to)
    if deadline.backward:
        return tr.gettext("{why}; the previous working day is {previous} (the deadline does not move).", why=why,
                          previous=moved_to)
    if deadline.extended:
        return tr.gettext("{why}: the deadline moves to the next working day, {next}.", why=why, next=moved_to)
    return tr.gettext("{why}; the next working day is {next} (the deadline does not move).", why=why, next=moved_to)


def pill(matrix_id: str, config: Config) -> str:
    return f'<a href="{escape(MATRIX_TO + matrix_id)}">{escape(config.display_name(matrix_id))}</a>'


def people_line(label: str, ids: Sequence[str], config: Config, tr: Translator) -> tuple[str, str]:
    """"Représentants : A, B et C" in plain, with pills in the HTML."""
    plain = tr.gettext("{label}: {names}", label=label, names=tr.join_and(config.display_name(i) for i in ids))
    html = escape(tr.gettext("{label}: {names}", label=label, names="\x00")).replace(
        "\x00", tr.join_and(pill(i, config) for i in ids))
    return plain, html


def announced(reply: Reply, config: Config, tr: Translator) -> Reply:
    """`reply` as an announcement to the representatives: named after it (pills in the HTML) and mentioned, so
    that they are notified, as the proposal of the agenda does."""
    ids = [p.matrix_id for p in config.people]
    plain, html = people_line(tr.gettext("Representatives"), ids, config, tr)
    return replace(reply, body=f"{reply.body}\n{plain}", html=f"{reply.html or escape(reply.body)}<p>{html}</p>",
                   mentions=tuple(ids))


def people_with_roles(config: Config, roles: Iterable[str]) -> tuple[str, ...]:
    """The matrix ids behind role names ("representant": every seated representative), without duplicates."""
    ids: list[str] = []
    for role in roles:
        if role == "representant":
            ids += [p.matrix_id for p in config.people]
        elif role == "admin":
            ids += config.roles.admins
        elif role in ("president", "secretariat", "comite_technique"):
            ids += getattr(config.roles, role)
    return tuple(dict.fromkeys(ids))


# --- timeline and agenda -----------------------------------------------------------------------------------------


def deadline_items(conference: Conference, odj: OrdreDuJour, rules: AgendaRules, now: datetime,
                   tr: Translator) -> list[str]:
    """The notice deadline (its real count) and the reply window, with countdowns and day-off notes; a deadline
    already past is said to be past."""
    line = timeline(conference, rules, odj, now)
    notice = line.notice
    if notice.is_open(now):
        items = [tr.gettext("Last day to send the agenda to the representatives (D-{days}): {date} — {countdown}.",
                            days=-notice.count, date=tr.date(notice.effective),
                            countdown=countdown(notice.effective, now, tr))]
    else:
        items = [tr.gettext("The last day to send the agenda to the representatives (D-{days}) is past: it was "
                            "{date}.", days=-notice.count, date=tr.date(notice.effective))]
    if note := day_off_note(notice, tr):
        items.append(note)
    window = line.reply_window
    if line.reply_window_version is None:
        if notice.is_open(now):
            items.append(tr.gettext("Reply window: {days} days from the sending; at the latest until {date} if the "
                                    "agenda is sent on the last day.", days=rules.reply_window_days,
                                    date=tr.date(window.effective)))
        else:
            items.append(tr.gettext("Reply window: {days} days from the sending; until {date} if the agenda is sent "
                                    "today.", days=rules.reply_window_days, date=tr.date(window.effective)))
        if note := day_off_note(window, tr):
            items.append(note)
    else:
        items.append(tr.gettext("Replies to version {version} until {date} inclusive — {countdown}.",
                                version=line.reply_window_version, date=tr.date(window.effective),
                                countdown=countdown(window.effective, now, tr)))
        if note := day_off_note(window, tr):
            items.append(note)
    return items


def agenda_state(conference: Conference, odj: OrdreDuJour, config: Config, tr: Translator) -> str:
    """brouillon / proposé le … (réponses jusqu'au …) / fixé le … (tacitement, ou par le président)."""
    if odj.etat is Etat.BROUILLON:
        if odj.versions:
            return tr.gettext("Draft of version {next}, after an avis on version {version}.",
                              next=odj.current.numero + 1, version=odj.current.numero)
        return tr.gettext("Draft, not sent yet.")
    if odj.etat is Etat.PROPOSE:
        version = odj.current
        state = tr.gettext("Proposed on {date} (version {version}), replies until {end} inclusive.",
                           date=tr.date(local_date(version.sent_at)), version=version.numero,
                           end=tr.date(version.window.effective))
        return state + (" " + late_note(version, config, tr) if version.hors_delai else "")
    fixation = odj.fixation
    if fixation.mode is ModeFixation.TACITE and odj.avis_en_cours:  # all favourable, under a rule letting them pass
        state = tr.gettext("Fixed tacitly on {date} (version {version}): only favourable avis within the reply "
                           "window, which did not stop it (config avis_favorable_bloque).",
                           date=tr.date(fixation.day), version=fixation.version)
    elif fixation.mode is ModeFixation.TACITE:
        state = tr.gettext("Fixed tacitly on {date} (version {version}): no avis within the reply window.",
                           date=tr.date(fixation.day), version=fixation.version)
    else:
        state = tr.gettext("Fixed by the président, {name}, on {date} (version {version}).",
                           name=config.display_name(fixation.by or ""), date=tr.date(fixation.day),
                           version=fixation.version)
    version = odj.versions[fixation.version - 1]
    return state + (" " + late_note(version, config, tr) if version.hors_delai else "")


def agenda_report(conference: Conference, odj: OrdreDuJour, config: Config, now: datetime,
                  tr: Translator) -> tuple[str, str]:
    """`!odj`: the agenda of a conference with its state, its points and the avis on the current version."""
    text = Text.empty().para(tr.gettext("Agenda of the {conference}:", conference=conference_title(conference, tr)))
    if conference.cancelled:
        text.para(tr.gettext("This conference is cancelled."))
    text.para(agenda_state(conference, odj, config, tr))
    if odj.points:
        text.numbered(odj.points)
    else:
        text.para(tr.gettext("No point yet: add one with !odj ajouter <title>."))
    avis = odj.avis_en_cours
    if avis:
        text.para(tr.ngettext("{n} avis on version {version}:", "{n} avis on version {version}:", len(avis),
                              version=odj.current.numero))
        text.bullets([avis_line(a, config, tr) for a in avis])
    if odj.etat is not Etat.PROPOSE:
        return text.done()
    end = tr.date(odj.current.window.effective)
    if not avis:
        text.para(tr.gettext("No avis so far: without one, the agenda is fixed tacitly at the end of {date}.",
                             date=end))
    elif odj.avis_bloquants:
        text.para(tr.gettext("The agenda will not be fixed tacitly: the comité technique may amend it (!odj amender) "
                             "or the président fix it (!odj fixer)."))
    else:
        text.para(tr.gettext("Only favourable avis so far: without an avis with remarks or reservations, the agenda "
                             "is fixed tacitly at the end of {date}.", date=end))
    text.para(version_avis_rule(odj.current, tr))
    return text.done()


def late_note(version: Version, config: Config, tr: Translator) -> str:
    return tr.gettext("Sent after the notice deadline by the président ({name}), on {date}.",
                      name=config.display_name(version.sent_by), date=tr.date(local_date(version.sent_at)))


def avis_line(avis: Avis, config: Config, tr: Translator) -> str:
    """"Emeline Baume, le …: « … »", a favourable avis said so."""
    name, at = config.display_name(avis.auteur), when(avis.at, tr)
    if avis.favorable:
        return tr.gettext("{name}, {when}: favourable avis", name=name, when=at)
    return tr.gettext("{name}, {when}: “{text}”", name=name, when=at, text=avis.texte)


def reminder_label(reminder: Reminder, tr: Translator) -> str:
    """What a reminder asks, worded for the moment it is due ("la conférence a lieu dans 3 jours" for an eve
    reminder moved to the Friday)."""
    if reminder.kind is ReminderKind.NOTICE:
        return tr.gettext("send the agenda proposal")
    if reminder.kind is ReminderKind.WINDOW:
        return tr.gettext("reply to version {version} of the agenda", version=reminder.version)
    return tr.gettext("the conference is {countdown}",
                      countdown=countdown(local_date(reminder.announces), reminder.due_at, tr))


def reminder_item(reminder: Reminder, tr: Translator) -> str:
    """"mardi 30 septembre 2025 à 9 h — le comité technique : envoyer l'ordre du jour"."""
    return tr.gettext("{when} — {who}: {what}", when=when(reminder.due_at, tr), who=roles_and(reminder.roles, tr),
                      what=reminder_label(reminder, tr))


def timeline_report(conference: Conference, odj: OrdreDuJour, reminders: Sequence[Reminder], config: Config,
                    now: datetime, tr: Translator, headline: str | None = None, warnings: Sequence[str] = ()) -> Text:
    """A conference, its deadlines with countdowns, the state of its agenda and the reminders to come; `warnings`
    follow the headline."""
    text = Text.empty()
    if headline:
        text.para(headline)
    for warning in warnings:
        text.para(warning)
    text.para(conference_line(conference, tr) + " — " + countdown(conference.day, now, tr) + ".")
    if conference.cancelled:
        text.para(tr.gettext("This conference is cancelled."))
        return text
    text.para(counting_note(tr)).bullets(deadline_items(conference, odj, config.agenda_rules, now, tr))
    text.para(notice_reading(config, tr))
    text.para(tr.gettext("Agenda: {state}", state=agenda_state(conference, odj, config, tr)))
    if reminders:
        text.para(tr.gettext("Reminders planned in this room:")).bullets([reminder_item(r, tr) for r in reminders])
    else:
        text.para(tr.gettext("No reminder to come."))
    return text


# --- messages that notify ----------------------------------------------------------------------------------------


def proposal_message(conference: Conference, odj: OrdreDuJour, config: Config, tr: Translator) -> tuple[str, str]:
    """The proposal as sent to the representatives: numbered version, points, end of the reply window."""
    version = odj.current
    text = Text.empty().para(tr.gettext("Agenda proposal, version {version}, for the {conference}.",
                                        version=version.numero, conference=conference_title(conference, tr)))
    if conference.lieu:
        text.para(tr.gettext("Place: {place}", place=conference.lieu))
    if version.hors_delai:
        text.para(late_note(version, config, tr))
    text.numbered(version.points)
    window = version.window
    text.para(tr.gettext("Representatives may give an avis with !odj avis <text> until {date} inclusive; without any "
                         "avis, the agenda is fixed as proposed at the end of that day.",
                         date=tr.date(window.effective)))
    text.para(version_avis_rule(version, tr))
    if note := day_off_note(window, tr):
        text.para(note)
    text.para(*people_line(tr.gettext("Representatives"), [p.matrix_id for p in config.people], config, tr))
    return text.done()


def avis_message(conference: Conference, odj: OrdreDuJour, avis: Avis, config: Config,
                 tr: Translator) -> tuple[str, str]:
    """An avis recorded, with the rule applied to its version: when it stops the tacit fixing, the président and the
    comité technique are told the agenda will not fix itself; a favourable avis that does not, when it will."""
    text = Text.empty().para(tr.gettext("Avis recorded on version {version} of the agenda of the {conference}:",
                                        version=odj.current.numero, conference=conference_title(conference, tr)))
    text.bullets([avis_line(avis, config, tr)])
    if avis in odj.avis_bloquants:
        text.para(tr.gettext("The agenda will not be fixed tacitly. The comité technique may amend it (!odj amender) "
                             "and send a new version, or the président may fix it (!odj fixer)."))
    elif odj.avis_bloquants:
        text.para(tr.gettext("A favourable avis does not stop the tacit fixing, but an earlier avis on this version "
                             "did: the agenda will not be fixed tacitly."))
    else:
        text.para(tr.gettext("A favourable avis does not stop the tacit fixing: without an avis with remarks or "
                             "reservations, the agenda is fixed as proposed at the end of {date}.",
                             date=tr.date(odj.current.window.effective)))
    text.para(version_avis_rule(odj.current, tr))
    if avis in odj.avis_bloquants:
        ids = people_with_roles(config, ("president", "comite_technique"))
        text.para(*people_line(tr.gettext("To act"), ids, config, tr))
    return text.done()


def tacit_fixing_message(conference: Conference, odj: OrdreDuJour, tr: Translator) -> tuple[str, str]:
    """"Ordre du jour fixé tacitement le …", the version and its points."""
    fixation = odj.fixation
    version = odj.versions[fixation.version - 1]
    if odj.avis_en_cours:  # only favourable avis, which the version's rule lets through
        text = Text.empty().para(tr.ngettext(
            "Agenda fixed tacitly on {date}: version {version}, sent on {sent}, received only {n} favourable avis "
            "within the reply window. It is now locked.",
            "Agenda fixed tacitly on {date}: version {version}, sent on {sent}, received only {n} favourable avis "
            "within the reply window. It is now locked.", len(odj.avis_en_cours), date=tr.date(fixation.day),
            version=fixation.version, sent=tr.date(local_date(version.sent_at))))
        text.para(version_avis_rule(version, tr))
    else:
        text = Text.empty().para(tr.gettext(
            "Agenda fixed tacitly on {date}: version {version}, sent on {sent}, received no avis within the reply "
            "window. It is now locked.", date=tr.date(fixation.day), version=fixation.version,
            sent=tr.date(local_date(version.sent_at))))
    text.para(tr.gettext("Agenda of the {conference}:", conference=conference_title(conference, tr)))
    text.numbered(version.points)
    return text.done()


def reminder_message(reminder: Reminder, conference: Conference, odj: OrdreDuJour, config: Config, now: datetime,
                     tr: Translator) -> tuple[str, str]:
    """A reminder as posted in the conference room, naming the people who must act, worded for `now` (a reminder
    caught up after an outage says "today", not "tomorrow")."""
    rules = config.agenda_rules
    line = timeline(conference, rules, odj)
    text = Text.empty()
    if reminder.kind is ReminderKind.NOTICE:
        notice = line.notice
        text.para(tr.gettext("Reminder: the agenda of the {conference} must be sent to the representatives by "
                             "{date} at the latest (D-{days}) — {countdown}. Send it with !odj envoyer.",
                             conference=conference_title(conference, tr), date=tr.date(notice.effective),
                             days=-notice.count, countdown=countdown(notice.effective, now, tr)))
        if note := day_off_note(notice, tr):
            text.para(note)
        state = agenda_state(conference, odj, config, tr)
        text.para(state)
        text.numbered(odj.points)
    elif reminder.kind is ReminderKind.WINDOW:
        window = line.reply_window
        text.para(tr.gettext("Reminder: replies to version {version} of the agenda of the {conference} are open until "
                             "{date} inclusive — {countdown}. Without any avis, it is fixed as proposed. Reply with "
                             "!odj avis <text>.", version=reminder.version,
                             conference=conference_title(conference, tr), date=tr.date(window.effective),
                             countdown=countdown(window.effective, now, tr)))
        if note := day_off_note(window, tr):
            text.para(note)
        text.numbered(odj.points)
    else:
        text.para(tr.gettext("Reminder: the conférence intercommunale is {countdown}, {when}.",
                             countdown=countdown(conference.day, now, tr), when=when(conference.starts_at, tr)))
        if conference.lieu:
            text.para(tr.gettext("Place: {place}", place=conference.lieu))
        text.para(agenda_state(conference, odj, config, tr))
        if odj.etat is Etat.FIXE:
            text.para(tr.gettext("Agenda:")).numbered(odj.versions[odj.fixation.version - 1].points)
        else:
            text.numbered(odj.points)
    ids = people_with_roles(config, reminder.roles)
    if ids:
        text.para(*people_line(roles_and(reminder.roles, tr).capitalize(), ids, config, tr))
    return text.done()


def ics_summary(event: CalendarEvent, conference: Conference, tr: Translator) -> str:
    """The summary of one event of the iCalendar file."""
    day = tr.date(conference.day)
    if event.kind is EventKind.CONFERENCE:
        return tr.gettext("TNO conférence intercommunale (no. {n})", n=conference.id)
    if event.kind is EventKind.NOTICE:
        return tr.gettext("Last day to send the agenda — conference of {date}", date=day)
    return tr.gettext("Last day to reply to agenda version {version} — conference of {date}", version=event.version,
                      date=day)


def ics_description(conference: Conference, odj: OrdreDuJour, config: Config, tr: Translator) -> str | None:
    """The conference event's description: the state of its ordre du jour and its points, if it has any."""
    points = odj.versions[odj.fixation.version - 1].points if odj.etat is Etat.FIXE else odj.points
    if not points:
        return None
    return "\n".join([agenda_state(conference, odj, config, tr)]
                     + [f"{i}. {point}" for i, point in enumerate(points, 1)])


def ics_file(conference: Conference, line: Timeline, odj: OrdreDuJour, config: Config, tr: Translator,
             now: datetime) -> Attachment:
    """The iCalendar file of a conference and its deadlines (posted by !conference ics, written by `tno-bot ics`):
    its duration and UID domain from the config, its ordre du jour as the description."""
    data = conference_ics(conference, line, summary=lambda event: ics_summary(event, conference, tr),
                          clock=lambda: now, uid_domain=config.uid_domain,
                          duration=config.calendar.conference_duration,
                          description=ics_description(conference, odj, config, tr))
    return Attachment(f"conference-{conference.id}.ics", ICS_MIMETYPE, data)
