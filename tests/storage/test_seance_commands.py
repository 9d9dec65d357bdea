"""Séance commands on a real database (SQLite and PostgreSQL), one transaction per command as the dispatcher does:
opening and closing, attendance, pouvoirs, quorum, votes with every wording and refusal, decision numbers, notes,
the compte rendu (message, Markdown file, CLI) and the ballots export; the rows written."""

from __future__ import annotations

import dataclasses
import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from tests.cast import (
    BAUME,
    BOSETTI,
    EXAMPLE_CONFIG,
    FAURY,
    KHELIFI,
    LEFORT,
    MAES,
    MILLET,
    OTHER_ROOM,
    PRESIDENT,
    REPRESENTATIVES,
    ROOM,
    SECRETARIAT,
    STRANGER,
    VIERA,
    VIOLLET,
    VIVIEN,
)
from tests.harness import Bot, paris
from tests.text import plain
from tno_bot import storage
from tno_bot.cli import main
from tno_bot.config import load_config

DAY = (2025, 11, 7)  # conference no. 1, Friday 7 November 2025 at 10:00


def at(h=10, mi=0, day=DAY) -> datetime:
    return paris(*day, h, mi)


class SeanceBot(Bot):
    """Each command in its own transaction, with its own event id; `now` moves forward a minute per command unless
    given."""

    def __init__(self, engine, config):
        super().__init__(engine, config, now=at(9, 55), tick=timedelta(minutes=1))

    def reminders_pending(self) -> list[str]:
        return [r.key for r in self.rows(storage.ReminderRow) if r.status == storage.REMINDER_PENDING]

    def prepare(self, day=DAY, points=("Budget 2026", "Feuille de route", "Questions diverses")):
        """A conference on `day` at 10:00 with its agenda fixed by the président (after an avis)."""
        y, m, d = day
        created = paris(y, m, d, 10) - timedelta(days=60)
        number = self.say(f"!conference nouvelle {y}-{m:02d}-{d:02d} 10:00 Hôtel de la Métropole", SECRETARIAT,
                          now=created).split("n° ")[1].split(" ")[0]
        for point in points:
            self.say(f"!odj ajouter {point}", FAURY, now=created)
        self.ask("!odj envoyer", FAURY, now=created + timedelta(days=2))
        self.say("!odj avis D'accord", BAUME, now=created + timedelta(days=3))
        self.ask("!odj fixer", PRESIDENT, now=created + timedelta(days=4))  # the fixed agenda, the convocation
        return int(number)


@pytest.fixture
def config(config):
    """The example config with pouvoirs across members allowed: the séances below give pouvoirs from one member to
    another to test the other rules; the default (within a member) is tested with `default_bot`."""
    return dataclasses.replace(config, rules=dataclasses.replace(config.rules, pouvoir_across_members=True))


@pytest.fixture
def default_bot(engine):
    """A bot on the example config as it is."""
    return SeanceBot(engine, load_config(EXAMPLE_CONFIG))


@pytest.fixture
def bot(engine, config):
    return SeanceBot(engine, config)


@pytest.fixture
def prepared(bot):
    bot.prepare()
    return bot


@pytest.fixture
def opened(prepared):
    prepared.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    prepared.now = at(10, 0)
    return prepared


@pytest.fixture
def quorate(opened):
    """Present: Khelifi (Métropole), Maes and Bosetti (Ville de Lyon), Millet and Viollet (SITIV)."""
    opened.say("!present", MILLET)
    opened.say("!present Zemorda Khelifi, Bertrand Maes, Laurent Bosetti et @alain.viollet:tno.example",
               SECRETARIAT)
    return opened


def vote_all(bot, choices: dict[str, str]):
    for voter, choice in choices.items():
        bot.say(f"!vote {choice}", voter)


# --- !seance ouvrir ----------------------------------------------------------------------------------------------


def test_ouvrir_records_the_seance_with_its_agenda_and_calls_the_representatives(prepared):
    [reply] = prepared.ask("!seance ouvrir", SECRETARIAT, now=at(10, 2))
    body = plain(reply.body)
    assert body.splitlines()[:5] == [
        "Séance de la conférence n° 1 du vendredi 7 novembre 2025 à 10 h ouverte à 10 h 02 par le Secrétariat de la "
        "conférence.",
        "Ordre du jour fixé (version 1) :", "1. Budget 2026", "2. Feuille de route", "3. Questions diverses"]
    assert reply.mentions == REPRESENTATIVES
    [row] = prepared.rows(storage.SeanceRow)
    assert (row.conference_id, row.room_id, row.agenda_version, row.opened_by, row.opened_at, row.closed_at) == (
        1, ROOM, 1, SECRETARIAT, at(10, 2), None)
    assert [(p.numero, p.title) for p in prepared.rows(storage.SeancePoint)] == [
        (1, "Budget 2026"), (2, "Feuille de route"), (3, "Questions diverses")]
    assert prepared.say("!seance ouvrir", PRESIDENT, now=at(10, 3)) == (
        "La séance de la conférence n° 1 est déjà ouverte dans ce salon depuis 10 h 02 : close-la d’abord avec "
        "!seance clore.")
    assert prepared.say("!seance ouvrir 1", PRESIDENT, now=at(10, 3), room=OTHER_ROOM) == (
        "La conférence n° 1 se traite dans le salon de la conférence : tapez cette commande là-bas.")
    assert "Ordre du jour fixé (version 1)" in prepared.say("!seance", KHELIFI, now=at(10, 4))


def test_ouvrir_needs_a_fixed_agenda_and_says_why(bot):
    bot.say("!conference nouvelle 2025-11-07 10:00", SECRETARIAT, now=paris(2025, 9, 1, 10))
    bot.say("!odj ajouter Budget", FAURY, now=paris(2025, 9, 1, 10))
    assert bot.say("!seance ouvrir", PRESIDENT, now=at(10, 0)) == (
        "La séance de la conférence n° 1 ne peut pas s’ouvrir : son ordre du jour n’est encore qu’un brouillon : il "
        "doit être envoyé (!odj envoyer) puis fixé.")
    bot.ask("!odj envoyer", FAURY, now=paris(2025, 10, 1, 10))
    bot.say("!odj avis Non", BAUME, now=paris(2025, 10, 2, 10))
    assert "son ordre du jour est proposé mais pas encore fixé" in bot.say("!seance ouvrir 1", PRESIDENT, now=at())
    assert bot.say("!seance ouvrir", PRESIDENT, now=at(day=(2025, 11, 8))) == (
        "Aucune conférence n’est prévue aujourd’hui : donnez le numéro de la conférence à ouvrir (!conferences les "
        "liste).\nUtilisation : !seance ouvrir [n] [motif]")
    assert bot.say("!seance ouvrir 4", PRESIDENT, now=at()).startswith("Il n’y a pas de conférence n° 4")
    assert bot.rows(storage.SeanceRow) == []


@pytest.mark.parametrize("sender", [BAUME, FAURY, STRANGER])
def test_seance_changes_are_for_the_president_and_the_secretariat(opened, sender):
    for text in ("!seance ouvrir", "!seance suspendre", "!seance reprendre", "!seance clore"):
        assert opened.say(text, sender) == f"Seuls le président ou le secrétariat peuvent utiliser {text}."
    assert opened.rows(storage.SeanceRow)[0].closed_at is None


def test_without_a_seance_every_command_says_how_to_open_one(prepared):
    sentence = ("Aucune séance n’est ouverte dans ce salon : le président ou le secrétariat l’ouvre avec "
                "!seance ouvrir.")
    for text, sender in [("!present", BAUME), ("!quorum", BAUME), ("!pouvoir Khelifi", BAUME),
                         ("!vote", BAUME), ("!vote pour", BAUME), ("!vote ouvrir 1", PRESIDENT), ("!note x", BAUME),
                         ("!seance clore", SECRETARIAT)]:
        reply = prepared.say(text, sender)
        assert reply == sentence or reply.startswith("« Khelifi »"), text
    assert prepared.say("!cr") == "Aucune séance n’a eu lieu dans ce salon : donnez un numéro de conférence."


def test_suspension_and_resumption_are_recorded_and_stop_votes(quorate):
    assert quorate.say("!seance reprendre", PRESIDENT) == "La séance n’est pas suspendue."
    assert quorate.say("!seance suspendre", PRESIDENT, now=at(10, 40)) == (
        "Séance suspendue à 10 h 40. Reprise avec !seance reprendre.")
    assert quorate.say("!seance suspendre", PRESIDENT, now=at(10, 41)) == (
        "La séance est suspendue depuis 10 h 40 : reprenez-la d’abord avec !seance reprendre.")
    assert quorate.say("!vote ouvrir 1", PRESIDENT, now=at(10, 42)).startswith("La séance est suspendue depuis 10 h 40")
    assert "Suspendue depuis 10 h 40." in quorate.say("!seance", now=at(10, 43))
    reply = quorate.say("!seance reprendre", SECRETARIAT, now=at(10, 55))
    assert reply.splitlines()[0] == "Séance reprise à 10 h 55."
    [pause] = quorate.rows(storage.SeancePause)
    assert (pause.suspended_at, pause.suspended_by, pause.resumed_at, pause.resumed_by) == (
        at(10, 40), PRESIDENT, at(10, 55), SECRETARIAT)


