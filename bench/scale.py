"""Cost per command and per clock run against the size of the entente's register (issue 16, target 1).

    .venv/bin/python bench/scale.py [--commands 200] [--database-url URL]

No homeserver: the bot's own code paths, as `matrix/bot.py` runs them, on a database seeded with 0, 20 or 100
pending decisions (each awaiting the deliberations of every member, so each has its ratification reminders) in 1, 10
or 100 rooms (a conference and a room language in each). Per case:

* a command: `Dispatcher.process` of `!appel 2023` sent in turn from each room, then what the bot does after
  handing the reply to the sender (`DueWork.replan`);
* a command that changes the schedule (with pending decisions only): the secrétariat's `!notification` of each
  pending decision in turn, dated today, then the replan it asks for (that decision's reminders count from today);
* a clock run: `DueWork.run` at an instant with nothing due (the work found due, then the replan).

Each is timed in CPU of the bench's process (`time.process_time`, all its threads: the load of the other processes
on the machine does not count) and in wall time; cases are interleaved, several rounds, and the median per case is
reported. SQLite in a temporary directory, or the PostgreSQL database of `--database-url` (emptied first).
Results: bench/results/scale-<sqlite|postgresql>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from tno_bot import storage  # noqa: E402
from tno_bot.config import load_config  # noqa: E402
from tno_bot.domain.agenda import Conference  # noqa: E402
from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage  # noqa: E402
from tno_bot.matrix.scheduler import DueWork  # noqa: E402
from tno_bot.storage.tables import DecisionRow, SeanceRow, VoteRow  # noqa: E402

CONFIG_PATH = ROOT / "config" / "tno.example.toml"
RESULTS_DIR = ROOT / "bench" / "results"
SENDER = "@emeline.baume:tno.example"
SECRETARIAT = "@secretariat:tno.example"
NOW = datetime.now(timezone.utc).replace(microsecond=0)  # the clock's jobs must lie in the real future
DECISIONS = (0, 20, 100)
ROOMS = (1, 10, 100)


def seed(engine, decisions: int, rooms: int, held_days_ago: int = 60) -> list[str]:
    """`rooms` rooms with a conference each (held `held_days_ago` days before NOW, up to 19 days later in turn);
    `decisions` adopted decisions, spread over them, none ratified yet. Returns the room ids."""
    room_ids = [f"!room{r:03d}:tno.example" for r in range(rooms)]
    with Session(engine) as session, session.begin():
        conferences = []
        for r, room_id in enumerate(room_ids):
            held = Conference(None, NOW.date() - timedelta(days=max(1, held_days_ago - r % 20)), clock_time(14, 0),
                              "Lyon")
            conferences.append(storage.add_conference(session, held, room_id, SENDER, NOW - timedelta(days=60)))
            storage.set_room_language(session, room_id, "fr", SENDER)
        for n in range(decisions):
            conference = conferences[n % rooms]
            room_id = room_ids[n % rooms]
            seance = session.get(SeanceRow, n % rooms + 1) if n >= rooms else None
            if seance is None:
                seance = SeanceRow(conference_id=conference.id, room_id=room_id, agenda_version=1,
                                   opened_at=NOW - timedelta(days=30), opened_by=SENDER, opened_event_id=f"$o{n}")
                session.add(seance)
                session.flush()
            adopted_at = datetime.combine(conference.day, clock_time(15, 0), timezone.utc)
            vote = VoteRow(seance_id=seance.id, item=n + 1, title=f"Point {n + 1}", opened_by=SENDER,
                           opened_at=adopted_at, opened_event_id=f"$v{n}", closed_by=SENDER, closed_at=adopted_at,
                           rule="unanimite", outcome="adoptee_unanimite", pour=6, contre=0, abstention=0)
            session.add(vote)
            session.flush()
            session.add(DecisionRow(id=f"TNO {adopted_at.year}-{n + 1:02d}", year=adopted_at.year, number=n + 1,
                                    vote_id=vote.id,
                                    conference_id=conference.id, item=n + 1, title=f"Point {n + 1}",
                                    outcome="adoptee_unanimite", pour=6, contre=0, abstention=0,
                                    adopted_at=adopted_at))
        session.flush()
    return room_ids


class Case:
    """One seeded database with the bot's dispatcher and clock on it."""

    def __init__(self, config, url: str, decisions: int, rooms: int) -> None:
        self.engine = storage.make_engine(url)
        storage.migrate(self.engine)
        self.room_ids = seed(self.engine, decisions, rooms)
        with Session(self.engine) as session:
            self.decision_ids = [row.id for row in storage.decisions(session)]
        self.dispatcher = Dispatcher(config, self.engine)
        self.due_work = DueWork(config, self.engine, asyncio.Lock(), lambda: None, clock=lambda: NOW)
        self.sent = 0

    async def command(self) -> tuple[float, float]:
        return await self._timed(SENDER, "!appel 2023", "Appel")

    async def notification(self) -> tuple[float, float]:
        """The next pending decision notified to the members today (decisions are numbered in seeding order)."""
        decision = self.decision_ids[self.sent % len(self.decision_ids)]
        return await self._timed(SECRETARIAT, f"!notification {decision} {NOW:%d/%m/%Y}", "Enregistré")

    async def _timed(self, sender: str, text: str, expected: str) -> tuple[float, float]:
        room_id = self.room_ids[self.sent % len(self.room_ids)]
        self.sent += 1
        message = IncomingMessage(room_id, f"$bench{self.sent}", sender, text, int(NOW.timestamp() * 1000))
        wall, cpu = time.perf_counter(), time.process_time()
        queued = self.dispatcher.process(message)
        await self.due_work.replan()  # as matrix/bot.py does once the reply is handed to the sender
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        body = json.loads(queued[0].content)["body"] if queued else ""
        assert body.startswith(expected), f"{text!r} was answered {body[:200]!r}"
        return cpu, wall

    async def clock_run(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        await self.due_work.run()
        return time.process_time() - cpu, time.perf_counter() - wall


def _median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 3)


