"""Conferences and the ordre du jour: timeline, every state change, every refusal with its reason code."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

import pytest

from tests.cast import BAUME, FAURY, MILLET
from tests.harness import UTC, paris
from tno_bot.domain.agenda import (
    PERMISSIONS,
    Action,
    AgendaError,
    AgendaRules,
    Avis,
    Conference,
    Etat,
    Fixation,
    ModeFixation,
    OrdreDuJour,
    Reason,
    Version,
    allowed,
    check_allowed,
    notice_deadline,
    nouvelle_conference,
    timeline,
)
from tno_bot.domain.calendar import DayOff

RULES = AgendaRules()
CONF = Conference(1, date(2025, 11, 7), time(14, 30), "Hôtel de la Métropole")  # notice: Wednesday 8 October 2025
COMITE = frozenset({"comite_technique"})
SECRETARIAT = frozenset({"secretariat"})
PRESIDENT = frozenset({"president", "representant"})
REPRESENTANT = frozenset({"representant"})
ADMIN = frozenset({"admin"})


def refused(code: Reason, call, *args, **kwargs) -> AgendaError:
    with pytest.raises(AgendaError) as info:
        call(*args, **kwargs)
    assert info.value.code is code
    return info.value


def draft(*titles: str) -> OrdreDuJour:
    odj = OrdreDuJour()
    for titre in titles:
        odj = odj.ajouter(titre, roles=COMITE)
    return odj


def sent(now=None, titles=("Budget 2024", "Questions diverses")) -> OrdreDuJour:
    return draft(*titles).envoyer(by=FAURY, roles=COMITE, now=now or paris(2025, 10, 1, 10), conference=CONF,
                                  rules=RULES)


# --- permissions -------------------------------------------------------------------------------------------------


def test_permission_table_is_data_the_command_layer_can_check():
    assert set(PERMISSIONS) == set(Action)
    assert all(roles <= {"president", "secretariat", "comite_technique", "representant", "admin"}
               for roles in PERMISSIONS.values())
    assert allowed(Action.ODJ_ENVOYER, COMITE) and not allowed(Action.ODJ_ENVOYER, PRESIDENT)
    assert allowed(Action.ODJ_ENVOYER_HORS_DELAI, PRESIDENT) and not allowed(Action.ODJ_ENVOYER_HORS_DELAI, COMITE)
    assert allowed(Action.ODJ_MODIFIER, SECRETARIAT) and allowed(Action.ODJ_MODIFIER, COMITE)
    assert allowed(Action.ODJ_AVIS, REPRESENTANT) and not allowed(Action.ODJ_AVIS, COMITE)
    assert allowed(Action.ODJ_FIXER, PRESIDENT) and not allowed(Action.ODJ_FIXER, REPRESENTANT)
    assert allowed(Action.CONFERENCE_NOUVELLE, SECRETARIAT) and not allowed(Action.CONFERENCE_NOUVELLE, COMITE)
    assert not any(allowed(action, ADMIN) for action in Action)
    assert not any(allowed(action, ()) for action in Action)


def test_forbidden_carries_the_action_and_who_may():
    error = refused(Reason.FORBIDDEN, check_allowed, Action.ODJ_FIXER, COMITE)
    assert error.details == {"action": Action.ODJ_FIXER, "allowed": frozenset({"president"})}
    assert str(error).startswith("forbidden: ")
    assert str(AgendaError(Reason.LOCKED)) == "locked"


# --- conferences -------------------------------------------------------------------------------------------------


def test_new_conference_and_its_timeline():
    conference, warnings = nouvelle_conference(date(2025, 11, 7), time(14, 30), "  Hôtel de la Métropole ",
                                               roles=SECRETARIAT, now=paris(2025, 9, 1), rules=RULES, id=1)
    assert conference == CONF and warnings == ()
    assert conference.starts_at == datetime(2025, 11, 7, 13, 30, tzinfo=UTC)  # winter time, UTC+1
    line = timeline(conference, RULES)
    assert (line.notice.base, line.notice.days, line.notice.due) == (date(2025, 11, 7), -30, date(2025, 10, 8))
    assert line.notice.closes_at() == datetime(2025, 10, 8, 22, 0, tzinfo=UTC)  # summer time, UTC+2
    # before any sending: the window of a proposal sent on the last day
    assert (line.reply_window.base, line.reply_window.due, line.reply_window_version) == (
        date(2025, 10, 8), date(2025, 10, 23), None)


def test_new_conference_whose_notice_is_past_is_accepted_with_a_warning():
    _, warnings = nouvelle_conference(date(2025, 11, 7), time(14, 30), roles=PRESIDENT,
                                      now=paris(2025, 10, 9, 0, 0), rules=RULES)
    assert warnings == (Reason.NOTICE_PASSED,)
    _, warnings = nouvelle_conference(date(2025, 11, 7), time(14, 30), roles=PRESIDENT,
                                      now=paris(2025, 10, 8, 23, 59, 59), rules=RULES)
    assert warnings == ()


def test_new_conference_refusals():
    refused(Reason.IN_PAST, nouvelle_conference, date(2025, 11, 7), time(14, 30), roles=SECRETARIAT,
            now=paris(2025, 11, 7, 14, 30), rules=RULES)
    refused(Reason.IN_PAST, nouvelle_conference, date(2024, 1, 1), time(9), roles=SECRETARIAT,
            now=paris(2025, 1, 1), rules=RULES)
    refused(Reason.FORBIDDEN, nouvelle_conference, date(2025, 11, 7), time(14, 30), roles=COMITE,
            now=paris(2025, 9, 1), rules=RULES)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1, 1, 2), date(2025, 8, 31)])
def test_a_day_before_today_is_in_the_past_even_when_its_instant_cannot_be_computed(day):
    error = refused(Reason.IN_PAST, nouvelle_conference, day, time(0), roles=SECRETARIAT, now=paris(2025, 9, 1),
                    rules=RULES)
    assert (error.details["day"], error.details["start_time"]) == (day, time(0))
    refused(Reason.IN_PAST, CONF.deplacer, day, time(0), roles=SECRETARIAT, now=paris(2025, 9, 1), rules=RULES)


@pytest.mark.parametrize("day", [date(2035, 9, 2), date(9999, 12, 31)])
def test_a_conference_more_than_ten_years_ahead_is_refused(day):
    error = refused(Reason.TOO_FAR, nouvelle_conference, day, time(23, 59), roles=SECRETARIAT,
                    now=paris(2025, 9, 1), rules=RULES)
    assert (error.details["day"], error.details["limit"]) == (day, date(2035, 9, 1))
    refused(Reason.TOO_FAR, CONF.deplacer, day, time(10), roles=SECRETARIAT, now=paris(2025, 9, 1), rules=RULES)
    conference, _ = nouvelle_conference(date(2035, 9, 1), time(23, 59), roles=SECRETARIAT, now=paris(2025, 9, 1),
                                        rules=RULES)
    assert notice_deadline(conference, RULES).due == date(2035, 8, 2)


def test_ten_years_after_a_29_february():
    nouvelle_conference(date(2034, 2, 28), time(9), roles=SECRETARIAT, now=paris(2024, 2, 29), rules=RULES)
    refused(Reason.TOO_FAR, nouvelle_conference, date(2034, 3, 1), time(9), roles=SECRETARIAT,
            now=paris(2024, 2, 29), rules=RULES)


def test_move_a_conference_recomputes_its_deadlines():
    moved, warnings = CONF.deplacer(date(2025, 12, 12), time(10), roles=PRESIDENT, now=paris(2025, 9, 1),
                                    rules=RULES)
    assert (moved.id, moved.day, moved.start_time, moved.lieu) == (1, date(2025, 12, 12), time(10), CONF.lieu)
    assert warnings == ()
    assert notice_deadline(moved, RULES).due == date(2025, 11, 12)
    _, warnings = CONF.deplacer(date(2025, 10, 20), time(10), roles=PRESIDENT, now=paris(2025, 10, 1), rules=RULES)
    assert warnings == (Reason.NOTICE_PASSED,)


def test_move_refusals():
    refused(Reason.FORBIDDEN, CONF.deplacer, date(2025, 12, 12), time(10), roles=REPRESENTANT,
            now=paris(2025, 9, 1), rules=RULES)
    refused(Reason.IN_PAST, CONF.deplacer, date(2025, 8, 1), time(10), roles=SECRETARIAT, now=paris(2025, 9, 1),
            rules=RULES)
    refused(Reason.CONFERENCE_STARTED, CONF.deplacer, date(2025, 12, 12), time(10), roles=SECRETARIAT,
            now=paris(2025, 11, 7, 14, 30), rules=RULES)
    cancelled = CONF.annuler(roles=SECRETARIAT, now=paris(2025, 9, 1))
    refused(Reason.CANCELLED, cancelled.deplacer, date(2025, 12, 12), time(10), roles=SECRETARIAT,
            now=paris(2025, 9, 1), rules=RULES)


def test_cancel_a_conference():
    cancelled = CONF.annuler(roles=PRESIDENT, now=paris(2025, 11, 7, 14, 29))
    assert cancelled.cancelled and dataclasses.replace(cancelled, cancelled=False) == CONF
    refused(Reason.CANCELLED, cancelled.annuler, roles=PRESIDENT, now=paris(2025, 9, 1))
    refused(Reason.CONFERENCE_STARTED, CONF.annuler, roles=PRESIDENT, now=paris(2025, 11, 7, 14, 30))
    refused(Reason.FORBIDDEN, CONF.annuler, roles=COMITE, now=paris(2025, 9, 1))


def test_timeline_with_extension_to_a_working_day():
    rules = AgendaRules(extend_to_working_day=True)
    conference = Conference(2, date(2025, 12, 1), time(14))  # D-30: Saturday 1 November 2025, Toussaint
    line = timeline(conference, rules)
    assert (line.notice.due, line.notice.day_off, line.notice.holiday) == (date(2025, 11, 1), DayOff.HOLIDAY,
                                                                            "Toussaint")
    # counted backward, the D-30 moves earlier (Friday 31 October, D-31), never later (art. 642 CPC is for
    # deadlines counted forward): moving it to Monday 3 November would shorten the notice to 28 days
    assert (line.notice.effective, line.notice.count) == (date(2025, 10, 31), -31)
    assert line.reply_window.base == date(2025, 10, 31) and line.reply_window.due == date(2025, 11, 15)
    assert line.reply_window.effective == date(2025, 11, 17)  # forward: Saturday 15 -> Monday 17 November
    off = timeline(conference, RULES).notice
    assert (off.effective, off.count, off.working_day) == (date(2025, 11, 1), -30, date(2025, 10, 31))


# --- the draft ---------------------------------------------------------------------------------------------------


def test_a_new_agenda_is_an_empty_draft():
    odj = OrdreDuJour()
    assert (odj.etat, odj.points, odj.current, odj.avis_en_cours, odj.tacit_fixing_at) == (
        Etat.BROUILLON, (), None, (), None)


def test_add_remove_move_points():
    odj = draft("Approbation du compte rendu", "Budget 2024", "Questions diverses")
    assert odj.points == ("Approbation du compte rendu", "Budget 2024", "Questions diverses")
    odj = odj.ajouter("  Élection du président ", roles=SECRETARIAT)
    assert odj.points[-1] == "Élection du président"
    odj = odj.deplacer(4, 1, roles=COMITE)
    assert odj.points == ("Élection du président", "Approbation du compte rendu", "Budget 2024",
                          "Questions diverses")
    odj = odj.deplacer(1, 4, roles=COMITE)
    assert odj.points == ("Approbation du compte rendu", "Budget 2024", "Questions diverses",
                          "Élection du président")
    odj = odj.deplacer(2, 2, roles=COMITE)
    assert odj.points[1] == "Budget 2024"
    odj = odj.retirer(1, roles=SECRETARIAT)
    assert odj.points == ("Budget 2024", "Questions diverses", "Élection du président")
    odj = odj.retirer(3, roles=COMITE)
    assert odj.points == ("Budget 2024", "Questions diverses")
    assert odj.etat is Etat.BROUILLON


def test_draft_refusals():
    odj = draft("Budget 2024", "Questions diverses")
    refused(Reason.FORBIDDEN, odj.ajouter, "Point", roles=REPRESENTANT)
    refused(Reason.FORBIDDEN, odj.retirer, 1, roles=PRESIDENT)
    refused(Reason.FORBIDDEN, odj.deplacer, 1, 2, roles=ADMIN)
    refused(Reason.EMPTY_TITLE, odj.ajouter, "   ", roles=COMITE)
    assert refused(Reason.NO_SUCH_POINT, odj.retirer, 3, roles=COMITE).details == {"numero": 3, "count": 2}
    refused(Reason.NO_SUCH_POINT, odj.retirer, 0, roles=COMITE)
    refused(Reason.NO_SUCH_POINT, odj.deplacer, 5, 1, roles=COMITE)
    assert refused(Reason.BAD_POSITION, odj.deplacer, 1, 3, roles=COMITE).details == {"position": 3, "count": 2}
    refused(Reason.BAD_POSITION, odj.deplacer, 1, 0, roles=COMITE)
    refused(Reason.NO_SUCH_POINT, OrdreDuJour().retirer, 1, roles=COMITE)


def test_a_proposed_agenda_cannot_be_edited():
    odj = sent()
    refused(Reason.NOT_DRAFT, odj.ajouter, "Point", roles=COMITE)
    refused(Reason.NOT_DRAFT, odj.retirer, 1, roles=COMITE)
    refused(Reason.NOT_DRAFT, odj.deplacer, 1, 2, roles=COMITE)


# --- sending -----------------------------------------------------------------------------------------------------


def test_send_freezes_version_1_and_opens_the_window():
    odj = sent(now=paris(2025, 10, 1, 10))
    assert odj.etat is Etat.PROPOSE and odj.brouillon == ()
    assert odj.current == Version(1, ("Budget 2024", "Questions diverses"), paris(2025, 10, 1, 10), FAURY,
                                  hors_delai=False, window_days=15, extend_to_working_day=False,
                                  conference_day=date(2025, 11, 7))
    assert odj.points == ("Budget 2024", "Questions diverses")
    window = odj.current.window
    assert (window.base, window.days, window.due) == (date(2025, 10, 1), 15, date(2025, 10, 16))
    assert odj.tacit_fixing_at == datetime(2025, 10, 16, 22, 0, tzinfo=UTC)  # midnight ending 16 October, Paris
    line = timeline(CONF, RULES, odj)
    assert line.reply_window == window and line.reply_window_version == 1


def test_send_on_the_last_minute_of_the_notice_is_on_time():
    odj = sent(now=paris(2025, 10, 8, 23, 59, 59, 999999))
    assert not odj.current.hors_delai
    assert odj.current.window.due == date(2025, 10, 23)


def test_send_after_the_notice_is_refused_with_the_deadline():
    odj = draft("Budget 2024")
    error = refused(Reason.NOTICE_PASSED, odj.envoyer, by=FAURY, roles=COMITE, now=paris(2025, 10, 9, 0, 0),
                    conference=CONF, rules=RULES)
    assert error.details["notice"] == notice_deadline(CONF, RULES)


def test_the_president_sends_hors_delai_and_it_is_recorded():
    odj = draft("Budget 2024").envoyer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 20, 9), conference=CONF,
                                       rules=RULES, hors_delai=True)
    assert odj.etat is Etat.PROPOSE
    assert (odj.current.hors_delai, odj.current.sent_by) == (True, MILLET)
    assert odj.current.window.due == date(2025, 11, 4)


def test_hors_delai_asked_in_time_is_refused_the_agenda_can_be_sent_normally():
    """README: after J-30 only the président may send it, hors délai (recorded); before, the comité sends it."""
    error = refused(Reason.NOT_LATE, draft("Budget 2024").envoyer, by=MILLET, roles=PRESIDENT,
                    now=paris(2025, 10, 8, 23, 59), conference=CONF, rules=RULES, hors_delai=True)
    assert (error.details["notice"], error.details["resend"]) == (notice_deadline(CONF, RULES), False)


def test_hors_delai_for_a_new_version_after_an_avis_is_refused_it_is_never_late():
    amended = sent().donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5)).amender(
        roles=COMITE)
    error = refused(Reason.NOT_LATE, amended.envoyer, by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 20),
                    conference=CONF, rules=RULES, hors_delai=True)
    assert error.details["resend"] is True
    resent = amended.envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 20), conference=CONF, rules=RULES)
    assert (resent.current.numero, resent.current.hors_delai) == (2, False)


def test_send_refusals():
    odj = draft("Budget 2024")
    now = paris(2025, 10, 1)
    common = {"by": FAURY, "now": now, "conference": CONF, "rules": RULES}
    refused(Reason.FORBIDDEN, odj.envoyer, roles=SECRETARIAT, **common)
    refused(Reason.FORBIDDEN, odj.envoyer, roles=PRESIDENT, **common)  # in time: the comité sends
    error = refused(Reason.FORBIDDEN, odj.envoyer, roles=COMITE, hors_delai=True,
                    **{**common, "now": paris(2025, 10, 20)})
    assert error.details["action"] is Action.ODJ_ENVOYER_HORS_DELAI
    refused(Reason.EMPTY_AGENDA, OrdreDuJour().envoyer, roles=COMITE, **common)
    cancelled = dataclasses.replace(CONF, cancelled=True)
    refused(Reason.CANCELLED, odj.envoyer, roles=COMITE, **{**common, "conference": cancelled})
    refused(Reason.CONFERENCE_STARTED, odj.envoyer, roles=PRESIDENT, hors_delai=True,
            **{**common, "now": paris(2025, 11, 7, 15)})
    refused(Reason.NOT_DRAFT, sent().envoyer, roles=COMITE, **common)


def test_the_window_follows_the_rules_frozen_at_sending():
    rules = AgendaRules(reply_window_days=10, extend_to_working_day=True)
    odj = draft("Budget 2024").envoyer(by=FAURY, roles=COMITE, now=paris(2025, 5, 28, 18), conference=Conference(
        3, date(2025, 7, 1), time(10)), rules=rules)
    window = odj.current.window  # 28 May + 10 = Saturday 7 June, then Sunday and Whit Monday
    assert (window.due, window.day_off, window.effective) == (date(2025, 6, 7), DayOff.SATURDAY, date(2025, 6, 10))
    assert (odj.current.window_days, odj.current.extend_to_working_day) == (10, True)


def test_the_sending_day_is_the_day_in_paris():
    odj = sent(now=datetime(2025, 9, 30, 22, 30, tzinfo=UTC))  # 00:30 on 1 October in Paris
    assert odj.current.window.base == date(2025, 10, 1)


# --- avis --------------------------------------------------------------------------------------------------------


def test_an_avis_is_recorded_and_blocks_tacit_fixing():
    odj = sent().donner_avis("  Ajouter le point sur Villeurbanne ", by=BAUME, roles=REPRESENTANT,
                             now=paris(2025, 10, 5, 11))
    assert odj.avis == (Avis(1, BAUME, "Ajouter le point sur Villeurbanne", paris(2025, 10, 5, 11)),)
    assert odj.avis_en_cours == odj.avis and odj.etat is Etat.PROPOSE
    assert odj.tacit_fixing_at is None
    refused(Reason.AVIS_GIVEN, odj.fixer_tacitement, paris(2025, 10, 20))
    again = odj.donner_avis("D'accord avec l'ajout", by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6))
    assert [a.auteur for a in again.avis] == [BAUME, MILLET]


def test_an_avis_on_the_last_minute_of_the_window():
    odj = sent().donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 16, 23, 59))
    assert len(odj.avis) == 1


def test_avis_refusals():
    odj = sent()
    error = refused(Reason.WINDOW_CLOSED, odj.donner_avis, "Trop tard", by=BAUME, roles=REPRESENTANT,
                    now=paris(2025, 10, 17, 0, 0))
    assert error.details["window"].due == date(2025, 10, 16)
    refused(Reason.FORBIDDEN, odj.donner_avis, "Avis", by=FAURY, roles=COMITE, now=paris(2025, 10, 5))
    refused(Reason.EMPTY_TEXT, odj.donner_avis, " ", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    refused(Reason.NOT_PROPOSED, draft("Budget").donner_avis, "Avis", by=BAUME, roles=REPRESENTANT,
            now=paris(2025, 10, 5))


# --- amendment and new version ---------------------------------------------------------------------------------


def test_after_an_avis_the_comite_amends_and_sends_version_2_with_a_new_window():
    odj = sent().donner_avis("Ajouter Villeurbanne", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    odj = odj.amender(roles=COMITE)
    assert odj.etat is Etat.BROUILLON and odj.brouillon == ("Budget 2024", "Questions diverses")
    assert odj.current.numero == 1 and odj.tacit_fixing_at is None
    odj = odj.ajouter("Adhésion de Villeurbanne", roles=COMITE).deplacer(3, 2, roles=COMITE)
    # after the notice deadline, a new version answering an avis is not late
    odj = odj.envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 10, 9), conference=CONF, rules=RULES)
    v2 = odj.current
    assert (v2.numero, v2.points, v2.hors_delai) == (2, ("Budget 2024", "Adhésion de Villeurbanne",
                                                         "Questions diverses"), False)
    assert v2.window.due == date(2025, 10, 25)
    assert [v.numero for v in odj.versions] == [1, 2]
    assert odj.avis_en_cours == ()  # the avis on version 1 does not block version 2
    assert odj.tacit_fixing_at == datetime(2025, 10, 25, 22, 0, tzinfo=UTC)
    fixed = odj.fixer_tacitement(paris(2025, 10, 26, 0, 0))
    assert fixed.fixation == Fixation(2, ModeFixation.TACITE, datetime(2025, 10, 25, 22, 0, tzinfo=UTC),
                                      date(2025, 10, 25), None)
    assert fixed.points == v2.points


def test_amend_refusals():
    odj = sent()
    refused(Reason.NO_AVIS, odj.amender, roles=COMITE)
    with_avis = odj.donner_avis("Non", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    refused(Reason.FORBIDDEN, with_avis.amender, roles=PRESIDENT)
    refused(Reason.FORBIDDEN, with_avis.amender, roles=SECRETARIAT)
    refused(Reason.NOT_PROPOSED, with_avis.amender(roles=COMITE).amender, roles=COMITE)
    refused(Reason.NOT_PROPOSED, draft("Budget").amender, roles=COMITE)


# --- fixing ------------------------------------------------------------------------------------------------------


def test_the_president_fixes_after_an_avis():
    odj = sent().donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    fixed = odj.fixer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6, 0, 30))
    assert fixed.etat is Etat.FIXE
    assert fixed.fixation == Fixation(1, ModeFixation.PRESIDENT, paris(2025, 10, 6, 0, 30), date(2025, 10, 6),
                                      MILLET)


def test_the_president_fixes_a_hors_delai_proposal_without_avis():
    odj = draft("Budget").envoyer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 30), conference=CONF,
                                  rules=RULES, hors_delai=True)
    fixed = odj.fixer(by=MILLET, roles=PRESIDENT, now=paris(2025, 11, 1))
    assert fixed.fixation.mode is ModeFixation.PRESIDENT and fixed.fixation.version == 1


def test_fix_refusals():
    odj = sent()
    refused(Reason.NO_AVIS, odj.fixer, by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 5))
    with_avis = odj.donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    refused(Reason.FORBIDDEN, with_avis.fixer, by=FAURY, roles=COMITE, now=paris(2025, 10, 6))
    refused(Reason.FORBIDDEN, with_avis.fixer, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 6))
    refused(Reason.NOT_PROPOSED, with_avis.amender(roles=COMITE).fixer, by=MILLET, roles=PRESIDENT,
            now=paris(2025, 10, 6))
    refused(Reason.NOT_PROPOSED, draft("Budget").fixer, by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6))


def test_tacit_fixing_when_the_window_closes_without_avis():
    odj = sent()
    error = refused(Reason.WINDOW_OPEN, odj.fixer_tacitement, paris(2025, 10, 16, 23, 59, 59))
    assert error.details["window"] == odj.current.window
    fixed = odj.fixer_tacitement(paris(2025, 10, 17, 0, 0))
    assert fixed.etat is Etat.FIXE
    assert fixed.fixation == Fixation(1, ModeFixation.TACITE, datetime(2025, 10, 16, 22, 0, tzinfo=UTC),
                                      date(2025, 10, 16), None)
    assert fixed.tacit_fixing_at is None


# --- a favourable avis ([rules] avis_favorable_bloque) -------------------------------------------------------------

LETTING_FAVOURABLE_AVIS_THROUGH = AgendaRules(avis_favorable_bloque=False)


def sent_under(rules: AgendaRules) -> OrdreDuJour:
    return draft("Budget 2024").envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10), conference=CONF,
                                        rules=rules)


def test_by_default_a_favourable_avis_blocks_the_tacit_fixing_as_any_avis():
    odj = sent_under(RULES).donner_avis("", favorable=True, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    assert odj.current.avis_favorable_bloque is True
    assert odj.avis == (Avis(1, BAUME, "", paris(2025, 10, 5), favorable=True),)
    assert odj.avis_bloquants == odj.avis and odj.tacit_fixing_at is None
    refused(Reason.AVIS_GIVEN, odj.fixer_tacitement, paris(2025, 10, 20))
    fixed = odj.fixer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6))
    assert fixed.fixation.mode is ModeFixation.PRESIDENT


def test_when_configured_only_favourable_avis_let_the_window_fix_the_agenda():
    odj = sent_under(LETTING_FAVOURABLE_AVIS_THROUGH)
    assert odj.current.avis_favorable_bloque is False  # frozen with the version
    odj = odj.donner_avis(" Parfait ", favorable=True, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    odj = odj.donner_avis("", favorable=True, by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6))
    assert [(a.texte, a.favorable) for a in odj.avis_en_cours] == [("Parfait", True), ("", True)]
    assert odj.avis_bloquants == ()
    assert odj.tacit_fixing_at == datetime(2025, 10, 16, 22, 0, tzinfo=UTC)
    refused(Reason.NO_AVIS, odj.fixer, by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 7))  # nothing to decide
    refused(Reason.WINDOW_OPEN, odj.fixer_tacitement, paris(2025, 10, 16, 23, 59))
    fixed = odj.fixer_tacitement(paris(2025, 10, 17, 0, 0))
    assert fixed.fixation == Fixation(1, ModeFixation.TACITE, datetime(2025, 10, 16, 22, 0, tzinfo=UTC),
                                      date(2025, 10, 16), None)


def test_when_configured_an_avis_with_reservations_still_blocks():
    odj = sent_under(LETTING_FAVOURABLE_AVIS_THROUGH).donner_avis(
        "", favorable=True, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5)).donner_avis(
        "Favorable sous réserve d'un point hébergement", by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6))
    assert [a.auteur for a in odj.avis_bloquants] == [MILLET] and odj.tacit_fixing_at is None
    refused(Reason.AVIS_GIVEN, odj.fixer_tacitement, paris(2025, 10, 20))
    assert odj.fixer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 7)).etat is Etat.FIXE


def test_the_rule_of_a_version_is_the_one_it_was_sent_under():
    """A version sent under the default keeps it: a favourable avis on it blocks even if the config changed since
    (the config is read only when sending)."""
    odj = sent_under(RULES).donner_avis("", favorable=True, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    odj = odj.amender(roles=COMITE).envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 6), conference=CONF,
                                            rules=LETTING_FAVOURABLE_AVIS_THROUGH)
    assert [v.avis_favorable_bloque for v in odj.versions] == [True, False]
    odj = odj.donner_avis("", favorable=True, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 7))
    assert odj.tacit_fixing_at is not None


def test_only_a_favourable_avis_may_have_no_text():
    refused(Reason.EMPTY_TEXT, sent().donner_avis, "  ", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    assert sent().donner_avis("  ", favorable=True, by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5)).avis


def test_tacit_fixing_after_an_outage_is_dated_at_the_end_of_the_window():
    fixed = sent().fixer_tacitement(datetime(2025, 10, 30, 8, 0, tzinfo=UTC))
    assert fixed.fixation.at == datetime(2025, 10, 16, 22, 0, tzinfo=UTC)
    assert fixed.fixation.day == date(2025, 10, 16)


def test_tacit_fixing_refused_on_a_draft():
    refused(Reason.NOT_PROPOSED, draft("Budget").fixer_tacitement, paris(2025, 12, 1))


def test_tacit_fixing_across_the_autumn_change():
    """Window ending Sunday 26 October 2025 (25-hour day): it closes at midnight Paris, i.e. 23:00 UTC."""
    conference = Conference(4, date(2025, 11, 20), time(14))
    odj = draft("Budget").envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 11, 9), conference=conference,
                                  rules=RULES)
    assert odj.current.window.due == date(2025, 10, 26)
    assert odj.tacit_fixing_at == datetime(2025, 10, 26, 23, 0, tzinfo=UTC)
    refused(Reason.WINDOW_OPEN, odj.fixer_tacitement, datetime(2025, 10, 26, 22, 59, tzinfo=UTC))
    assert odj.fixer_tacitement(datetime(2025, 10, 26, 23, 0, tzinfo=UTC)).etat is Etat.FIXE


# --- a fixed agenda is locked -------------------------------------------------------------------------------------


def test_a_fixed_agenda_is_locked():
    fixed = sent().fixer_tacitement(paris(2025, 10, 17))
    now = paris(2025, 10, 20)
    refused(Reason.LOCKED, fixed.ajouter, "Point", roles=COMITE)
    refused(Reason.LOCKED, fixed.retirer, 1, roles=COMITE)
    refused(Reason.LOCKED, fixed.deplacer, 1, 2, roles=COMITE)
    refused(Reason.LOCKED, fixed.envoyer, by=FAURY, roles=COMITE, now=now, conference=CONF, rules=RULES)
    refused(Reason.LOCKED, fixed.donner_avis, "Avis", by=BAUME, roles=REPRESENTANT, now=now)
    refused(Reason.LOCKED, fixed.amender, roles=COMITE)
    refused(Reason.LOCKED, fixed.fixer, by=MILLET, roles=PRESIDENT, now=now)
    refused(Reason.LOCKED, fixed.fixer_tacitement, now)


def test_permission_is_checked_before_the_state():
    fixed = sent().fixer_tacitement(paris(2025, 10, 17))
    refused(Reason.FORBIDDEN, fixed.ajouter, "Point", roles=REPRESENTANT)


# --- rows --------------------------------------------------------------------------------------------------------


def test_an_agenda_is_rebuilt_from_plain_rows():
    odj = sent().donner_avis("Objection", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 5))
    odj = odj.fixer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 6))
    versions = [dataclasses.asdict(v) for v in odj.versions]
    avis = [dataclasses.asdict(a) for a in odj.avis]
    fixation = dataclasses.asdict(odj.fixation)
    assert all(isinstance(value, (str, int, bool, tuple, date)) for row in versions + avis + [fixation]
               for value in row.values() if value is not None)
    rebuilt = OrdreDuJour(
        etat=Etat(odj.etat.value),
        versions=tuple(Version(**{**row, "points": tuple(row["points"])}) for row in versions),
        avis=tuple(Avis(**row) for row in avis),
        fixation=Fixation(**{**fixation, "mode": ModeFixation(fixation["mode"].value)}),
    )
    assert rebuilt == odj
