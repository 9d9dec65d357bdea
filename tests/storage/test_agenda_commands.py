"""Agenda commands on a real database (SQLite and PostgreSQL), one transaction per command as the dispatcher does:
each command's happy path, each permission refusal, each bad input with its usage line, the warnings, the rows
written."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import icalendar
import pytest
from sqlmodel import Session, select

from tests.cast import (
    ADMIN,
    BAUME,
    COMITE,
    EXAMPLE_CONFIG,
    FAURY,
    MILLET,
    OTHER_ROOM,
    REPRESENTATIVES,
    ROOM,
    SECRETARIAT,
)
from tests.harness import Bot, paris
from tests.text import plain
from tno_bot import storage
from tno_bot.cli import main
from tno_bot.domain.calendar import PARIS

NOW = paris(2025, 9, 1, 10)  # the conference of 7 November 2025: notice until Wednesday 8 October
SENT = paris(2025, 10, 1, 10)  # the proposal sent: replies until Thursday 16 October


class AgendaBot(Bot):
    """Commands by Emeline Baume (a representative) on 1 September 2025 at 10:00 unless told."""

    def __init__(self, engine, config):
        super().__init__(engine, config, sender=BAUME, now=NOW)

    def reminders(self, status=None):
        return sorted((r.key, r.status) for r in self.rows(storage.ReminderRow)
                      if status is None or r.status == status)

    def agenda(self, number=1):
        with Session(self.engine) as session:
            return storage.load_agenda(session, number)


@pytest.fixture
def bot(engine, config):
    return AgendaBot(engine, config)


@pytest.fixture
def planned(bot):
    """Conference no. 1 on Friday 7 November 2025 at 14:30, created on 1 September."""
    bot.say("!conference nouvelle 2025-11-07 14:30 Hôtel de la Métropole", SECRETARIAT)
    return bot


@pytest.fixture
def proposed(planned):
    """Two points, sent by the comité technique on 1 October (window until Thursday 16 October)."""
    planned.say("!odj ajouter Budget 2026", FAURY)
    planned.say("!odj ajouter Feuille de route", FAURY)
    planned.ask("!odj envoyer", FAURY, now=SENT)
    return planned


# --- !conference nouvelle ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("sender", [SECRETARIAT, MILLET])
def test_nouvelle_answers_with_the_timeline_and_writes_the_rows(bot, sender):
    reply = bot.say("!conference nouvelle 2025-11-07 14:30 Hôtel de la Métropole", sender)
    lines = reply.splitlines()
    assert lines[0] == "Conférence n° 1 créée."
    assert lines[1] == "Conférence n° 1 : vendredi 7 novembre 2025 à 14 h 30, Hôtel de la Métropole — dans 67 jours."
    assert "Délais en jours calendaires, heure de Paris." in lines
    assert ("• Dernier jour pour envoyer l’ordre du jour aux représentants (J-30) : mercredi 8 octobre 2025 — "
            "dans 37 jours.") in lines
    assert "jusqu’au jeudi 23 octobre 2025 si l’ordre du jour est envoyé le dernier jour" in reply
    assert "Ordre du jour : Brouillon, pas encore envoyé." in lines
    assert lines[-4:] == [
        "• mercredi 1er octobre 2025 à 9 h — le comité technique : envoyer l’ordre du jour",
        "• mardi 7 octobre 2025 à 9 h — le comité technique : envoyer l’ordre du jour",
        "• jeudi 6 novembre 2025 à 9 h — tout le monde : la conférence a lieu demain",
        "• vendredi 7 novembre 2025 à 8 h — tout le monde : la conférence a lieu aujourd’hui",
    ]
    [row] = bot.rows(storage.ConferenceRow)
    assert (row.room_id, row.day, row.start_time, row.lieu, row.cancelled, row.created_by) == (
        ROOM, date(2025, 11, 7), time(14, 30), "Hôtel de la Métropole", False, sender)
    assert bot.reminders() == [("eve", "pending"), ("morning", "pending"), ("notice-1d", "pending"),
                               ("notice-7d", "pending")]
    assert bot.agenda().points == ()


def test_nouvelle_in_english_with_the_english_names(bot):
    replies = bot.ask("!conference new 2025-11-07 14h30", SECRETARIAT, language="en")
    body = plain(replies[0].body)
    assert body.startswith("Conference no. 1 created.\nConference no. 1: Friday, November 7, 2025 at 2:30 PM — in 67")
    assert "Deadlines count calendar days, Paris time." in body


def test_nouvelle_whose_notice_is_past_is_accepted_with_a_warning(bot):
    reply = bot.say("!conference nouvelle 2025-09-20 09:00", SECRETARIAT)
    assert reply.splitlines()[1] == (
        "Attention : le dernier jour pour envoyer l’ordre du jour, le jeudi 21 août 2025 (J-30), est déjà passé : le "
        "délai fixé par les règles de la conférence (compte rendu de la conférence du 7 novembre 2022) ne peut plus "
        "être tenu. Le président pourra envoyer l’ordre du jour hors délai avec !odj envoyer hors-delai.")
    assert len(bot.rows(storage.ConferenceRow)) == 1
    assert reply.splitlines()[2] == ("Attention : le samedi 20 septembre 2025 tombe un week-end. La conférence est "
                                     "tout de même planifiée.")
    # the notice reminders are already due; a conference on a Saturday has no morning reminder (the eve's is there)
    assert bot.reminders() == [("eve", "pending")]


@pytest.mark.parametrize("when", ["2025-08-31 10:00", "2025-09-01 09:59"])
def test_nouvelle_in_the_past_is_refused_with_the_usage_line(bot, when):
    reply = bot.say(f"!conference nouvelle {when}", SECRETARIAT)
    assert "est déjà passé : une conférence se prévoit dans le futur." in reply
    assert reply.splitlines()[-1] == "Utilisation : !conference nouvelle <AAAA-MM-JJ> <HH:MM> [lieu…]"
    assert bot.rows(storage.ConferenceRow) == []


@pytest.mark.parametrize("text, sentence", [
    ("!conference nouvelle", "Il manque <AAAA-MM-JJ>."),
    ("!conference nouvelle 2025-11-07", "Il manque <HH:MM>."),
    ("!conference nouvelle 7 novembre", "« 7 » n’est pas une date : écrivez-la AAAA-MM-JJ, par exemple 2025-11-07."),
    ("!conference nouvelle 2025-02-30 14:00", "« 2025-02-30 » n’est pas une date"),
    ("!conference nouvelle 2025-11-07 25:00", "« 25:00 » n’est pas une heure : écrivez-la HH:MM, par exemple 14:30."),
    ("!conference nouvelle 2025-11-07 midi", "« midi » n’est pas une heure"),
    ("!conference nouvelle 2025-11-07 14:30 " + "x" * 201, "Ce texte fait 201 caractères ; 200 au plus sont acceptés"),
])
def test_nouvelle_bad_input_is_answered_with_the_usage_line(bot, text, sentence):
    reply = bot.say(text, SECRETARIAT)
    assert sentence in reply
    assert reply.endswith("Utilisation : !conference nouvelle <AAAA-MM-JJ> <HH:MM> [lieu…]")
    assert bot.rows(storage.ConferenceRow) == []


def test_a_french_date_is_understood(bot):
    assert bot.say("!conference nouvelle 7/11/2025 14:30", SECRETARIAT).startswith("Conférence n° 1 créée.")
    assert bot.rows(storage.ConferenceRow)[0].day == date(2025, 11, 7)


@pytest.mark.parametrize("text, command", [
    ("!conference nouvelle 2025-11-07 14:30", "!conference nouvelle"),
    ("!conference deplacer 1 2025-11-14 14:30", "!conference deplacer"),
    ("!conference annuler 1", "!conference annuler"),
])
@pytest.mark.parametrize("sender", [BAUME, FAURY, ADMIN])
def test_conference_changes_are_for_the_president_and_the_secretariat(planned, text, command, sender):
    reply = planned.say(text, sender)
    assert reply == f"Seuls le président ou le secrétariat peuvent utiliser {command}."
    assert [(r.day, r.cancelled) for r in planned.rows(storage.ConferenceRow)] == [(date(2025, 11, 7), False)]


# --- which conference, !conference, !conferences ----------------------------------------------------------------


def test_conference_without_any_says_how_to_create_one(bot):
    assert bot.say("!conference") == ("Aucune conférence n’est prévue. Créez-en une avec "
                                      "!conference nouvelle <AAAA-MM-JJ> <HH:MM> [lieu].")
    assert bot.say("!odj ajouter Budget", FAURY).startswith("Aucune conférence n’est prévue.")


def test_conference_shows_the_next_one_of_the_room_with_countdowns(proposed):
    proposed.say("!conference nouvelle 2025-12-15 10:00", SECRETARIAT, room=OTHER_ROOM)
    reply = proposed.say("!conference", now=paris(2025, 10, 2, 10))
    assert reply.startswith("Prochaine conférence :\nConférence n° 1 : vendredi 7 novembre 2025 à 14 h 30")
    assert "— dans 36 jours." in reply
    assert "• Réponses à la version 1 jusqu’au jeudi 16 octobre 2025 inclus — dans 14 jours." in reply
    assert "Ordre du jour : Proposé le mercredi 1er octobre 2025 (version 1)" in reply
    assert "• lundi 13 octobre 2025 à 9 h — les représentants : répondre à la version 1 de l’ordre du jour" in reply
    # in the other room, its own conference; a number chooses any
    assert "Conférence n° 2 : lundi 15 décembre 2025 à 10 h" in proposed.say("!conference", room=OTHER_ROOM)
    assert "Conférence n° 2 : lundi 15 décembre 2025" in proposed.say("!conference 2")
    # a third room: two conferences elsewhere, the number is needed
    assert proposed.say("!conference", room="!third:tno.example") == (
        "Aucune conférence n’est prévue dans ce salon, et 2 ailleurs : donnez son numéro (!conferences les liste).")


def test_the_only_conference_is_found_from_any_room(planned):
    assert "Conférence n° 1" in planned.say("!conference", room=OTHER_ROOM)


def test_an_unknown_conference_number(planned):
    reply = planned.say("!conference 7")
    assert reply.startswith("Il n’y a pas de conférence n° 7 : !conferences les liste.")
    assert "« x » n’est pas un numéro" in planned.say("!conference annuler x", SECRETARIAT)


def test_conferences_to_come_and_past(proposed):
    proposed.say("!conference nouvelle 2025-09-10 14:00", SECRETARIAT)
    proposed.say("!conference nouvelle 2025-12-15 10:00 Lyon", SECRETARIAT)
    proposed.say("!conference annuler 3", SECRETARIAT)
    reply = proposed.say("!conferences", now=paris(2025, 10, 2, 10))
    assert reply.splitlines() == [
        "Conférences à venir :",
        "• Conférence n° 1 : vendredi 7 novembre 2025 à 14 h 30, Hôtel de la Métropole — dans 36 jours — ordre du "
        "jour : proposé (version 1)",
        "• Conférence n° 3 : lundi 15 décembre 2025 à 10 h, Lyon — dans 74 jours — annulée",
    ]
    assert proposed.say("!conferences passees", now=paris(2025, 10, 2, 10)).splitlines() == [
        "Conférences passées :", "• Conférence n° 2 : mercredi 10 septembre 2025 à 14 h — il y a 22 jours"]
    assert proposed.say("!conferences past", now=NOW) == "Aucune conférence passée."
    assert "« hier » inattendu : écrivez passees." in proposed.say("!conferences hier")


# --- !conference deplacer / annuler ------------------------------------------------------------------------------


def test_deplacer_recomputes_the_deadlines_and_the_reminders(planned):
    reply = planned.say("!conference deplacer 1 2025-11-14 09:30", MILLET, now=paris(2025, 9, 2, 10))
    assert reply.startswith("Conférence n° 1 déplacée du vendredi 7 novembre 2025 à 14 h 30 au vendredi 14 novembre "
                            "2025 à 9 h 30 ; ses délais et ses rappels sont recalculés.")
    assert "(J-30) : mercredi 15 octobre 2025 — dans 43 jours." in reply
    assert reply.endswith("Représentants : Emeline Baume, Zemorda Khelifi, Matthieu Viera, Bertrand Maes, Laurent "
                          "Bosetti, Emmanuel Vivien, Pierre-Alain Millet, Alain Viollet et Damien Lefort")
    [row] = planned.rows(storage.ConferenceRow)
    assert (row.day, row.start_time) == (date(2025, 11, 14), time(9, 30))
    rows = planned.rows(storage.ReminderRow)
    assert sorted((r.key, r.status, r.due_at.astimezone(PARIS).date().isoformat()) for r in rows) == [
        ("eve", "cancelled", "2025-11-06"), ("eve", "pending", "2025-11-13"),
        ("morning", "cancelled", "2025-11-07"), ("morning", "pending", "2025-11-14"),
        ("notice-1d", "cancelled", "2025-10-07"), ("notice-1d", "pending", "2025-10-14"),
        ("notice-7d", "cancelled", "2025-10-01"), ("notice-7d", "pending", "2025-10-08"),
    ]


def test_deplacer_to_a_date_whose_notice_is_past_warns(planned):
    reply = planned.say("!conference deplacer 1 2025-09-25 14:30", SECRETARIAT)
    assert "Attention : le dernier jour pour envoyer l’ordre du jour, le mardi 26 août 2025 (J-30)" in reply


def test_deplacer_bad_input(planned):
    assert planned.say("!conference deplacer 1 2025-11-14", SECRETARIAT) == (
        "Il manque <HH:MM>.\nUtilisation : !conference deplacer <n> <AAAA-MM-JJ> <HH:MM>")
    reply = planned.say("!conference deplacer 1 2025-08-01 10:00", SECRETARIAT)
    assert "est déjà passé" in reply and reply.endswith("!conference deplacer <n> <AAAA-MM-JJ> <HH:MM>")


def test_annuler_cancels_the_reminders_and_locks_everything(planned):
    [cancelled] = planned.ask("!conference annuler 1", SECRETARIAT)
    assert plain(cancelled.body).splitlines()[0] == (
        "La conférence n° 1 du vendredi 7 novembre 2025 à 14 h 30 est annulée. 4 rappels annulés.")
    assert len(cancelled.mentions) == 9 and "Représentants : Emeline Baume" in plain(cancelled.body)
    assert planned.rows(storage.ConferenceRow)[0].cancelled
    assert {status for _, status in planned.reminders()} == {"cancelled"}
    assert planned.say("!conference annuler 1", SECRETARIAT) == (
        "La conférence n° 1 est annulée : plus rien ne peut être modifié.")
    assert planned.say("!conference deplacer 1 2025-11-20 10:00", SECRETARIAT).startswith(
        "La conférence n° 1 est annulée")
    assert planned.say("!conference") .startswith("Aucune conférence n’est prévue.")
    assert "Cette conférence est annulée." in planned.say("!conference 1")


def test_a_started_conference_can_no_longer_change(planned):
    assert planned.say("!conference annuler 1", SECRETARIAT, now=paris(2025, 11, 7, 15)) == (
        "La conférence n° 1 a déjà commencé : plus rien ne peut être modifié.")


# --- !conference ics ---------------------------------------------------------------------------------------------


def test_ics_is_an_attached_icalendar_file(proposed):
    [reply] = proposed.ask("!conference ics", now=paris(2025, 10, 2, 10))
    assert plain(reply.body) == ("Le calendrier de la conférence n° 1 du vendredi 7 novembre 2025 à 14 h 30 : "
                                 "conference-1.ics")
    attachment = reply.attachment
    assert (attachment.filename, attachment.mimetype) == ("conference-1.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(attachment.data)
    events = {str(e["uid"]): (str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")}
    assert events["conference-1@tno.example"] == ("Conférence intercommunale TNO (n° 1)",
                                                  datetime(2025, 11, 7, 14, 30, tzinfo=PARIS))
    assert events["conference-1-notice@tno.example"] == (
        "Dernier jour d’envoi de l’ordre du jour — conférence du vendredi 7 novembre 2025", date(2025, 10, 8))
    assert events["conference-1-reply-window-v1@tno.example"][1] == date(2025, 10, 16)
    conference = next(iter(calendar.walk("VEVENT")))
    assert str(conference["location"]) == "Hôtel de la Métropole"
    assert conference.decoded("dtend") == datetime(2025, 11, 7, 16, 30, tzinfo=PARIS)  # [calendar] default: 2 h
    assert conference.decoded("sequence") == 0
    assert str(conference["description"]).splitlines()[1:] == ["1. Budget 2026", "2. Feuille de route"]


def _conference_event(reply):
    calendar = icalendar.Calendar.from_ical(reply.attachment.data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_a_moved_then_cancelled_conference_updates_the_imported_events(proposed):
    proposed.say("!conference deplacer 1 2025-11-14 10:00", SECRETARIAT, now=paris(2025, 10, 2, 9))
    [moved] = proposed.ask("!conference ics 1", now=paris(2025, 10, 2, 10))
    events = _conference_event(moved)
    conference = events["conference-1@tno.example"]
    assert conference.decoded("dtstart") == datetime(2025, 11, 14, 10, 0, tzinfo=PARIS)
    assert conference.decoded("dtend") == datetime(2025, 11, 14, 12, 0, tzinfo=PARIS)
    assert {e.decoded("sequence") for e in events.values()} == {1}
    assert [r.sequence for r in proposed.rows(storage.ConferenceRow)] == [1]
    proposed.say("!conference annuler 1", SECRETARIAT, now=paris(2025, 10, 4, 9))
    [cancelled] = proposed.ask("!conference ics 1", now=paris(2025, 10, 4, 10))
    events = _conference_event(cancelled)
    assert {(str(e["status"]), e.decoded("sequence")) for e in events.values()} == {("CANCELLED", 2)}


def test_the_cli_writes_the_same_file(proposed, engine, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    output = tmp_path / "conf.ics"
    assert main(["ics", "1", "--output", str(output), "--config", str(EXAMPLE_CONFIG)]) == 0
    assert capsys.readouterr().out.strip() == str(output)
    [reply] = proposed.ask("!conference ics 1")
    strip = lambda data: [l for l in data.splitlines() if not l.startswith(b"DTSTAMP")]  # noqa: E731
    assert strip(output.read_bytes()) == strip(reply.attachment.data)
    assert main(["ics", "9", "--config", str(EXAMPLE_CONFIG)]) == 2
    assert "Il n’y a pas de conférence n° 9" in capsys.readouterr().err


# --- !odj: the draft ---------------------------------------------------------------------------------------------


def test_the_draft_is_edited_and_escaped(planned):
    reply = planned.say("!odj ajouter Budget <b>2026</b>", FAURY)
    assert reply.splitlines() == ["Point 1 ajouté.",
                                  "Brouillon de l’ordre du jour de la conférence n° 1 du vendredi 7 novembre 2025 à "
                                  "14 h 30 :", "1. Budget <b>2026</b>"]
    [answer] = planned.ask("!odj ajouter Feuille de route", SECRETARIAT)
    assert "<li>Budget &lt;b&gt;2026&lt;/b&gt;</li>" in answer.html and "<b>" not in answer.html
    planned.say("!agenda add Hébergement", FAURY, language="en")
    assert planned.say("!odj deplacer 3 1", FAURY).splitlines()[0] == "Le point 3 est maintenant le point 1."
    assert planned.say("!odj retirer 2", FAURY).splitlines()[0] == "Point 2 retiré : « Budget <b>2026</b> »."
    assert planned.agenda().brouillon == ("Hébergement", "Feuille de route")
    points = planned.rows(storage.AgendaPoint)
    assert sorted((p.version, p.position, p.title) for p in points) == [(None, 1, "Hébergement"),
                                                                        (None, 2, "Feuille de route")]
    reply = planned.say("!odj")
    assert reply.splitlines() == [
        "Ordre du jour de la conférence n° 1 du vendredi 7 novembre 2025 à 14 h 30 :",
        "Brouillon, pas encore envoyé.", "1. Hébergement", "2. Feuille de route"]


@pytest.mark.parametrize("text, sentence, usage", [
    ("!odj retirer 3", "Il n’y a pas de point 3 : le brouillon compte 2 points.", "!odj retirer <n° du point>"),
    ("!odj retirer zéro", "« zéro » n’est pas un numéro", "!odj retirer <n° du point>"),
    ("!odj retirer 0", "« 0 » n’est pas un numéro", "!odj retirer <n° du point>"),
    ("!odj deplacer 1 5", "La position 5 n’est pas possible : choisissez une position de 1 à 2.",
     "!odj deplacer <n° du point> <position>"),
    ("!odj deplacer 1", "Il manque <position>.", "!odj deplacer <n° du point> <position>"),
    ("!odj ajouter", "Il manque <titre>.", "!odj ajouter <titre>"),
    ("!odj ajouter " + "x" * 301, "Ce texte fait 301 caractères ; 300 au plus", "!odj ajouter <titre>"),
])
def test_draft_bad_input_with_the_usage_line(planned, text, sentence, usage):
    planned.say("!odj ajouter Budget", FAURY)
    planned.say("!odj ajouter Feuille de route", FAURY)
    reply = planned.say(text, FAURY)
    assert sentence in reply and reply.endswith("Utilisation : " + usage)
    assert planned.agenda().brouillon == ("Budget", "Feuille de route")


def test_retirer_from_an_empty_draft(planned):
    assert planned.say("!odj retirer 1", FAURY).startswith("Le brouillon de l’ordre du jour n’a encore aucun point.")


@pytest.mark.parametrize("text", ["!odj ajouter X", "!odj retirer 1", "!odj deplacer 1 1"])
@pytest.mark.parametrize("sender", [BAUME, MILLET, ADMIN])
def test_the_draft_is_for_the_comite_and_the_secretariat(planned, text, sender):
    assert planned.say(text, sender) == (
        f"Seuls le comité technique ou le secrétariat peuvent utiliser {' '.join(text.split()[:2])}.")


def test_unknown_sub_command_lists_them(planned):
    reply = planned.say("!odj effacer 1", FAURY)
    assert reply.startswith("Sous-commande « effacer » inconnue pour !odj : choisissez ajouter, retirer, deplacer, "
                            "envoyer, avis, amender ou fixer.")
    assert reply.endswith("Utilisation : !odj [n]")


# --- !odj envoyer ------------------------------------------------------------------------------------------------


def test_envoyer_notifies_every_representative_with_the_version_and_the_window(planned):
    planned.say("!odj ajouter Budget 2026", FAURY)
    planned.say("!odj ajouter Feuille <i>de</i> route", FAURY)
    [reply] = planned.ask("!odj envoyer", FAURY, now=SENT)
    assert reply.mentions == REPRESENTATIVES
    body = plain(reply.body)
    assert body.splitlines()[:4] == [
        "Proposition d’ordre du jour, version 1, pour la conférence n° 1 du vendredi 7 novembre 2025 à 14 h 30.",
        "Lieu : Hôtel de la Métropole", "1. Budget 2026", "2. Feuille <i>de</i> route"]
    assert "avis avec !odj avis <texte> jusqu’au jeudi 16 octobre 2025 inclus" in body
    assert body.splitlines()[-1].startswith("Représentants : Emeline Baume, Zemorda Khelifi,")
    assert '<a href="https://matrix.to/#/@emeline.baume:tno.example">Emeline Baume</a>' in reply.html
    assert reply.html.count('href="https://matrix.to/#/@') == 9
    assert "Feuille &lt;i&gt;de&lt;/i&gt; route" in reply.html
    [version] = planned.rows(storage.AgendaVersion)
    assert (version.numero, version.sent_by, version.hors_delai, version.window_days) == (1, FAURY, False, 15)
    assert version.sent_at == SENT
    assert planned.reminders("pending") == [("eve", "pending"), ("morning", "pending"), ("window-3d-v1", "pending")]
    assert ("notice-1d", "cancelled") in planned.reminders()


def test_envoyer_an_empty_draft_is_refused(planned):
    assert planned.say("!odj envoyer", FAURY) == (
        "Le brouillon de l’ordre du jour n’a aucun point : ajoutez-en d’abord avec !odj ajouter <titre>.")


def test_envoyer_twice_and_edit_after_sending_are_refused(proposed):
    sentence = ("La version 1 de l’ordre du jour est envoyée et attend les réponses : elle ne peut être modifiée "
                "qu’après un avis, avec !odj amender.")
    assert proposed.say("!odj envoyer", FAURY, now=SENT) == sentence
    assert proposed.say("!odj ajouter Divers", FAURY, now=SENT) == sentence


def test_envoyer_is_for_the_comite(planned):
    planned.say("!odj ajouter Budget", FAURY)
    assert planned.say("!odj envoyer", MILLET) == (
        "Seul le comité technique peut envoyer l’ordre du jour. Après la date limite d’envoi, le président peut "
        "l’envoyer avec !odj envoyer hors-delai.")
    assert planned.say("!odj envoyer", SECRETARIAT) == (
        "Seuls le comité technique ou le président peuvent utiliser !odj envoyer.")
    assert planned.say("!odj envoyer hors-delai", FAURY) == (
        "Seul le président peut envoyer l’ordre du jour après la date limite d’envoi.")
    assert planned.rows(storage.AgendaVersion) == []


def test_hors_delai_before_the_notice_deadline_is_refused_the_comite_sends_it(planned):
    """README : « après J-30, seul le président peut l’envoyer, hors délai (consigné) » ; before, it is sent normally."""
    planned.say("!odj ajouter Budget", FAURY)
    assert planned.say("!odj envoyer hors-delai", MILLET) == (
        "L’ordre du jour peut encore être envoyé dans les délais, jusqu’au mercredi 8 octobre 2025 inclus (J-30) : le "
        "comité technique l’envoie avec !odj envoyer. « hors-delai » sert seulement à l’envoi par le président après "
        "ce jour.")
    assert planned.rows(storage.AgendaVersion) == []
    assert "version 1, pour la conférence n° 1" in planned.say("!odj envoyer", FAURY)
    assert not planned.rows(storage.AgendaVersion)[0].hors_delai


@pytest.mark.parametrize("day, sentence", [
    ("0001-01-01", "Le lundi 1er janvier 1 à 0 h est déjà passé : une conférence se prévoit dans le futur."),
    ("9999-12-31", "Le vendredi 31 décembre 9999 est trop loin : une conférence se prévoit au plus 10 ans à "
                   "l’avance, jusqu’au samedi 1er septembre 2035."),
])
def test_a_conference_date_out_of_reach_is_refused_and_nothing_written(bot, day, sentence):
    reply = bot.say(f"!conference nouvelle {day} 00:00", SECRETARIAT)
    assert reply.splitlines()[0] == sentence
    assert reply.splitlines()[1].startswith("Utilisation : !conference nouvelle")
    assert bot.rows(storage.ConferenceRow) == [] and bot.rows(storage.ReminderRow) == []


def test_envoyer_after_the_notice_is_refused_then_sent_late_by_the_president(planned):
    planned.say("!odj ajouter Budget", FAURY)
    late = paris(2025, 10, 9, 10)
    assert planned.say("!odj envoyer", FAURY, now=late) == (
        "Trop tard pour envoyer l’ordre du jour : le dernier jour était le mercredi 8 octobre 2025 (J-30, en jours "
        "calendaires). Le président peut encore l’envoyer avec !odj envoyer hors-delai ; ce sera consigné et affiché "
        "avec l’ordre du jour.")
    assert "« demain » inattendu : écrivez hors-delai." in planned.say("!odj envoyer demain", MILLET, now=late)
    [reply] = planned.ask("!odj envoyer hors-delai", MILLET, now=late)
    assert "Envoyé hors délai par le président (Pierre-Alain Millet), le jeudi 9 octobre 2025." in reply.body
    assert planned.rows(storage.AgendaVersion)[0].hors_delai
    assert "Envoyé hors délai par le président (Pierre-Alain Millet)" in planned.say("!odj", now=late)
    # a late proposal is fixed by the président, avis or not
    [fixed, _] = planned.ask("!odj fixer", MILLET, now=paris(2025, 10, 10, 10))  # then the convocation
    assert "Fixé par le président, Pierre-Alain Millet, le vendredi 10 octobre 2025 (version 1)." in plain(fixed.body)


# --- !odj avis, amender, fixer -----------------------------------------------------------------------------------


def test_avis_is_recorded_and_pings_the_president_and_the_comite(proposed):
    at = paris(2025, 10, 3, 18)
    [reply] = proposed.ask("!odj avis Ajouter un point <sur> l'hébergement", BAUME, now=at)
    assert reply.mentions == (MILLET, *COMITE)
    body = plain(reply.body)
    assert body.splitlines()[:2] == [
        "Avis enregistré sur la version 1 de l’ordre du jour de la conférence n° 1 du vendredi 7 novembre 2025 à "
        "14 h 30 :",
        "• Emeline Baume, le vendredi 3 octobre 2025 à 18 h : « Ajouter un point <sur> l'hébergement »"]
    assert "L’ordre du jour ne sera pas fixé tacitement." in body
    assert "&lt;sur&gt;" in reply.html and '<a href="https://matrix.to/#/@fabrice.faury:tno.example">' in reply.html
    [avis] = proposed.rows(storage.AgendaAvis)
    assert (avis.version, avis.author, avis.text, avis.at) == (1, BAUME, "Ajouter un point <sur> l'hébergement", at)
    assert "1 avis sur la version 1 :" in proposed.say("!odj", now=at)


def test_avis_refusals(proposed):
    assert proposed.say("!odj avis D'accord", FAURY, now=SENT) == "Seuls les représentants peuvent utiliser !odj avis."
    assert proposed.say("!odj avis D'accord", BAUME, now=paris(2025, 10, 17, 0, 1)) == (
        "Le délai de réponse s’est terminé à la fin du jeudi 16 octobre 2025 : les avis ne sont plus acceptés.")
    assert proposed.say("!odj avis", BAUME, now=SENT) == "Il manque <texte>.\nUtilisation : !odj avis <texte>"
    assert proposed.rows(storage.AgendaAvis) == []


def test_avis_on_a_draft_is_refused(planned):
    assert planned.say("!odj avis Oui", BAUME) == (
        "L’ordre du jour n’a pas été envoyé : aucune proposition n’attend de réponse.")


def test_fixer_without_avis_is_refused(proposed):
    assert proposed.say("!odj fixer", MILLET, now=SENT) == (
        "Aucun avis n’a été donné sur la version 1 : elle sera fixée tacitement à la fin du jeudi 16 octobre 2025, à "
        "la clôture du délai de réponse.")
    assert proposed.say("!odj fixer", FAURY, now=SENT) == "Seul le président peut utiliser !odj fixer."


def test_after_an_avis_the_comite_amends_and_sends_a_new_version(proposed):
    proposed.say("!odj avis Ajouter l'hébergement", BAUME, now=paris(2025, 10, 3, 10))
    assert proposed.say("!odj amender", SECRETARIAT, now=paris(2025, 10, 4, 10)) == (
        "Seul le comité technique peut utiliser !odj amender.")
    reply = proposed.say("!odj amender", FAURY, now=paris(2025, 10, 4, 10))
    assert reply.splitlines()[0] == ("La version 1 est repassée en brouillon : modifiez-la, puis envoyez la version 2 "
                                     "avec !odj envoyer.")
    proposed.say("!odj ajouter Hébergement", FAURY, now=paris(2025, 10, 4, 10))
    assert "Brouillon de la version 2, après un avis sur la version 1." in proposed.say(
        "!odj", now=paris(2025, 10, 4, 10))
    [reply] = proposed.ask("!odj envoyer", FAURY, now=paris(2025, 10, 10, 10))  # after D-30: a new version is not late
    assert "version 2" in reply.body and "jusqu’au samedi 25 octobre 2025 inclus" in plain(reply.body)
    assert "Le samedi 25 octobre 2025 tombe un week-end ; le jour ouvrable suivant est le lundi 27 octobre 2025 (le " \
           "délai n’est pas reporté)." in plain(reply.body)
    assert [v.numero for v in proposed.rows(storage.AgendaVersion)] == [1, 2]
    assert ("window-3d-v2", "pending") in proposed.reminders() and ("window-3d-v1", "cancelled") in proposed.reminders()


def test_fixer_after_an_avis_locks_the_agenda(proposed):
    proposed.say("!odj avis Ajouter l'hébergement", BAUME, now=paris(2025, 10, 3, 10))
    [fixed, convocation] = proposed.ask("!odj fixer", MILLET, now=paris(2025, 10, 6, 11))
    assert "Fixé par le président, Pierre-Alain Millet, le lundi 6 octobre 2025 (version 1)." in plain(fixed.body)
    assert plain(convocation.body).startswith("Convocation à la conférence n° 1 du vendredi 7 novembre 2025")
    assert convocation.mentions == REPRESENTATIVES
    assert [f.filename for f in convocation.files] == ["convocation-2025-11-07.pdf", "convocation-2025-11-07.odt"]
    [row] = proposed.rows(storage.AgendaRow)
    assert (row.etat, row.fixed_version, row.fixed_mode, row.fixed_by) == ("fixe", 1, "president", MILLET)
    locked = "L’ordre du jour est fixé (version 1, le lundi 6 octobre 2025) : il ne peut plus être modifié."
    assert proposed.say("!odj ajouter Divers", FAURY, now=paris(2025, 10, 7, 10)) == locked
    assert proposed.say("!odj avis Encore", BAUME, now=paris(2025, 10, 7, 10)) == locked
    assert ("window-3d-v1", "cancelled") in proposed.reminders()


# --- deadlines on days off ---------------------------------------------------------------------------------------


def with_rules(engine, config, **rules) -> AgendaBot:
    return AgendaBot(engine, dataclasses.replace(config, rules=dataclasses.replace(config.rules, **rules)))


def test_a_notice_ending_on_a_holiday_is_flagged_with_the_previous_working_day(bot):
    reply = bot.say("!conference nouvelle 2025-12-11 10:00", SECRETARIAT)  # D-30: Tuesday 11 November, Armistice
    assert "(J-30) : mardi 11 novembre 2025 — dans 71 jours." in reply
    assert ("• Le mardi 11 novembre 2025 est férié (Armistice) ; le jour ouvrable précédent est le lundi 10 "
            "novembre 2025 (le délai ne change pas).") in reply.splitlines()
    assert ("Lecture appliquée (réglage agenda_notice_franc) : les 30 jours ne sont pas francs, l’ordre du jour peut "
            "encore être envoyé à J-30.") in reply


def test_a_notice_on_a_holiday_with_extend_to_working_day_moves_earlier(engine, config):
    bot = with_rules(engine, config, extend_to_working_day=True)
    reply = bot.say("!conference nouvelle 2025-12-11 10:00", SECRETARIAT)  # D-30: Tuesday 11 November, Armistice
    assert "(J-31) : lundi 10 novembre 2025 — dans 70 jours." in reply
    assert ("• Le mardi 11 novembre 2025 est férié (Armistice) : le délai est avancé au jour ouvrable précédent, le "
            "lundi 10 novembre 2025.") in reply.splitlines()


def test_with_extend_to_working_day_a_weekend_notice_moves_earlier_never_later(engine, config):
    bot = with_rules(engine, config, extend_to_working_day=True)
    reply = bot.say("!conference nouvelle 2025-11-10 10:00", SECRETARIAT, language="en")  # D-30: Saturday 11 October
    assert "(D-31): Friday, October 10, 2025" in reply
    assert ("• Saturday, October 11, 2025 falls on a weekend: the deadline moves to the previous working day, Friday, "
            "October 10, 2025.") in reply.splitlines()


def test_a_weekend_notice_without_the_option_is_flagged_and_stays(bot):
    reply = bot.say("!conference nouvelle 2025-11-10 10:00", SECRETARIAT, language="en")  # D-30: Saturday 11 October
    assert "(D-30): Saturday, October 11, 2025" in reply
    assert ("• Saturday, October 11, 2025 falls on a weekend; the previous working day is Friday, October 10, 2025 "
            "(the deadline does not move).") in reply.splitlines()


def test_christmas_notice_of_the_issue_moves_to_the_24th_not_the_28th(engine, config):
    """Issue 12: a D-30 on Christmas with the option on used to move later, to Monday 28 December. Moved earlier,
    the count shown is the real one: for the conference of Sunday 24 January 2027, D-30 is Friday 25 December (Noël),
    moved to Thursday 24, J-31; for that of Monday 25 January, D-30 is Saturday 26 December, and both the Saturday
    and Noël are skipped: Thursday 24 December is J-32 (7 days to 31 December, then 25), not J-31."""
    bot = with_rules(engine, config, extend_to_working_day=True)
    reply = bot.say("!conference nouvelle 2027-01-24 10:00", SECRETARIAT, paris(2026, 12, 1, 12))
    assert "(J-31) : jeudi 24 décembre 2026" in reply
    reply = bot.say("!conference nouvelle 2027-01-25 10:00", SECRETARIAT, paris(2026, 12, 1, 12))
    assert "(J-32) : jeudi 24 décembre 2026" in reply
    assert "Le samedi 26 décembre 2026 tombe un week-end" in plain(reply)


def test_franc_notice_counts_full_days(engine, config):
    bot = with_rules(engine, config, agenda_notice_franc=True)
    reply = bot.say("!conference nouvelle 2025-11-07 14:30", SECRETARIAT)
    assert "(J-31) : mardi 7 octobre 2025 — dans 36 jours." in reply
    assert ("Lecture appliquée (réglage agenda_notice_franc) : les 30 jours sont francs, ni le jour de l’envoi ni "
            "celui de la conférence ne comptent ; le dernier jour est donc J-31.") in reply
    assert "les règles de la conférence (compte rendu de la conférence du 7 novembre 2022)" in reply


def test_a_conference_on_a_holiday_or_a_weekend_is_accepted_with_a_warning(bot):
    reply = bot.say("!conference nouvelle 2025-12-25 10:00", SECRETARIAT)
    assert reply.splitlines()[1] == ("Attention : le jeudi 25 décembre 2025 est un jour férié (Noël). La conférence "
                                     "est tout de même planifiée.")
    reply = bot.say("!conference nouvelle 2025-11-08 10:00", SECRETARIAT)
    assert reply.splitlines()[1] == ("Attention : le samedi 8 novembre 2025 tombe un week-end. La conférence est "
                                     "tout de même planifiée.")
    assert len(bot.rows(storage.ConferenceRow)) == 2


def test_a_short_notice_conference_ends_its_replies_on_the_eve(bot):
    """Issue 12: a conference on Monday 11 March 2024 created on 1 March got replies until 16 March and a reply
    reminder on 13 March, after it sat."""
    now = paris(2024, 3, 1, 10)
    reply = bot.say("!conference nouvelle 2024-03-11 14:00", SECRETARIAT, now)
    assert "(J-30) est passé : c’était le samedi 10 février 2024." in reply
    assert "dans " not in reply.split("Délai de réponse")[0].split("J-30")[-1]  # no past deadline shown as open
    assert ("Délai de réponse : 15 jours à compter de l’envoi ; jusqu’au dimanche 10 mars 2024 si l’ordre du jour est "
            "envoyé aujourd’hui.") in reply
    assert "Le dimanche 10 mars 2024 est la veille de la conférence" in reply
    bot.say("!odj ajouter Budget 2024", FAURY, now)
    bot.say("!odj envoyer hors-delai", MILLET, now)
    assert bot.agenda().current.window.effective == date(2024, 3, 10)
    with Session(bot.engine) as session:
        due = {r.key: r.due_at for r in storage.reminders_of(session, 1, [storage.REMINDER_PENDING])}
    assert due["window-3d-v1"] == paris(2024, 3, 7, 9)  # 3 days before the eve, not 13 March
    assert all(at < paris(2024, 3, 11, 14) for at in due.values())


# --- help --------------------------------------------------------------------------------------------------------


def test_aide_lists_the_sub_commands_with_their_usage_and_roles(bot):
    reply = bot.say("!aide conference")
    assert reply.splitlines()[0] == "!conference [n]"
    assert ("• !conference nouvelle <AAAA-MM-JJ> <HH:MM> [lieu…] (!conference new) — Prévoit une conférence dans ce "
            "salon : son calendrier et ses rappels sont calculés. Qui peut l’utiliser : le président ou le "
            "secrétariat.") in reply.splitlines()
    assert bot.say("!aide odj envoyer").splitlines()[:1] == ["!odj envoyer [hors-delai]"]
    odj = bot.say("!aide odj")
    assert ("Selon les règles de la conférence (compte rendu de la conférence du 7 novembre 2022) : l’ordre "
            "du jour est proposé aux représentants dans un délai de 30 jours précédant la conférence ; sans avis en "
            "retour dans un délai de 15 jours, il est fixé.") in odj
    assert "les 30 jours ne sont pas francs, l’ordre du jour peut encore être envoyé à J-30." in odj
    assert "!agenda send [hors-delai] (!odj envoyer)" in bot.say("!help all", language="en")
    assert "!rappels [n] (!reminders)" in bot.say("!aide tout")
    assert bot.say("!aide odj jeter").startswith("Sous-commande « jeter » inconnue pour !odj")


# --- through the dispatcher: one transaction per command, the events queued -----------------------------------


def test_through_the_dispatcher_the_proposal_notifies_and_the_calendar_is_a_file(engine, config):
    import json

    from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage

    dispatcher = Dispatcher(config, engine)

    def send(event_id, body, sender, now):
        return dispatcher.process(IncomingMessage(ROOM, event_id, sender, body, int(now.timestamp() * 1000)))

    send("$1", "!conference nouvelle 2025-11-07 14:30", SECRETARIAT, NOW)
    send("$2", "!odj ajouter Budget 2026", FAURY, NOW)
    send("$3", "!odj envoyer", FAURY, SENT)
    send("$4", "!conference ics", BAUME, SENT)
    with Session(engine) as session:
        events = [json.loads(row.content) for row in session.exec(select(storage.OutboxMessage)
                                                                   .order_by(storage.OutboxMessage.id))]
    assert [e["msgtype"] for e in events] == ["m.notice", "m.notice", "m.text", "m.notice", "m.file"]
    proposal = events[2]
    assert proposal["m.mentions"] == {"user_ids": sorted(REPRESENTATIVES)}
    assert proposal["m.relates_to"] == {"m.in_reply_to": {"event_id": "$3"}}
    assert "https://matrix.to/#/@emeline.baume:tno.example" in proposal["formatted_body"]
    assert events[4]["filename"] == "conference-1.ics" and events[4]["info"]["mimetype"] == "text/calendar"


def test_the_agenda_is_changed_only_in_the_conference_room_named_by_its_alias(engine, config):
    import json

    from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage

    dispatcher = Dispatcher(config, engine)
    dispatcher.room_name = {ROOM: "#conference:tno.example"}.get  # as the bot's served rooms name them
    elsewhere = "!comite-technique:tno.example"

    def send(room_id, event_id, body, sender, now):
        dispatcher.process(IncomingMessage(room_id, event_id, sender, body, int(now.timestamp() * 1000)))

    send(ROOM, "$1", "!conference nouvelle 2025-11-07 14:30", SECRETARIAT, NOW)
    send(elsewhere, "$2", "!odj ajouter Budget 2026", FAURY, NOW)
    send(elsewhere, "$3", "!odj", FAURY, NOW)
    with Session(engine) as session:
        rows = list(session.exec(select(storage.OutboxMessage).order_by(storage.OutboxMessage.id)))
        agenda = storage.load_agenda(session, 1)
    replies = [(row.room_id, plain(json.loads(row.content)["body"])) for row in rows][-2:]

    refusal = ("La conférence n° 1 se traite dans son salon, #conference:tno.example : tapez cette commande "
               "là-bas.")
    assert replies == [(elsewhere, refusal), (elsewhere, refusal)]
    assert agenda.brouillon == ()
