"""Conferences, their ordre du jour and their reminders as rows (SQLite and PostgreSQL): written, rebuilt equal,
replanned without ever sending twice."""

from __future__ import annotations

import dataclasses

from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from tests.cast import BAUME, FAURY, MILLET, ROOM, SECRETARIAT
from tests.harness import UTC, paris
from tno_bot import storage
from tno_bot.domain.agenda import AgendaRules, Conference, Etat, ModeFixation, OrdreDuJour
from tno_bot.domain.calendar import PARIS
from tno_bot.domain.reminders import Reminder, ReminderSettings, reminder_plan

RULES = AgendaRules()
SETTINGS = ReminderSettings()
COMITE, PRESIDENT, REPRESENTANT = {"comite_technique"}, {"president"}, {"representant"}
NOW = paris(2025, 9, 1, 10)
CONF = Conference(None, date(2025, 11, 7), time(14, 30), "Hôtel de la Métropole")  # notice: Wednesday 8 October


@pytest.fixture
def session(engine):
    with Session(engine) as session, session.begin():
        yield session


def test_a_conference_is_stored_with_its_empty_agenda(session):
    stored = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    assert stored.id is not None and stored == Conference(stored.id, CONF.day, CONF.start_time, CONF.lieu)
    assert storage.get_conference(session, stored.id) == stored
    assert storage.conference_room(session, stored.id) == ROOM
    row = session.get(storage.ConferenceRow, stored.id)
    assert (row.created_by, row.created_at, row.cancelled) == (SECRETARIAT, NOW, False)
    assert storage.load_agenda(session, stored.id) == OrdreDuJour()
    assert storage.get_conference(session, stored.id + 1) is None
    assert storage.conference_room(session, stored.id + 1) is None


def test_a_moved_then_cancelled_conference_is_written(session):
    stored = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    moved = Conference(stored.id, date(2025, 12, 1), time(9, 0), stored.lieu)
    storage.update_conference(session, moved, NOW + timedelta(days=1))
    assert storage.get_conference(session, stored.id) == dataclasses.replace(moved, sequence=1)  # the calendar's
    cancelled = Conference(stored.id, moved.day, moved.start_time, moved.lieu, cancelled=True)
    storage.update_conference(session, cancelled, NOW + timedelta(days=2))
    assert storage.get_conference(session, stored.id) == dataclasses.replace(cancelled, sequence=2)
    assert session.get(storage.ConferenceRow, stored.id).updated_at == NOW + timedelta(days=2)
    with pytest.raises(LookupError):
        storage.update_conference(session, Conference(999, moved.day, moved.start_time), NOW)


def test_conferences_are_listed_in_chronological_order(session):
    later = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    sooner = storage.add_conference(session, Conference(None, date(2025, 10, 20), time(10)), "!other:tno.example",
                                    SECRETARIAT, NOW)
    assert storage.all_conferences(session) == [(sooner, "!other:tno.example"), (later, ROOM)]


def _through_every_state(conference: Conference) -> list[OrdreDuJour]:
    """Draft, proposed v1, avis, amended draft, proposed v2, fixed by the président."""
    odj = OrdreDuJour().ajouter("Budget 2026", roles=COMITE).ajouter("Feuille de route", roles=COMITE)
    states = [odj]
    odj = odj.envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10), conference=conference, rules=RULES)
    states.append(odj)
    odj = odj.donner_avis("Ajouter un point sur l'hébergement", by=BAUME, roles=REPRESENTANT,
                          now=paris(2025, 10, 3, 18))
    states.append(odj)
    odj = odj.amender(roles=COMITE).ajouter("Hébergement", roles=COMITE).deplacer(3, 1, roles=COMITE)
    states.append(odj)
    odj = odj.envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 6, 9), conference=conference, rules=RULES)
    states.append(odj)
    odj = odj.donner_avis("D'accord", by=BAUME, roles=REPRESENTANT, now=paris(2025, 10, 7, 9))
    odj = odj.fixer(by=MILLET, roles=PRESIDENT, now=paris(2025, 10, 8, 11))
    states.append(odj)
    return states


def test_every_state_of_the_agenda_is_rebuilt_equal(session):
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    for odj in _through_every_state(conference):
        storage.save_agenda(session, conference.id, odj)
        assert storage.load_agenda(session, conference.id) == odj
    final = storage.load_agenda(session, conference.id)
    assert final.etat is Etat.FIXE and final.fixation.mode is ModeFixation.PRESIDENT and final.fixation.by == MILLET
    assert [v.points for v in final.versions] == [("Budget 2026", "Feuille de route"),
                                                  ("Hébergement", "Budget 2026", "Feuille de route")]
    points = session.exec(select(storage.AgendaPoint).where(storage.AgendaPoint.conference_id == conference.id)
                          .order_by(storage.AgendaPoint.version, storage.AgendaPoint.position)).all()
    assert [(p.version, p.position, p.title) for p in points] == [
        (1, 1, "Budget 2026"), (1, 2, "Feuille de route"),
        (2, 1, "Hébergement"), (2, 2, "Budget 2026"), (2, 3, "Feuille de route"),
    ]  # the draft is empty once sent; each version keeps its points
    avis = session.exec(select(storage.AgendaAvis)).all()
    assert [(a.version, a.author, a.text) for a in avis] == [(1, BAUME, "Ajouter un point sur l'hébergement"),
                                                             (2, BAUME, "D'accord")]
    assert storage.proposed_agendas(session) == []


