"""Ratification commands on a real database (SQLite and PostgreSQL), one transaction per command as the dispatcher
does: the register and one decision (the 2022 history from day one), each record's happy path, the permission
refusals, bad dates and identifiers with what differs, corrections keeping the history, a rejection, the
announcement when the last record makes a decision executory (once), and the exports.

Then the clock: the members awaited on a decision are reminded in the conference room on the schedule of
`[ratification]`, mentioning that member's representatives, each reminder recorded so that it is sent once, one due
during an outage sent once, none for the decisions of the history files; `upcoming` lists them."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
from datetime import date, time

import pytest
from sqlmodel import Session, select

from tests.cast import (
    BAUME,
    EXAMPLE_CONFIG,
    FAURY,
    MAES,
    METROPOLE,
    MILLET,
    OTHER_ROOM,
    REPRESENTATIVES,
    ROOM,
    SECRETARIAT,
    SITIV,
    VILLE,
)
from tests.harness import Bot, paris, utc
from tests.text import plain
from tno_bot import storage
from tno_bot.cli import main
from tno_bot.domain.scdl import FIELDS as SCDL_FIELDS
from tno_bot.scheduled import run_due_work, upcoming
from tno_bot.storage import SeanceRow, VoteRow

SEED_ID = "069-256910183-20221209-CS_2022_12_4-DE"
NOW = paris(2026, 4, 20, 10)


class RatificationBot(Bot):
    """Commands by the secrétariat on Monday 20 April 2026 at 10:00 unless told."""

    def __init__(self, engine, config):
        super().__init__(engine, config, sender=SECRETARIAT, now=NOW)

    def facts(self, decision="TNO 2026-01"):
        with Session(self.engine) as session:
            return session.exec(select(storage.RatificationFactRow)
                                .where(storage.RatificationFactRow.decision_id == decision)
                                .order_by(storage.RatificationFactRow.id)).all()

    def announcements(self):
        with Session(self.engine) as session:
            return session.exec(select(storage.RatificationAnnouncementRow)).all()


def adopt(engine, title="Budget 2027", day=(2026, 3, 2), number=1) -> None:
    """A decision adopted in the séance of the conference of `day` (room ROOM; conference no. 1 for the first day
    asked): the rows the séance commands write. A decision is dated by its conference's day."""
    with Session(engine) as session, session.begin():
        conference = session.exec(select(storage.ConferenceRow).where(storage.ConferenceRow.day == date(*day))).first()
        if conference is None:
            at = paris(2026, 1, 5, 10)
            conference = storage.ConferenceRow(room_id=ROOM, day=date(*day), start_time=paris(*day, 10).time(),
                                               lieu="Hôtel de la Métropole", created_by=SECRETARIAT, created_at=at,
                                               updated_at=at)
            session.add(conference)
            session.flush()
            session.add(SeanceRow(conference_id=conference.id, room_id=ROOM, agenda_version=1,
                                  opened_at=paris(*day, 10), opened_by=MILLET, opened_event_id=f"$open{conference.id}"))
            session.flush()
        seance = session.exec(select(SeanceRow).where(SeanceRow.conference_id == conference.id)).one()
        adopted_at = paris(*day, 11, number)
        vote = VoteRow(seance_id=seance.id, item=number, title=title, opened_by=MILLET, opened_at=adopted_at,
                       opened_event_id=f"$vote{number}", closed_by=MILLET, closed_at=adopted_at,
                       closed_event_id=f"$close{number}", rule="unanimite", outcome="adoptee_unanimite", pour=6,
                       contre=0, abstention=0, by_member="{}")
        session.add(vote)
        session.flush()
        session.add(storage.DecisionRow(id=f"TNO {day[0]}-{number:02d}", year=day[0], number=number,
                                        vote_id=vote.id, conference_id=conference.id, item=number, title=title,
                                        outcome="adoptee_unanimite", pour=6, contre=0, abstention=0,
                                        adopted_at=adopted_at))


@pytest.fixture
def bot(engine, config):
    return RatificationBot(engine, config)


@pytest.fixture
def adopted(bot):
    """TNO 2026-01 "Budget 2027", adopted on Monday 2 March 2026 in the séance of conference no. 1 (room ROOM)."""
    adopt(bot.engine)
    return bot


# --- the 2022 history, from day one ------------------------------------------------------------------------------