# --- attendance --------------------------------------------------------------------------------------------------


def test_present_oneself_and_others_by_id_or_name(opened):
    assert opened.say("!present", BAUME, now=at(10, 1)).splitlines() == [
        "Présence enregistrée à 10 h 01 : Emeline Baume.",
        "Quorum non atteint : aucun représentant présent pour la Ville de Lyon et le SITIV.",
        "Les pouvoirs ne rendent pas un membre présent."]
    # a pill leaves the display name in the body; names are case- and accent-insensitive; ids as typed
    reply = opened.say("!present BERTRAND maes: @pierre-alain.millet:tno.example et herve groleas", SECRETARIAT,
                       now=at(10, 2))
    assert reply.splitlines()[:2] == [
        "Présence enregistrée à 10 h 02 : Bertrand Maes, Pierre-Alain Millet et Hervé Groléas.",
        "Quorum atteint : au moins 1 représentant de chaque membre est présent."]
    assert opened.say("!present Emeline Baume", SECRETARIAT).splitlines()[0] == (
        "Présence déjà enregistrée : Emeline Baume.")
    facts = opened.rows(storage.AttendanceRow)
    assert [(f.kind, f.person, f.status, f.recorded_by) for f in facts] == [
        ("presence", BAUME, "present", BAUME), ("presence", MAES, "present", SECRETARIAT),
        ("presence", MILLET, "present", SECRETARIAT), ("presence", "@herve.groleas:tno.example", "present",
                                                       SECRETARIAT)]
    assert facts[1].event_id == facts[2].event_id and facts[1].at == at(10, 2)


def test_attendance_refusals(opened):
    assert opened.say("!present Zemorda Khelifi", BAUME) == (
        "Seuls le président ou le secrétariat peuvent enregistrer la présence d’autres personnes.")
    assert opened.say("!excuse Zemorda Khelifi", BAUME).startswith("Seuls le président ou le secrétariat")
    assert opened.say("!present", STRANGER) == (
        "@stranger:elsewhere.example ne figure ni parmi les représentants ni parmi l’administration de la conférence : sa "
        "présence n’est pas enregistrée.")
    assert opened.say("!present Jean Dupont", SECRETARIAT) == (
        "« Jean » n’est ni un identifiant Matrix (@utilisateur:serveur) ni le nom d’une personne de la conférence.\n"
        "Utilisation : !present [@personnes…]")
    assert opened.say("!absent", SECRETARIAT).splitlines()[0] == (
        "Absence enregistrée à 10 h 05 : Secrétariat de la conférence.")
    assert [f.person for f in opened.rows(storage.AttendanceRow)] == [SECRETARIAT]


def test_presents_by_member_titulaires_and_suppleants_apart(quorate):
    quorate.say("!excuse", BAUME)
    quorate.say("!pouvoir Zemorda Khelifi", BAUME, now=at(10, 10))
    quorate.say("!present", FAURY)
    [reply] = quorate.ask("!presents")
    assert plain(reply.body).splitlines() == [
        "Présences :",
        "Métropole de Lyon",
        "• Titulaires — présents : Zemorda Khelifi ; excusés : Emeline Baume",
        "• Suppléants — absents : Matthieu Viera",
        "Ville de Lyon",
        "• Titulaires — présents : Bertrand Maes, Laurent Bosetti",
        "• Suppléants — absents : Emmanuel Vivien",
        "SITIV",
        "• Titulaires — présents : Pierre-Alain Millet, Alain Viollet",
        "• Suppléants — absents : Damien Lefort",
        "Administration (sans siège), présents : Fabrice Faury",
        "Pouvoirs :",
        "• Emeline Baume à Zemorda Khelifi (10 h 10)",
        "Quorum atteint : au moins 1 représentant de chaque membre est présent.",
        "Les pouvoirs ne rendent pas un membre présent."]
    assert '<a href="https://matrix.to/#/@zemorda.khelifi:tno.example">Zemorda Khelifi</a>' in reply.html
    assert "Titulaires — present: Zemorda Khelifi; excused: Emeline Baume" in quorate.say("!attendance",
                                                                                       language="en")


def test_quorum_counts_people_present_not_pouvoirs(opened):
    opened.say("!present", KHELIFI)
    opened.say("!present", MILLET)
    opened.say("!excuse", MAES)
    opened.say("!pouvoir Zemorda Khelifi", MAES)
    assert opened.say("!quorum").splitlines() == [
        "Quorum non atteint : aucun représentant présent pour la Ville de Lyon.",
        "Les pouvoirs ne rendent pas un membre présent."]
    assert opened.say("!quorum", language="en").splitlines()[0] == (
        "Quorum not reached: no representative present for Ville de Lyon.")
    opened.say("!present", VIVIEN)  # a suppléant makes the member present
    assert opened.say("!quorum").startswith("Quorum atteint")


# --- pouvoirs ----------------------------------------------------------------------------------------------------


def test_pouvoir_given_refused_and_revoked(opened):
    opened.say("!present", KHELIFI)
    assert opened.say("!pouvoir Zemorda Khelifi", BAUME, now=at(10, 10)) == (
        "Pouvoir enregistré à 10 h 10 : Zemorda Khelifi vote pour Emeline Baume dans cette séance (avec !vote <choix> "
        "Emeline Baume).")
    assert opened.say("!pouvoir @alain.viollet:tno.example", BAUME) == (
        "Emeline Baume a déjà donné un pouvoir à Zemorda Khelifi : retirez-le d’abord avec !pouvoir retirer.")
    assert opened.say("!pouvoir Zemorda Khelifi", MAES) == (
        "Zemorda Khelifi détient déjà 1 pouvoir (d’Emeline Baume) : c’est le maximum par représentant.")
    assert opened.say("!pouvoir Alain Viollet", KHELIFI) == (
        "La présence de Zemorda Khelifi est enregistrée : un représentant présent vote lui-même et ne donne pas de pouvoir. "
        "Enregistrez d’abord l’absence (!absent ou !excuse).")
    assert opened.say("!pouvoir Fabrice Faury", MAES) == (
        "Fabrice Faury ne siège pas à la conférence : un pouvoir ne se donne qu’à un représentant.")
    assert opened.say("!pouvoir Bertrand Maes", MAES) == (
        "Un pouvoir se donne à un autre représentant, pas à soi-même.")
    assert opened.say("!pouvoir Bertrand Maes", VIVIEN).startswith("Emmanuel Vivien occupe un siège de suppléant")
    assert opened.say("!pouvoir Bertrand Maes", FAURY) == (
        "Seuls les représentants donnent un pouvoir ; Fabrice Faury ne siège pas à la conférence.")
    assert opened.say("!pouvoir retirer", MAES) == (
        "Bertrand Maes n’a donné aucun pouvoir dans cette séance : il n’y a rien à retirer.")
    assert opened.say("!pouvoir retirer", BAUME, now=at(10, 30)) == (
        "Pouvoir retiré à 10 h 30 : Zemorda Khelifi ne vote plus pour Emeline Baume.")
    facts = [(f.kind, f.person, f.mandataire) for f in opened.rows(storage.AttendanceRow)]
    assert facts[:3] == [("presence", KHELIFI, None), ("pouvoir", BAUME, KHELIFI), ("retrait", BAUME, None)]


# --- pouvoirs given before the séance, pouvoirs handed in on paper -------------------------------------------------

EVE = (2025, 11, 6)  # the day before conference no. 1
CONFERENCE_1 = "conférence n° 1 du vendredi 7 novembre 2025 à 10 h"


