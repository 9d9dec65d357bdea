"""The documents the secrétariat files, on a real database (SQLite and PostgreSQL): the compte rendu in PDF and ODT
(read back with pypdf, PDFium and odfdo) for a scripted séance with a pouvoir, a suppléant, an adopted and a rejected
item; `tno-bot cr --format`; the convocation, on the agenda's fixing and on `!convocation`; the exports for office
tools read back with the csv module."""

from __future__ import annotations

import csv
import io

import pytest

from tests.cast import (
    BAUME,
    BOSETTI,
    EXAMPLE_CONFIG,
    FAURY,
    KHELIFI,
    MAES,
    MILLET,
    OTHER_ROOM,
    PRESIDENT,
    REPRESENTATIVES,
    ROOM,
    SECRETARIAT,
    VIOLLET,
    VIVIEN,
)
from tests.documents import odt_text, pdf_lines, pdf_text, pdf_title
from tests.storage.test_seance_commands import SeanceBot, at
from tests.text import plain
from tno_bot import storage
from tno_bot.cli import main

PDF, ODT = "application/pdf", "application/vnd.oasis.opendocument.text"


@pytest.fixture
def bot(engine, config):
    bot = SeanceBot(engine, config)
    bot.prepare()
    return bot


def scripted_seance(bot):
    """Baume excused gives a pouvoir to Khelifi; Bosetti absent, Vivien (suppléant, Ville de Lyon) sits for him;
    point 1 adopted unanimously, point 2 rejected; a note with an amount; the secrétariat is secrétaire de séance."""
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    assert bot.say("!seance secretaire Secrétariat de la conférence", PRESIDENT, now=at(10, 0)) == (
        "Secrétariat de la conférence est secrétaire de séance.")
    bot.say("!present Zemorda Khelifi, Bertrand Maes, Pierre-Alain Millet, Alain Viollet, Emmanuel Vivien",
            SECRETARIAT, now=at(10, 1))
    bot.say("!present", FAURY, now=at(10, 1))
    bot.say("!excuse", BAUME, now=at(10, 2))
    bot.say("!pouvoir Zemorda Khelifi", BAUME, now=at(10, 3))
    bot.say("!vote ouvrir 1", PRESIDENT, now=at(10, 5))
    for voter in (KHELIFI, MAES, MILLET, VIOLLET, VIVIEN):
        bot.say("!vote pour", voter, now=at(10, 6))
    bot.say("!vote pour Emeline Baume", KHELIFI, now=at(10, 7))
    bot.say("!vote clore", PRESIDENT, now=at(10, 10))
    bot.say("!vote ouvrir 2", PRESIDENT, now=at(11, 0))
    for voter, choice in ((KHELIFI, "pour"), (MAES, "contre"), (MILLET, "pour"), (VIOLLET, "pour"),
                          (VIVIEN, "pour")):
        bot.say(f"!vote {choice}", voter, now=at(11, 1))
    bot.say("!vote pour Emeline Baume", KHELIFI, now=at(11, 2))
    bot.say("!vote clore", PRESIDENT, now=at(11, 5))
    bot.say(f"!note {NOTE}", MILLET, now=at(12, 0))