def test_decision_2022_01_answers_from_day_one_with_what_is_known_and_missing(bot):
    lines = bot.say("!decision TNO 2022-01", BAUME).splitlines()
    assert lines[:4] == [
        "Décision TNO 2022-01 — Définition des missions mutualisées",
        "Adoptée à l’unanimité par la conférence du lundi 7 novembre 2022 — pièce CITNO_2022-01.",
        "En attente : pas encore exécutoire.",
        "Par membre :",
    ]
    assert lines[4:7] == [
        "• Métropole de Lyon : délibération attendue",
        "• Ville de Lyon : délibération attendue",
        "• SITIV : délibération adoptée et transmise — délibération n° CS_2022_12_4 du 9 décembre 2022 (7 pour, "
        f"1 contre) ; transmise le 9 décembre 2022 ({SEED_ID})",
    ]
    assert lines[7:11] == [
        "Manque encore avant qu’elle soit exécutoire :",
        "• Métropole de Lyon : une délibération de son organe délibérant (Conseil de la Métropole), sa publication "
        "et sa transmission en préfecture",
        "• Ville de Lyon : une délibération de son organe délibérant (Conseil municipal), sa publication et sa "
        "transmission en préfecture",
        "• SITIV : sa publication",
    ]
    assert lines[11:] == [
        "Enregistrements :",
        "• 9 décembre 2022, historique 2022.toml, SITIV : délibération n° CS_2022_12_4 du 9 décembre 2022 (7 pour, "
        "1 contre)",
        f"• 9 décembre 2022, historique 2022.toml, SITIV : transmise le 9 décembre 2022 ({SEED_ID})",
        "Cette décision vient de l’historique et n’a pas de salon de conférence : ses membres attendus ne sont pas "
        "relancés automatiquement.",
    ]


def test_decision_in_english_and_other_spellings(bot):
    body = plain(bot.ask("!decision 2022-2", language="en")[0].body)
    assert body.splitlines()[0] == "Decision TNO 2022-02 — Définition du financement 2023"
    assert "• SITIV: deliberation adopted and transmitted — deliberation no. CS_2022_12_4 of December 9, 2022 " \
           "(7 for, 1 against)" in body
    assert bot.say("!decision CITNO_2022-01").startswith("Décision TNO 2022-01")


def test_unknown_and_malformed_decisions(bot):
    assert bot.say("!decision TNO 2022-07") == (
        "Il n’y a pas de décision TNO 2022-07 : !decisions les liste.\nUtilisation : !decision <décision>")
    assert bot.say("!decision budget").startswith(
        "« budget » n’est pas un numéro de décision : écrivez-le comme TNO 2026-01.")


def test_the_register_of_a_year_and_of_all_years(adopted):
    lines = adopted.say("!decisions 2022").splitlines()
    assert lines[:5] == [
        "Décisions de 2022 et leur ratification :",
        "TNO 2022-01 — Définition des missions mutualisées (7 novembre 2022) : en attente.",
        "• Métropole de Lyon : délibération attendue",
        "• Ville de Lyon : délibération attendue",
        "• SITIV : délibération adoptée et transmise — délibération n° CS_2022_12_4 du 9 décembre 2022 (7 pour, "
        f"1 contre) ; transmise le 9 décembre 2022 ({SEED_ID})",
    ]
    assert lines[5] == "TNO 2022-02 — Définition du financement 2023 (7 novembre 2022) : en attente."
    every = adopted.say("!decisions")
    assert "TNO 2026-01 — Budget 2027 (2 mars 2026) : en attente." in every.splitlines()
    assert every.index("TNO 2022-02") < every.index("TNO 2026-01")
    assert adopted.say("!decisions 2019").splitlines()[1] == "Aucune décision en 2019."


# --- recording, by different people, up to the announcement --------------------------------------------------------