def test_a_pouvoir_given_before_the_seance_is_for_the_next_conference(prepared):
    assert prepared.say("!pouvoir Zemorda Khelifi", BAUME, now=at(18, 30, day=EVE)) == (
        f"Pouvoir enregistré le jeudi 6 novembre 2025 à 18 h 30 pour la séance de la {CONFERENCE_1} : Zemorda Khelifi "
        "votera pour Emeline Baume (avec !vote <choix> Emeline Baume). À l’ouverture, l’absence d’Emeline Baume est notée excusée ; "
        "venir siéger met fin au pouvoir, et !pouvoir retirer le retire.")
    [row] = prepared.rows(storage.AdvancePouvoirRow)
    assert (row.conference_id, row.kind, row.mandant, row.mandataire, row.recorded_by, row.at, row.event_id) == (
        1, "pouvoir", BAUME, KHELIFI, BAUME, at(18, 30, day=EVE), prepared.last_event)
    assert prepared.rows(storage.AttendanceRow) == [] and prepared.rows(storage.SeanceRow) == []
    assert prepared.say("!presents", MAES, now=at(18, 40, day=EVE)).splitlines() == [
        "Aucune séance n’est encore ouverte dans ce salon : les présences s’enregistrent une fois que le président "
        "ou le secrétariat l’a ouverte avec !seance ouvrir.",
        f"Pouvoirs donnés pour la séance de la {CONFERENCE_1} (l’absence de leurs mandants sera notée excusée à l’ouverture) :",
        "• Emeline Baume à Zemorda Khelifi (jeudi 6 novembre 2025 à 18 h 30)"]
    assert prepared.say("!pouvoir retirer", BAUME, now=at(19, 0, day=EVE)) == (
        f"Pouvoir retiré le jeudi 6 novembre 2025 à 19 h : Zemorda Khelifi ne votera pas pour Emeline Baume à la "
        f"séance de la {CONFERENCE_1}.")
    assert prepared.say("!pouvoir retirer", BAUME, now=at(19, 1, day=EVE)) == (
        f"Emeline Baume n’a donné aucun pouvoir pour la séance de la {CONFERENCE_1} : il n’y a rien à retirer.")
    assert [(r.kind, r.mandant, r.mandataire) for r in prepared.rows(storage.AdvancePouvoirRow)] == [
        ("pouvoir", BAUME, KHELIFI), ("retrait", BAUME, None)]
    assert prepared.say("!presents", MAES, now=at(19, 2, day=EVE)).splitlines()[1] == (
        f"Aucun pouvoir donné à ce stade pour la séance de la {CONFERENCE_1}.")
    assert prepared.say("!proxy revoke", BAUME, now=at(19, 3, day=EVE), language="en") == (
        "Emeline Baume has given no pouvoir for the séance of the conference no. 1 of Friday, November 7, 2025 at "
        "10:00 AM: there is nothing to revoke.")


def test_before_the_seance_the_same_rules_and_the_limit_counts_the_pouvoirs_given(prepared):
    prepared.now = at(9, 0, day=EVE)
    prepared.say("!pouvoir Zemorda Khelifi", BAUME)
    assert prepared.say("!pouvoir Zemorda Khelifi", MAES) == (
        "Zemorda Khelifi détient déjà 1 pouvoir (d’Emeline Baume) : c’est le maximum par représentant.")
    assert prepared.say("!pouvoir Alain Viollet", BAUME) == (
        "Emeline Baume a déjà donné un pouvoir à Zemorda Khelifi : retirez-le d’abord avec !pouvoir retirer.")
    assert prepared.say("!pouvoir Bertrand Maes", MAES) == "Un pouvoir se donne à un autre représentant, pas à soi-même."
    assert prepared.say("!pouvoir Fabrice Faury", MAES) == (
        "Fabrice Faury ne siège pas à la conférence : un pouvoir ne se donne qu’à un représentant.")
    assert prepared.say("!pouvoir Bertrand Maes", FAURY) == (
        "Seuls les représentants donnent un pouvoir ; Fabrice Faury ne siège pas à la conférence.")
    assert prepared.say("!pouvoir Bertrand Maes", VIVIEN) == (
        "Emmanuel Vivien occupe un siège de suppléant : selon la règle de la conférence, seul un titulaire donne un "
        "pouvoir, un suppléant n’ayant pas de siège propre (réglage pouvoir_suppleant, par analogie avec l’art. "
        "L2121-20 du CGCT, « un conseiller empêché »).")
    assert prepared.say("!pouvoir Bertrand Maes", STRANGER) == (
        "Seuls les représentants donnent un pouvoir ; @stranger:elsewhere.example ne siège pas à la conférence.")
    assert [(r.mandant, r.mandataire) for r in prepared.rows(storage.AdvancePouvoirRow)] == [(BAUME, KHELIFI)]
    prepared.say("!pouvoir retirer", BAUME)
    assert prepared.say("!pouvoir Zemorda Khelifi", MAES).startswith("Pouvoir enregistré le jeudi 6 novembre 2025")


def test_the_conference_to_come_is_the_rooms_next_one_without_a_seance(bot):
    sentence = ("Aucune séance n’est ouverte dans ce salon et aucune conférence n’y est à venir : un pouvoir se "
                "donne pour une séance (!conferences les liste).")
    assert bot.say("!pouvoir Zemorda Khelifi", BAUME) == sentence
    bot.prepare()
    bot.prepare(day=(2025, 12, 12))
    bot.say("!pouvoir Zemorda Khelifi", BAUME, now=at(9, 0, day=EVE))
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.say("!seance clore", SECRETARIAT, now=at(12, 0))
    assert "pour la séance de la conférence n° 2 du vendredi 12 décembre 2025 à 10 h" in bot.say(
        "!pouvoir Alain Viollet", BAUME, now=at(12, 5))
    # from another room, the only conference to come anywhere is not this room's: refused, nothing written
    assert bot.say("!pouvoir Laurent Bosetti", MAES, now=at(12, 6), room=OTHER_ROOM) == (
        "La conférence n° 2 se traite dans le salon de la conférence : tapez cette commande là-bas.")
    assert bot.say("!presents", MAES, now=at(12, 6), room=OTHER_ROOM) == (
        "La conférence n° 2 se traite dans le salon de la conférence : tapez cette commande là-bas.")
    assert [(r.conference_id, r.mandant, r.mandataire) for r in bot.rows(storage.AdvancePouvoirRow)] == [
        (1, BAUME, KHELIFI), (2, BAUME, VIOLLET)]
    assert bot.say("!pouvoir Zemorda Khelifi", MILLET, now=at(10, 0, day=(2025, 12, 13))) == sentence


def test_paper_pouvoirs_are_recorded_by_the_secretariat_or_the_president(prepared):
    prepared.now = at(9, 0, day=EVE)
    assert prepared.say("!pouvoir Bertrand Maes Alain Viollet", BAUME) == (
        "Seuls le président ou le secrétariat peuvent enregistrer ou retirer un pouvoir pour le compte d’un "
        "représentant (pouvoir remis par écrit).")
    assert prepared.say("!pouvoir retirer Bertrand Maes", FAURY).startswith("Seuls le président ou le secrétariat")
    assert prepared.say("!pouvoir Alain Viollet", SECRETARIAT) == (
        "Secrétariat de la conférence ne siège pas et ne donne pas de pouvoir : pour un pouvoir remis par "
        "écrit, nommez le mandant, puis le mandataire.\nUtilisation : !pouvoir <[@mandant] @mandataire>")
    assert prepared.say("!pouvoir Bertrand Maes, Alain Viollet et Emeline Baume", SECRETARIAT) == (
        "Nommez le mandataire, ou le mandant puis le mandataire.\nUtilisation : !pouvoir <[@mandant] @mandataire>")
    assert prepared.say("!pouvoir Bertrand Maes Bertrand Maes", SECRETARIAT) == (
        "Un pouvoir se donne à un autre représentant, pas à soi-même.")
    assert prepared.say("!pouvoir @bertrand.maes:tno.example @alain.viollet:tno.example", SECRETARIAT).endswith(
        "Enregistré par le Secrétariat de la conférence pour le compte de Bertrand Maes.")
    assert prepared.say("!pouvoir Bertrand Maes Laurent Bosetti", PRESIDENT) == (
        "Bertrand Maes a déjà donné un pouvoir à Alain Viollet : retirez-le d’abord avec !pouvoir retirer Bertrand "
        "Maes.")
    assert prepared.say("!pouvoir retirer Bertrand Maes", PRESIDENT).endswith(
        "Enregistré par Pierre-Alain Millet pour le compte de Bertrand Maes.")
    prepared.say("!pouvoir Bertrand Maes Laurent Bosetti", PRESIDENT)
    assert [(r.kind, r.mandant, r.mandataire, r.recorded_by) for r in prepared.rows(storage.AdvancePouvoirRow)] == [
        ("pouvoir", MAES, VIOLLET, SECRETARIAT), ("retrait", MAES, None, PRESIDENT),
        ("pouvoir", MAES, BOSETTI, PRESIDENT)]
    # during the séance too
    prepared.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    assert prepared.say("!pouvoir Emeline Baume Zemorda Khelifi", SECRETARIAT, now=at(10, 4)) == (
        "Pouvoir enregistré à 10 h 04 : Zemorda Khelifi vote pour Emeline Baume dans cette séance (avec !vote <choix> "
        "Emeline Baume). Enregistré par le Secrétariat de la conférence pour le compte d’Emeline Baume.")
    assert prepared.say("!pouvoir Laurent Bosetti Alain Viollet", BAUME, now=at(10, 5)).startswith(
        "Seuls le président")
    assert "• Emeline Baume à Zemorda Khelifi (10 h 04, remis par écrit, enregistré par le Secrétariat de la conférence)" \
        in prepared.say("!presents", now=at(10, 6)).splitlines()
    assert prepared.say("!pouvoir retirer Emeline Baume", SECRETARIAT, now=at(10, 7)) == (
        "Pouvoir retiré à 10 h 07 : Zemorda Khelifi ne vote plus pour Emeline Baume. Enregistré par le Secrétariat de la "
        "conférence pour le compte d’Emeline Baume.")
    facts = [(f.kind, f.person, f.mandataire, f.recorded_by) for f in prepared.rows(storage.AttendanceRow)]
    assert facts[-2:] == [("pouvoir", BAUME, KHELIFI, SECRETARIAT), ("retrait", BAUME, None, SECRETARIAT)]


