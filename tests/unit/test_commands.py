"""Chat commands: parsing against the registry, every bad input, roles, help, and the room language in SQLite."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlmodel import Session

from tests.cast import ADMIN, PRESIDENT, ROOM
from tests.cast import BAUME as REPRESENTATIVE
from tests.harness import only_reply as body
from tests.text import plain
from tno_bot import storage
from tno_bot.commands import REGISTRY, CommandContext, CommandCrashed, handle_text
from tno_bot.commands import funding as funding_commands
from tno_bot.commands.arguments import parse_amount, take_amount
from tno_bot.commands.errors import UsageError
from tno_bot.commands.parser import MAX_MESSAGE_CHARS
from tno_bot.commands.registry import YEAR, Arg, Registry
from tno_bot.i18n import translator

NOW = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def session(tmp_path):
    engine = storage.make_engine(f"sqlite:///{tmp_path / 'tno.db'}")
    storage.migrate(engine)
    with Session(engine) as session, session.begin():
        yield session
    engine.dispose()


@pytest.fixture
def ask(config, session):
    """ask(text, sender=REPRESENTATIVE, language="fr") -> replies, with Babel's no-break spaces made plain."""

    def run(text: str, sender: str = REPRESENTATIVE, language: str = "fr"):
        ctx = CommandContext(config, sender, ROOM, "$event", language, NOW, session)
        return handle_text(ctx, text)

    return run


# --- what is a command ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["bonjour", "", "   ", "!!!", "! appel 2023", "!2023", "x" * 20_000])
def test_not_a_command(ask, text):
    assert ask(text) is None


@pytest.mark.parametrize("text", ["!appel 2023", "!APPEL 2023", "!call 2023", "  !Appel   2023  ", "!appel\t2023"])
def test_names_aliases_case_and_spaces(ask, text):
    reply = body(ask(text))
    for figure in ("305 797 €", "217 051 €", "116 328 €", "639 176 €"):
        assert figure in reply


@pytest.mark.parametrize("text", ["!cles 2023", "!clés 2023", "!CLÉS 2023", "!keys 2023"])
def test_accent_insensitive_names(ask, text):
    assert "30,6 %" in body(ask(text))


def test_appel_for_one_member(ask):
    reply = body(ask("!appel 2023 ville de lyon"))
    assert "Ville de Lyon : 217 051 €" in reply
    assert "Métropole de Lyon : 305 797 €" not in reply


def test_appel_answers_in_english(ask):
    replies = ask("!call 2023", language="en")
    assert "€305,797" in plain(replies[0].body)
    assert "<table" not in replies[0].html and "€305,797" in replies[0].html


def test_budget_and_mission(ask):
    assert "975 000 €" in body(ask("!budget 2023"))
    reply = body(ask("!budget 2023 hebergement"))
    assert "Extension PRA / PCA : investissement 195 000 €" in reply


def test_quote_part_with_and_without_year(ask):
    reply = body(ask("!quote-part 1 000 € 2023"))
    assert "Métropole de Lyon (53 %) : 530 €" in reply and "SITIV (16,4 %) : 164 €" in reply
    assert "en vigueur en 2023" in reply
    reply = body(ask("!share 1000"))
    assert reply.startswith("Année non précisée : l’année en cours, 2024.")
    assert "en vigueur en 2024 (depuis 2022)" in reply


def test_cles_defaults_to_the_current_year(ask):
    assert "Clés de contribution en vigueur en 2024 (depuis 2022)" in body(ask("!cles"))


# --- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentence", "usage"),
    [
        ("!appel deux-mille", "« deux-mille » n’est pas une année", "Utilisation : !appel <année> [membre]"),
        ("!appel 1999", "Pas de budget pour 1999 : le budget configuré est celui de 2023.", "!appel <année>"),
        ("!appel", "Il manque <année>.", "!appel <année> [membre]"),
        ("!appel 2023 Villeurbanne", "Membre inconnu « Villeurbanne » : choisissez Métropole de Lyon", "!appel"),
        ("!budget 2023 jardinage", "Mission inconnue « jardinage » : choisissez Dépenses générales", "!budget"),
        ("!quote-part -5", "Le montant doit être positif", "Utilisation : !quote-part <montant> [année]"),
        ("!quote-part 1e400", "« 1e400 » n’est pas un montant", "!quote-part <montant> [année]"),
        ("!quote-part NaN", "n’est pas un montant", "!quote-part"),
        ("!quote-part 0", "Le montant doit être supérieur à zéro.", "!quote-part"),
        ("!quote-part 12,345", "plus de deux décimales", "!quote-part"),
        ("!quote-part 10000000000000", "est trop grand", "!quote-part"),
        ("!quote-part 100 2023 de trop", "Trop d’arguments : « de trop ».", "!quote-part"),
        ("!cles 1999", "Aucune clé de contribution en vigueur en 1999", "!cles [année]"),
        ("!langue de", "Langue inconnue « de » : choisissez fr ou en.", "!langue fr|en"),
    ],
)
def test_bad_input_gets_a_sentence_and_the_usage(ask, text, sentence, usage):
    reply = body(ask(text, sender=ADMIN))
    first, second = reply.split("\n")
    assert sentence in first
    assert usage in second
    assert "Traceback" not in reply