def test_three_deliberations_recorded_by_different_people_make_it_executory_and_announce_it_once(adopted):
    reply = adopted.say("!deliberation TNO 2026-01 Métropole de Lyon 2026-0412 23/03/2026 pour=150 contre=3 "
                        "abstention=2", BAUME)
    assert reply.splitlines()[:3] == [
        "Enregistré pour TNO 2026-01 : la délibération de la Métropole de Lyon.",
        "• Métropole de Lyon : délibération adoptée — délibération n° 2026-0412 du 23 mars 2026 (150 pour, "
        "3 contre, 2 abstentions)",
        "Décision TNO 2026-01 : en attente.",
    ]
    adopted.say("!transmission TNO 2026-01 metropole 2026-03-25 069-200046977-20260323-2026_0412-DE", BAUME)
    adopted.say("!publication TNO 2026-01 metropole 26/03/2026", BAUME)
    adopted.say("!deliberation TNO 2026-01 ville de lyon 2026-117 30/03/2026", MAES)
    adopted.say("!publication TNO 2026-01 ville-lyon 31/03/2026", MAES)
    adopted.say("!transmission TNO 2026-01 ville-lyon 01/04/2026", MAES)
    adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 10/04/2026 pour=8", MILLET)
    reply = adopted.say("!transmission TNO 2026-01 SITIV 10/04/2026 069-256910183-20260410-CS_2026_04_2-DE",
                        SECRETARIAT)
    assert "Décision TNO 2026-01 : en attente." in reply and "• SITIV : sa publication" in reply
    assert adopted.announcements() == []
    replies = adopted.ask("!publication TNO 2026-01 SITIV 14/04/2026", MILLET, room=OTHER_ROOM)
    assert len(replies) == 2
    notice, announcement = replies
    assert "Décision TNO 2026-01 : exécutoire le 14 avril 2026." in plain(notice.body)
    assert notice.mentions == () and notice.room_id is None
    assert announcement.room_id == ROOM and announcement.mentions == REPRESENTATIVES
    lines = plain(announcement.body).splitlines()
    assert lines[0] == ("La décision TNO 2026-01 « Budget 2027 » est exécutoire depuis le mardi 14 avril 2026 : la "
                        "délibération de chaque membre est adoptée, publiée et transmise en préfecture.")
    assert lines[1] == ("• Métropole de Lyon : délibération exécutoire — délibération n° 2026-0412 du 23 mars 2026 "
                        "(150 pour, 3 contre, 2 abstentions) ; publiée le 26 mars 2026 ; transmise le 25 mars 2026 "
                        "(069-200046977-20260323-2026_0412-DE) ; exécutoire le 26 mars 2026")
    assert lines[-1].startswith("Représentants : Emeline Baume, Zemorda Khelifi")
    assert '<a href="https://matrix.to/#/@damien.lefort:tno.example">Damien Lefort</a>' in announcement.html
    [row] = adopted.announcements()
    assert (row.decision_id, row.executory_on, row.room_id) == ("TNO 2026-01", date(2026, 4, 14), ROOM)
    assert [(f.member, f.kind, f.recorded_by) for f in adopted.facts()][::3] == [
        ("metropole", "deliberation", BAUME), ("ville-lyon", "deliberation", MAES),
        ("sitiv", "deliberation", MILLET)]
    # executory: the record says since when; a correction that keeps it executory is not announced again
    assert "Exécutoire depuis le mardi 14 avril 2026" in adopted.say("!decision TNO 2026-01")
    replies = adopted.ask("!publication corriger TNO 2026-01 SITIV 15/04/2026", MILLET)
    assert len(replies) == 1 and "exécutoire le 15 avril 2026" in plain(replies[0].body)
    assert len(adopted.announcements()) == 1


def test_a_history_decision_made_executory_is_announced_in_the_room_of_the_command(bot):
    bot.say("!publication TNO 2022-01 SITIV 16/12/2022")
    for member, number, day in (("metropole", "2023-1518", "30/01/2023"), ("ville-lyon", "2023-2001", "06/02/2023")):
        bot.say(f"!deliberation TNO 2022-01 {member} {number} {day}")
        bot.say(f"!transmission TNO 2022-01 {member} {day}")
    bot.say("!publication TNO 2022-01 metropole 31/01/2023")
    replies = bot.ask("!publication TNO 2022-01 ville-lyon 07/02/2023", room=OTHER_ROOM)
    assert len(replies) == 2 and replies[1].room_id is None and replies[1].mentions == REPRESENTATIVES
    assert "est exécutoire depuis le mardi 7 février 2023" in plain(replies[1].body)
    assert [(r.decision_id, r.room_id) for r in bot.announcements()] == [("TNO 2022-01", OTHER_ROOM)]


# --- who may record -------------------------------------------------------------------------------------------------


def test_only_the_secretariat_or_a_representative_of_that_member_may_record(adopted):
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 23/03/2026", FAURY) == (
        "Seuls les représentants ou le secrétariat peuvent utiliser !deliberation.")
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 23/03/2026", BAUME) == (
        "Seuls le secrétariat ou un représentant du SITIV peuvent enregistrer la délibération, la publication ou la "
        "transmission du SITIV.")
    assert adopted.say("!publication TNO 2026-01 SITIV 24/03/2026", MAES).startswith("Seuls le secrétariat ou un")
    assert adopted.facts() == []
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 23/03/2026", MILLET).startswith("Enregistré")


# --- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["31/02/2026", "2026/03/23", "23-03-2026", "demain"])
def test_bad_dates_are_refused_with_the_usage(adopted, text):
    reply = adopted.say(f"!deliberation TNO 2026-01 sitiv CS_1 {text}")
    assert reply.splitlines() == [
        f"« {text} » n’est pas une date : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ, par exemple 09/12/2022.",
        "Utilisation : !deliberation <décision[+décision…]> <membre> <n° de délibération> <JJ/MM/AAAA> "
        "[pour=N contre=N abstention=N] [rejet]"]


