from __future__ import annotations

import pkgutil
import re
import threading
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import inspect, insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from tno_bot import storage
from tno_bot.domain.attendance import AttendanceFact, Cast, FactKind
from tno_bot.storage import (
    LATEST_VERSION,
    SchemaTooNewError,
    SchemaVersion,
    current_version,
    get_sync_token,
    migrate,
    set_sync_token,
)
from tno_bot.storage import migrations

TABLES = {"schema_version", "sync_state", "processed_event", "outbox_message", "room_setting", "conference", "agenda",
          "agenda_point", "agenda_version", "agenda_avis", "reminder", "seance", "seance_point",
          "seance_pause", "attendance_fact", "vote", "ballot", "decision", "seance_note",
          "ratification_fact", "ratification_announcement", "ratification_reminder", "advance_pouvoir",
          "undecrypted_event", "undecrypted_notice"}


def test_migrate_from_empty_creates_every_table_and_records_versions(bare_engine):
    assert current_version(bare_engine) == 0
    assert migrate(bare_engine) == [m.version for m in migrations.MIGRATIONS]
    assert TABLES <= set(inspect(bare_engine).get_table_names())
    assert current_version(bare_engine) == LATEST_VERSION
    with Session(bare_engine) as session:
        rows = session.exec(select(SchemaVersion).order_by(SchemaVersion.version)).all()
    assert [row.version for row in rows] == [m.version for m in migrations.MIGRATIONS]
    assert all(row.description and row.applied_at.utcoffset().total_seconds() == 0 for row in rows)


def test_steps_are_the_numbered_modules_of_the_package_in_order():
    """Adding a step is adding the next ``vNN_<name>.py`` module, importing it and appending it to STEPS."""
    modules = sorted(info.name for info in pkgutil.iter_modules(migrations.__path__))
    assert [step.__name__.rsplit(".", 1)[1] for step in migrations.STEPS] == modules  # none forgotten, in order
    assert [int(re.fullmatch(r"v(\d{2})_\w+", name)[1]) for name in modules] == list(range(1, len(modules) + 1))
    assert [m.version for m in migrations.MIGRATIONS] == list(range(1, len(modules) + 1))
    assert LATEST_VERSION == len(modules)
    for step, migration in zip(migrations.STEPS, migrations.MIGRATIONS, strict=True):
        assert migration.description == step.DESCRIPTION and migration.apply is step.upgrade
        assert step.DESCRIPTION.strip(), step.__name__


def test_migrate_twice_is_a_no_op(engine):
    assert migrate(engine) == []
    assert current_version(engine) == LATEST_VERSION
    with Session(engine) as session:
        assert len(session.exec(select(SchemaVersion)).all()) == len(migrations.MIGRATIONS)


def test_migrated_schema_matches_the_models(engine):
    inspector = inspect(engine)
    for name in TABLES:
        model_columns = {column.name for column in SQLModel.metadata.tables[name].columns}
        assert {column["name"] for column in inspector.get_columns(name)} == model_columns, name


def test_newer_database_is_refused(engine):
    with engine.begin() as connection:
        connection.execute(
            insert(migrations.schema_version).values(
                version=LATEST_VERSION + 1, description="from the future", applied_at=migrations.utcnow()
            )
        )
    with pytest.raises(SchemaTooNewError, match=f"version {LATEST_VERSION + 1}.*up to {LATEST_VERSION}"):
        migrate(engine)


