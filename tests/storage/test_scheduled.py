"""Work done by the clock (SQLite and PostgreSQL): reminders sent once, missed ones recorded and shown, tacit fixing
dated at the end of the window, an avis blocking it, moves and cancellations replanning, `upcoming` instants."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from sqlmodel import Session, select

from tests.cast import BAUME, COMITE, FAURY, MILLET, OTHER_ROOM, REPRESENTATIVES, ROOM, SECRETARIAT
from tests.harness import Bot, paris, utc
from tests.text import plain
from tno_bot import storage
from tno_bot.scheduled import Posting, replan_ahead, run_due_work, upcoming


class Clockwork(Bot):
    """Commands and clock runs, each in its own transaction (as the dispatcher and the scheduler do)."""

    def run(self, now) -> list[Posting]:
        with Session(self.engine) as session, session.begin():
            return run_due_work(session, self.config, now)

    def upcoming(self, now) -> list[datetime]:
        with Session(self.engine) as session:
            return upcoming(session, now, self.config)

    def statuses(self) -> dict[str, str]:
        with Session(self.engine) as session:
            return {r.key: r.status for r in session.exec(select(storage.ReminderRow).order_by(storage.ReminderRow.id))}

    def agenda_row(self) -> storage.AgendaRow:
        with Session(self.engine) as session:
            return session.get(storage.AgendaRow, 1)


@pytest.fixture
def clock(engine, config):
    """Conference no. 1 on Friday 7 November 2025 at 14:30 (notice until Wednesday 8 October), two points."""
    clock = Clockwork(engine, config)
    clock.say("!conference nouvelle 2025-11-07 14:30 Hôtel de la Métropole", SECRETARIAT, paris(2025, 9, 1, 10))
    clock.say("!odj ajouter Budget 2026", FAURY, paris(2025, 9, 1, 10))
    clock.say("!odj ajouter Feuille de route", FAURY, paris(2025, 9, 1, 10))
    return clock


@pytest.fixture
def proposed(clock):
    """Sent on Wednesday 1 October at 10:00: replies until Thursday 16 October inclusive."""
    clock.say("!odj envoyer", FAURY, paris(2025, 10, 1, 10))
    return clock


# --- reminders ---------------------------------------------------------------------------------------------------


def test_upcoming_lists_the_reminders_of_a_new_conference(clock):
    assert clock.upcoming(paris(2025, 9, 1, 10)) == [
        utc(2025, 10, 1, 7), utc(2025, 10, 7, 7),  # 09:00 summer time, 7 and 1 days before the notice deadline
        utc(2025, 11, 6, 8), utc(2025, 11, 7, 7),  # eve at 09:00, morning at 08:00, winter time
    ]
    assert clock.upcoming(utc(2025, 10, 1, 7)) == [utc(2025, 10, 7, 7), utc(2025, 11, 6, 8), utc(2025, 11, 7, 7)]


def test_a_reminder_is_sent_once_in_the_room_mentioning_the_comite(clock):
    assert clock.run(utc(2025, 10, 1, 6, 59)) == []
    [posting] = clock.run(utc(2025, 10, 1, 7))
    assert posting.room_id == ROOM
    assert posting.reply.mentions == COMITE
    body = plain(posting.reply.body)
    assert body.splitlines()[0] == (
        "Rappel : l’ordre du jour de la conférence n° 1 du vendredi 7 novembre 2025 à 14 h 30 doit être envoyé aux "
        "représentants au plus tard le mercredi 8 octobre 2025 (J-30) — dans 7 jours. Envoyez-le avec !odj envoyer.")
    assert "1. Budget 2026" in body and body.splitlines()[-1] == (
        "Le comité technique : Fabrice Faury, Hervé Groléas et Stéphane Vangheluwe")
    assert '<a href="https://matrix.to/#/@herve.groleas:tno.example">Hervé Groléas</a>' in posting.reply.html
    assert clock.statuses()["notice-7d"] == "sent"
    assert clock.run(utc(2025, 10, 1, 7)) == [] and clock.run(utc(2025, 10, 2)) == []  # never twice


def test_a_reminder_speaks_the_language_of_the_room(clock):
    with Session(clock.engine) as session, session.begin():
        storage.set_room_language(session, ROOM, "en", MILLET)
    [posting] = clock.run(utc(2025, 10, 1, 7))
    assert plain(posting.reply.body).startswith(
        "Reminder: the agenda of the conference no. 1 of Friday, November 7, 2025 at 2:30 PM must be sent")


def test_a_reminder_due_during_an_outage_is_sent_once_while_still_relevant(clock):
    [posting] = clock.run(paris(2025, 10, 5, 12))  # down from 1 to 5 October: the deadline of 8 October is ahead
    assert "— dans 3 jours." in plain(posting.reply.body)
    assert clock.statuses()["notice-7d"] == "sent"
    assert clock.run(paris(2025, 10, 5, 12)) == []


def test_reminders_missed_during_an_outage_are_recorded_and_shown(clock):
    assert clock.run(paris(2025, 10, 9, 8)) == []  # down from 30 September to 9 October: the notice has passed
    assert clock.statuses() == {"notice-7d": "missed", "notice-1d": "missed", "eve": "pending", "morning": "pending"}
    reply = clock.say("!rappels", BAUME, paris(2025, 10, 9, 9))
    assert reply.splitlines() == [
        "Conférence n° 1 : vendredi 7 novembre 2025 à 14 h 30, Hôtel de la Métropole",
        "• jeudi 6 novembre 2025 à 9 h — tout le monde : la conférence a lieu demain",
        "• vendredi 7 novembre 2025 à 8 h — tout le monde : la conférence a lieu aujourd’hui",
        "Rappels manqués :",
        "• mercredi 1er octobre 2025 à 9 h — le comité technique : envoyer l’ordre du jour — manqué : le bot était "
        "arrêté et ce rappel n’avait plus d’objet le jeudi 9 octobre 2025.",
        "• mardi 7 octobre 2025 à 9 h — le comité technique : envoyer l’ordre du jour — manqué : le bot était "
        "arrêté et ce rappel n’avait plus d’objet le jeudi 9 octobre 2025.",
    ]
    with Session(clock.engine) as session:
        rows = storage.reminders_of(session, 1, [storage.REMINDER_MISSED])
    assert [r.done_at for r in rows] == [paris(2025, 10, 9, 8)] * 2


def test_reminders_caught_up_for_one_instant_make_one_message_worded_for_now(proposed):
    """Down from 5 November until the conference day at 13:50: the eve and the morning reminders are both due; one
    message says "today", not "tomorrow" then "today"."""
    proposed.run(paris(2025, 10, 20, 10))  # the tacit fixing
    [posting] = proposed.run(paris(2025, 11, 7, 13, 50))
    assert plain(posting.reply.body).splitlines()[0] == (
        "Rappel : la conférence intercommunale a lieu aujourd’hui, vendredi 7 novembre 2025 à 14 h 30.")
    assert (proposed.statuses()["eve"], proposed.statuses()["morning"]) == ("sent", "sent")
    assert proposed.run(paris(2025, 11, 7, 13, 55)) == []


def test_two_notice_reminders_caught_up_make_one_message(clock):
    [posting] = clock.run(paris(2025, 10, 7, 10))  # down from 30 September: D-7 and D-1 of 8 October both due
    assert "jusqu'au" not in plain(posting.reply.body) and "— demain." in plain(posting.reply.body)
    assert (clock.statuses()["notice-7d"], clock.statuses()["notice-1d"]) == ("sent", "sent")


def test_rappels_without_conference(engine, config):
    assert Clockwork(engine, config).say("!rappels", BAUME, paris(2025, 9, 1, 10)) == (
        "Aucune conférence à venir, donc aucun rappel.")


def test_the_window_reminder_pings_the_representatives(proposed):
    assert proposed.statuses()["notice-1d"] == "cancelled"  # sent: no more notice reminders
    [posting] = proposed.run(utc(2025, 10, 13, 7))
    assert posting.reply.mentions == REPRESENTATIVES
    assert plain(posting.reply.body).startswith(
        "Rappel : les réponses à la version 1 de l’ordre du jour de la conférence n° 1 du vendredi 7 novembre 2025 à "
        "14 h 30 sont ouvertes jusqu’au jeudi 16 octobre 2025 inclus — dans 3 jours.")


def test_eve_and_morning_ping_everyone_with_the_fixed_agenda(proposed):
    proposed.run(paris(2025, 10, 20, 10))
    [eve] = proposed.run(utc(2025, 11, 6, 8))
    assert len(eve.reply.mentions) == 13 and set(REPRESENTATIVES + COMITE) <= set(eve.reply.mentions)
    lines = plain(eve.reply.body).splitlines()
    assert lines[:6] == [
        "Rappel : la conférence intercommunale a lieu demain, vendredi 7 novembre 2025 à 14 h 30.",
        "Lieu : Hôtel de la Métropole",
        "Fixé tacitement le jeudi 16 octobre 2025 (version 1) : aucun avis dans le délai de réponse.",
        "Ordre du jour :", "1. Budget 2026", "2. Feuille de route"]
    [morning] = proposed.run(utc(2025, 11, 7, 7))
    assert plain(morning.reply.body).startswith("Rappel : la conférence intercommunale a lieu aujourd’hui, vendredi")
    assert proposed.upcoming(utc(2025, 11, 7, 7)) == []


# --- tacit fixing -------------------------------------------------------------------------------------------------


def test_upcoming_after_sending_includes_the_end_of_the_window(proposed):
    assert proposed.upcoming(paris(2025, 10, 1, 10)) == [
        utc(2025, 10, 13, 7),  # window-3d
        utc(2025, 10, 16, 22),  # the window closes at midnight, Paris: the tacit fixing
        utc(2025, 11, 6, 8), utc(2025, 11, 7, 7),
    ]


def test_tacit_fixing_when_the_window_closes_without_avis(proposed):
    [reminder] = proposed.run(utc(2025, 10, 16, 21, 59))  # the window reminder of 13 October, sent late but in time
    assert plain(reminder.reply.body).startswith("Rappel : les réponses à la version 1")
    assert proposed.run(utc(2025, 10, 16, 21, 59)) == []
    [posting, convocation] = proposed.run(utc(2025, 10, 16, 22))
    assert posting.room_id == ROOM and posting.reply.mentions == REPRESENTATIVES  # notified, as by the proposal
    assert convocation.room_id == ROOM and convocation.reply.mentions == REPRESENTATIVES
    assert [f.filename for f in convocation.reply.files] == ["convocation-2025-11-07.pdf",
                                                             "convocation-2025-11-07.odt"]
    assert plain(posting.reply.body).splitlines() == [
        "Ordre du jour fixé tacitement le jeudi 16 octobre 2025 : la version 1, envoyée le mercredi 1er octobre 2025, "
        "n’a reçu aucun avis dans le délai de réponse. Il est désormais verrouillé.",
        "Ordre du jour de la conférence n° 1 du vendredi 7 novembre 2025 à 14 h 30 :",
        "1. Budget 2026", "2. Feuille de route",
        "Représentants : Emeline Baume, Zemorda Khelifi, Matthieu Viera, Bertrand Maes, Laurent Bosetti, "
        "Emmanuel Vivien, Pierre-Alain Millet, Alain Viollet et Damien Lefort"]
    assert posting.reply.html.count('<a href="https://matrix.to/#/@') == 9
    row = proposed.agenda_row()
    assert (row.etat, row.fixed_version, row.fixed_mode, row.fixed_by) == ("fixe", 1, "tacite", None)
    assert (row.fixed_day, row.fixed_at) == (date(2025, 10, 16), utc(2025, 10, 16, 22))
    assert proposed.run(utc(2025, 10, 17)) == []
    assert utc(2025, 10, 16, 22) not in proposed.upcoming(utc(2025, 10, 1))
    assert "Fixé tacitement le jeudi 16 octobre 2025 (version 1)" in proposed.say(
        "!odj", BAUME, paris(2025, 10, 17, 10))


def test_a_window_closed_during_an_outage_is_fixed_at_start_up_dated_at_its_end(proposed):
    postings = proposed.run(paris(2025, 11, 6, 9, 30))  # down from 12 October to the eve of the conference
    # the fixing and its convocation, then the eve
    assert [p.reply.body.split()[0] for p in postings] == ["Ordre", "Convocation", "Rappel"]
    assert "fixé tacitement le jeudi 16 octobre 2025" in plain(postings[0].reply.body)
    assert "Fixé tacitement le jeudi 16 octobre 2025" in plain(postings[2].reply.body)
    row = proposed.agenda_row()
    assert (row.fixed_day, row.fixed_at) == (date(2025, 10, 16), utc(2025, 10, 16, 22))
    assert proposed.statuses() == {"notice-7d": "cancelled", "notice-1d": "cancelled", "window-3d-v1": "missed",
                                   "eve": "sent", "morning": "pending"}
    assert proposed.run(paris(2025, 11, 6, 9, 30)) == []


def test_an_avis_blocks_the_tacit_fixing(proposed):
    proposed.say("!odj avis Ajouter l'hébergement", BAUME, paris(2025, 10, 3, 10))
    assert utc(2025, 10, 16, 22) not in proposed.upcoming(paris(2025, 10, 3, 10))
    [reminder] = proposed.run(utc(2025, 10, 13, 7))  # the other representatives may still reply
    assert reminder.reply.mentions == REPRESENTATIVES
    assert proposed.run(paris(2025, 10, 20, 10)) == []
    assert proposed.agenda_row().etat == "propose"
    assert "1 avis sur la version 1 :" in proposed.say("!odj", BAUME, paris(2025, 10, 20, 10))


def test_a_move_replans_the_reminders_and_the_clock(clock):
    clock.say("!conference deplacer 1 2025-11-21 14:30", SECRETARIAT, paris(2025, 9, 2, 10))
    assert clock.upcoming(paris(2025, 9, 2, 10)) == [utc(2025, 10, 15, 7), utc(2025, 10, 21, 7), utc(2025, 11, 20, 8),
                                                 utc(2025, 11, 21, 7)]
    assert clock.run(utc(2025, 10, 1, 7)) == []  # the old notice-7d was cancelled
    [posting] = clock.run(utc(2025, 10, 15, 7))
    assert "au plus tard le mercredi 22 octobre 2025 (J-30)" in plain(posting.reply.body)


def test_a_cancelled_conference_has_no_more_work(proposed):
    proposed.say("!conference annuler 1", SECRETARIAT, paris(2025, 10, 2, 10))
    assert proposed.upcoming(paris(2025, 10, 2, 10)) == []
    assert proposed.run(paris(2025, 11, 7, 9)) == []
    assert set(proposed.statuses().values()) == {"cancelled"}
    assert proposed.agenda_row().etat == "propose"  # a cancelled conference's agenda is not fixed


def test_conferences_of_two_rooms_post_in_their_own_room(clock):
    clock.say("!conference nouvelle 2025-11-07 10:00", SECRETARIAT, paris(2025, 9, 1, 10), room=OTHER_ROOM)
    postings = clock.run(utc(2025, 10, 1, 7))
    assert sorted(p.room_id for p in postings) == [OTHER_ROOM, ROOM]


def test_a_reloaded_config_replans_the_reminders_of_the_conferences_ahead(clock, config):
    """`[reminders]` changed by a reload (SIGHUP): the pending reminders follow the new settings, a sent one stays."""
    from dataclasses import replace

    clock.run(paris(2025, 10, 1, 9, 30))  # the 7-day notice reminder (1 October, 09:00) is sent
    reloaded = replace(config, reminders=replace(config.reminders, notice_days_before=(7, 3)))
    with Session(clock.engine) as session, session.begin():
        assert replan_ahead(session, reloaded, paris(2025, 10, 1, 10)) == 1
    clock.config = reloaded
    statuses = clock.statuses()
    assert statuses["notice-7d"] == "sent" and statuses["notice-1d"] == "cancelled"
    assert statuses["notice-3d"] == "pending"
    # 3 days before 8 October is Sunday 5: brought forward to Friday 3, 09:00 (on_days_off = false)
    assert clock.upcoming(paris(2025, 10, 1, 10))[0] == utc(2025, 10, 3, 7)
    with Session(clock.engine) as session, session.begin():
        assert replan_ahead(session, reloaded, paris(2025, 11, 8)) == 0  # once the conference is past: none


# --- a favourable avis ([rules] avis_favorable_bloque) -------------------------------------------------------------

NOW = paris(2025, 10, 1, 10)


def clock_with(engine, config, bloque: bool) -> Clockwork:
    """The `proposed` conference, its version sent under `avis_favorable_bloque = bloque`."""
    clock = Clockwork(engine, dataclasses.replace(config, rules=dataclasses.replace(
        config.rules, avis_favorable_bloque=bloque)))
    clock.say("!conference nouvelle 2025-11-07 14:30 Hôtel de la Métropole", SECRETARIAT, paris(2025, 9, 1, 10))
    clock.say("!odj ajouter Budget 2026", FAURY, paris(2025, 9, 1, 10))
    clock.say("!odj envoyer", FAURY, paris(2025, 10, 1, 10))
    return clock


def test_when_configured_favourable_avis_let_the_window_fix_the_agenda(engine, config):
    clock = clock_with(engine, config, bloque=False)
    [ack] = clock.ask("!odj avis favorable", BAUME, paris(2025, 10, 3, 10))
    assert plain(ack.body).splitlines()[1:] == [
        "• Emeline Baume, le vendredi 3 octobre 2025 à 10 h : avis favorable",
        "Un avis favorable n’empêche pas la fixation tacite : sans avis portant des remarques ou des réserves, l’ordre "
        "du jour est fixé tel que proposé à la fin du jeudi 16 octobre 2025.",
        "Règle appliquée à la version 1 (réglage avis_favorable_bloque lors de son envoi) : un avis favorable "
        "(!odj avis favorable) n’empêche pas sa fixation tacite ; un avis portant des remarques ou des réserves "
        "l’empêche."]
    assert ack.mentions == ()  # nobody has to act
    clock.say("!odj avis Favorable.", MILLET, paris(2025, 10, 4, 10))
    assert [(a.author, a.text, a.favorable) for a in clock.rows(storage.AgendaAvis)] == [
        (BAUME, "", True), (MILLET, "", True)]
    assert clock.say("!odj fixer", MILLET, paris(2025, 10, 5, 10)) == (
        "La version 1 n’a reçu que des avis favorables, qui n’empêchent pas sa fixation tacite (réglage "
        "avis_favorable_bloque) : elle sera fixée tacitement à la fin du jeudi 16 octobre 2025, à la clôture du délai "
        "de réponse.")
    assert utc(2025, 10, 16, 22) in clock.upcoming(paris(2025, 10, 5, 10))
    [reminder] = clock.run(utc(2025, 10, 16, 21, 59))
    [posting, convocation] = clock.run(utc(2025, 10, 16, 22))
    assert plain(posting.reply.body).splitlines()[:2] == [
        "Ordre du jour fixé tacitement le jeudi 16 octobre 2025 : la version 1, envoyée le mercredi 1er octobre 2025, "
        "n’a reçu que 2 avis favorables dans le délai de réponse. Il est désormais verrouillé.",
        "Règle appliquée à la version 1 (réglage avis_favorable_bloque lors de son envoi) : un avis favorable "
        "(!odj avis favorable) n’empêche pas sa fixation tacite ; un avis portant des remarques ou des réserves "
        "l’empêche."]
    assert posting.reply.mentions == REPRESENTATIVES
    row = clock.agenda_row()
    assert (row.etat, row.fixed_mode, row.fixed_by, row.fixed_day) == ("fixe", "tacite", None, date(2025, 10, 16))
    assert ("Fixé tacitement le jeudi 16 octobre 2025 (version 1) : seuls des avis favorables dans le délai de "
            "réponse, qui ne l’ont pas empêché (réglage avis_favorable_bloque).") in clock.say(
        "!odj", BAUME, paris(2025, 10, 17, 10))


def test_when_configured_an_avis_with_reservations_still_blocks(engine, config):
    clock = clock_with(engine, config, bloque=False)
    clock.say("!odj avis favorable", BAUME, paris(2025, 10, 3, 10))
    [ack] = clock.ask("!odj avis Favorable sous réserve d'ajouter l'hébergement", MILLET, paris(2025, 10, 4, 10))
    assert "L’ordre du jour ne sera pas fixé tacitement." in plain(ack.body) and ack.mentions
    assert [a.favorable for a in clock.rows(storage.AgendaAvis)] == [True, False]
    assert clock.run(paris(2025, 10, 20, 10)) == [] and clock.agenda_row().etat == "propose"


def test_by_default_a_favourable_avis_blocks_and_the_replies_say_so(engine, config):
    clock = clock_with(engine, config, bloque=True)
    [ack] = clock.ask("!odj avis favorable", BAUME, paris(2025, 10, 3, 10))
    assert plain(ack.body).splitlines()[1:4] == [
        "• Emeline Baume, le vendredi 3 octobre 2025 à 10 h : avis favorable",
        "L’ordre du jour ne sera pas fixé tacitement. Le comité technique peut l’amender (!odj amender) et envoyer une "
        "nouvelle version, ou le président le fixer (!odj fixer).",
        "Règle appliquée à la version 1 (réglage avis_favorable_bloque lors de son envoi) : tout avis empêche sa "
        "fixation tacite, un avis favorable (!odj avis favorable) aussi."]
    assert MILLET in ack.mentions  # the président must act
    assert [(a.text, a.favorable) for a in clock.rows(storage.AgendaAvis)] == [("", True)]
    assert utc(2025, 10, 16, 22) not in clock.upcoming(paris(2025, 10, 3, 10))
    clock.run(utc(2025, 10, 13, 7))  # the window reminder
    assert clock.run(paris(2025, 10, 20, 10)) == [] and clock.agenda_row().etat == "propose"
    odj = clock.say("!odj", BAUME, paris(2025, 10, 20, 10))
    assert ("L’ordre du jour ne sera pas fixé tacitement : le comité technique peut l’amender (!odj amender) ou le "
            "président le fixer (!odj fixer).") in odj


def test_the_rule_of_a_sent_version_survives_a_change_of_config(engine, config):
    clock = clock_with(engine, config, bloque=True)
    clock.say("!odj avis favorable", BAUME, paris(2025, 10, 3, 10))
    clock.config = dataclasses.replace(clock.config, rules=dataclasses.replace(clock.config.rules,
                                                                               avis_favorable_bloque=False))
    assert clock.run(paris(2025, 10, 20, 10)) == [] and clock.agenda_row().etat == "propose"
    assert [v.avis_favorable_bloque for v in clock.rows(storage.AgendaVersion)] == [True]


def test_aide_odj_states_the_configs_reading(engine, config):
    assert ("Lecture appliquée (réglage avis_favorable_bloque) : « sans avis en retour » s’entend sans aucun avis, "
            "donc un avis favorable (!odj avis favorable) empêche aussi la fixation tacite, et le président fixe alors "
            "l’ordre du jour.") in Clockwork(engine, config).say("!aide odj", now=NOW)
    letting = Clockwork(engine, dataclasses.replace(config, rules=dataclasses.replace(
        config.rules, avis_favorable_bloque=False)))
    assert ("Reading applied (config avis_favorable_bloque): a favourable avis (!odj avis favorable) does not stop the "
            "tacit fixing; an avis with remarks or reservations does.") in letting.say("!help odj", now=NOW,
                                                                                       language="en")
    assert ("ou le mot « favorable » seul pour un avis favorable.") in letting.say("!aide odj avis", now=NOW)