def test_a_deliberation_before_the_decision_or_in_the_future_is_refused(adopted):
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 01/03/2026").splitlines()[0] == (
        "La délibération est datée du 1er mars 2026, avant la décision TNO 2026-01 de la conférence du 2 mars 2026 : "
        "l’organe délibérant d’un membre ratifie une décision déjà prise.")
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 2026-04-21").splitlines()[0] == (
        "Le 21 avril 2026 est dans le futur : enregistrez ce qui a eu lieu, jusqu’à aujourd’hui (20 avril 2026).")
    assert adopted.facts() == []


def test_bad_counts_and_unknown_members(adopted):
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 23/03/2026 pour=x").startswith(
        "« pour=x » n’est pas un décompte de voix")
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 23/03/2026 pour=1 contre=5").startswith(
        "Avec 1 pour et 5 contre, la délibération n’approuve pas la décision : ajoutez « rejet »")
    assert adopted.say("!deliberation TNO 2026-01 Villeurbanne CS_1 23/03/2026").startswith(
        "Membre inconnu « Villeurbanne » : choisissez Métropole de Lyon (metropole), Ville de Lyon (ville-lyon) ou "
        "SITIV (sitiv).")
    assert adopted.facts() == []


def test_publication_and_transmission_need_the_deliberation_first_and_after_it(adopted):
    assert adopted.say("!publication TNO 2026-01 sitiv 24/03/2026") == (
        "Aucune délibération du SITIV n’est enregistrée pour TNO 2026-01 : enregistrez-la d’abord avec !deliberation.")
    adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 10/04/2026")
    assert adopted.say("!transmission TNO 2026-01 sitiv 09/04/2026").splitlines()[0] == (
        "Le 9 avril 2026 est antérieur à la délibération du SITIV, datée du 10 avril 2026 : elle est publiée et "
        "transmise après son adoption.")


def test_a_malformed_identifier_is_refused_with_every_problem(adopted):
    adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 10/04/2026")
    reply = adopted.say("!transmission TNO 2026-01 sitiv 10/04/2026 069-256910184-2026041-CS_2026_04_2-XX")
    assert reply.splitlines()[0] == (
        "« 069-256910184-2026041-CS_2026_04_2-XX » n’est pas un identifiant de transmission comme "
        "069-256910183-20221209-CS_2022_12_4-DE : le SIREN « 256910184 » a une clé de contrôle fausse ; la date "
        "« 2026041 » n’est pas écrite AAAAMMJJ ; la nature « XX » n’est ni DE, ni AR, AI, CC, BF ou AU.")
    assert adopted.say("!transmission TNO 2026-01 sitiv 10/04/2026 069-256910183-20260410-CS-2026-DE").splitlines()[
        0].endswith("cinq champs séparés par « - » sont attendus (département-SIREN-date-numéro-nature) — vouliez-vous "
                    "dire 069-256910183-20260410-CS_2026-DE ?.")
    assert [f.kind for f in adopted.facts()] == ["deliberation"]


def test_a_mismatching_identifier_is_refused_with_what_differs(adopted):
    adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 10/04/2026")
    assert adopted.say("!transmission TNO 2026-01 sitiv 10/04/2026 069-200046977-20260409-CS_2026_04_3-AR") == (
        "L’identifiant 069-200046977-20260409-CS_2026_04_3-AR ne correspond pas à la délibération du SITIV "
        "enregistrée pour TNO 2026-01 : date de l’acte : attendu 10 avril 2026, trouvé 9 avril 2026 ; numéro de "
        "l’acte : attendu CS_2026_04_2, trouvé CS_2026_04_3 ; nature : attendu DE, trouvé AR ; SIREN de l’émetteur : "
        "attendu 256910183, trouvé 200046977.")
    assert [f.kind for f in adopted.facts()] == ["deliberation"]


# --- corrections and rejection -----------------------------------------------------------------------------------------