def test_bad_input_in_english(ask):
    reply = body(ask("!appel deux-mille", language="en"))
    assert (
        reply
        == "“deux-mille” is not a year: write it with four digits, for example 2023.\nUsage: !call <year> [member]"
    )


def test_unknown_command_suggests_the_closest(ask):
    reply = body(ask("!apel 2023"))
    assert reply.startswith("Commande inconnue « !apel ».")
    assert "!appel" in reply and "!aide" in reply


def test_unknown_command_without_suggestion(ask):
    assert body(ask("!xyzzy")) == "Commande inconnue « !xyzzy ». Tapez !aide pour la liste des commandes."


def test_a_huge_message_is_refused_before_parsing(ask):
    reply = body(ask("!appel 2023 " + "x" * 20_000))
    assert reply.startswith("Ce message fait 20 012 caractères ; une commande en fait au plus 2 000.")
    assert len(reply) < 200


def test_a_message_at_the_limit_is_parsed(ask):
    text = "!appel 2023 " + "x" * (MAX_MESSAGE_CHARS - 12)
    assert "Membre inconnu" in body(ask(text))


def test_user_text_is_escaped_in_html(ask):
    replies = ask("!appel <b>2023</b>")
    assert "<b>" not in replies[0].html and "&lt;b&gt;" in replies[0].html


def test_a_bug_in_a_handler_is_logged_and_apologised_for(ask, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(funding_commands, "call_for_funds", broken)
    with caplog.at_level(logging.ERROR, logger="tno_bot.commands"), pytest.raises(CommandCrashed) as crash:
        ask("!appel 2023")
    reply = crash.value.reply.body
    assert reply.startswith("Désolé, une erreur s’est produite")
    assert "boom" not in reply and "Traceback" not in reply
    assert any(record.exc_info and "boom" in str(record.exc_info[1]) for record in caplog.records)


# --- amounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,56", "1234.56"),
        ("1\u202f234,56\xa0€", "1234.56"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234 567", "1234567"),
        ("1,234,567", "1234567"),
        ("€1234", "1234"),
        ("1234 EUR", "1234"),
        ("+12", "12"),
        ("0,01", "0.01"),
        ("1000000000000", "1000000000000"),
    ],
)
def test_amounts_accepted(text, value):
    assert parse_amount(text, translator("fr")) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    [
        "-5",
        "−5",
        "0",
        "0,00",
        "1e400",
        "1E5",
        "NaN",
        "inf",
        "Infinity",
        "1,234",
        "1,2,3",
        "1 23",
        "12abc",
        ",5",
        "5,",
        "1.5.5",
        "١٢٣",
        "1000000000000,01",
        "9" * 50,
        "0x10",
        "1_000",
    ],
)
def test_amounts_refused(text):
    with pytest.raises(UsageError):
        parse_amount(text, translator("fr"))


def test_an_amount_with_spaces_leaves_the_year_alone():
    assert take_amount("1 234 2023") == ("1 234", " 2023")
    assert take_amount("1 234,56 € 2023") == ("1 234,56 €", " 2023")
    assert take_amount("1e400") == ("1e400", "")


# --- roles and the room language -------------------------------------------------------------------------------


def test_langue_is_refused_to_a_representative(ask, session):
    reply = body(ask("!langue en", sender=REPRESENTATIVE))
    assert reply == "Seuls les administrateurs ou le président peuvent utiliser !langue."
    assert storage.get_room_language(session, ROOM) is None


@pytest.mark.parametrize("sender", [ADMIN, PRESIDENT])
def test_langue_writes_the_room_setting_and_answers_in_the_new_language(ask, session, sender):
    assert body(ask("!language EN", sender=sender)) == "From now on, I answer in English in this room."
    assert storage.get_room_language(session, ROOM) == "en"
    french = "Désormais, je réponds en français dans ce salon."
    assert body(ask("!langue fr", sender=sender, language="en")) == french
    assert storage.get_room_language(session, ROOM) == "fr"


# --- help ------------------------------------------------------------------------------------------------------


def test_aide_tout_lists_every_registered_command(ask):
    tr = translator("fr")
    reply = body(ask("!aide tout"))
    for command in REGISTRY:
        assert plain(command.usage(tr)) in reply
        assert plain(tr.gettext(command.help)) in reply
    assert "Financement" in reply and "Général" in reply
    assert "Qui peut l’utiliser : les administrateurs ou le président." in reply
    assert "!langue fr|en (!language)" in reply
    assert body(ask("!help all", language="en")).startswith("Commands:")


def _groups(reply: str) -> dict[str, list[str]]:
    """The groups of a default !aide: name -> its lines."""
    blocks = [block.splitlines() for block in reply.split("\n\n")[1:-1]]
    return {lines[0]: lines[1:] for lines in blocks}