async def measure(args, url_for) -> dict:
    config = load_config(CONFIG_PATH)
    cases = {}
    for decisions in DECISIONS:
        for rooms in ROOMS:
            case = Case(config, url_for(decisions, rooms), decisions, rooms)
            await case.due_work.start()
            cases[(decisions, rooms)] = case
    samples = {key: {"command_cpu": [], "command_wall": [], "notification_cpu": [], "notification_wall": [],
                     "clock_cpu": [], "clock_wall": []} for key in cases}
    for _ in range(args.warmup):
        for case in cases.values():
            await case.command()
            await case.clock_run()
    for _ in range(args.commands):  # interleaved: every case sees the same moments of the machine's load
        for key, case in cases.items():
            cpu, wall = await case.command()
            samples[key]["command_cpu"].append(cpu)
            samples[key]["command_wall"].append(wall)
    for _ in range(args.commands):
        for key, case in cases.items():
            if case.decision_ids:
                cpu, wall = await case.notification()
                samples[key]["notification_cpu"].append(cpu)
                samples[key]["notification_wall"].append(wall)
    for _ in range(args.clock_runs):
        for key, case in cases.items():
            cpu, wall = await case.clock_run()
            samples[key]["clock_cpu"].append(cpu)
            samples[key]["clock_wall"].append(wall)
    for case in cases.values():
        case.due_work.stop()
        case.engine.dispose()
    return {f"{d} decisions, {r} rooms": {name: _median_ms(values) if values else None
                                          for name, values in found.items()}
            for (d, r), found in samples.items()}


def _postgres_urls(base: str):
    """A fresh schema per case in the database of `base`, and how to drop them all after the run."""
    from sqlalchemy import create_engine

    schemas = [f"bench_scale_{d}_{r}" for d in DECISIONS for r in ROOMS]

    def run_ddl(template: str) -> None:
        engine = create_engine(base)
        with engine.begin() as connection:
            for schema in schemas:
                connection.execute(text(template.format(schema=schema)))
        engine.dispose()

    def url_for(decisions: int, rooms: int) -> str:
        separator = "&" if "?" in base else "?"
        return f"{base}{separator}options=-csearch_path%3Dbench_scale_{decisions}_{rooms}"

    run_ddl("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    return url_for, lambda: run_ddl("DROP SCHEMA IF EXISTS {schema} CASCADE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commands", type=int, default=200, help="measured commands per case")
    parser.add_argument("--clock-runs", type=int, default=50, help="measured clock runs per case")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite (schemas are created)")
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="tno-scale-") as workdir:
        if args.database_url:
            (url_for, drop), backend = _postgres_urls(args.database_url), "postgresql"
        else:
            url_for, drop, backend = (lambda d, r: f"sqlite:///{workdir}/scale-{d}-{r}.db"), (lambda: None), "sqlite"
        try:
            results = asyncio.run(measure(args, url_for))
        finally:
            drop()
    summary = {"backend": backend, "commands": args.commands, "clock_runs": args.clock_runs,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_before": [round(x, 2) for x in load_before],
                           "load_after": [round(x, 2) for x in os.getloadavg()]},
               "median_ms": results}
    print(f"{'case':<26} {'cmd cpu':>8} {'cmd wall':>9} {'notif cpu':>10} {'notif wall':>11} {'clock cpu':>10} "
          f"{'clock wall':>11}   (ms, medians)")
    for case, figures in results.items():
        notification = "".join(f" {'—' if figures[k] is None else f'{figures[k]:.2f}':>{w}}"
                               for k, w in (("notification_cpu", 10), ("notification_wall", 11)))
        print(f"{case:<26} {figures['command_cpu']:>8.2f} {figures['command_wall']:>9.2f}{notification} "
              f"{figures['clock_cpu']:>10.2f} {figures['clock_wall']:>11.2f}")
    output = Path(args.output) if args.output else RESULTS_DIR / f"scale-{backend}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"load average {summary['machine']['load_before'][0]} -> {summary['machine']['load_after'][0]}; "
          f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