def test_corrections_keep_the_history(adopted):
    adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 10/04/2026 pour=8", MILLET)
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 11/04/2026", MILLET).startswith(
        "La délibération du SITIV pour TNO 2026-01 est déjà enregistrée (SITIV : délibération adoptée — délibération "
        "n° CS_2026_04_2 du 10 avril 2026 (8 pour)). Pour la modifier, utilisez !deliberation corriger : "
        "l’enregistrement précédent reste dans l’historique.")
    reply = adopted.say("!deliberation corriger TNO 2026-01 sitiv CS_2026_04_2 11/04/2026 pour=7 contre=1",
                        SECRETARIAT)
    assert reply.splitlines()[:2] == [
        "Corrigé pour TNO 2026-01 : la délibération du SITIV.",
        "• SITIV : délibération adoptée — délibération n° CS_2026_04_2 du 11 avril 2026 (7 pour, 1 contre)"]
    facts = adopted.facts()
    assert [(f.day, f.pour, f.correction, f.recorded_by) for f in facts] == [
        (date(2026, 4, 10), 8, False, MILLET), (date(2026, 4, 11), 7, True, SECRETARIAT)]
    record = adopted.say("!decision TNO 2026-01")
    assert ("• lundi 20 avril 2026 à 10 h, Pierre-Alain Millet, SITIV : délibération n° CS_2026_04_2 du 10 avril "
            "2026 (8 pour)") in record
    assert ("• lundi 20 avril 2026 à 10 h, Secrétariat de la conférence, SITIV : délibération n° CS_2026_04_2 du "
            "11 avril 2026 (7 pour, 1 contre) — correction") in record
    assert adopted.say("!publication correct TNO 2026-01 sitiv 12/04/2026") == (
        "Aucune publication du SITIV pour TNO 2026-01 à corriger : enregistrez-la sans « corriger ».")


def test_a_record_made_by_mistake_is_withdrawn_and_stays_in_the_history(adopted):
    adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_2 10/04/2026 pour=8", MILLET)
    adopted.say("!publication TNO 2026-01 sitiv 14/04/2026", MILLET)
    assert adopted.say("!deliberation retirer TNO 2026-01 sitiv", BAUME) == (
        "Seuls le secrétariat ou un représentant du SITIV peuvent enregistrer la délibération, la publication ou la "
        "transmission du SITIV.")
    reply = adopted.say("!deliberation retirer TNO 2026-01 sitiv", SECRETARIAT).splitlines()
    assert reply[:3] == [
        "Retiré pour TNO 2026-01 : la délibération du SITIV ; l’enregistrement reste dans l’historique.",
        "• SITIV : délibération attendue",
        "Décision TNO 2026-01 : en attente.",
    ]
    assert [(f.kind, f.target, f.recorded_by) for f in adopted.facts()] == [
        ("deliberation", None, MILLET), ("publication", None, MILLET), ("annulation", "deliberation", SECRETARIAT)]
    # the publication went with its deliberation: nothing is left to withdraw, and the history shows the withdrawal
    assert adopted.say("!publication retirer TNO 2026-01 sitiv", MILLET) == (
        "Aucune publication du SITIV pour TNO 2026-01 à retirer.")
    record = adopted.say("!decision TNO 2026-01")
    assert "• SITIV : délibération attendue" in record
    assert "• lundi 20 avril 2026 à 10 h, Secrétariat de la conférence, SITIV : délibération retirée" in record
    # recorded again afterwards, as a first record
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_2026_04_3 15/04/2026", MILLET).startswith(
        "Enregistré pour TNO 2026-01 : la délibération du SITIV.")
    assert adopted.say("!transmission retirer TNO 2026-01 sitiv", MILLET) == (
        "Aucune transmission du SITIV pour TNO 2026-01 à retirer.")
    assert adopted.say("!deliberation retirer TNO 2026-01") == (
        "Il manque <membre>.\nUtilisation : !deliberation retirer <décision[+décision…]> <membre>")


def test_withdrawing_a_record_of_an_executory_decision_says_it_is_no_longer_executory(adopted):
    for member, number, sender in (("metropole", "2026-0412", BAUME), ("ville-lyon", "2026-117", MAES),
                                   ("sitiv", "CS_2026_04_2", MILLET)):
        adopted.say(f"!deliberation TNO 2026-01 {member} {number} 10/04/2026", sender)
        adopted.say(f"!transmission TNO 2026-01 {member} 10/04/2026", sender)
        adopted.ask(f"!publication TNO 2026-01 {member} 11/04/2026", sender)
    assert len(adopted.announcements()) == 1
    reply = adopted.say("!publication withdraw TNO 2026-01 ville-lyon", MAES).splitlines()
    assert reply[1:4] == [
        "• Ville de Lyon : délibération adoptée et transmise — délibération n° 2026-117 du 10 avril 2026 ; "
        "transmise le 10 avril 2026",
        "TNO 2026-01 n’est plus exécutoire.",
        "Décision TNO 2026-01 : en attente.",
    ]
    assert "Exécutoire" not in adopted.say("!decision TNO 2026-01").splitlines()[2]
    # executory again with the right publication: not announced twice
    replies = adopted.ask("!publication TNO 2026-01 ville-lyon 12/04/2026", MAES)
    assert len(replies) == 1 and "exécutoire le 12 avril 2026" in plain(replies[0].body)
    assert len(adopted.announcements()) == 1


