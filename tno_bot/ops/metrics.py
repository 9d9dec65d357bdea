"""The bot's Prometheus metrics (prometheus_client, in a registry of its own: nothing of other libraries leaks in).

Counted as it happens, by one-line hooks in `matrix/`: commands handled (by name), messages delivered, outbox
retries and messages given up, the last successful sync. Read from the database at each scrape
(`DatabaseCollector`): the outbox backlog, the encrypted events waiting for their keys, the reminders sent and
missed (totals kept across restarts). `process_start_time_seconds` and the other `process_*` metrics come from the
library's process collector.
"""
from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlmodel import Session

from tno_bot import storage

UNKNOWN_COMMAND = "inconnue"  # the label of a message starting with "!" that names no command

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
COMMANDS = Counter("tno_commands", "Commands handled, by command (its French name)", ["command"], registry=REGISTRY)
COMMAND_SECONDS = Histogram("tno_command_duration_seconds", "Time to handle a command and commit its replies",
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5), registry=REGISTRY)
MESSAGES_SENT = Counter("tno_messages_sent", "Messages delivered by the outbox (replies, reminders, notices)",
                        registry=REGISTRY)
OUTBOX_RETRIES = Counter("tno_outbox_retries", "Deliveries put off to be tried again (homeserver unreachable, "
                         "5xx, rate limited)", registry=REGISTRY)
OUTBOX_GIVEN_UP = Counter("tno_outbox_given_up", "Messages refused for good by the homeserver (4xx)",
                          registry=REGISTRY)


class Heartbeat:
    """When something last succeeded (Unix time), for the health check and a gauge."""

    def __init__(self) -> None:
        self.last: float | None = None

    def beat(self) -> None:
        self.last = time.time()

    def age(self) -> float | None:
        return None if self.last is None else time.time() - self.last


SYNC = Heartbeat()
Gauge("tno_last_sync_timestamp_seconds", "When the last sync with the homeserver succeeded (0: none yet)",
      registry=REGISTRY).set_function(lambda: SYNC.last or 0)


def command_handled(name: str | None, seconds: float) -> None:
    COMMANDS.labels(name or UNKNOWN_COMMAND).inc()
    COMMAND_SECONDS.observe(seconds)


class DatabaseCollector:
    """The metrics read from the database at each scrape; `tno_database_up` 0 (and nothing else) when it fails."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def collect(self):
        up = GaugeMetricFamily("tno_database_up", "1 when the database answered the scrape's queries")
        try:
            with Session(self.engine) as session:
                counts = storage.operating_counts(session)
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("tno_outbox_backlog", "Messages waiting to be delivered", value=counts.outbox_pending)
        yield GaugeMetricFamily("tno_undecryptable_events_waiting", "Encrypted events still waiting for their room "
                                "key", value=counts.undecrypted)
        sent = CounterMetricFamily("tno_reminders_sent", "Reminders posted, by kind", labels=["kind"])
        sent.add_metric(["agenda"], counts.reminders_sent)
        sent.add_metric(["ratification"], counts.ratification_reminders)
        yield sent
        yield CounterMetricFamily("tno_reminders_missed", "Agenda reminders that fell due while the bot was down "
                                  "and came too late to be posted", value=counts.reminders_missed)