def test_a_tacit_fixing_is_stored_at_the_end_of_the_window(session):
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    odj = OrdreDuJour().ajouter("Budget", roles=COMITE).envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10),
                                                                 conference=conference, rules=RULES)
    storage.save_agenda(session, conference.id, odj)
    assert storage.proposed_agendas(session) == [conference.id]
    fixed = odj.fixer_tacitement(paris(2025, 10, 20))
    storage.save_agenda(session, conference.id, fixed)
    row = session.get(storage.AgendaRow, conference.id)
    assert (row.etat, row.fixed_version, row.fixed_mode, row.fixed_by) == ("fixe", 1, "tacite", None)
    assert row.fixed_day == date(2025, 10, 16) and row.fixed_at == datetime(2025, 10, 16, 22, 0, tzinfo=UTC)
    assert storage.load_agenda(session, conference.id) == fixed


def test_a_stored_version_is_never_rewritten(session):
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    odj = OrdreDuJour().ajouter("Budget", roles=COMITE).envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10),
                                                                 conference=conference, rules=RULES)
    storage.save_agenda(session, conference.id, odj)
    other = OrdreDuJour().ajouter("Autre", roles=COMITE).envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10),
                                                                  conference=conference, rules=RULES)
    with pytest.raises(ValueError, match="already stored"):
        storage.save_agenda(session, conference.id, other)


# --- reminders ---------------------------------------------------------------------------------------------------


def _rows(session, conference_id):
    return {(r.key, r.status) for r in storage.reminders_of(session, conference_id)}


def test_the_plan_is_written_as_pending_rows(session):
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, NOW)
    rows = storage.reminders_of(session, conference.id)
    plan = reminder_plan(conference, OrdreDuJour(), RULES, SETTINGS)
    assert [storage.as_reminder(r) for r in rows] == [
        Reminder(r.key, r.kind, r.due_at, r.roles, r.announces, None, r.version) for r in plan]
    assert {r.status for r in rows} == {"pending"}
    assert rows[0].roles == "comite_technique" and rows[-1].role_names == (
        "president", "secretariat", "comite_technique", "representant")
    assert storage.pending_instants(session, NOW) == [r.due_at for r in plan]
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, NOW)  # idempotent
    assert len(storage.reminders_of(session, conference.id)) == len(plan)


def test_reminders_already_due_when_planned_are_not_created(session):
    late = paris(2025, 10, 5, 10)  # after notice-7d (1 October), before notice-1d (7 October)
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, late)
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, late)
    assert _rows(session, conference.id) == {("notice-1d", "pending"), ("eve", "pending"), ("morning", "pending")}


def test_replanning_cancels_what_no_longer_belongs_and_keeps_what_was_done(session):
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, NOW)
    sent = storage.due_reminders(session, paris(2025, 10, 1, 9))
    assert [r.key for r in sent] == ["notice-7d"]
    storage.mark_reminder(session, sent[0], storage.REMINDER_SENT, paris(2025, 10, 1, 9))
    odj = OrdreDuJour().ajouter("Budget", roles=COMITE).envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 2, 10),
                                                                 conference=conference, rules=RULES)
    storage.save_agenda(session, conference.id, odj)
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, paris(2025, 10, 2, 10))
    assert _rows(session, conference.id) == {("notice-7d", "sent"), ("notice-1d", "cancelled"),
                                             ("window-3d-v1", "pending"), ("eve", "pending"), ("morning", "pending")}
    # moved: the conference reminders of the old date are cancelled, new rows for the new date
    moved = Conference(conference.id, date(2025, 11, 14), time(14, 30), conference.lieu)
    storage.update_conference(session, moved, paris(2025, 10, 2, 11))
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, paris(2025, 10, 2, 11))
    rows = storage.reminders_of(session, conference.id)
    assert sorted((r.key, r.status, r.due_at.astimezone(PARIS).date()) for r in rows) == sorted([
        ("notice-7d", "sent", date(2025, 10, 1)), ("notice-1d", "cancelled", date(2025, 10, 7)),
        ("window-3d-v1", "pending", date(2025, 10, 14)),
        ("eve", "cancelled", date(2025, 11, 6)), ("morning", "cancelled", date(2025, 11, 7)),
        ("eve", "pending", date(2025, 11, 13)), ("morning", "pending", date(2025, 11, 14)),
    ])
    # moved back: the cancelled rows come back, nothing duplicated
    storage.update_conference(session, conference, paris(2025, 10, 2, 12))
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, paris(2025, 10, 2, 12))
    assert len(storage.reminders_of(session, conference.id)) == 7
    assert len(storage.reminders_of(session, conference.id, ["pending"])) == 3
    # cancelled: every pending row is cancelled, the sent one stays
    storage.update_conference(session, Conference(conference.id, conference.day, conference.start_time,
                                                  cancelled=True), paris(2025, 10, 3))
    storage.replan_reminders(session, conference.id, RULES, SETTINGS, paris(2025, 10, 3))
    assert {r.status for r in storage.reminders_of(session, conference.id)} == {"sent", "cancelled"}
    assert storage.pending_instants(session, paris(2025, 10, 3)) == []


def test_a_cancelled_conference_has_no_agenda_waiting(session):
    conference = storage.add_conference(session, CONF, ROOM, SECRETARIAT, NOW)
    odj = OrdreDuJour().ajouter("Budget", roles=COMITE).envoyer(by=FAURY, roles=COMITE, now=paris(2025, 10, 1, 10),
                                                                 conference=conference, rules=RULES)
    storage.save_agenda(session, conference.id, odj)
    storage.update_conference(session, Conference(conference.id, CONF.day, CONF.start_time, cancelled=True), NOW)
    assert storage.proposed_agendas(session) == []