def test_a_rejecting_deliberation_makes_the_decision_not_ratified(adopted):
    reply = adopted.say("!deliberation TNO 2026-01 ville-lyon 2026-117 30/03/2026 pour=20 contre=40 rejet", MAES)
    assert "Décision TNO 2026-01 : non ratifiée (rejetée par la Ville de Lyon)." in reply
    record = adopted.say("!decision TNO 2026-01").splitlines()
    assert record[2] == "Non ratifiée : la délibération de la Ville de Lyon ne l’approuve pas."
    assert "• Ville de Lyon : délibération rejetant la décision — délibération n° 2026-117 du 30 mars 2026 (20 pour, " \
           "40 contre)" in record
    assert not any(line.startswith("Manque encore") for line in record)
    assert "TNO 2026-01 — Budget 2027 (2 mars 2026) : non ratifiée (rejetée par la Ville de Lyon)." in adopted.say(
        "!decisions 2026")
    assert adopted.say("!deliberation TNO 2026-01 sitiv CS_1 30/03/2026 pour=20 contre=4 rejet").startswith(
        "Avec 20 pour et 4 contre, la délibération approuve la décision : retirez « rejet »")


def test_help_lists_the_ratification_commands(bot):
    body = bot.say("!aide deliberation")
    assert body.splitlines()[0] == ("!deliberation <décision[+décision…]> <membre> <n° de délibération> "
                                    "<JJ/MM/AAAA> [pour=N contre=N abstention=N] [rejet]")
    assert "!deliberation corriger <décision[+décision…]>" in body
    assert "plusieurs décisions jointes par + (TNO 2022-01+2022-02)" in body
    assert "!deliberation retirer <décision[+décision…]> <membre>" in body
    assert "Ratification" in bot.say("!aide")


# --- exports -----------------------------------------------------------------------------------------------------------