def test_the_opening_carries_the_pouvoirs_given_before_the_seance(prepared):
    prepared.say("!pouvoir Zemorda Khelifi", BAUME, now=at(18, 30, day=EVE))
    given = prepared.last_event
    prepared.say("!pouvoir Bertrand Maes Alain Viollet", SECRETARIAT, now=at(18, 45, day=EVE))
    prepared.say("!pouvoir Pierre-Alain Millet", BOSETTI, now=at(19, 0, day=EVE))
    prepared.say("!pouvoir retirer", BOSETTI, now=at(19, 5, day=EVE))
    assert prepared.say("!seance ouvrir", SECRETARIAT, now=at(10, 0)).splitlines()[5:8] == [
        "Pouvoirs donnés avant la séance (l’absence de leurs mandants est notée excusée) :",
        "• Emeline Baume à Zemorda Khelifi (jeudi 6 novembre 2025 à 18 h 30)",
        "• Bertrand Maes à Alain Viollet (jeudi 6 novembre 2025 à 18 h 45, remis par écrit, enregistré par le Secrétariat "
        "de la conférence)"]
    facts = prepared.rows(storage.AttendanceRow)
    assert [(f.kind, f.person, f.status, f.mandataire, f.recorded_by, f.at) for f in facts] == [
        ("presence", BAUME, "excuse", None, BAUME, at(18, 30, day=EVE)),
        ("pouvoir", BAUME, None, KHELIFI, BAUME, at(18, 30, day=EVE)),
        ("presence", MAES, "excuse", None, SECRETARIAT, at(18, 45, day=EVE)),
        ("pouvoir", MAES, None, VIOLLET, SECRETARIAT, at(18, 45, day=EVE))]
    assert facts[0].event_id == facts[1].event_id == given
    prepared.now = at(10, 0)
    assert prepared.say("!pouvoir Zemorda Khelifi", BOSETTI) == (  # the limit counts the pouvoirs carried over
        "Zemorda Khelifi détient déjà 1 pouvoir (d’Emeline Baume) : c’est le maximum par représentant.")
    prepared.say("!present Zemorda Khelifi, Laurent Bosetti, Pierre-Alain Millet, Alain Viollet", SECRETARIAT)
    assert "• Titulaires — présents : Zemorda Khelifi ; excusés : Emeline Baume" in prepared.say("!presents")
    prepared.say("!vote ouvrir 1", PRESIDENT)
    assert prepared.say("!vote pour Emeline Baume", KHELIFI).startswith(
        "Zemorda Khelifi vote « pour » pour le siège d’Emeline Baume.")
    assert prepared.say("!vote pour Bertrand Maes", VIOLLET).startswith(
        "Alain Viollet vote « pour » pour le siège de Bertrand Maes.")
    assert "Le pouvoir donné par Emeline Baume à Zemorda Khelifi prend fin : Emeline Baume vote en personne." in (
        prepared.say("!present", BAUME, now=at(10, 30)).splitlines())
    prepared.say("!vote clore", PRESIDENT, now=at(10, 31))
    [reply] = prepared.ask("!seance clore", SECRETARIAT, now=at(12, 0))
    minutes = plain(reply.attachment.data.decode("utf-8"))
    assert ("- Emeline Baume à Zemorda Khelifi (donné le 6 novembre 2025 à 18 h 30, avant la séance), caduc à 10 h 30 : "
            "Emeline Baume siège en personne\n"
            "- Bertrand Maes à Alain Viollet (pouvoir écrit remis au secrétariat, enregistré par le Secrétariat de la "
            "conférence le 6 novembre 2025 à 18 h 45, avant la séance)\n") in minutes
    assert "Absences excusées : Bertrand Maes\n" in minutes
    assert "Votes par pouvoir : Zemorda Khelifi pour Emeline Baume, Alain Viollet pour Bertrand Maes." in minutes


# --- votes -------------------------------------------------------------------------------------------------------


def test_vote_ouvrir_refusals(opened):
    opened.say("!present", KHELIFI)
    assert opened.say("!vote ouvrir 1", SECRETARIAT) == "Seul le président peut utiliser !vote ouvrir."
    assert opened.say("!vote ouvrir 1", PRESIDENT) == (
        "Le quorum n’est pas atteint : aucun représentant de la Ville de Lyon et le SITIV n’est présent (les pouvoirs ne "
        "comptent pas). Rien ne peut être voté tant qu’il ne l’est pas.")
    opened.say("!present Bertrand Maes, Pierre-Alain Millet", SECRETARIAT)
    assert opened.say("!vote ouvrir 7", PRESIDENT) == (
        "Le point 7 n’est pas à l’ordre du jour fixé de cette séance : il compte 3 points (!seance les montre).\n"
        "Utilisation : !vote ouvrir <n° du point> [mission] [titre]")
    assert opened.rows(storage.VoteRow) == []
    [reply] = opened.ask("!vote ouvrir 1 Budget 2026 <amendé>", PRESIDENT, now=at(10, 20))
    assert plain(reply.body).splitlines()[0] == "Vote sur le point 1 : « Budget 2026 <amendé> » — ouvert à 10 h 20."
    assert "&lt;amendé&gt;" in reply.html
    assert reply.mentions == (KHELIFI, MAES, MILLET)
    assert opened.say("!vote ouvrir 2", PRESIDENT) == (
        "Le vote sur le point 1 est ouvert : closez-le d’abord avec !vote clore.")
    assert opened.say("!seance clore", PRESIDENT) == (
        "Le vote sur le point 1 est ouvert : closez-le d’abord avec !vote clore.")
    vote_all(opened, {KHELIFI: "pour"})
    opened.say("!vote clore", PRESIDENT, now=at(10, 30))
    assert opened.say("!vote ouvrir 1", PRESIDENT) == (
        "Le point 1 a déjà été voté dans cette séance (vote clos à 10 h 30).")
    [row] = opened.rows(storage.VoteRow)
    assert (row.item, row.title, row.opened_by, row.opened_at) == (1, "Budget 2026 <amendé>", PRESIDENT, at(10, 20))