MINUTES_ELEMENTS = (
    "Entente intercommunale Territoire Numérique Ouvert",
    "Compte rendu de la conférence intercommunale du vendredi 7 novembre 2025",
    "Conférence n° 1, le vendredi 7 novembre 2025, Hôtel de la Métropole, sur convocation de son président.",
    "Ouverture de séance : 10 h — clôture : 12 h 15",
    "Président de séance : Pierre-Alain Millet",
    "Secrétaire de séance : Secrétariat de la conférence",
    "Membres en exercice : 6 — présents : 5 — représentés : 1 — votants : 6",
    "Présents : Zemorda Khelifi, Bertrand Maes, Emmanuel Vivien, Pierre-Alain Millet, Alain Viollet",
    "Excusé(e)s : Emeline Baume",
    "Absent(e)s : Matthieu Viera, Laurent Bosetti, Damien Lefort",
    "Emeline Baume à Zemorda Khelifi (donné par le mandant à 10 h 03)",
    "Représentant l’administration : Fabrice Faury",
    "Quorum : au moins un représentant de chaque membre présent, les pouvoirs ne comptant pas. Le quorum est atteint "
    "(représentants venus siéger — Métropole de Lyon : 1, Ville de Lyon : 2, SITIV : 2)",
    "Ordre du jour fixé (version 1), 3 points.",
    "1/ Décision TNO 2025-01 : Budget 2026",
    "Vote ouvert à 10 h 05, clos à 10 h 10.",
    "Votants : 6 — suffrages exprimés : 6 — 6 pour, 0 contre, 0 abstention.",
    "Votes par pouvoir : Zemorda Khelifi pour Emeline Baume.",
    "Suppléances : Emmanuel Vivien pour Laurent Bosetti.",
    "Règle appliquée : unanimité des suffrages exprimés. La décision TNO 2025-01 est adoptée à l’unanimité "
    "(6 pour, 0 contre, 0 abstention).",
    "2/ Feuille de route",
    "Votants : 6 — suffrages exprimés : 6 — 5 pour, 1 contre, 0 abstention.",
    "Ville de Lyon : 1 pour, 1 contre, 0 abstention",
    "Règle appliquée : unanimité des suffrages exprimés. La proposition est rejetée (5 pour, 1 contre, 0 abstention).",
    "3/ Questions diverses Point non soumis au vote.",
    "4/ Questions diverses",
    "Hébergement mutualisé : devis de 12 000 € à présenter (Pierre-Alain Millet, 12 h)",
    "La séance est levée à 12 h 15.",
    "Fait le 7 novembre 2025. Le président de séance Pierre-Alain Millet Le secrétaire de séance Secrétariat de la "
    "conférence",
)


def test_the_compte_rendu_in_pdf_and_odt_holds_every_element_of_the_minutes(bot):
    scripted_seance(bot)
    [reply] = bot.ask("!seance clore", SECRETARIAT, now=at(12, 15))
    assert [(f.filename, f.mimetype) for f in reply.files] == [
        ("compte-rendu-2025-11-07.md", "text/markdown"), ("compte-rendu-2025-11-07.pdf", PDF),
        ("compte-rendu-2025-11-07.odt", ODT)]
    _, pdf, odt = reply.files
    texts = {"pdf": plain(pdf_text(pdf.data)), "odt": plain(odt_text(odt.data))}
    for kind, text in texts.items():
        missing = [element for element in MINUTES_ELEMENTS if element not in text]
        assert missing == [], kind
    assert "2/ Décision" not in texts["pdf"]  # a rejection gets no number
    assert pdf_title(pdf.data) == "Compte rendu de la conférence intercommunale du vendredi 7 novembre 2025"
    assert [row.secretaire for row in bot.rows(storage.SeanceRow)] == [SECRETARIAT]
    # !cr gives the same documents, from any room
    [again] = bot.ask("!cr 1", room=OTHER_ROOM)
    assert pdf_text(again.files[1].data) == texts["pdf"] and odt_text(again.files[2].data) == texts["odt"]


def test_the_secretaire_is_someone_of_the_conference_named_by_the_presidency(bot):
    bot.say("!seance ouvrir", SECRETARIAT, now=at(10, 0))
    assert bot.say("!seance secretaire @x:elsewhere", PRESIDENT) == (
        "Le secrétaire de séance est l’une des personnes de la conférence (représentants, administration).")
    assert bot.say("!seance secretaire Fabrice Faury", BAUME).startswith("Seuls")
    assert bot.say("!seance secretaire", PRESIDENT).startswith("Il manque <@personne>.")
    assert [row.secretaire for row in bot.rows(storage.SeanceRow)] == [None]
    [provisional] = bot.ask("!cr")
    assert "Secrétaire de séance : non désigné(e)" in pdf_text(provisional.files[1].data)
    assert "Compte rendu provisoire : la séance n’est pas close." in odt_text(provisional.files[2].data)


def test_the_cli_writes_the_compte_rendu_in_each_format(bot, engine, tmp_path, monkeypatch, capsys):
    scripted_seance(bot)
    [reply] = bot.ask("!seance clore", SECRETARIAT, now=at(12, 15))
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.chdir(tmp_path)
    for fmt, posted in zip(("md", "pdf", "odt"), reply.files):
        assert main(["cr", "1", "--format", fmt, "--config", str(EXAMPLE_CONFIG)]) == 0
        written = tmp_path / f"compte-rendu-2025-11-07.{fmt}"
        assert capsys.readouterr().out.strip() == written.name
        if fmt == "md":
            assert written.read_bytes() == posted.data
        else:
            read = pdf_text if fmt == "pdf" else odt_text
            assert read(written.read_bytes()) == read(posted.data)
    with pytest.raises(SystemExit):
        main(["cr", "1", "--format", "docx", "--config", str(EXAMPLE_CONFIG)])
    assert "invalid choice: 'docx'" in capsys.readouterr().err


