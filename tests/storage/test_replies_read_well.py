"""Every reply of a scripted séance, as the events the bot sends (`matrix/content.contents_for`, the function the
outbox uses, applied to the replies of the commands and of the clock run as the dispatcher runs them): no table a
phone client cannot render, French typography, names with their articles, the people concerned mentioned.

The séance is on Tuesday 1 December 2026 (a first of the month), nine representatives, a pouvoir, a vote, the
compte rendu; around it the agenda (fixed tacitly by the clock), the funding and ratification commands, `!aide`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape, unescape

import pytest

from tests.cast import (
    BAUME,
    BOSETTI,
    FAURY,
    KHELIFI,
    LEFORT,
    MAES,
    MILLET,
    PRESIDENT,
    REPRESENTATIVES,
    SECRETARIAT,
    VIERA,
    VIOLLET,
    VIVIEN,
)
from tests.harness import Bot, paris
from tno_bot.matrix.content import contents_for
from tno_bot.scheduled import run_due_work
from sqlmodel import Session

MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre")
FIRST_AS_ONE = re.compile(rf"(?<![\d,.])1 (?:{MONTHS})\b")
SPACE_BEFORE_HIGH_SIGN = re.compile(r" [:;!?](?=\s|$|<)")
HOUR_WITH_COLON = re.compile(r"\b\d{1,2}:\d{2}\b")
USER_TEXTS = ("L'Hôtel de la Métropole", "Feuille de route : 2027 ; 2028", "Et l'hébergement ?")  # kept as typed


def without_user_texts(text: str) -> str:
    for typed in USER_TEXTS:
        text = text.replace(typed, "")
    return text


def tags_stripped(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


class Seance(Bot):
    """The scripted séance; every reply (command or clock) kept as the event contents the bot sends."""

    def __init__(self, engine, config):
        super().__init__(engine, config, now=paris(2026, 10, 1, 9), tick=timedelta(minutes=1))
        self.sent: list[dict] = []

    def ask(self, text, sender=None, now=None, language="fr", room=None):
        replies = super().ask(text, sender, now, language, room)
        for reply in replies:
            self.sent += contents_for(reply, self.last_event)
        return replies

    def clock(self, now):
        with Session(self.engine) as session, session.begin():
            postings = run_due_work(session, self.config, now)
        for posting in postings:
            self.sent += contents_for(posting.reply, None)
        return postings

    def script(self):
        secretariat, comite = SECRETARIAT, FAURY
        self.ask("!conference nouvelle 2026-12-01 10:00 L'Hôtel de la Métropole", secretariat)
        for point in ("Budget 2027", "Feuille de route : 2027 ; 2028", "Rapport d'activité"):
            self.ask(f"!odj ajouter {point}", comite)
        self.ask("!odj envoyer", comite)
        self.ask("!conference", BAUME)
        self.ask("!odj", BAUME)
        self.ask("!rappels", BAUME)
        postings = [p for day in range(2, 30) for p in self.clock(paris(2026, 10, day, 23, 30))]
        fixing = [p for p in postings if "tacitement" in p.reply.body.split(":")[0]]
        self.now = paris(2026, 11, 30, 18)
        self.ask("!pouvoir Alain Viollet", BAUME)
        self.now = paris(2026, 12, 1, 9, 55)
        self.clock(paris(2026, 12, 1, 9, 56))
        self.ask("!seance ouvrir", secretariat)
        self.ask("!present", PRESIDENT)
        self.ask("!present Zemorda Khelifi, Matthieu Viera, Bertrand Maes, Laurent Bosetti, Damien Lefort et "
                 "Alain Viollet", secretariat)
        self.ask("!excuse Emmanuel Vivien", secretariat)
        for command in ("!presents", "!quorum", "!seance", "!aide", "!aide tout", "!aide vote"):
            self.ask(command, BAUME)
        self.ask("!vote ouvrir 1", PRESIDENT)
        for voter, choice in ((KHELIFI, "pour"), (VIERA, "pour"), (MAES, "pour"), (BOSETTI, "abstention"),
                              (MILLET, "pour"), (VIOLLET, "pour"), (LEFORT, "contre")):
            self.ask(f"!vote {choice}", voter)
        self.ask("!vote pour Emeline Baume", VIOLLET)
        self.ask("!vote", BAUME)
        self.ask("!vote clore", PRESIDENT)
        self.ask("!note Et l'hébergement ?", MAES)
        self.ask("!seance suspendre", secretariat)
        self.ask("!seance reprendre", secretariat)
        self.ask("!seance clore", secretariat)
        self.ask("!cr", BAUME)
        for command in ("!appel 2023", "!appel 2023 SITIV", "!budget 2023", "!budget 2023 collaboratif", "!cles 2023",
                        "!quote-part 1234,56 2023", "!decisions", "!decision TNO 2022-01", "!appel deux-mille"):
            self.ask(command, BAUME)
        return fixing


@pytest.fixture
def seance(engine, config):
    return Seance(engine, config)


def test_every_reply_of_a_seance_reads_well_on_a_phone(seance):
    [tacit_fixing] = seance.script()
    html_bodies = [c["formatted_body"] for c in seance.sent if "formatted_body" in c]
    assert len(html_bodies) > 40
    for html in html_bodies:
        assert "<table" not in html, html
        text = without_user_texts(unescape(tags_stripped(html)))
        assert not FIRST_AS_ONE.search(text), text
        assert not SPACE_BEFORE_HIGH_SIGN.search(text), text
        assert not HOUR_WITH_COLON.search(text.replace("HH:MM", "")), text
    for content in seance.sent:
        if "body" in content:
            assert not FIRST_AS_ONE.search(content["body"]) and "<table" not in content["body"]
    everything = "\n".join(html_bodies)
    assert "mardi 1er décembre 2026 à 10\u00a0h" in everything
    assert "d’Emeline Baume" in everything and "siège de Emeline" not in everything
    assert "aucun représentant présent pour la Métropole de Lyon et la Ville de Lyon" in everything
    assert "par le Secrétariat de la conférence" in everything
    assert "Absence excusée enregistrée à 9\u00a0h\u00a059\u00a0: Emmanuel Vivien." in everything  # gender-neutral
    assert "(e)" not in everything and "noté excusé" not in everything
    for typed in USER_TEXTS:
        assert escape(typed) in everything, typed  # user text kept as typed
    # the tacit fixing notifies the nine representatives, with their pills, as the proposal did
    assert tacit_fixing.reply.mentions == REPRESENTATIVES
    [fixing] = [c for c in seance.sent if c["body"] == tacit_fixing.reply.body]
    assert fixing["msgtype"] == "m.text" and fixing["m.mentions"]["user_ids"] == sorted(REPRESENTATIVES)
    assert fixing["formatted_body"].count('href="https://matrix.to/#/@') == 9
