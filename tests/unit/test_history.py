"""The 2022 history from the seed documents, and every kind of mistake in a history file, named with file and key."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from tno_bot.config import ConfigError, load_config
from tno_bot.domain.acts import parse_act_id
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import DecisionStatus, FactKind, MemberStatus, Missing, Need
from tno_bot.domain.scdl import Collectivite, scdl_items, scdl_rows
from tno_bot.domain.voting import Outcome
from tno_bot.config.history import default_history_dir, load_history

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "tno.example.toml"
HISTORY_2022 = ROOT / "config" / "history" / "2022.toml"
SEED_ID = "069-256910183-20221209-CS_2022_12_4-DE"


@pytest.fixture(scope="module")
def members() -> tuple[str, ...]:
    return tuple(m.id for m in load_config(EXAMPLE).members)


@pytest.fixture(scope="module")
def history(members):
    return load_history(default_history_dir(EXAMPLE), members)


def write(tmp_path: Path, edits=(), name: str = "2022.toml") -> Path:
    text = HISTORY_2022.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"edit target not found: {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, members=("metropole", "ville-lyon", "sitiv")) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_history(path, members)
    return [str(p) for p in caught.value.problems]


# --- what the 2022 history establishes ------------------------------------------------------------------------------


def test_the_example_members_are_the_three_of_the_convention(members):
    assert members == ("metropole", "ville-lyon", "sitiv")


def test_the_conference_of_7_november_2022(history):
    (conference,) = history.conferences
    assert conference.date == date(2022, 11, 7)
    assert (conference.start, conference.end) == (time(10, 0), time(12, 15))
    assert conference.place == "Hôtel de la Métropole"
    assert conference.present == ("Laurent Bosetti", "Zemorda Khelifi", "Bertrand Maes", "Pierre-Alain Millet",
                                  "Alain Viollet")
    assert conference.excused == ("Emeline Baume",)
    assert "Fabrice Faury" in conference.administration and len(conference.administration) == 7
    assert history.conference(date(2022, 11, 7)) is conference


def test_its_two_decisions_adopted_unanimously(history):
    first, second = history.decisions
    assert (first.id, first.title, first.outcome) == (DecisionId(2022, 1), "Définition des missions mutualisées",
                                                     Outcome.ADOPTEE_UNANIMITE)
    assert (second.id, second.title, second.outcome) == (DecisionId(2022, 2), "Définition du financement 2023",
                                                        Outcome.ADOPTEE_UNANIMITE)
    assert first.conference == second.conference == date(2022, 11, 7)
    assert history.decision("TNO 2022-02") is second and history.decision(DecisionId(2022, 3)) is None


def test_the_members_sirens(history):
    assert history.sirens == {"metropole": "200046977", "ville-lyon": "216901231", "sitiv": "256910183"}
    assert parse_act_id(SEED_ID).siren == history.sirens["sitiv"]


def test_the_sitiv_deliberation_cs_2022_12_4(history):
    (d,) = history.deliberations  # the convention's deliberations (2022-1518, 2022-1987, SITIV 20 May) are not
    assert (d.member, d.number, d.date) == ("sitiv", "CS_2022_12_4", date(2022, 12, 9))
    assert d.decisions == (DecisionId(2022, 1), DecisionId(2022, 2))
    assert (d.adopted, d.pour, d.contre, d.abstention) == (True, 7, 1, None)
    assert (d.publication, d.transmission) == (None, date(2022, 12, 9))
    assert str(d.identifier) == SEED_ID
    assert d.objet.startswith("Entente intercommunale Territoire Numérique Ouvert - approbation des décisions")


@pytest.mark.parametrize("decision", ["TNO 2022-01", "TNO 2022-02"])
def test_from_day_one_the_decision_says_what_is_known_and_what_is_missing(history, members, decision):
    r = history.ratification(decision, members)
    sitiv = r.member("sitiv")
    assert sitiv.status is MemberStatus.TRANSMISE  # adopted and transmitted, not published
    assert (sitiv.deliberation.number, sitiv.deliberation.pour, sitiv.deliberation.contre) == ("CS_2022_12_4", 7, 1)
    assert sitiv.transmitted_on == date(2022, 12, 9) and sitiv.published_on is None
    assert str(sitiv.transmission.identifier) == SEED_ID
    assert sitiv.executory_on is None
    assert r.member("metropole").status is MemberStatus.ATTENDUE
    assert r.member("ville-lyon").status is MemberStatus.ATTENDUE
    assert r.status is DecisionStatus.EN_ATTENTE and r.executory_on is None
    assert r.missing() == (
        Missing("metropole", Need.DELIBERATION), Missing("metropole", Need.PUBLICATION),
        Missing("metropole", Need.TRANSMISSION),
        Missing("ville-lyon", Need.DELIBERATION), Missing("ville-lyon", Need.PUBLICATION),
        Missing("ville-lyon", Need.TRANSMISSION),
        Missing("sitiv", Need.PUBLICATION),
    )
    assert r.awaited() == ("metropole", "ville-lyon")


def test_the_history_facts_are_deterministic_and_named(history, members):
    facts = history.facts(DecisionId(2022, 1))
    assert [f.kind for f in facts] == [FactKind.DELIBERATION, FactKind.TRANSMISSION]
    assert {f.recorded_by for f in facts} == {"history:2022.toml"}
    assert [f.event_id for f in facts] == [
        "history:2022.toml:deliberations[0]:deliberation:TNO 2022-01",
        "history:2022.toml:deliberations[0]:transmission:TNO 2022-01"]
    assert facts[0].at.tzinfo is not None
    again = load_history(HISTORY_2022, members)
    assert again.facts(DecisionId(2022, 1)) == facts
    assert again.files == (HISTORY_2022,)


def test_a_later_publication_would_make_the_sitiv_executory(history, members):
    from datetime import datetime
    from zoneinfo import ZoneInfo
    r = history.ratification("TNO 2022-01", members)
    r = r.apply(r.record_publication("sitiv", date(2022, 12, 16), by="@secretariat:tno.example",
                                     at=datetime(2023, 1, 5, 9, tzinfo=ZoneInfo("Europe/Paris")), event_id="$p"))
    assert r.member("sitiv").executory_on == date(2022, 12, 16)
    assert r.status is DecisionStatus.EN_ATTENTE  # the Métropole and Lyon are still awaited


def test_the_history_feeds_the_open_data_export(history, members):
    items = scdl_items([history.ratification(d.id, members) for d in history.decisions], history.objets())
    (row,) = scdl_rows(items, {"sitiv": Collectivite("SITIV", history.sirens["sitiv"])})
    assert row["DELIB_OBJET"] == ("Entente intercommunale Territoire Numérique Ouvert - approbation des décisions "
                                  "de la conférence intercommunale du 7 novembre 2022")
    assert (row["DELIB_ID"], row["DELIB_DATE"], row["PREF_DATE"]) == ("CS_2022_12_4", "2022-12-09", "2022-12-09")
    assert (row["VOTE_POUR"], row["VOTE_CONTRE"], row["VOTE_ABSTENTION"]) == ("7", "1", "")


def test_unknown_decision_of_the_history(history, members):
    with pytest.raises(KeyError):
        history.ratification("TNO 2022-03", members)


def test_without_members_the_file_still_loads():
    h = load_history(HISTORY_2022)
    assert h.ratification("TNO 2022-01", ("sitiv",)).member("sitiv").status is MemberStatus.TRANSMISE


def test_a_missing_directory_is_an_empty_history(tmp_path):
    h = load_history(tmp_path / "history")
    assert (h.files, h.decisions, h.deliberations) == ((), (), ())


def test_a_directory_loads_every_year_and_reports_other_names(tmp_path):
    directory = tmp_path / "history"
    directory.mkdir()
    write(directory)
    assert load_history(directory).files == (directory / "2022.toml",)
    (directory / "notes.toml").write_text("", encoding="utf-8")
    assert problems(directory) == [f"{directory / 'notes.toml'}: a history file named <year>.toml, such as 2022.toml"]


# --- every kind of mistake, with its file and key ---------------------------------------------------------------------


@pytest.mark.parametrize("edits, expected", [
    ([("sitiv = \"256910183\"", "sitiv = \"256910184\"")],
     "sirens.sitiv: a SIREN: 9 digits with a right Luhn key"),
    ([("metropole = \"200046977\"", "villeurbanne = \"200046977\"")],
     "sirens.villeurbanne: a member id declared in [[members]]"),
    ([("year = 2022", "year = 2023")], "year: the year of the file name, 2022 (got 2023)"),
    ([("year = 2022", "year = 2022\nextra = 1")], "extra: no such key"),
    ([("date = 2022-11-07", "date = 2021-11-07"), ("conference = 2022-11-07", "conference = 2021-11-07"),
      ("conference = 2022-11-07", "conference = 2021-11-07")],
     "conferences: conferences of 2022 only (one is dated 2021-11-07)"),
    ([('start = "10:00"', 'start = "13:00"')], "conferences[0].end: a time after the start 13:00"),
    ([('start = "10:00"', 'start = "10h"')], "conferences[0].start: a time of day"),
    ([("date = 2022-11-07", 'date = "7 novembre"')], "conferences[0].date: a date such as 2022-12-09"),
    ([('id = "TNO 2022-02"', 'id = "TNO 2022-01"')], "decisions[1].id: a decision recorded once"),
    ([('id = "TNO 2022-02"', 'id = "deux"')], 'decisions[1].id: a decision id such as "TNO 2022-01"'),
    ([("conference = 2022-11-07", "conference = 2022-11-08")],
     "decisions[0].conference: the date of a conference of [[conferences]]"),
    ([('outcome = "adoptee_unanimite"', 'outcome = "adoptée"')], "decisions[0].outcome: one of"),
    ([('member = "sitiv"', 'member = "villeurbanne"')], "deliberations[0].member: a member id declared"),
    ([('decisions = ["TNO 2022-01", "TNO 2022-02"]', 'decisions = ["TNO 2022-01", "TNO 2022-03"]')],
     "deliberations[0].decisions[1]: a decision of [[decisions]] (got TNO 2022-03)"),
    ([('decisions = ["TNO 2022-01", "TNO 2022-02"]', 'decisions = []')],
     "deliberations[0].decisions: a non-empty list"),
    ([('decisions = ["TNO 2022-01", "TNO 2022-02"]', 'decisions = ["TNO 2022-01", "TNO 2022-01"]')],
     "deliberations[0].decisions[1]: each decision once"),
    ([("pour = 7", "pour = -7")], "deliberations[0].pour: an integer >= 0"),
    ([("adopted = true", 'adopted = "oui"')], "deliberations[0].adopted: true or false"),
    ([("identifier = \"069-256910183-20221209-CS_2022_12_4-DE\"", "identifier = \"069-256910183-20221209-DE\"")],
     "deliberations[0].identifier: an @ctes identifier such as 069-256910183-20221209-CS_2022_12_4-DE (structure)"),
    ([("transmission = 2022-12-09\n", "")],
     "deliberations[0].transmission: the transmission date that goes with the identifier"),
    ([("pour = 7\ncontre = 1", "pour = 1\ncontre = 7")],
     "deliberations[0].date: vote counts consistent with the outcome"),
])
def test_history_mistakes(tmp_path, edits, expected):
    found = problems(write(tmp_path, edits))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "2022.toml")) for p in found)


def test_a_deliberation_before_the_decision_is_refused_with_its_key(tmp_path):
    path = write(tmp_path, [("date = 2022-12-09\ndecisions", "date = 2022-07-11\ndecisions"),
                            ("20221209-CS", "20220711-CS")])
    assert problems(path) == [
        f"{path}: deliberations[0].date: a deliberation dated on or after the conference's decision "
        "(date 2022-07-11, decided_on 2022-11-07; decision TNO 2022-01)"]


def test_an_identifier_that_does_not_match_is_refused_with_what_differs(tmp_path):
    path = write(tmp_path, [('identifier = "069-256910183-20221209-CS_2022_12_4-DE"',
                             'identifier = "069-200046977-20221208-CS_2022_12_5-DE"')])
    assert problems(path) == [
        f"{path}: deliberations[0].identifier: an identifier of this deliberation (date: expected 2022-12-09, "
        "found 2022-12-08, number: expected CS_2022_12_4, found CS_2022_12_5, siren: expected 256910183, "
        "found 200046977; decision TNO 2022-01)"]


def test_a_publication_before_the_deliberation_is_refused(tmp_path):
    path = write(tmp_path, [("transmission = 2022-12-09\n", "transmission = 2022-12-09\npublication = 2022-12-01\n")])
    (problem,) = problems(path)
    assert "deliberations[0].publication: a date on or after the deliberation's" in problem


def test_every_problem_is_listed_at_once(tmp_path):
    found = problems(write(tmp_path, [("year = 2022", "year = 2023"), ('sitiv = "256910183"', 'sitiv = "1"'),
                                      ('title = "Définition du financement 2023"\n', "")]))
    path = tmp_path / "2022.toml"
    assert found == [
        f"{path}: year: the year of the file name, 2022 (got 2023)",
        f'{path}: sirens.sitiv: a SIREN: 9 digits with a right Luhn key, as a string such as "200046977" '
        "(got '1')",
        f"{path}: decisions[1].title: a value (this key is required)",
        f"{path}: deliberations[0].decisions[1]: a decision of [[decisions]] (got TNO 2022-02)",  # not loaded
    ]


def test_an_unreadable_file(tmp_path):
    path = tmp_path / "2022.toml"
    path.write_text("year = ", encoding="utf-8")
    assert problems(path)[0].startswith(f"{path}: valid TOML")