CONVOCATION_ELEMENTS = (
    "Convocation à la conférence intercommunale du vendredi 7 novembre 2025",
    "J’ai l’honneur de vous convoquer à la conférence intercommunale de l’entente (conférence n° 2), qui se tiendra "
    "le vendredi 7 novembre 2025 à 10 h, Hôtel de la Métropole.",
    "L’ordre du jour, fixé le 12 septembre 2025 par le président (version 1), est le suivant : 1. Budget 2026 "
    "2. Feuille de route 3. Questions diverses",
    "Emeline Baume (titulaire, Métropole de Lyon)",
    "Damien Lefort (suppléant(e), SITIV)",
    "Pouvoirs",
    "en écrivant « !pouvoir » suivi du nom du mandataire",
    "(« !pouvoir retirer »)",
    "Un représentant ne peut porter plus de 1 pouvoir.",
    "Le président de la conférence intercommunale Pierre-Alain Millet",
)


def test_the_convocation_goes_out_when_the_agenda_is_fixed_and_on_demand(engine, config):
    bot = SeanceBot(engine, config)
    bot.say("!conference nouvelle 2025-12-05 10:00", SECRETARIAT, now=at(10, 0, (2025, 9, 1)))
    assert bot.say("!convocation 1", PRESIDENT, now=at(10, 0, (2025, 9, 2))) == (
        "L’ordre du jour de la conférence n° 1 n’est pas encore fixé : la convocation part avec l’ordre du jour "
        "fixé.")
    assert bot.prepare() == 2  # on 7 November, its agenda fixed by the président on 12 September
    assert bot.say("!convocation 2", SECRETARIAT, room=OTHER_ROOM, now=at(10, 0, (2025, 9, 13))).startswith(
        "La conférence n° 2 se traite dans le salon de la conférence")  # posted with mentions: in its own room only
    [posted] = bot.ask("!convocation 2", SECRETARIAT, now=at(10, 0, (2025, 9, 13)))
    assert posted.room_id in (None, ROOM) and posted.mentions == REPRESENTATIVES
    assert plain(posted.body).splitlines()[0] == (
        "Convocation à la conférence n° 2 du vendredi 7 novembre 2025 à 10 h, au nom du président, avec l’ordre du "
        "jour fixé et la façon de donner un pouvoir : convocation-2025-11-07.pdf et convocation-2025-11-07.odt.")
    pdf, odt = posted.files
    assert (pdf.mimetype, odt.mimetype) == (PDF, ODT)
    for text in (plain(pdf_text(pdf.data)), plain(odt_text(odt.data))):
        assert [e for e in CONVOCATION_ELEMENTS if e not in text] == []
        assert "Fait le 13 septembre 2025." in text
    assert bot.say("!convocation 2", BAUME).startswith("Seuls")
    bot.say("!conference annuler 2", SECRETARIAT, now=at(10, 0, (2025, 9, 14)))
    assert bot.say("!convocation 2", PRESIDENT, now=at(10, 0, (2025, 9, 15))) == (
        "La conférence n° 2 est annulée : plus rien ne peut être modifié.")


NOTE = "Hébergement mutualisé : devis de 12 000 € à présenter"  # user text, with its ordinary space before ":"


def _typeset(text: str, user_texts: tuple[str, ...] = (), colon_space: str = "\u00a0") -> None:
    """`text` (a document's, its no-break spaces kept) follows French typography outside the user's texts: the
    space before ":" is `colon_space`, the one before ";" narrow and no-break, no straight apostrophe."""
    for user_text in user_texts:
        assert user_text in text  # as typed
        text = text.replace(user_text, "")
    assert [text[max(i - 30, 0):i + 2] for i, c in enumerate(text) if c == ":" and text[i - 1] in " \u00a0"
            and text[i - 1] != colon_space] == []
    assert [text[max(i - 30, 0):i + 2] for i, c in enumerate(text) if c == ";" and text[i - 1] != "\u202f"] == []
    assert "'" not in text