def test_failing_step_leaves_no_trace(engine, monkeypatch):
    def broken(connection):
        connection.execute(text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
        raise RuntimeError("boom")

    steps = (*migrations.MIGRATIONS, migrations.Migration(LATEST_VERSION + 1, "broken", broken))
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(RuntimeError, match="boom"):
        migrate(engine)
    assert "half_done" not in inspect(engine).get_table_names()
    assert current_version(engine) == LATEST_VERSION


def test_concurrent_migrations_apply_each_step_once(bare_engine):
    barrier = threading.Barrier(3)
    results: list[list[int]] = []

    def run():
        barrier.wait()
        results.append(migrate(bare_engine))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    assert sorted(v for applied in results for v in applied) == [m.version for m in migrations.MIGRATIONS]
    assert current_version(bare_engine) == LATEST_VERSION


def test_step_5_adds_the_advance_pouvoirs_to_a_version_4_database(bare_engine, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:4])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 4)
    assert migrate(bare_engine) == [1, 2, 3, 4]
    at = datetime(2025, 11, 6, 17, 30, tzinfo=timezone.utc)
    with Session(bare_engine) as session, session.begin():  # a conference of version 4, kept by step 5
        session.execute(text("INSERT INTO conference (room_id, day, start_time, lieu, cancelled, created_by, "
                             "created_at, updated_at) VALUES ('!r:x', :day, :start, '', false, '@s:x', :at, :at)"),
                        {"day": date(2025, 11, 7), "start": time(10), "at": at})
    monkeypatch.undo()
    assert migrations.MIGRATIONS[4].version == 5 and migrate(bare_engine) == list(range(5, LATEST_VERSION + 1))
    columns = {c["name"] for c in inspect(bare_engine).get_columns("advance_pouvoir")}
    assert columns == {"id", "conference_id", "kind", "mandant", "mandataire", "recorded_by", "at", "event_id"}
    cast = Cast(("m",), ())
    with Session(bare_engine) as session, session.begin():
        storage.add_advance_pouvoir_fact(session, 1, AttendanceFact(FactKind.POUVOIR, "@a:x", "@s:x", at, "$1",
                                                                    mandataire="@b:x"))
        storage.add_advance_pouvoir_fact(session, 1, AttendanceFact(FactKind.RETRAIT, "@a:x", "@a:x", at, "$2"))
    with Session(bare_engine) as session:
        [pouvoir] = storage.advance_pouvoirs(session, 1, cast).pouvoirs
    assert (pouvoir.mandant, pouvoir.mandataire, pouvoir.given_by, pouvoir.given_at, pouvoir.event_id) == (
        "@a:x", "@b:x", "@s:x", at, "$1")
    assert not pouvoir.active
    with Session(bare_engine) as session:
        assert session.get(storage.ConferenceRow, 1).day == date(2025, 11, 7)
    with pytest.raises(IntegrityError), Session(bare_engine) as session, session.begin():  # a pouvoir names its holder
        session.execute(text("INSERT INTO advance_pouvoir (conference_id, kind, mandant, recorded_by, at, event_id) "
                             "VALUES (1, 'pouvoir', '@a:x', '@a:x', :at, '$3')"), {"at": at})


def test_a_database_at_version_5_gets_the_undecrypted_events_and_keeps_its_rows(bare_engine, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
        assert migrate(bare_engine) == [1, 2, 3, 4, 5]
    with Session(bare_engine) as session:
        set_sync_token(session, "s1_2_3")
        session.commit()
    assert "undecrypted_event" not in inspect(bare_engine).get_table_names()

    assert migrate(bare_engine) == list(range(6, LATEST_VERSION + 1))
    assert "undecrypted_event" in inspect(bare_engine).get_table_names()
    with Session(bare_engine) as session:
        assert get_sync_token(session) == "s1_2_3"


def test_step_7_adds_the_undecrypted_notices_to_a_version_6_database_and_keeps_its_rows(bare_engine, monkeypatch):
    at = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:6])
        assert migrate(bare_engine) == [1, 2, 3, 4, 5, 6]
    with Session(bare_engine) as session, session.begin():
        storage.keep_undecrypted(session, "!r:x", "$waiting", {"event_id": "$waiting"}, at)
    assert "undecrypted_notice" not in inspect(bare_engine).get_table_names()

    assert migrations.MIGRATIONS[6].version == 7 and migrate(bare_engine) == list(range(7, LATEST_VERSION + 1))
    columns = {c["name"] for c in inspect(bare_engine).get_columns("undecrypted_notice")}
    assert columns == {"room_id", "sender", "session_id", "event_id", "reason", "noticed_at"}
    assert inspect(bare_engine).get_pk_constraint("undecrypted_notice")["constrained_columns"] == [
        "room_id", "sender", "session_id"]
    with Session(bare_engine) as session, session.begin():
        assert storage.record_undecrypted_notice(session, "!r:x", "@a:x", "s1", "$waiting", "m.unverified", at)
    with Session(bare_engine) as session:
        assert [row.event_id for row in storage.undecrypted_events(session)] == ["$waiting"]
        assert storage.undecrypted_notice_sent(session, "!r:x", "@a:x", "s1")
    with pytest.raises(IntegrityError), Session(bare_engine) as session, session.begin():  # once per session
        session.execute(text("INSERT INTO undecrypted_notice (room_id, sender, session_id, event_id, reason, "
                             "noticed_at) VALUES ('!r:x', '@a:x', 's1', '$other', 'timeout', :at)"), {"at": at})


def test_step_8_adds_the_relations_to_a_version_7_database_and_keeps_its_rows(bare_engine, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:7])
        assert migrate(bare_engine) == [1, 2, 3, 4, 5, 6, 7]
    with Session(bare_engine) as session, session.begin():
        session.execute(text("INSERT INTO processed_event (event_id, room_id, sender, processed_at) "
                             "VALUES ('$old', '!r:x', '@a:x', '2026-03-02 09:30:00')"))
        session.execute(text("INSERT INTO outbox_message (txn_id, room_id, event_type, content, status, attempts, "
                             "created_at) VALUES ('t1', '!r:x', 'm.room.message', '{}', 'sent', 1, "
                             "'2026-03-02 09:30:00')"))

    assert migrations.MIGRATIONS[7].version == 8 and migrate(bare_engine) == list(range(8, LATEST_VERSION + 1))
    with Session(bare_engine) as session, session.begin():
        assert storage.processed_event(session, "$old").acted  # before step 8: taken as having acted
        storage.enqueue_message(session, "!r:x", {}, relates_to=1, track="vote:$v:tally")
    with Session(bare_engine) as session:
        edit = storage.tracked(session, "vote:$v:tally")
        assert storage.related_target(session, edit).txn_id == "t1"