def test_exports_of_the_decisions_and_the_scdl(adopted, engine, monkeypatch, capsys):
    adopted.say("!deliberation TNO 2026-01 metropole 2026-0412 23/03/2026 pour=150 contre=3 abstention=2", BAUME)
    adopted.say("!transmission TNO 2026-01 metropole 25/03/2026 069-200046977-20260323-2026_0412-DE", BAUME)
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["export", "decisions", "--config", str(EXAMPLE_CONFIG)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["decision"], r["member"], r["member_status"]) for r in rows] == [
        ("TNO 2022-01", "metropole", "attendue"), ("TNO 2022-01", "ville-lyon", "attendue"),
        ("TNO 2022-01", "sitiv", "transmise"), ("TNO 2022-02", "metropole", "attendue"),
        ("TNO 2022-02", "ville-lyon", "attendue"), ("TNO 2022-02", "sitiv", "transmise"),
        ("TNO 2026-01", "metropole", "transmise"), ("TNO 2026-01", "ville-lyon", "attendue"),
        ("TNO 2026-01", "sitiv", "attendue")]
    assert rows[6] | {} == {
        "decision": "TNO 2026-01", "year": "2026", "title": "Budget 2027", "decided_on": "2026-03-02",
        "source": "seance", "status": "en_attente", "executory_on": "", "member": "metropole",
        "member_name": "Métropole de Lyon", "member_status": "transmise", "deliberation_number": "2026-0412",
        "deliberation_date": "2026-03-23", "adopted": "True", "pour": "150", "contre": "3", "abstention": "2",
        "published_on": "", "transmitted_on": "2026-03-25", "identifier": "069-200046977-20260323-2026_0412-DE",
        "member_executory_on": "", "missing": "publication"}
    assert rows[0]["missing"] == "deliberation publication transmission"
    assert main(["export", "decisions", "--format", "json", "--config", str(EXAMPLE_CONFIG)]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [(d["decision"], d["source"], d["status"]) for d in exported] == [
        ("TNO 2022-01", "history", "en_attente"), ("TNO 2022-02", "history", "en_attente"),
        ("TNO 2026-01", "seance", "en_attente")]
    assert exported[0]["members"][2]["identifier"] == SEED_ID and exported[0]["members"][2]["pour"] == 7
    assert main(["export", "scdl", "--config", str(EXAMPLE_CONFIG)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(",".join(SCDL_FIELDS) + "\r\n")
    scdl = list(csv.DictReader(io.StringIO(out)))
    assert [(r["COLL_NOM"], r["DELIB_ID"], r["DELIB_DATE"], r["PREF_DATE"], r["VOTE_POUR"], r["VOTE_REEL"])
            for r in scdl] == [("SITIV", "CS_2022_12_4", "2022-12-09", "2022-12-09", "7", ""),
                               ("Métropole de Lyon", "2026-0412", "2026-03-23", "2026-03-25", "150", "155")]
    assert scdl[1]["DELIB_OBJET"] == ("Approbation de la décision TNO 2026-01 de l'entente intercommunale Territoire "
                                      "Numérique Ouvert")
    assert [(r["COLL_SIRET"], r["DELIB_MATIERE_CODE"], r["DELIB_MATIERE_NOM"]) for r in scdl] == [
        ("", "5.7", "Institutions et vie politique/Intercommunalité"),
        ("20004697700019", "5.7", "Institutions et vie politique/Intercommunalité")]
    assert plain(err) == "Colonnes obligatoires du schéma SCDL à compléter avant publication : COLL_SIRET (SITIV)\n"
    assert main(["export", "scdl", "--format", "json", "--config", str(EXAMPLE_CONFIG)]) == 2


def test_a_siret_of_another_siren_is_a_config_problem_that_stops_the_scdl_export(engine, monkeypatch, capsys,
                                                                                    tmp_path):
    shutil.copytree(EXAMPLE_CONFIG.parent, tmp_path / "config", ignore=shutil.ignore_patterns("tno.toml"))
    config = tmp_path / "config" / "tno.example.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"21690123100011"', '"20004697700019"'),
                      encoding="utf-8")
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["export", "scdl", "--config", str(config)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert (f"{config}: members[1].siret: a SIRET of the member's SIREN 216901231 (history files; got "
            "20004697700019)") in err
    assert main(["check-config", "--config", str(config)]) == 1
    assert (f"{config}: members[1].siret: a SIRET of the member's SIREN 216901231 (history files; got "
            "20004697700019)") in capsys.readouterr().err

# --- the clock: reminders of the awaited members -------------------------------------------------------------------

class Clock(RatificationBot):
    def run(self, now):
        with Session(self.engine) as session, session.begin():
            return run_due_work(session, self.config, now)

    def upcoming(self, now, config=None):
        with Session(self.engine) as session:
            return upcoming(session, now, config or self.config)

    def sent(self):
        with Session(self.engine) as session:
            return [(r.decision_id, r.member, r.due_at, r.sent_at) for r in storage.ratification_reminders(session)]


@pytest.fixture
def clock(engine, config):
    """TNO 2026-01, adopted on Monday 2 March 2026 in the room of conference no. 1; reminders every 14 days at 09:00
    Paris: Monday 16 March (8 h UTC, winter time), then 30 March (7 h UTC, summer time)."""
    adopt(engine)
    return Clock(engine, config)


def test_the_history_decisions_are_never_reminded(engine, config):
    clock = Clock(engine, config)
    assert clock.run(paris(2026, 1, 1, 10)) == [] and clock.upcoming(paris(2026, 1, 1, 10)) == []
    assert clock.sent() == []


def test_awaited_members_are_reminded_once_on_schedule_in_the_conference_room(clock):
    assert clock.upcoming(paris(2026, 3, 2, 12)) == [utc(2026, 3, 16, 8)]
    assert clock.run(utc(2026, 3, 16, 7, 59)) == []
    postings = clock.run(utc(2026, 3, 16, 8))
    assert [(p.room_id, p.reply.mentions) for p in postings] == [(ROOM, METROPOLE), (ROOM, VILLE), (ROOM, SITIV)]
    lines = plain(postings[0].reply.body).splitlines()
    assert lines == [
        "Rappel : une délibération (Conseil de la Métropole, Métropole de Lyon) est attendue pour ratifier cette "
        "décision de la conférence :",
        "• TNO 2026-01 — Budget 2027, adoptée le 2 mars 2026 (il y a 14 jours)",
        "Une fois adoptée, enregistrez-la avec !deliberation <décision> <membre> <numéro> <date>, puis sa publication "
        "(!publication) et sa transmission en préfecture (!transmission).",
        "Représentants : Emeline Baume, Zemorda Khelifi et Matthieu Viera",
    ]
    assert '<a href="https://matrix.to/#/@emeline.baume:tno.example">Emeline Baume</a>' in postings[0].reply.html
    assert clock.run(utc(2026, 3, 16, 8)) == [] and clock.run(utc(2026, 3, 20)) == []  # never twice
    assert [(m, due) for _, m, due, _ in clock.sent()] == [
        ("metropole", utc(2026, 3, 16, 8)), ("ville-lyon", utc(2026, 3, 16, 8)), ("sitiv", utc(2026, 3, 16, 8))]
    assert clock.upcoming(utc(2026, 3, 16, 8)) == [utc(2026, 3, 30, 7)]
    # the Ville de Lyon deliberates: it is no longer awaited (its publication and transmission are not reminded)
    clock.say("!deliberation TNO 2026-01 ville-lyon 2026-117 23/03/2026", MAES, now=paris(2026, 3, 24, 10))
    postings = clock.run(utc(2026, 3, 30, 7))
    assert [p.reply.mentions for p in postings] == [METROPOLE, SITIV]
    assert "(il y a 28 jours)" in plain(postings[0].reply.body)


def test_the_record_of_a_decision_says_when_the_next_reminders_are(clock):
    clock.run(utc(2026, 3, 16, 8))
    clock.say("!deliberation TNO 2026-01 sitiv CS_2026_3 17/03/2026", MILLET, now=paris(2026, 3, 18, 10))
    assert clock.say("!decision TNO 2026-01", BAUME, now=paris(2026, 3, 18, 10)).splitlines()[-1] == (
        "Prochains rappels aux représentants des membres attendus, tous les 14 jours dans le salon de la conférence : "
        "Métropole de Lyon : lundi 30 mars 2026 à 9 h ; Ville de Lyon : lundi 30 mars 2026 à 9 h.")


def test_a_reminder_due_during_an_outage_is_sent_once_and_the_next_counts_from_it(clock):
    postings = clock.run(paris(2026, 4, 20, 15))  # down from 1 March to 20 April: two reminders were due
    assert len(postings) == 3
    assert "(il y a 49 jours)" in plain(postings[0].reply.body)
    assert clock.run(paris(2026, 4, 20, 16)) == []
    assert {due for _, _, due, _ in clock.sent()} == {utc(2026, 3, 16, 8)}  # the overdue one, sent at 15:00
    assert clock.upcoming(paris(2026, 4, 20, 16)) == [utc(2026, 5, 4, 7)]


def test_several_decisions_awaited_from_one_member_come_in_one_reminder(clock):
    adopt(clock.engine, "Feuille de route", number=2)
    clock.say("!deliberation TNO 2026-01 metropole 2026-0412 09/03/2026", BAUME, now=paris(2026, 3, 10, 10))
    clock.say("!deliberation TNO 2026-02 metropole 2026-0413 09/03/2026", BAUME, now=paris(2026, 3, 10, 10))
    clock.say("!deliberation TNO 2026-01 sitiv CS_2026_3 09/03/2026", SECRETARIAT, now=paris(2026, 3, 10, 10))
    postings = clock.run(utc(2026, 3, 16, 8))
    assert [p.reply.mentions for p in postings] == [VILLE, SITIV]
    ville = plain(postings[0].reply.body).splitlines()
    assert ville[0].endswith("est attendue pour ratifier ces décisions de la conférence :")
    assert ville[1:3] == ["• TNO 2026-01 — Budget 2027, adoptée le 2 mars 2026 (il y a 14 jours)",
                          "• TNO 2026-02 — Feuille de route, adoptée le 2 mars 2026 (il y a 14 jours)"]
    assert len(clock.sent()) == 3


def test_the_interval_and_hour_come_from_the_config(clock, config):
    other = dataclasses.replace(config, ratification=dataclasses.replace(config.ratification, reminder_interval_days=7,
                                                                         reminder_hour=time(17, 30)))
    assert clock.upcoming(paris(2026, 3, 2, 12), other) == [utc(2026, 3, 9, 16, 30)]


def test_no_reminder_once_executory_or_not_ratified(clock):
    clock.say("!deliberation TNO 2026-01 ville-lyon 2026-117 09/03/2026 rejet", MAES, now=paris(2026, 3, 10, 10))
    assert clock.run(utc(2026, 3, 16, 8)) == [] and clock.upcoming(paris(2026, 3, 10, 10)) == []


def test_check_config_reports_a_wrong_history_file_with_its_key(tmp_path, capsys):
    (tmp_path / "history").mkdir()
    (tmp_path / "tno.toml").write_text(EXAMPLE_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "budgets").mkdir()
    for budget in (EXAMPLE_CONFIG.parent / "budgets").glob("*.toml"):
        (tmp_path / "budgets" / budget.name).write_text(budget.read_text(encoding="utf-8"), encoding="utf-8")
    history = (EXAMPLE_CONFIG.parent / "history" / "2022.toml").read_text(encoding="utf-8")
    (tmp_path / "history" / "2022.toml").write_text(history.replace("date = 2022-12-09", "date = 2022-11-06"),
                                                    encoding="utf-8")
    assert main(["check-config", "--config", str(tmp_path / "tno.toml")]) == 1
    assert "2022.toml: deliberations[0].date: a deliberation dated on or after the conference's decision" in (
        capsys.readouterr().err)