def test_the_documents_follow_french_typography_and_keep_user_text_as_typed(bot):
    """The ODT keeps every character as written; fpdf2 lays a no-break space out as one (no line break there) but
    writes it as an ordinary space, so in the PDF the space before ":" reads as " " and its lines are checked never
    to start with the sign."""
    [convocation] = bot.ask("!convocation 1", SECRETARIAT, now=at(10, 0, (2025, 10, 1)))
    scripted_seance(bot)
    [minutes] = bot.ask("!seance clore", SECRETARIAT, now=at(12, 15))
    _, minutes_pdf, minutes_odt = minutes.files
    convocation_pdf, convocation_odt = convocation.files
    for pdf, odt, user_texts in ((minutes_pdf, minutes_odt, (NOTE,)), (convocation_pdf, convocation_odt, ())):
        _typeset(odt_text(odt.data, typography=True), user_texts)
        _typeset(pdf_text(pdf.data, typography=True), user_texts, colon_space=" ")
        assert [line for line in pdf_lines(pdf.data) if line.lstrip()[:1] in (":", ";", "»")] == []
    for text in (odt_text(minutes_odt.data, typography=True), pdf_text(minutes_pdf.data, typography=True)):
        assert "Représentant l’administration" in text
        assert "pas. Le quorum est atteint (" in text and ")\u202f; il est vérifié" in text
    assert "Représentant l’administration\u00a0: Fabrice Faury" in odt_text(minutes_odt.data, typography=True)
    for text in (odt_text(convocation_odt.data, typography=True), pdf_text(convocation_pdf.data, typography=True)):
        assert "Fait le 1er octobre 2025." in text
        assert "en écrivant «\u202f!pouvoir\u202f» suivi" in text and "séance seulement\u202f; il est" in text


def _excel(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def test_the_exports_for_office_tools_are_in_french_words(bot, engine, monkeypatch, capsys, tmp_path):
    scripted_seance(bot)
    bot.ask("!seance clore", SECRETARIAT, now=at(12, 15))
    monkeypatch.setenv("TNO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    output = tmp_path / "votes.csv"
    assert main(["export", "votes", "--format", "excel", "--output", str(output),
                 "--config", str(EXAMPLE_CONFIG)]) == 0
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _excel(output.read_bytes().decode("utf-8"))
    assert rows[0] == ["Conférence", "Vote", "Point", "Intitulé", "Résultat", "Décision", "Votant", "Date et heure",
                       "Choix", "Siège de", "Membre", "Au titre de", "Mandant", "Bulletin retenu",
                       "Événement Matrix"]
    by_pouvoir = rows[6]
    assert by_pouvoir[:-1] == ["1", "1", "1", "Budget 2026", "adoptée à l’unanimité", "TNO 2025-01",
                               "Zemorda Khelifi", "07/11/2025 10:07", "pour", "Emeline Baume", "Métropole de Lyon",
                               "par pouvoir", "Emeline Baume", "oui"]
    suppleance = rows[5]
    assert suppleance[6:13] == ["Emmanuel Vivien", "07/11/2025 10:06", "pour", "Laurent Bosetti", "Ville de Lyon",
                                "en suppléance", ""]
    assert [r[4] for r in rows[7:]] == ["rejetée"] * 6 and {r[5] for r in rows[7:]} == {""}
    assert "contre" in [r[8] for r in rows[7:]]
    capsys.readouterr()
    assert main(["export", "decisions", "--format", "excel", "--config", str(EXAMPLE_CONFIG)]) == 0
    rows = _excel(capsys.readouterr().out)
    assert rows[0][:8] == ["Décision", "Année", "Intitulé", "Date de la décision", "Source", "État", "Exécutoire le",
                           "Membre"]
    ours = [r for r in rows[1:] if r[0] == "TNO 2025-01"]
    assert [(r[3], r[4], r[5], r[7], r[8], r[-1]) for r in ours] == [
        ("07/11/2025", "séance", "en attente de ratification", member, "délibération attendue",
         "délibération, publication, transmission")
        for member in ("Métropole de Lyon", "Ville de Lyon", "SITIV")]
    # the machine-readable CSV is unchanged: codes, ISO dates, commas, no BOM
    assert main(["export", "votes", "--config", str(EXAMPLE_CONFIG)]) == 0
    machine = capsys.readouterr().out
    assert machine.startswith("conference,vote_id,item,") and "adoptee_unanimite" in machine
