"""What /health and /metrics read from the database (`storage.operating_counts`), on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import create_engine
from sqlmodel import Session

from tests.cast import ROOM, SECRETARIAT
from tno_bot import storage
from tno_bot.ops import health, metrics
from tno_bot.storage.tables import REMINDER_CANCELLED, REMINDER_MISSED, REMINDER_PENDING, REMINDER_SENT, \
    ConferenceRow, ReminderRow

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def filled(engine) -> None:
    with Session(engine) as session, session.begin():
        for body in ("un", "deux", "trois"):
            storage.enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": body})
        sent = storage.enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "parti"})
        storage.mark_sent(session, sent.id, "$sent")
        storage.keep_undecrypted(session, ROOM, "$sealed", {"type": "m.room.encrypted"}, NOW)
        conference = ConferenceRow(room_id=ROOM, day=date(2026, 12, 15), start_time=time(14), created_by=SECRETARIAT,
                                   created_at=NOW, updated_at=NOW)
        session.add(conference)
        session.flush()
        for n, status in enumerate((REMINDER_SENT, REMINDER_SENT, REMINDER_MISSED, REMINDER_PENDING,
                                    REMINDER_CANCELLED)):
            session.add(ReminderRow(conference_id=conference.id, key=f"k{n}", kind="conference_eve",
                                    due_at=NOW + timedelta(days=n), announces=NOW, roles="representants",
                                    status=status))


def test_the_counts_of_a_running_bot(engine):
    filled(engine)
    with Session(engine) as session:
        counts = storage.operating_counts(session)
    assert (counts.outbox_pending, counts.undecrypted, counts.reminders_sent, counts.reminders_missed,
            counts.ratification_reminders) == (3, 1, 2, 1, 0)
    assert abs(counts.oldest_pending - datetime.now(UTC)) < timedelta(minutes=5)  # aware, the first queued


def test_an_empty_database(engine):
    with Session(engine) as session:
        counts = storage.operating_counts(session)
    assert (counts.outbox_pending, counts.oldest_pending, counts.undecrypted) == (0, None, 0)


def scraped(engine) -> str:
    registry = CollectorRegistry()
    registry.register(metrics.DatabaseCollector(engine))
    return generate_latest(registry).decode()


def test_the_database_metrics(engine):
    filled(engine)
    text = scraped(engine)
    for line in ("tno_database_up 1.0", "tno_outbox_backlog 3.0", "tno_undecryptable_events_waiting 1.0",
                 'tno_reminders_sent_total{kind="agenda"} 2.0', 'tno_reminders_sent_total{kind="ratification"} 0.0',
                 "tno_reminders_missed_total 1.0"):
        assert line in text.splitlines(), line


def test_an_unreachable_database_is_a_metric_and_an_unhealthy_check(tmp_path, monkeypatch):
    gone = create_engine(f"sqlite:///{tmp_path / 'absent' / 'tno.db'}")
    assert scraped(gone).splitlines()[-1] == "tno_database_up 0.0"
    monkeypatch.setattr(metrics.SYNC, "last", datetime.now(UTC).timestamp())
    healthy, report = health.health_report(gone)
    assert not healthy and report["database"] == "unreachable"
    assert report["problems"][0].startswith("database unreachable")


def test_healthy_then_a_stale_sync_then_a_stuck_reply(engine, monkeypatch):
    monkeypatch.setattr(metrics.SYNC, "last", None)
    assert health.health_report(engine) == (False, {
        "status": "unhealthy", "sync_age_seconds": None, "database": "ok", "outbox_backlog": 0,
        "outbox_oldest_seconds": None, "problems": ["no successful sync yet"]})
    metrics.SYNC.beat()
    healthy, report = health.health_report(engine)
    assert healthy and report["status"] == "ok" and report["sync_age_seconds"] < 60
    monkeypatch.setattr(metrics.SYNC, "last", datetime.now(UTC).timestamp() - health.MAX_SYNC_AGE_SECONDS - 5)
    healthy, report = health.health_report(engine)
    assert not healthy and report["problems"][0].startswith("no successful sync for 12")
    metrics.SYNC.beat()
    with Session(engine) as session, session.begin():
        stuck = storage.enqueue_message(session, ROOM, {"msgtype": "m.notice", "body": "bloqué"})
        stuck.created_at = datetime.now(UTC) - timedelta(seconds=health.MAX_OUTBOX_WAIT_SECONDS + 60)
    healthy, report = health.health_report(engine)
    assert not healthy and report["outbox_backlog"] == 1
    assert report["problems"] == [f"a message has waited {report['outbox_oldest_seconds']:.0f} s in the outbox"]