def test_step_9_adds_the_secretaire_and_the_calendar_sequence_and_keeps_the_rows(bare_engine, monkeypatch):
    at = datetime(2025, 11, 6, 17, 30, tzinfo=timezone.utc)
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:8])
        assert migrate(bare_engine) == [1, 2, 3, 4, 5, 6, 7, 8]
    with Session(bare_engine) as session, session.begin():  # a conference and its séance at version 8
        session.execute(text("INSERT INTO conference (room_id, day, start_time, lieu, cancelled, created_by, "
                             "created_at, updated_at) VALUES ('!r:x', :day, :start, 'Lyon', false, '@s:x', :at, :at)"),
                        {"day": date(2025, 11, 7), "start": time(10), "at": at})
        session.execute(text("INSERT INTO seance (conference_id, room_id, agenda_version, opened_at, opened_by, "
                             "opened_event_id) VALUES (1, '!r:x', 1, :at, '@s:x', '$o')"), {"at": at})
    assert migrations.MIGRATIONS[8].version == 9 and migrate(bare_engine) == list(range(9, LATEST_VERSION + 1))
    with Session(bare_engine) as session:
        conference = storage.get_conference(session, 1)
        assert (conference.lieu, conference.sequence) == ("Lyon", 0)
        seance = storage.get_seance(session, 1)
        assert (seance.opened_by, seance.secretaire) == ("@s:x", None)


def test_step_11_adds_the_seance_opening_reason_and_keeps_the_seances(bare_engine, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:10])
        assert migrate(bare_engine) == list(range(1, 11))
    with bare_engine.begin() as connection:  # a séance of version 10, written without the new column
        connection.exec_driver_sql(
            "INSERT INTO conference (id, room_id, day, start_time, lieu, cancelled, created_by, created_at, updated_at)"
            " VALUES (1, '!r:x', '2025-11-07', '10:00:00', '', false, '@s:x', '2025-11-01 10:00:00',"
            " '2025-11-01 10:00:00')")
        connection.exec_driver_sql(
            "INSERT INTO seance (id, conference_id, room_id, agenda_version, opened_at, opened_by, opened_event_id)"
            " VALUES (1, 1, '!r:x', 1, '2025-11-07 09:00:00', '@p:x', '$open')")
    assert migrations.MIGRATIONS[10].version == 11 and migrate(bare_engine)[0] == 11
    assert "other_day_reason" in {c["name"] for c in inspect(bare_engine).get_columns("seance")}
    with Session(bare_engine) as session:
        seance = storage.seance_of_conference(session, 1)
    assert (seance.opened_event_id, seance.other_day_reason) == ("$open", None)


def test_step_14_keeps_the_avis_and_versions_given_before_it_as_blocking(bare_engine, monkeypatch):
    """An avis given before step 14 was not favourable, a version sent before it was sent under "any avis stops the
    tacit fixing": the agenda stays waiting for the président."""
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:13])
        assert migrate(bare_engine) == list(range(1, 14))
    with bare_engine.begin() as connection:  # a proposed agenda with an avis, at version 13
        connection.exec_driver_sql(
            "INSERT INTO conference (id, room_id, day, start_time, lieu, cancelled, created_by, created_at, updated_at)"
            " VALUES (1, '!r:x', '2025-11-07', '10:00:00', '', false, '@s:x', '2025-09-01 10:00:00',"
            " '2025-09-01 10:00:00')")
        connection.exec_driver_sql("INSERT INTO agenda (conference_id, etat) VALUES (1, 'propose')")
        connection.exec_driver_sql(
            "INSERT INTO agenda_version (conference_id, numero, sent_at, sent_by, hors_delai, window_days,"
            " extend_to_working_day) VALUES (1, 1, '2025-10-01 08:00:00', '@c:x', false, 15, false)")
        connection.exec_driver_sql("INSERT INTO agenda_point (conference_id, version, position, title)"
                                   " VALUES (1, 1, 1, 'Budget')")
        connection.exec_driver_sql("INSERT INTO agenda_avis (conference_id, version, author, text, at)"
                                   " VALUES (1, 1, '@b:x', 'Favorable', '2025-10-03 08:00:00')")
    assert migrations.MIGRATIONS[13].version == 14 and migrate(bare_engine)[0] == 14
    with Session(bare_engine) as session:
        odj = storage.load_agenda(session, 1)
    assert (odj.current.avis_favorable_bloque, [(a.texte, a.favorable) for a in odj.avis]) == (
        True, [("Favorable", False)])
    assert odj.tacit_fixing_at is None