def test_aide_shows_only_what_the_reader_may_do_grouped_a_phone_screen_each(ask):
    representative = body(ask("!aide"))
    assert representative.startswith("Commandes pour les représentants :")
    assert "!vote pour [@mandant] — Vote pour la proposition" in representative
    assert "!seance ouvrir" not in representative and "!langue" not in representative
    assert "!odj avis <texte>" in representative and "!odj fixer" not in representative
    footer = representative.split("\n\n")[-1]
    assert footer.startswith("!aide tout liste toutes les commandes, avec qui peut les utiliser ; "
                             "!aide <commande> en détaille une.")
    assert footer.endswith("Une commande envoyée dans un fil reçoit sa réponse dans ce fil.")
    president = body(ask("!aide", PRESIDENT))
    assert president.startswith("Commandes pour le président et les représentants :")
    assert "!seance ouvrir [n]" in president and "!odj fixer" in president
    assert "!langue fr|en" not in body(ask("!aide", ADMIN)).split("Général")[0]
    stranger = body(ask("!aide", "@someone:elsewhere.example"))
    assert stranger.startswith("Commandes ouvertes à tous :") and "!vote pour" in stranger
    for reply in (representative, president, stranger):
        for name, lines in _groups(reply).items():
            assert 1 <= len(lines) <= 14 and sum(len(line) for line in lines) < 1000, name  # a phone screen
            assert all("Qui peut" not in line for line in lines)
    assert len(representative) < len(body(ask("!aide tout"))) / 3


def test_aide_in_english_uses_the_english_names(ask):
    reply = body(ask("!help all", language="en"))
    assert "!call <year> [member] (!appel)" in reply
    assert body(ask("!help", language="en")).startswith("Commands for the representatives:")


def test_aide_for_one_command(ask):
    reply = body(ask("!aide langue"))
    assert reply.splitlines()[0] == "!langue fr|en"
    assert "Aussi : !language" in reply
    assert "administrateurs ou le président" in reply


def test_aide_for_an_unknown_command(ask):
    assert "Commande inconnue « !nope »" in body(ask("!aide nope"))


# --- declarations ----------------------------------------------------------------------------------------------


def _noop(ctx):
    return []


def test_declaration_mistakes_fail_at_import_time():
    registry = Registry()
    registry.command("appel", aliases=("call",), help="h", group="g")(_noop)
    with pytest.raises(ValueError, match="already registered"):
        registry.command("Appél", help="h", group="g")(_noop)
    with pytest.raises(ValueError, match="optional argument precedes"):
        registry.command("x", args=(Arg("a", YEAR, optional=True), Arg("b", YEAR)), help="h", group="g")(_noop)
    with pytest.raises(ValueError, match="unknown roles"):
        registry.command("y", roles=frozenset({"king"}), help="h", group="g")(_noop)


def test_sub_command_declaration_mistakes_fail_at_import_time():
    registry = Registry()
    with pytest.raises(ValueError, match="no top-level command"):
        registry.command("nouvelle", parent="conference", help="h")(_noop)
    registry.command("conference", help="h", group="g")(_noop)
    registry.command("nouvelle", aliases=("new",), parent="conference", help="h")(_noop)
    with pytest.raises(ValueError, match="already registered"):
        registry.command("New", parent="conference", help="h")(_noop)
    with pytest.raises(ValueError, match="no top-level command"):
        registry.command("x", parent="nouvelle", help="h")(_noop)
    with pytest.raises(ValueError, match="help group is required"):
        registry.command("z", help="h")(_noop)
    [conference] = list(registry)  # sub-commands are not top-level commands
    [sub] = registry.subcommands(conference)
    assert (sub.group, sub.spelled("fr"), sub.spelled("en")) == ("g", "conference nouvelle", "conference new")
    assert registry.find_sub(conference, "NEW") is sub and registry.find("nouvelle") is None


# --- !config ------------------------------------------------------------------------------------------------------


def test_config_tells_the_secretariat_and_admins_the_running_version(config, session):
    from dataclasses import replace

    from tests.cast import SECRETARIAT
    from tno_bot.config.version import ConfigVersion

    version = ConfigVersion(config.path, "0123456789abcdef" * 4, datetime(2024, 3, 1, 8, 30, tzinfo=timezone.utc))

    def config_reply(sender, running=version):
        ctx = CommandContext(config, sender, ROOM, "$event", "fr", NOW, session, config_version=running)
        return plain(body(handle_text(ctx, "!config")))

    said = config_reply(SECRETARIAT)
    assert f"Configuration en service : {config.path}, SHA-256 0123456789ab " in said
    assert "chargée le vendredi 1er mars 2024 à 9 h 30." in said
    assert "Elle nomme 3 membres, 9 représentants et 1 salon." in said and "refusé" not in said
    refused = config_reply(ADMIN, replace(version, refused_at=NOW))
    assert "Le dernier rechargement, le vendredi 1er mars 2024 à 10 h, a été refusé" in refused
    assert "connue que du bot en marche" in config_reply(ADMIN, None)
    assert "Seuls les administrateurs ou le secrétariat" in config_reply(REPRESENTATIVE)