def test_unanimity_without_abstention_is_decision_tno_2025_01(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    vote_all(quorate, {KHELIFI: "pour", MAES: "pour", BOSETTI: "pour", MILLET: "pour", VIOLLET: "pour"})
    reply = quorate.say("!vote clore", PRESIDENT, now=at(10, 30))
    assert reply.splitlines() == [
        "Vote sur le point 1 : « Budget 2026 » — clos à 10 h 30.",
        "Décision TNO 2025-01 adoptée à l’unanimité (5 pour, 0 contre, 0 abstention).",
        "Règle appliquée : unanimité des suffrages exprimés. Les abstentions ne sont pas des suffrages exprimés ; un "
        "seul vote contre, ou aucun suffrage exprimé, vaut rejet.",
        "Par membre :",
        "• Métropole de Lyon : 1 pour, 0 contre, 0 abstention",
        "• Ville de Lyon : 2 pour, 0 contre, 0 abstention",
        "• SITIV : 2 pour, 0 contre, 0 abstention"]
    [decision] = quorate.rows(storage.DecisionRow)
    [vote] = quorate.rows(storage.VoteRow)
    assert (decision.id, decision.year, decision.number, decision.vote_id, decision.conference_id, decision.item,
            decision.title, decision.outcome, decision.pour, decision.contre, decision.abstention,
            decision.adopted_at) == ("TNO 2025-01", 2025, 1, vote.id, 1, 1, "Budget 2026", "adoptee_unanimite", 5, 0,
                                     0, at(10, 30))
    assert (vote.closed_by, vote.closed_at, vote.outcome, vote.rule, vote.pour) == (
        PRESIDENT, at(10, 30), "adoptee_unanimite", "unanimite", 5)
    assert json.loads(vote.by_member) == {"metropole": {"pour": 1, "contre": 0, "abstention": 0},
                                          "ville-lyon": {"pour": 2, "contre": 0, "abstention": 0},
                                          "sitiv": {"pour": 2, "contre": 0, "abstention": 0}}
    # a closed vote is immutable: no more ballots
    assert quorate.say("!vote contre", MAES) == (
        "Aucun vote n’est ouvert. Le président en ouvre un avec !vote ouvrir <n° du point>.")
    assert len(quorate.rows(storage.BallotRow)) == 5


def test_unanimity_with_abstentions_and_in_english(quorate):
    quorate.say("!vote ouvrir 2", PRESIDENT)
    vote_all(quorate, {KHELIFI: "pour", MAES: "abstention", MILLET: "pour"})
    reply = quorate.say("!vote close", PRESIDENT, language="en")
    assert reply.splitlines()[1] == "Decision TNO 2025-01 adopted unanimously of the votes cast (2 for, 0 against, " \
                                    "1 abstention)."
    assert quorate.rows(storage.DecisionRow)[0].outcome == "adoptee_unanimite_suffrages_exprimes"


def test_by_default_a_pouvoir_to_another_member_is_refused_as_the_conferences_rule(default_bot):
    default_bot.prepare()
    default_bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    assert default_bot.say("!pouvoir Pierre-Alain Millet", BAUME) == (
        "Pierre-Alain Millet représente SITIV, pas Métropole de Lyon : selon la règle de la conférence, un pouvoir va "
        "à un représentant du même membre (réglage pouvoir_across_members, par analogie avec l’art. L2121-20 du CGCT, "
        "« un collègue »).")
    assert "Zemorda Khelifi vote pour Emeline Baume dans cette séance" in default_bot.say("!pouvoir Zemorda Khelifi", BAUME)
    assert [(r.person, r.mandataire) for r in default_bot.rows(storage.AttendanceRow)
            if r.kind == "pouvoir"] == [(BAUME, KHELIFI)]
    assert ("Lecture appliquée (réglage pouvoir_across_members) : un pouvoir va à un représentant du même membre, "
            "par analogie avec l’art. L2121-20 du CGCT (« un collègue »).") in default_bot.say("!aide pouvoir")


def test_pouvoirs_across_members_are_accepted_when_configured(opened):
    assert "Pierre-Alain Millet vote pour Emeline Baume dans cette séance" in opened.say("!pouvoir Pierre-Alain Millet", BAUME)
    assert "un pouvoir peut aller à un représentant d’un autre membre." in opened.say("!aide pouvoir")


ONE_POUR_FOUR_ABSTENTIONS = {KHELIFI: "pour", MAES: "abstention", BOSETTI: "abstention", MILLET: "abstention",
                             VIOLLET: "abstention"}  # Ville de Lyon and the SITIV entirely abstaining


def test_default_unanimity_of_votes_cast_adopts_and_says_which_members_did_not_vote_for(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    vote_all(quorate, ONE_POUR_FOUR_ABSTENTIONS)
    assert quorate.say("!vote clore", PRESIDENT).splitlines()[1:4] == [
        "Décision TNO 2025-01 adoptée à l’unanimité des suffrages exprimés (1 pour, 0 contre, 4 abstentions).",
        "Aucun représentant de Ville de Lyon et SITIV n’a voté pour : la décision est adoptée à l’unanimité des "
        "suffrages exprimés, non à celle des membres.",
        "Règle appliquée : unanimité des suffrages exprimés. Les abstentions ne sont pas des suffrages exprimés ; un "
        "seul vote contre, ou aucun suffrage exprimé, vaut rejet."]
    assert quorate.rows(storage.VoteRow)[0].rule == "unanimite"


def test_unanimity_of_the_members_rejects_when_a_member_entirely_abstains(engine, config):
    members = dataclasses.replace(config, rules=dataclasses.replace(config.rules, decision_rule="unanimite_membres"))
    bot = SeanceBot(engine, members)
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.say("!present Zemorda Khelifi, Bertrand Maes, Laurent Bosetti, Pierre-Alain Millet, Alain Viollet",
            SECRETARIAT)
    bot.say("!vote ouvrir 1", PRESIDENT)
    vote_all(bot, ONE_POUR_FOUR_ABSTENTIONS)
    assert bot.say("!vote clore", PRESIDENT).splitlines()[1:3] == [
        "Proposition rejetée (1 pour, 0 contre, 4 abstentions).",
        "Règle appliquée : unanimité des membres. Chaque membre doit avoir au moins un vote pour et aucun contre ; un "
        "seul vote contre, ou un membre sans vote pour, vaut rejet."]
    assert bot.rows(storage.DecisionRow) == []
    bot.say("!vote ouvrir 2", PRESIDENT)
    vote_all(bot, {KHELIFI: "pour", MAES: "pour", BOSETTI: "abstention", MILLET: "pour", VIOLLET: "abstention"})
    assert bot.say("!vote clore", PRESIDENT).splitlines()[1] == (
        "Décision TNO 2025-01 adoptée à l’unanimité des suffrages exprimés (3 pour, 0 contre, 2 abstentions).")
    assert [(r.rule, r.outcome) for r in bot.rows(storage.VoteRow)] == [
        ("unanimite_membres", "rejetee"), ("unanimite_membres", "adoptee_unanimite_suffrages_exprimes")]


@pytest.mark.parametrize("choices, wording", [
    ({KHELIFI: "pour", MAES: "contre", MILLET: "pour"}, "Proposition rejetée (2 pour, 1 contre, 0 abstention)."),
    ({KHELIFI: "abstention", MAES: "abstention"}, "Proposition rejetée (0 pour, 0 contre, 2 abstentions)."),
    ({}, "Proposition rejetée (0 pour, 0 contre, 0 abstention)."),
])
def test_rejections_get_no_number(quorate, choices, wording):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    vote_all(quorate, choices)
    assert quorate.say("!vote clore", PRESIDENT).splitlines()[1] == wording
    assert quorate.rows(storage.DecisionRow) == []
    assert quorate.rows(storage.VoteRow)[0].outcome == "rejetee"


def test_vote_changes_the_latest_counts_every_ballot_is_kept(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    quorate.say("!vote contre", MAES, now=at(10, 21))
    reply = quorate.say("!vote pour", MAES, now=at(10, 22))
    assert reply.splitlines() == [
        "Bertrand Maes vote « pour ». Ce vote remplace le vote « contre » de Bertrand Maes à 10 h 21 ; chaque vote reste "
        "consigné.",
        "Décompte : 1 pour, 0 contre, 0 abstention ; 5 sièges n’ont pas voté."]
    ballots = quorate.rows(storage.BallotRow)
    assert [(b.voter, b.choice, b.seat, b.basis, b.at) for b in ballots] == [
        (MAES, "contre", MAES, "titulaire", at(10, 21)), (MAES, "pour", MAES, "titulaire", at(10, 22))]
    assert ballots[0].event_id != ballots[1].event_id
    vote_all(quorate, {KHELIFI: "pour", BOSETTI: "pour", MILLET: "pour", VIOLLET: "pour"})
    assert "adoptée à l’unanimité (5 pour" in quorate.say("!vote clore", PRESIDENT)


def test_a_proxy_vote_and_the_mandant_who_comes_and_votes(quorate):
    quorate.say("!excuse", BAUME)
    quorate.say("!pouvoir Zemorda Khelifi", BAUME)
    quorate.say("!vote ouvrir 1", PRESIDENT)
    assert quorate.say("!vote pour Emeline Baume", KHELIFI, now=at(10, 21)).splitlines()[0] == (
        "Zemorda Khelifi vote « pour » pour le siège d’Emeline Baume.")
    assert quorate.say("!vote contre @laurent.bosetti:tno.example", KHELIFI) == (
        "Zemorda Khelifi ne vote pas pour le siège de Laurent Bosetti : aucun pouvoir de Laurent Bosetti à Zemorda "
        "Khelifi n’est en cours, ou Laurent Bosetti est présent.")
    assert "Zemorda Khelifi : pour (siège d’Emeline Baume, par pouvoir" in quorate.say("!vote")
    # the mandant comes and votes: recorded present, the pouvoir ends, her ballot replaces the mandataire's
    reply = quorate.say("!vote contre", BAUME, now=at(10, 25))
    assert reply.splitlines()[:3] == [
        "La présence d’Emeline Baume est désormais enregistrée.",
        "Le pouvoir donné par Emeline Baume à Zemorda Khelifi prend fin : Emeline Baume vote en personne.",
        "Emeline Baume vote « contre ». Ce vote remplace le vote « pour » de Zemorda Khelifi à 10 h 21 ; chaque vote "
        "reste consigné."]
    assert quorate.say("!vote pour Emeline Baume", KHELIFI).startswith("Zemorda Khelifi ne vote pas pour le siège")
    ballots = quorate.rows(storage.BallotRow)
    assert [(b.voter, b.seat, b.basis, b.mandant, b.choice) for b in ballots] == [
        (KHELIFI, BAUME, "pouvoir", BAUME, "pour"), (BAUME, BAUME, "titulaire", None, "contre")]
    assert quorate.rows(storage.AttendanceRow)[-1].person == BAUME
    assert quorate.rows(storage.AttendanceRow)[-1].status == "present"


def test_when_configured_a_suppleants_mandataire_votes_in_the_suppleants_place(engine, config):
    """`[rules] pouvoir_suppleant = true`: Laurent Bosetti (titulaire) and Emmanuel Vivien (suppléant) of the Ville de
    Lyon excused, Vivien's pouvoir to Bertrand Maes, who votes for his own seat and, in Vivien's place, Bosetti's."""
    bot = SeanceBot(engine, dataclasses.replace(config, rules=dataclasses.replace(config.rules,
                                                                                   pouvoir_suppleant=True)))
    bot.prepare()
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.now = at(10, 0)
    bot.say("!present Zemorda Khelifi, Bertrand Maes, Pierre-Alain Millet, Alain Viollet", SECRETARIAT)
    bot.say("!excuse Laurent Bosetti", SECRETARIAT)
    assert "Bertrand Maes vote pour Emmanuel Vivien dans cette séance" in bot.say("!pouvoir Bertrand Maes", VIVIEN)
    assert [(r.person, r.mandataire) for r in bot.rows(storage.AttendanceRow) if r.kind == "pouvoir"] == [
        (VIVIEN, MAES)]
    bot.say("!vote ouvrir 1", PRESIDENT)
    bot.say("!vote pour", MAES)
    assert bot.say("!vote pour Emmanuel Vivien", MAES).splitlines()[0] == (
        "Bertrand Maes vote « pour » pour le siège de Laurent Bosetti.")
    assert [(b.voter, b.seat, b.basis, b.mandant) for b in bot.rows(storage.BallotRow)] == [
        (MAES, MAES, "titulaire", None), (MAES, BOSETTI, "pouvoir_suppleant", VIVIEN)]
    assert "Bertrand Maes : pour (siège de Laurent Bosetti, en suppléance, par le pouvoir d’un suppléant" in bot.say(
        "!vote")
    assert "Lecture appliquée (réglage pouvoir_suppleant) : un suppléant empêché peut aussi donner un pouvoir" in (
        bot.say("!aide pouvoir"))
    for voter in (KHELIFI, MILLET, VIOLLET):
        bot.say("!vote pour", voter)
    bot.say("!vote clore", PRESIDENT)
    [reply] = bot.ask("!seance clore", SECRETARIAT)
    minutes = plain(reply.attachment.data.decode("utf-8"))
    assert ("Suppléances : Bertrand Maes pour Laurent Bosetti (par pouvoir d’un suppléant)." in minutes)


def test_by_default_a_suppleant_gives_no_pouvoir_and_aide_says_so(default_bot):
    default_bot.prepare()
    default_bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    assert default_bot.say("!pouvoir Bertrand Maes", VIVIEN).startswith(
        "Emmanuel Vivien occupe un siège de suppléant : selon la règle de la conférence, seul un titulaire donne")
    assert [r for r in default_bot.rows(storage.AttendanceRow) if r.kind == "pouvoir"] == []
    assert ("Lecture appliquée (réglage pouvoir_suppleant) : seul un titulaire donne un pouvoir, un suppléant n’ayant "
            "pas de siège propre (par analogie avec l’art. L2121-20 du CGCT, « un conseiller empêché »).") in (
        default_bot.say("!aide pouvoir"))
    assert ("Reading applied (config pouvoir_suppleant): only a titulaire gives a pouvoir"
            in default_bot.say("!help proxy", language="en"))


def test_a_suppleant_votes_for_an_absent_titulaire_without_pouvoir(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    reply = quorate.say("!vote pour", VIERA)  # not marked present: the ballot records him present
    assert reply.splitlines()[:2] == ["La présence de Matthieu Viera est désormais enregistrée.",
                                      "Matthieu Viera vote « pour » pour le siège d’Emeline Baume."]
    assert quorate.rows(storage.BallotRow)[0].basis == "suppleance"
    assert quorate.say("!vote pour", LEFORT) == (
        "Damien Lefort est en séance mais ne vote pour aucun siège : les titulaires du membre votent (un suppléant ne "
        "vote qu’à la place d’un titulaire absent qui n’a pas donné de pouvoir).")
    assert len(quorate.rows(storage.BallotRow)) == 1
    assert LEFORT not in [f.person for f in quorate.rows(storage.AttendanceRow)]  # the refusal wrote nothing


@pytest.mark.parametrize("sender, sentence", [
    (STRANGER, "@stranger:elsewhere.example ne siège pas à la conférence : seuls les représentants votent."),
    (FAURY, "Fabrice Faury ne siège pas à la conférence : seuls les représentants votent."),
    (SECRETARIAT, "Secrétariat de la conférence ne siège pas à la conférence : seuls les représentants "
                  "votent."),
])
def test_people_outside_the_cast_cannot_vote(quorate, sender, sentence):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    assert quorate.say("!vote pour", sender) == sentence
    assert quorate.rows(storage.BallotRow) == []


def test_the_tally_says_who_voted_and_who_has_not(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT, now=at(10, 20))
    quorate.say("!vote pour", MILLET, now=at(10, 21))
    quorate.say("!vote abstention", MAES, now=at(10, 22))
    assert quorate.say("!vote").splitlines() == [
        "Vote sur le point 1 : « Budget 2026 » — ouvert depuis 10 h 20.",
        "Décompte : 1 pour, 0 contre, 1 abstention.",
        "Ont voté :",
        "• Bertrand Maes : abstention (10 h 22)",
        "• Pierre-Alain Millet : pour (10 h 21)",
        "N’ont pas encore voté :",
        "• siège d’Emeline Baume : personne ne peut voter pour lui maintenant",
        "• Zemorda Khelifi",
        "• Laurent Bosetti",
        "• Alain Viollet"]
    assert quorate.say("!vote") .startswith("Vote sur le point 1")
    assert quorate.say("!vote", now=at(10, 25), language="en").splitlines()[1] == "So far: 1 for, 0 against, " \
                                                                                  "1 abstention."


def test_closing_checks_the_quorum_again(quorate):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    vote_all(quorate, {KHELIFI: "pour"})
    quorate.say("!absent Zemorda Khelifi", SECRETARIAT)
    assert quorate.say("!vote clore", PRESIDENT).startswith(
        "Le quorum n’est pas atteint : aucun représentant de la Métropole de Lyon n’est présent")
    assert quorate.rows(storage.VoteRow)[0].closed_at is None
    assert quorate.say("!vote clore", MAES) == "Seul le président peut utiliser !vote clore."


def test_decision_numbers_follow_each_other_and_restart_each_year(bot):
    def held(day, items):
        bot.room = f"!room-{day[1]}:tno.example"  # each conference in its own room
        number = bot.prepare(day=day)
        bot.now = paris(*day, 9, 59)
        bot.say(f"!seance ouvrir {number}", SECRETARIAT)
        bot.say("!present Zemorda Khelifi, Bertrand Maes, Pierre-Alain Millet", SECRETARIAT)
        replies = []
        for item in items:
            bot.say(f"!vote ouvrir {item}", PRESIDENT)
            vote_all(bot, {KHELIFI: "pour", MAES: "pour", MILLET: "pour"})
            replies.append(bot.say("!vote clore", PRESIDENT).splitlines()[1])
        bot.say("!seance clore", SECRETARIAT)
        return replies

    assert [r.split(" adoptée")[0] for r in held((2025, 11, 7), [1, 2])] == ["Décision TNO 2025-01",
                                                                          "Décision TNO 2025-02"]
    assert held((2025, 12, 12), [1])[0].startswith("Décision TNO 2025-03")
    assert held((2026, 1, 16), [2])[0].startswith("Décision TNO 2026-01")
    assert [d.id for d in bot.rows(storage.DecisionRow)] == ["TNO 2025-01", "TNO 2025-02", "TNO 2025-03",
                                                             "TNO 2026-01"]
    with Session(bot.engine) as session:
        assert [d.id for d in storage.decisions(session, 2026)] == ["TNO 2026-01"]


# --- notes and the compte rendu ----------------------------------------------------------------------------------


def _full_seance(bot):
    """A séance like the seed's: attendance, a pouvoir, two decisions, a rejection, a suspension, notes."""
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    bot.say("!present Zemorda Khelifi, Bertrand Maes, Laurent Bosetti, Pierre-Alain Millet, Alain Viollet",
            SECRETARIAT, now=at(10, 1))
    bot.say("!present", FAURY, now=at(10, 1))
    bot.say("!excuse", BAUME, now=at(10, 2))
    bot.say("!pouvoir Zemorda Khelifi", BAUME, now=at(10, 3))
    bot.say("!vote ouvrir 1", PRESIDENT, now=at(10, 5))
    for voter in (KHELIFI, MAES, BOSETTI, MILLET, VIOLLET):
        bot.say("!vote pour", voter, now=at(10, 6))
    bot.say("!vote pour Emeline Baume", KHELIFI, now=at(10, 7))
    bot.say("!vote clore", PRESIDENT, now=at(10, 10))
    bot.say("!seance suspendre", PRESIDENT, now=at(10, 40))
    bot.say("!seance reprendre", PRESIDENT, now=at(10, 55))
    bot.say("!vote ouvrir 2 Feuille de route *révisée*", PRESIDENT, now=at(11, 0))
    for voter, choice in ((KHELIFI, "pour"), (MAES, "abstention"), (MILLET, "pour")):
        bot.say(f"!vote {choice}", voter, now=at(11, 1))
    bot.say("!vote clore", PRESIDENT, now=at(11, 5))
    bot.say("!absent", VIOLLET, now=at(11, 30))
    assert bot.say("!note Sollicitation de collaboration de la ville de Villeurbanne", MILLET, now=at(12, 0)) == (
        "Consigné en « questions diverses » (1 à ce stade).")
    bot.say("!note Évaluation des premières missions <en 2023>", FAURY, now=at(12, 5))


EXPECTED_MINUTES = """\
# Entente intercommunale Territoire Numérique Ouvert

## Compte rendu de la conférence intercommunale du 7 novembre 2025

---

Conférence n° 1, Hôtel de la Métropole.

Ouverture de séance : 10 h

Présidence de séance : Pierre-Alain Millet

Présents : Zemorda Khelifi, Bertrand Maes, Laurent Bosetti, Pierre-Alain Millet, Alain Viollet (jusqu’à 11 h 30)

Absences excusées : Emeline Baume

Absences non excusées : Matthieu Viera, Emmanuel Vivien, Damien Lefort

Pouvoirs :

- Emeline Baume à Zemorda Khelifi (donné à 10 h 03)

Représentant l’administration : Fabrice Faury

Séance suspendue de 10 h 40 à 10 h 55.

Ordre du jour fixé (version 1), 3 points.

### 1/ Décision TNO 2025-01 : Budget 2026

Vote ouvert à 10 h 05, clos à 10 h 10.

La décision TNO 2025-01 est adoptée à l’unanimité (6 pour, 0 contre, 0 abstention).

Règle appliquée : unanimité des suffrages exprimés. Les abstentions ne sont pas des suffrages exprimés ; un seul vote \
contre, ou aucun suffrage exprimé, vaut rejet.

- Métropole de Lyon : 2 pour, 0 contre, 0 abstention
- Ville de Lyon : 2 pour, 0 contre, 0 abstention
- SITIV : 2 pour, 0 contre, 0 abstention

Votes par pouvoir : Zemorda Khelifi pour Emeline Baume.

### 2/ Décision TNO 2025-02 : Feuille de route

Intitulé du vote : Feuille de route \\*révisée\\*

Vote ouvert à 11 h, clos à 11 h 05.

La décision TNO 2025-02 est adoptée à l’unanimité des suffrages exprimés (2 pour, 0 contre, 1 abstention).

Aucun représentant de Ville de Lyon n’a voté pour : la décision est adoptée à l’unanimité des suffrages exprimés, non \
à celle des membres.

Règle appliquée : unanimité des suffrages exprimés. Les abstentions ne sont pas des suffrages exprimés ; un seul vote \
contre, ou aucun suffrage exprimé, vaut rejet.

- Métropole de Lyon : 1 pour, 0 contre, 0 abstention
- Ville de Lyon : 0 pour, 0 contre, 1 abstention
- SITIV : 1 pour, 0 contre, 0 abstention

### 3/ Questions diverses

Point non soumis au vote.

### 4/ Questions diverses

- Sollicitation de collaboration de la ville de Villeurbanne (Pierre-Alain Millet, 12 h)
- Évaluation des premières missions \\<en 2023\\> (Fabrice Faury, 12 h 05)

Fin de séance : 12 h 15
"""


def test_closing_posts_the_compte_rendu_as_a_message_and_a_markdown_file(prepared):
    _full_seance(prepared)
    [reply] = prepared.ask("!seance clore", SECRETARIAT, now=at(12, 15))
    body = plain(reply.body)
    assert body.splitlines()[0] == "Séance close à 12 h 15. Le compte rendu suit (compte-rendu-2025-11-07.md)."
    attachment = reply.attachment
    assert (attachment.filename, attachment.mimetype) == ("compte-rendu-2025-11-07.md", "text/markdown")
    assert plain(attachment.data.decode("utf-8")) == EXPECTED_MINUTES
    assert "ENTENTE INTERCOMMUNALE TERRITOIRE NUMÉRIQUE OUVERT" in body
    assert "• Évaluation des premières missions <en 2023> (Fabrice Faury, 12 h 05)" in body
    assert "Fin de séance : 12 h 15" in body.splitlines()
    assert "<h3>1/ Décision TNO 2025-01 : Budget 2026</h3>" in plain(reply.html)
    assert "&lt;en 2023&gt;" in reply.html and "<en 2023>" not in reply.html
    [seance] = prepared.rows(storage.SeanceRow)
    assert (seance.closed_at, seance.closed_by) == (at(12, 15), SECRETARIAT)
    assert [(n.author, n.text) for n in prepared.rows(storage.NoteRow)] == [
        (MILLET, "Sollicitation de collaboration de la ville de Villeurbanne"),
        (FAURY, "Évaluation des premières missions <en 2023>")]
    # closed: nothing changes any more, the séance is not reopened, !cr gives the same file from any room
    assert prepared.say("!present", BAUME).startswith("Aucune séance n’est ouverte dans ce salon")
    assert prepared.say("!seance ouvrir 1", SECRETARIAT).startswith(
        "La séance de la conférence n° 1 a été close le vendredi 7 novembre 2025 à 12 h 15")
    [again] = prepared.ask("!cr 1", room=OTHER_ROOM)
    assert plain(again.body).splitlines()[0] == "Compte rendu de la conférence n° 1 (compte-rendu-2025-11-07.md)."
    assert again.attachment == attachment
    assert prepared.ask("!minutes", language="en")[0].attachment == attachment
    assert prepared.say("!cr 5") == "La conférence n° 5 n’a pas eu de séance : il n’y a pas de compte rendu."


def test_cr_during_the_seance_is_provisional(opened):
    opened.say("!note Point divers", MILLET)
    assert opened.say("!note Hors conférence", STRANGER) == (
        "Seules les personnes de la conférence (représentants, administration) consignent des notes.")
    [reply] = opened.ask("!cr")
    body = plain(reply.body)
    assert body.splitlines()[0] == ("Compte rendu provisoire de la conférence n° 1 : la séance est encore ouverte "
                                    "(compte-rendu-2025-11-07.md).")
    assert "Compte rendu provisoire : la séance n’est pas close." in body
    assert "Fin de séance" not in body and "Point divers (Pierre-Alain Millet" in body


def test_the_cli_writes_the_compte_rendu_and_exports_the_ballots(prepared, engine, tmp_path, monkeypatch, capsys):
    _full_seance(prepared)
    [reply] = prepared.ask("!seance clore", SECRETARIAT, now=at(12, 15))
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    output = tmp_path / "cr.md"
    assert main(["cr", "1", "--output", str(output), "--config", str(EXAMPLE_CONFIG)]) == 0
    assert capsys.readouterr().out.strip() == str(output)
    assert output.read_bytes() == reply.attachment.data
    monkeypatch.chdir(tmp_path)
    assert main(["cr", "1", "--config", str(EXAMPLE_CONFIG)]) == 0
    assert plain((tmp_path / "compte-rendu-2025-11-07.md").read_text(encoding="utf-8")) == EXPECTED_MINUTES
    capsys.readouterr()
    assert main(["cr", "3", "--config", str(EXAMPLE_CONFIG)]) == 2
    assert "La conférence n° 3 n’a pas eu de séance" in capsys.readouterr().err

    assert main(["export", "votes"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 9  # 6 + 3 ballots, the changed ones included
    assert rows[5] == {"conference": "1", "vote_id": "1", "item": "1", "title": "Budget 2026",
                       "outcome": "adoptee_unanimite", "decision": "TNO 2025-01", "event_id": rows[5]["event_id"],
                       "voter": KHELIFI, "at": "2025-11-07T09:07:00+00:00", "choice": "pour", "seat": BAUME,
                       "member": "metropole", "basis": "pouvoir", "mandant": BAUME, "counted": "True"}
    assert main(["export", "votes", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert [(e["voter"], e["choice"], e["decision"]) for e in exported[6:]] == [
        (KHELIFI, "pour", "TNO 2025-02"), (MAES, "abstention", "TNO 2025-02"), (MILLET, "pour", "TNO 2025-02")]


def test_an_open_vote_is_not_exported(quorate, engine, monkeypatch, capsys):
    quorate.say("!vote ouvrir 1", PRESIDENT)
    quorate.say("!vote pour", MAES)
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["export", "votes", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# --- help --------------------------------------------------------------------------------------------------------


def test_aide_vote_says_the_ballot_is_not_secret(bot):
    reply = bot.say("!aide vote")
    assert reply.splitlines()[0] == "!vote"
    assert "Le vote n’est pas secret" in reply and "le scrutin secret n’est pas pris en charge" in reply
    assert "• !vote ouvrir <n° du point> [mission] [titre] (!vote open) — " in reply
    assert "• !vote pour [@mandant] (!vote for) — " in reply
    english = bot.say("!help vote", language="en")
    assert "Ballots are not secret" in english and "a secret ballot is not supported" in english
    pouvoir = bot.say("!aide pouvoir").splitlines()
    assert pouvoir[0] == "!pouvoir <[@mandant] @mandataire>"
    assert "ou avant elle pour la prochaine conférence du salon" in pouvoir[1]
    assert "Le secrétariat ou le président enregistre un pouvoir remis par écrit avec !pouvoir @mandant @mandataire" \
        in pouvoir[1]
    assert pouvoir[-1].startswith("• !pouvoir retirer [@mandant] (!proxy revoke) — Retire son pouvoir, pendant la "
                                  "séance ou avant elle ; avec un nom, le secrétariat ou le président retire")


# --- through the dispatcher --------------------------------------------------------------------------------------


def test_through_the_dispatcher_the_opening_notifies_and_the_minutes_are_a_file(engine, config):
    """Every event queued for a séance with one vote: a ballot makes a reaction and an edit of the tally message,
    no notice; the closing ends the poll."""
    from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage
    from tno_bot.matrix.polls import POLL_END, POLL_START

    SeanceBot(engine, config).prepare()
    dispatcher = Dispatcher(config, engine)

    def send(event_id, body, sender, now):
        return dispatcher.process(IncomingMessage(ROOM, event_id, sender, body, int(now.timestamp() * 1000)))

    send("$open", "!seance ouvrir", SECRETARIAT, at(10, 0))
    send("$p", "!present Zemorda Khelifi, Bertrand Maes, Pierre-Alain Millet", SECRETARIAT, at(10, 1))
    send("$v", "!vote ouvrir 1", PRESIDENT, at(10, 2))
    for i, voter in enumerate((KHELIFI, MAES, MILLET)):
        send(f"$b{i}", "!vote pour", voter, at(10, 3))
    assert send("$b0", "!vote contre", KHELIFI, at(10, 4)) == []  # the same event again: counted once
    send("$c", "!vote clore", PRESIDENT, at(10, 5))
    send("$end", "!seance clore", PRESIDENT, at(10, 6))
    with Session(engine) as session:
        rows = session.exec(select(storage.OutboxMessage).order_by(storage.OutboxMessage.id)).all()
        ballots = session.exec(select(storage.BallotRow)).all()
    events = [json.loads(row.content) for row in rows]
    assert [(b.event_id, b.choice) for b in ballots] == [("$b0", "pour"), ("$b1", "pour"), ("$b2", "pour")]
    kinds = [(row.event_type, event.get("msgtype") or event.get("m.relates_to", {}).get("rel_type"))
             for row, event in zip(rows, events)]
    assert kinds == [("m.room.message", "m.text"), ("m.room.message", "m.notice"),  # opening, presence
                     ("m.room.message", "m.text"), (POLL_START, None),  # the vote: its tally message, its poll
                     *[("m.reaction", "m.annotation"), ("m.room.message", "m.text")] * 3,  # a ballot: ✅, tally
                     ("m.room.message", "m.notice"), ("m.room.message", "m.text"), (POLL_END, "m.reference"),
                     ("m.room.message", "m.notice"), *[("m.room.message", "m.file")] * 3]
    tally, poll = rows[2], rows[3]
    assert events[0]["m.mentions"] == {"user_ids": sorted(REPRESENTATIVES)}
    assert events[2]["m.mentions"] == {"user_ids": sorted([KHELIFI, MAES, MILLET])}
    assert [a["id"] for a in events[3][POLL_START]["answers"]] == ["pour", "contre", "abstention"]
    assert events[4]["m.relates_to"] == {"rel_type": "m.annotation", "event_id": "$b0", "key": "✅"}
    assert [(row.relates_to, event["m.relates_to"]["rel_type"]) for row, event in zip(rows, events)
            if row.relates_to] == [(tally.id, "m.replace")] * 4 + [(poll.id, "m.reference")]
    assert "3 pour, 0 contre, 0 abstention" in events[9]["m.new_content"]["body"]
    assert "Décision TNO 2025-01 adoptée à l’unanimité (3 pour, 0 contre, 0 abstention)." in events[10]["body"]
    assert events[11]["m.new_content"]["body"] == events[10]["body"]  # the tally message ends with the result
    assert events[13]["m.relates_to"] == {"m.in_reply_to": {"event_id": "$end"}}
    assert "<h2>Compte rendu de la conférence intercommunale du 7 novembre 2025</h2>" in events[13]["formatted_body"]
    assert [(e["filename"], e["info"]["mimetype"]) for e in events[14:]] == [
        ("compte-rendu-2025-11-07.md", "text/markdown"), ("compte-rendu-2025-11-07.pdf", "application/pdf"),
        ("compte-rendu-2025-11-07.odt", "application/vnd.oasis.opendocument.text")]


def test_a_pill_counts_for_the_person_it_points_at_not_for_its_label(opened, engine, config):
    """The plain body shows "Emeline Baume", the pill points at Zemorda Khelifi (a display name borrowed, a
    namesake): the pill wins."""
    from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage

    html = (f'!present <a href="https://matrix.to/#/{KHELIFI}">Emeline Baume</a> et '
            f'<a href="https://matrix.to/#/%40bertrand.maes%3Atno.example">Bertrand Maes</a>')
    message = IncomingMessage(ROOM, "$pill", SECRETARIAT, "!present Emeline Baume et Bertrand Maes",
                              int(at(10, 1).timestamp() * 1000), formatted_body=html)
    assert message.command_text == f"!present {KHELIFI} et {MAES}"
    Dispatcher(config, engine).process(message)
    assert [(f.person, f.event_id) for f in opened.rows(storage.AttendanceRow)] == [(KHELIFI, "$pill"),
                                                                                   (MAES, "$pill")]


# --- a conference is dealt with in its own room -------------------------------------------------------------------

ELSEWHERE = "La conférence n° 1 se traite dans le salon de la conférence : tapez cette commande là-bas."


def test_the_seance_is_opened_only_in_the_conference_room(prepared):
    assert prepared.say("!seance ouvrir", SECRETARIAT, now=at(10, 0), room=OTHER_ROOM) == ELSEWHERE
    assert prepared.say("!seance ouvrir 1", PRESIDENT, now=at(10, 0), room=OTHER_ROOM) == ELSEWHERE
    assert prepared.rows(storage.SeanceRow) == []
    assert "ouverte à 10 h 01" in prepared.say("!seance ouvrir 1", PRESIDENT, now=at(10, 1))


def test_the_provisional_compte_rendu_is_given_only_in_the_conference_room_the_final_one_anywhere(quorate):
    quorate.say("!note Prochaine réunion en janvier", SECRETARIAT)
    assert quorate.say("!cr 1", BAUME, room=OTHER_ROOM) == ELSEWHERE
    assert quorate.say("!cr 1", BAUME).startswith("Compte rendu provisoire de la conférence n° 1")
    quorate.say("!seance clore", SECRETARIAT)
    assert quorate.say("!cr 1", BAUME, room=OTHER_ROOM).startswith("Compte rendu de la conférence n° 1")


def test_the_conference_is_moved_or_its_agenda_read_only_in_its_room_its_dates_anywhere(prepared):
    prepared.now = at(9, 0, day=EVE)
    assert prepared.say("!conference deplacer 1 2025-11-21 10:00", SECRETARIAT, room=OTHER_ROOM) == ELSEWHERE
    assert prepared.say("!conference annuler 1", SECRETARIAT, room=OTHER_ROOM) == ELSEWHERE
    assert prepared.say("!odj 1", BAUME, room=OTHER_ROOM) == ELSEWHERE
    [row] = prepared.rows(storage.ConferenceRow)
    assert not row.cancelled
    assert "Conférence n° 1 : vendredi 7 novembre 2025 à 10 h," in prepared.say("!conference 1", BAUME,
                                                                                  room=OTHER_ROOM)
    assert prepared.say("!rappels 1", BAUME, room=OTHER_ROOM).startswith("Conférence n° 1")


# --- a séance on another day than its conference's ---------------------------------------------------------------

def test_a_seance_opened_another_day_needs_a_reason_recorded_in_the_compte_rendu(prepared):
    """Issue 12: `!seance ouvrir 1` on 30 October for the conference of 7 November was accepted silently, the compte
    rendu dated 30 October while the reminders still planned the eve of 7 November."""
    early = at(10, 0, day=(2025, 10, 30))
    assert prepared.say("!seance ouvrir 1", PRESIDENT, now=early) == (
        "La conférence n° 1 est convoquée le vendredi 7 novembre 2025 : sa séance s’ouvre ce jour-là. Pour l’ouvrir "
        "un autre jour, donnez le motif après son numéro ; il est écrit au compte rendu.\n"
        "Utilisation : !seance ouvrir [n] [motif]")
    assert prepared.rows(storage.SeanceRow) == []
    assert prepared.reminders_pending()
    reply = prepared.say("!seance ouvrir 1 Séance avancée : la salle n'est plus libre le 7", PRESIDENT, now=early)
    assert ("Ouverte le jeudi 30 octobre 2025, et non le jour de la conférence, pour ce motif (écrit au compte "
            "rendu) : Séance avancée : la salle n'est plus libre le 7") in reply.splitlines()
    [row] = prepared.rows(storage.SeanceRow)
    assert row.other_day_reason == "Séance avancée : la salle n'est plus libre le 7"
    assert not prepared.reminders_pending()  # the conference sits: no "la conférence a lieu demain" on 6 November
    body = plain(prepared.ask("!cr", now=early + timedelta(minutes=5))[0].body)
    assert "Compte rendu de la conférence intercommunale du 7 novembre 2025" in body
    assert "Conférence n° 1, Hôtel de la Métropole." in body
    assert ("Séance ouverte le jeudi 30 octobre 2025 et non le jour de la conférence, pour le motif suivant : Séance "
            "avancée : la salle n'est plus libre le 7.") in body


def test_on_its_day_a_seance_opens_without_a_reason(prepared):
    prepared.say("!seance ouvrir", PRESIDENT, now=at(10, 0))
    [row] = prepared.rows(storage.SeanceRow)
    assert row.other_day_reason is None
