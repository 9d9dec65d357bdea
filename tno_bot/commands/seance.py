"""Séance commands: opening, suspension and closing (!seance), attendance (!present, !absent, !excuse, !presents),
pouvoirs (!pouvoir), quorum (!quorum), votes (!vote and its sub-commands), questions diverses (!note) and the
compte rendu (!cr).

Everything but `!seance ouvrir` and `!cr` acts on the séance sitting in the room the command is typed in. Each
decision is the domain's (`attendance`, `voting`, `seance`), whose reason codes are worded here; what it returns is
written in the command's transaction, after every check that can refuse.

People are named by their Matrix id (`@user:server`) or by their name in the config (case- and
accent-insensitive), which is what a client's mention pill leaves in the plain body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from tno_bot import storage
from tno_bot.commands.agenda import CONFERENCE_NO, POINT_NO, TITLE, _bounded
from tno_bot.commands.arguments import fold, shorten
from tno_bot.commands.context import Attachment, CommandContext, Reply
from tno_bot.commands.errors import CommandError, UsageError
from tno_bot.commands.registry import ROLE_LABELS, Arg, ArgKind, command, grammatical_number, take_line
from tno_bot.config import Config
from tno_bot.domain.agenda import Conference, Etat
from tno_bot.domain.attendance import (
    Attendance,
    AttendanceRefused,
    Cast,
    FactKind,
    PouvoirEnd,
    Status,
    quorum,
    voting_rights,
)
from tno_bot.domain.attendance import Reason as AttendanceReason
from tno_bot.domain.calendar import local_date
from tno_bot.domain.seance import Reason as SeanceReason
from tno_bot.domain.seance import Seance, SeanceRefused, ouvrir_seance
from tno_bot.domain.voting import Choice, VoteRefused, open_vote, result, tally
from tno_bot.domain.voting import Reason as VoteReason
from tno_bot.i18n import N_, Translator
from tno_bot.reports.agenda import Text, conference_title, people_line
from tno_bot.reports.compte_rendu import MARKDOWN_MIMETYPE, Minutes, compte_rendu
from tno_bot.reports.seance import (
    CHOICE_LABELS,
    at_time,
    counts_text,
    presents_report,
    quorum_text,
    result_report,
    tally_report,
    vote_heading,
)

GROUP = N_("Séance")
MAX_NOTE_CHARS = 2000 - 20
PRESIDENCY = frozenset({"president", "secretariat"})
_MATRIX_ID = re.compile(r"@[^\s:]+:[^\s]+")
_SEPARATORS = {"et", "and", "&"}


# --- people as arguments -----------------------------------------------------------------------------------------


def _named(config: Config) -> dict[str, str]:
    """Folded name -> matrix id, for the representatives and the staff."""
    named = {fold(s.name): s.matrix_id for s in config.staff}
    named.update({fold(p.name): p.matrix_id for p in config.people})
    return named


def parse_people(text: str, ctx: CommandContext) -> tuple[str, ...]:
    """Matrix ids and configured names ("@alain.viollet:tno.example", "Alain Viollet, Emeline Baume et @x:y")."""
    named = _named(ctx.config)
    tokens = [t.rstrip(":") for t in re.split(r"[\s,;]+", text) if t.strip(",;:")]
    people: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if fold(token) in _SEPARATORS:
            i += 1
            continue
        if _MATRIX_ID.fullmatch(token):
            people.append(token)
            i += 1
            continue
        words = [token.removeprefix("@"), *tokens[i + 1:]]
        for j in range(len(words), 0, -1):
            matrix_id = named.get(fold(" ".join(words[:j])))
            if matrix_id:
                people.append(matrix_id)
                i += j
                break
        else:
            raise UsageError(ctx.tr.gettext(
                "“{text}” is neither a Matrix id (@user:server) nor the name of a person of the conference.",
                text=shorten(token)))
    if not people:
        raise UsageError(ctx.tr.gettext("Name at least one person."))
    return tuple(dict.fromkeys(people))


def _parse_person_or_revoke(text: str, ctx: CommandContext) -> str | None:
    """A mandataire, or None for "retirer"."""
    if fold(text) in ("retirer", "revoke"):
        return None
    people = parse_people(text, ctx)
    if len(people) > 1:
        raise UsageError(ctx.tr.gettext("Name one person only."))
    return people[0]


def _parse_one(text: str, ctx: CommandContext) -> str:
    people = parse_people(text, ctx)
    if len(people) > 1:
        raise UsageError(ctx.tr.gettext("Name one person only."))
    return people[0]


PEOPLE = ArgKind(N_("@people…"), parse_people, take=take_line)
MANDATAIRE = ArgKind(N_("@mandataire|revoke"), _parse_person_or_revoke, take=take_line)
MANDANT = ArgKind(N_("@mandant"), _parse_one, take=take_line)
NOTE_TEXT = ArgKind(N_("text"), _bounded(MAX_NOTE_CHARS), take=take_line)


# --- refusals ----------------------------------------------------------------------------------------------------


def _name(ctx: CommandContext, matrix_id: str) -> str:
    return ctx.config.display_name(matrix_id)


def _member_names(ctx: CommandContext, members) -> str:
    return ctx.tr.join_and(ctx.config.member(m).name if ctx.config.member(m) else m for m in members)


def attendance_refusal(error: AttendanceRefused, ctx: CommandContext) -> CommandError:
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


# --- the séance sitting in the room ------------------------------------------------------------------------------


@dataclass
class Sitting:
    seance: Seance
    conference: Conference
    attendance: Attendance


def _cast(ctx: CommandContext) -> Cast:
    return Cast.from_config(ctx.config)


def sitting(ctx: CommandContext) -> Sitting:
    """The séance sitting in this room, with its attendance; a sentence saying how to open one otherwise."""
    seance = storage.open_seance_in_room(ctx.session, ctx.room_id)
    if seance is None:
        raise CommandError(ctx.tr.gettext(
            "No séance is sitting in this room: the président or the secrétariat opens it with !seance ouvrir."))
    conference = storage.get_conference(ctx.session, seance.conference_id)
    return Sitting(seance, conference, storage.load_attendance(ctx.session, seance.id, _cast(ctx)))


def _today_conference(ctx: CommandContext) -> Conference:
    today = local_date(ctx.now)
    candidates = [(c, room) for c, room in storage.all_conferences(ctx.session)
                  if not c.cancelled and c.day == today]
    here = [c for c, room in candidates if room == ctx.room_id]
    if len(here) == 1:
        return here[0]
    if len(candidates) == 1 and not here:
        return candidates[0][0]
    if not candidates:
        raise UsageError(ctx.tr.gettext(
            "No conference is planned today: give the number of the conference to open (!conferences lists them)."))
    raise UsageError(ctx.tr.gettext("Several conferences are planned today: give the number of the one to open."))


# --- !seance -----------------------------------------------------------------------------------------------------


def _agenda_text(seance: Seance, tr: Translator) -> Text:
    text = Text.empty().para(tr.gettext("Fixed agenda (version {version}):", version=seance.agenda_version))
    return text.numbered(seance.points) if seance.points else text.para(tr.gettext("No point."))


@command(
    "seance",
    aliases=("session",),
    help=N_("The séance sitting in this room: opening time, suspension, fixed agenda, vote in progress."),
    group=GROUP,
)
def seance_state(ctx: CommandContext) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    text = Text.empty().para(tr.gettext("Séance of the {conference}, open since {time}.",
                                        conference=conference_title(s.conference, tr),
                                        time=at_time(s.seance.opened_at, tr)))
    if s.seance.suspended:
        text.para(tr.gettext("Suspended since {time}.", time=at_time(s.seance.pauses[-1].suspended_at, tr)))
    text.extend(_agenda_text(s.seance, tr))
    stored = storage.open_vote_of(ctx.session, s.seance.id)
    if stored is not None:
        text.para(vote_heading(stored.vote, tr) + " — " + tr.gettext("open since {time}.",
                                                                    time=at_time(stored.vote.opened_at, tr)))
    return Reply(*text.done())


@command(
    "ouvrir",
    aliases=("open",),
    parent="seance",
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    roles=PRESIDENCY,
    help=N_("Open the séance of today's conference (or conference n) on its fixed agenda, in this room."),
)
def seance_ouvrir(ctx: CommandContext, number: int | None = None) -> Reply:
    tr = ctx.tr
    sitting_here = storage.open_seance_in_room(ctx.session, ctx.room_id)
    if sitting_here is not None:
        raise CommandError(tr.gettext(
            "The séance of conference no. {n} is already sitting in this room since {time}: close it first with "
            "!seance clore.", n=sitting_here.conference_id, time=at_time(sitting_here.opened_at, tr)))
    if number is not None:
        conference = storage.get_conference(ctx.session, number)
        if conference is None:
            raise UsageError(tr.gettext("There is no conference no. {n}: !conferences lists them.", n=number))
    else:
        conference = _today_conference(ctx)
    held = storage.seance_of_conference(ctx.session, conference.id)
    if held is not None:
        if held.closed:
            raise CommandError(tr.gettext(
                "The séance of conference no. {n} was closed on {date} at {time}: a closed séance is not opened again.",
                n=conference.id, date=tr.date(local_date(held.closed_at)), time=at_time(held.closed_at, tr)))
        raise CommandError(tr.gettext("The séance of conference no. {n} is already sitting in another room.",
                                      n=conference.id))
    try:
        opened = ouvrir_seance(conference, storage.load_agenda(ctx.session, conference.id), ctx.room_id,
                               by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except SeanceRefused as error:
        raise seance_refusal(error, ctx, conference)
    storage.add_seance(ctx.session, opened)
    text = Text.empty().para(tr.gettext("Séance of the {conference} opened at {time} by {name}.",
                                        conference=conference_title(conference, tr), time=at_time(ctx.now, tr),
                                        name=_name(ctx, ctx.sender)))
    text.extend(_agenda_text(opened, tr))
    text.para(tr.gettext("Representatives: say !present when you are here; an absent titulaire may give a pouvoir "
                         "with !pouvoir @mandataire."))
    ids = [p.matrix_id for p in ctx.config.people]
    text.para(*people_line(tr.gettext("Representatives"), ids, ctx.config, tr))
    return Reply(*text.done(), mentions=tuple(ids))


def _change_seance(ctx: CommandContext, change) -> tuple[Sitting, Seance]:
    s = sitting(ctx)
    try:
        changed = change(s.seance)
    except SeanceRefused as error:
        raise seance_refusal(error, ctx, s.conference)
    storage.save_seance(ctx.session, changed)
    return s, changed


@command(
    "suspendre",
    aliases=("suspend",),
    parent="seance",
    roles=PRESIDENCY,
    help=N_("Suspend the séance: no vote until it resumes."),
)
def seance_suspendre(ctx: CommandContext) -> Reply:
    s = sitting(ctx)
    if (stored := storage.open_vote_of(ctx.session, s.seance.id)) is not None:
        raise CommandError(ctx.tr.gettext("The vote on point {item} is open: close it first with !vote clore.",
                                          item=stored.vote.item))
    _change_seance(ctx, lambda seance: seance.suspendre(by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
    return Reply(ctx.tr.gettext("Séance suspended at {time}. Resume it with !seance reprendre.",
                                time=at_time(ctx.now, ctx.tr)))


@command(
    "reprendre",
    aliases=("resume",),
    parent="seance",
    roles=PRESIDENCY,
    help=N_("Resume a suspended séance."),
)
def seance_reprendre(ctx: CommandContext) -> Reply:
    s, _ = _change_seance(ctx, lambda seance: seance.reprendre(by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
    reply = Text.empty().para(ctx.tr.gettext("Séance resumed at {time}.", time=at_time(ctx.now, ctx.tr)))
    return Reply(*reply.extend(quorum_text(quorum(s.attendance), ctx.config, ctx.tr)).done())


def minutes_of(session, config: Config, seance: Seance) -> Minutes:
    """The compte rendu of a stored séance (shared with `tno-bot cr`)."""
    conference = storage.get_conference(session, seance.conference_id)
    attendance = storage.load_attendance(session, seance.id, Cast.from_config(config))
    return compte_rendu(conference, seance, attendance, storage.votes_of(session, seance.id),
                        storage.notes_of(session, seance.id), config)


def _minutes_reply(headline: str, minutes: Minutes) -> Reply:
    attachment = Attachment(minutes.filename, MARKDOWN_MIMETYPE, minutes.data)
    return Reply(headline + "\n\n" + minutes.plain, f"<p>{escape(headline)}</p>" + minutes.html,
                 attachment=attachment)


@command(
    "clore",
    aliases=("close",),
    parent="seance",
    roles=PRESIDENCY,
    help=N_("Close the séance: the compte rendu is posted, as a message and as a Markdown file."),
)
def seance_clore(ctx: CommandContext) -> Reply:
    s = sitting(ctx)
    if (stored := storage.open_vote_of(ctx.session, s.seance.id)) is not None:
        raise CommandError(ctx.tr.gettext("The vote on point {item} is open: close it first with !vote clore.",
                                          item=stored.vote.item))
    _, closed = _change_seance(ctx, lambda seance: seance.clore(by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
    minutes = minutes_of(ctx.session, ctx.config, closed)
    headline = ctx.tr.gettext("Séance closed at {time}. The compte rendu follows ({file}).",
                              time=at_time(ctx.now, ctx.tr), file=minutes.filename)
    return _minutes_reply(headline, minutes)


# --- attendance --------------------------------------------------------------------------------------------------


def _mark(ctx: CommandContext, people: tuple[str, ...] | None, status: Status) -> Reply:
    tr = ctx.tr
    people = people or (ctx.sender,)
    if any(p != ctx.sender for p in people):
        _only(ctx, PRESIDENCY, N_("record the attendance of other people"))
    s = sitting(ctx)
    attendance, facts, unchanged = s.attendance, [], []
    for person in people:
        recorded_before = any(f.person == person and f.kind is FactKind.PRESENCE for f in attendance.facts)
        if recorded_before and attendance.status(person) is status:
            unchanged.append(person)
            continue
        try:
            fact = attendance.mark(person, status, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
        except AttendanceRefused as error:
            raise attendance_refusal(error, ctx)
        facts.append(fact)
        attendance = attendance.apply(fact)
    storage.add_attendance_facts(ctx.session, s.seance.id, facts)
    text = Text.empty()
    recorded = [f.person for f in facts]
    label = {Status.PRESENT: N_("Recorded present at {time}: {names}."),
             Status.EXCUSE: N_("Recorded excused at {time}: {names}."),
             Status.ABSENT: N_("Recorded absent at {time}: {names}.")}[status]
    if recorded:
        text.para(tr.gettext(label, time=at_time(ctx.now, tr), names=tr.join_and(_name(ctx, p) for p in recorded)))
    if unchanged:
        already = {Status.PRESENT: N_("Already recorded present: {names}."),
                   Status.EXCUSE: N_("Already recorded excused: {names}."),
                   Status.ABSENT: N_("Already recorded absent: {names}.")}[status]
        text.para(tr.gettext(already, names=tr.join_and(_name(ctx, p) for p in unchanged)))
    for pouvoir in attendance.pouvoirs:
        if pouvoir.end is PouvoirEnd.MANDANT_PRESENT and pouvoir.ended_at == ctx.now and pouvoir.mandant in recorded:
            text.para(tr.gettext("The pouvoir given by {mandant} to {mandataire} ends: {mandant} votes in person.",
                                 mandant=_name(ctx, pouvoir.mandant), mandataire=_name(ctx, pouvoir.mandataire)))
    return Reply(*text.extend(quorum_text(quorum(attendance), ctx.config, tr)).done())


@command(
    "present",
    args=(Arg("people", PEOPLE, optional=True),),
    help=N_("Record oneself present; with names, people in the meeting room without chat access (président, "
            "secrétariat)."),
    group=GROUP,
)
def present(ctx: CommandContext, people: tuple[str, ...] | None = None) -> Reply:
    return _mark(ctx, people, Status.PRESENT)


@command(
    "absent",
    args=(Arg("people", PEOPLE, optional=True),),
    help=N_("Record people absent (président, secrétariat), or oneself when leaving."),
    group=GROUP,
)
def absent(ctx: CommandContext, people: tuple[str, ...] | None = None) -> Reply:
    return _mark(ctx, people, Status.ABSENT)


@command(
    "excuse",
    aliases=("excused",),
    args=(Arg("people", PEOPLE, optional=True),),
    help=N_("Record oneself excused; with names, other people (président, secrétariat)."),
    group=GROUP,
)
def excuse(ctx: CommandContext, people: tuple[str, ...] | None = None) -> Reply:
    return _mark(ctx, people, Status.EXCUSE)


@command(
    "presents",
    aliases=("attendance",),
    help=N_("Who is present, excused or absent, by member, titulaires and suppléants apart; the pouvoirs; the "
            "quorum."),
    group=GROUP,
)
def presents(ctx: CommandContext) -> Reply:
    return Reply(*presents_report(sitting(ctx).attendance, ctx.config, ctx.tr))


@command(
    "quorum",
    help=N_("Whether the quorum is reached, and which members have no one present (pouvoirs do not count)."),
    group=GROUP,
)
def quorum_command(ctx: CommandContext) -> Reply:
    return Reply(*quorum_text(quorum(sitting(ctx).attendance), ctx.config, ctx.tr).done())


@command(
    "pouvoir",
    aliases=("proxy",),
    args=(Arg("mandataire", MANDATAIRE),),
    help=N_("An absent or excused titulaire gives a pouvoir to another representative, for this séance only "
            "(!pouvoir retirer revokes it). A representative who comes and votes in person ends it."),
    group=GROUP,
)
def pouvoir(ctx: CommandContext, mandataire: str | None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    try:
        if mandataire is None:
            fact = s.attendance.revoke_pouvoir(ctx.sender, by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
        else:
            fact = s.attendance.give_pouvoir(ctx.sender, mandataire, by=ctx.sender, at=ctx.now,
                                             event_id=ctx.event_id)
    except AttendanceRefused as error:
        raise attendance_refusal(error, ctx)
    storage.add_attendance_facts(ctx.session, s.seance.id, [fact])
    after = s.attendance.apply(fact)
    if fact.kind is FactKind.RETRAIT:
        revoked = next(p for p in reversed(after.pouvoirs) if p.mandant == ctx.sender)
        sentence = tr.gettext("Pouvoir revoked at {time}: {mandataire} no longer votes for {mandant}.",
                              time=at_time(ctx.now, tr), mandataire=_name(ctx, revoked.mandataire),
                              mandant=_name(ctx, ctx.sender))
    else:
        sentence = tr.gettext("Pouvoir recorded at {time}: {mandataire} votes for {mandant} in this séance (with "
                              "!vote <choice> {mandant_name}).", time=at_time(ctx.now, tr),
                              mandataire=_name(ctx, mandataire), mandant=_name(ctx, ctx.sender),
                              mandant_name=_name(ctx, ctx.sender))
    return Reply(sentence)


# --- !vote -------------------------------------------------------------------------------------------------------


def _voting(ctx: CommandContext) -> tuple[Sitting, storage.StoredVote]:
    s = sitting(ctx)
    stored = storage.open_vote_of(ctx.session, s.seance.id)
    if stored is None:
        raise CommandError(ctx.tr.gettext("No vote is open. The président opens one with !vote ouvrir <point no.>."))
    return s, stored


@command(
    "vote",
    help=N_("The vote in progress: the tally so far, who has voted and who has not. Ballots are not secret: each is "
            "recorded and shown with its author and time (a secret ballot is not supported)."),
    group=GROUP,
)
def vote_tally(ctx: CommandContext) -> Reply:
    s, stored = _voting(ctx)
    current = tally(stored.vote, voting_rights(s.attendance))
    return Reply(*tally_report(stored.vote, current, ctx.config, ctx.tr))


@command(
    "ouvrir",
    aliases=("open",),
    parent="vote",
    args=(Arg("item", POINT_NO), Arg("title", TITLE, optional=True)),
    roles=frozenset({"president"}),
    help=N_("Open the vote on a point of the fixed agenda, while the quorum is reached."),
)
def vote_ouvrir(ctx: CommandContext, item: int, title: str | None = None) -> Reply:
    tr = ctx.tr
    s = sitting(ctx)
    try:
        s.seance.check_votes_allowed()
    except SeanceRefused as error:
        raise seance_refusal(error, ctx)
    if (stored := storage.open_vote_of(ctx.session, s.seance.id)) is not None:
        raise CommandError(tr.gettext("The vote on point {item} is open: close it first with !vote clore.",
                                      item=stored.vote.item))
    done = next((v for v in storage.votes_of(ctx.session, s.seance.id) if v.vote.item == item), None)
    if done is not None:
        raise CommandError(tr.gettext("Point {item} was already voted on in this séance (closed at {time}).",
                                      item=item, time=at_time(done.vote.closed_at, tr)))
    try:
        opened = open_vote(item, s.seance.agenda, quorum(s.attendance), by=ctx.sender, at=ctx.now,
                           event_id=ctx.event_id, title=title)
    except VoteRefused as error:
        raise vote_refusal(error, ctx, s.seance)
    storage.add_vote(ctx.session, s.seance.id, opened)
    rights = voting_rights(s.attendance)
    voters = tuple(rights.by_voter())
    text = Text.empty().para(vote_heading(opened, tr) + " — " + tr.gettext("open at {time}.",
                                                                          time=at_time(ctx.now, tr)))
    text.para(tr.gettext("Vote with !vote pour, !vote contre or !vote abstention (a mandataire adds the mandant's "
                         "name). One may change one's vote until the closing: the latest counts. Ballots are not "
                         "secret."))
    text.para(tr.ngettext("{n} seat may be voted now.", "{n} seats may be voted now.",
                          sum(1 for seat in rights.seats if not seat.vacant)))
    if voters:
        text.para(*people_line(tr.gettext("Voters"), voters, ctx.config, tr))
    return Reply(*text.done(), mentions=voters)


def _cast_ballot(ctx: CommandContext, choice: Choice, mandant: str | None) -> Reply:
    tr = ctx.tr
    s, stored = _voting(ctx)
    try:
        s.seance.check_votes_allowed()
    except SeanceRefused as error:
        raise seance_refusal(error, ctx)
    attendance, facts = s.attendance, []
    representative = attendance.cast.representative(ctx.sender)
    if representative is not None and attendance.status(ctx.sender) is not Status.PRESENT:
        # Voting is taking part: a representative not recorded present is recorded present by the ballot itself,
        # which also ends a pouvoir they gave (they now vote in person).
        facts.append(attendance.mark(ctx.sender, Status.PRESENT, by=ctx.sender, at=ctx.now, event_id=ctx.event_id))
        attendance = attendance.apply(facts[-1])
    try:
        ballot = stored.vote.cast(attendance, ctx.sender, choice, at=ctx.now, event_id=ctx.event_id,
                                  mandant=mandant)
    except VoteRefused as error:
        raise vote_refusal(error, ctx, s.seance)
    before = stored.vote.counted().get(ballot.seat)
    storage.add_attendance_facts(ctx.session, s.seance.id, facts)
    storage.add_ballot(ctx.session, stored.id, ballot)
    after = stored.vote.with_ballot(ballot)
    chosen = tr.gettext(CHOICE_LABELS[choice.value])
    if ballot.seat == ctx.sender:
        sentence = tr.gettext("{voter} votes “{choice}”.", voter=_name(ctx, ctx.sender), choice=chosen)
    else:
        sentence = tr.gettext("{voter} votes “{choice}” for the seat of {seat}.", voter=_name(ctx, ctx.sender),
                              choice=chosen, seat=_name(ctx, ballot.seat))
    if before is not None:
        sentence += " " + tr.gettext("It replaces the ballot “{previous}” cast by {who} at {time}; every "
                                     "ballot stays in the record.",
                                     previous=tr.gettext(CHOICE_LABELS[before.choice.value]),
                                     who=_name(ctx, before.voter), time=at_time(before.at, tr))
    text = Text.empty()
    if facts:
        text.para(tr.gettext("{name} is now recorded present.", name=_name(ctx, ctx.sender)))
        for pouvoir in attendance.pouvoirs:
            if pouvoir.mandant == ctx.sender and pouvoir.end is PouvoirEnd.MANDANT_PRESENT \
                    and pouvoir.ended_at == ctx.now:
                text.para(tr.gettext("The pouvoir given by {mandant} to {mandataire} ends: {mandant} votes in "
                                     "person.", mandant=_name(ctx, ctx.sender),
                                     mandataire=_name(ctx, pouvoir.mandataire)))
    current = tally(after, voting_rights(attendance))
    text.para(sentence)
    text.para(tr.ngettext("So far: {counts}; {n} seat has not voted.", "So far: {counts}; {n} seats have not voted.",
                          len(current.not_voted), counts=counts_text(current.counts, tr)))
    return Reply(*text.done())


def _choice_command(name: str, alias: str, choice: Choice, help_text: str) -> None:
    @command(name, aliases=(alias,), parent="vote", args=(Arg("mandant", MANDANT, optional=True),), help=help_text)
    def handler(ctx: CommandContext, mandant: str | None = None) -> Reply:
        return _cast_ballot(ctx, choice, mandant)


_choice_command("pour", "for", Choice.POUR, N_("Vote for the proposal; a mandataire names the mandant."))
_choice_command("contre", "against", Choice.CONTRE, N_("Vote against the proposal; a mandataire names the mandant."))
_choice_command("abstention", "abstain", Choice.ABSTENTION,
                N_("Abstain (not a vote cast); a mandataire names the mandant."))


@command(
    "clore",
    aliases=("close",),
    parent="vote",
    roles=frozenset({"president"}),
    help=N_("Close the vote, the quorum checked again: the result with the counts, the rule and the wording; an "
            "adopted decision gets its number."),
)
def vote_clore(ctx: CommandContext) -> Reply:
    s, stored = _voting(ctx)
    try:
        s.seance.check_votes_allowed()
        closed = stored.vote.close(quorum(s.attendance), by=ctx.sender, at=ctx.now, event_id=ctx.event_id)
    except SeanceRefused as error:
        raise seance_refusal(error, ctx)
    except VoteRefused as error:
        raise vote_refusal(error, ctx, s.seance)
    outcome = result(closed, s.attendance.cast)
    written = storage.close_vote(ctx.session, stored, closed, outcome, s.conference.id, ctx.current_year)
    res = written.result
    return Reply(*result_report(closed, res.outcome, res.counts, res.by_member, written.decision, ctx.config,
                                ctx.tr))


# --- !note, !cr --------------------------------------------------------------------------------------------------


@command(
    "note",
    args=(Arg("text", NOTE_TEXT),),
    help=N_("Record a point raised under “questions diverses”, for the compte rendu."),
    group=GROUP,
)
def note(ctx: CommandContext, text: str) -> Reply:
    tr = ctx.tr
    if not ctx.config.is_known(ctx.sender):
        raise CommandError(tr.gettext("Only the people of the conference (representatives, staff) record notes."))
    s = sitting(ctx)
    storage.add_note(ctx.session, s.seance.id, storage.Note(ctx.sender, ctx.now, text, ctx.event_id))
    count = len(storage.notes_of(ctx.session, s.seance.id))
    return Reply(tr.gettext("Noted under “questions diverses” ({n} so far).", n=count))


@command(
    "cr",
    aliases=("minutes",),
    args=(Arg("number", CONFERENCE_NO, optional=True),),
    help=N_("The compte rendu of the séance of this room (or of conference n), as a message and a Markdown file."),
    group=GROUP,
)
def cr(ctx: CommandContext, number: int | None = None) -> Reply:
    tr = ctx.tr
    if number is not None:
        seance = storage.seance_of_conference(ctx.session, number)
        if seance is None:
            raise CommandError(tr.gettext("Conference no. {n} has no séance: there is no compte rendu.", n=number))
    else:
        seance = storage.latest_seance_in_room(ctx.session, ctx.room_id)
        if seance is None:
            raise CommandError(tr.gettext("No séance was held in this room: give a conference number."))
    minutes = minutes_of(ctx.session, ctx.config, seance)
    headline = (tr.gettext("Compte rendu of conference no. {n} ({file}).", n=seance.conference_id,
                           file=minutes.filename) if seance.closed else
                tr.gettext("Provisional compte rendu of conference no. {n}: the séance is still sitting ({file}).",
                           n=seance.conference_id, file=minutes.filename))
    return _minutes_reply(headline, minutes)


def cr_file(session, config: Config, conference_id: int, tr: Translator) -> Attachment:
    """The Markdown file of `tno-bot cr <n>`: the same as posted."""
    seance = storage.seance_of_conference(session, conference_id)
    if seance is None:
        raise UsageError(tr.gettext("Conference no. {n} has no séance: there is no compte rendu.", n=conference_id))
    minutes = minutes_of(session, config, seance)
    return Attachment(minutes.filename, MARKDOWN_MIMETYPE, minutes.data)

