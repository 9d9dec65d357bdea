"""Fifty representatives voting within the same second, against a real Synapse (issue 4, "Load").

    .venv/bin/python bench/votes.py [--voters 50] [--encrypted] [--runs 1] [--rounds 6] [--pending 0]
                                    [--database-url URL] [--requests] [--output PATH]
    .venv/bin/python bench/votes.py --pool RESULTS.json RESULTS.json... [--output PATH]

One run: a throwaway Synapse, the real tno-bot (`tno-bot run` in a process of its own, as in production, so that it
does not share the GIL with the 52 clients of the bench), and a synthetic entente of 25 members with two titulaires each
(50 representatives, each a real Matrix client with its own device), plus a président and a comité technique. The
conference of today gets its agenda of one point per round (sent late and fixed by the président), the séance is
opened and everybody says `!present`. Each round then opens the vote on its point, all 50 send `!vote pour` at once
(one `asyncio.gather`), and the vote is closed and its result checked (50 pour). Measured from the first send: the
time until the bot handled every ballot (the latest `processed_at` of the 50 events, read after the burst: the row
is committed in the same transaction, milliseconds later), and until every voter has received the answer to their
ballot. On the homeserver's clock, each burst also gives when the last message was stored and, for each one, how long
until the answer to it was (the turnaround: the bot's part, with the homeserver's queue); for tno-bot, how long from a
ballot stored to the bot handling it, and when each edit of the tally was stored, after the last answer (negative:
among the answers). Each burst, the vote's and the echoes', starts on a quiet homeserver, in a room
everybody has read: the bot has sent everything (the opening of a vote sends its polls after its first message), each
client has marked the room read up to its last event (the homeserver's unread counts, computed at every /sync, then
cover the same span in every room, whatever its history), `SETTLE_SECONDS` have passed and Synapse's CPU has come down
(the seconds this took are recorded with each burst). The CPU seconds each process used during each burst (the bot,
the echo bots, Synapse, the bench's clients) are recorded too.

The echo baselines (issue 16), in the same round under the same 52 clients: a minimal nio echo bot (`bench/latency.py
--serve echo-bot`, in a process of its own, sending its replies up to 8 at a time like tno-bot's outbox lanes) in a
second room, and a second one that answers with a ✅ reaction, the event tno-bot acknowledges a ballot with, in a third
room; the same 50 representatives send `!echo pour` at once in each, and the time until every one has their answer is
measured the same way. Each bot's burst comes first, second and last in turn (the order of the three rotates from one
round to the next), so that no position on the homeserver favours one; the ratios are taken within each round, and
summed up over all rounds as a median with its 95 % bootstrap interval. Each closed vote adds a decision awaiting the
members' deliberations, as a real séance does. `--pending N` first gives the bot N adopted decisions awaiting every
member's deliberation (the register the clock keeps); `--database-url` runs the bot on PostgreSQL (a database created
for the run and dropped after it) instead of SQLite. `--requests` keeps Synapse's access log and records, for each
burst, the requests it finished meanwhile by who made them and endpoint, with the CPU it spent on them (the log costs
Synapse some CPU: leave it out of the runs that measure the ratios). Everything runs on loopback and is stopped at the
end. Figures are printed and written to bench/results/votes-<clear|encrypted>[-pending<N>][-postgresql].json.
`--pool` runs nothing: it sums up the rounds of several results files of one case (one code, one machine) together,
for an interval narrower than one run's.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, col, func, select  # noqa: E402

from tno_bot import storage  # noqa: E402
from tno_bot.config import load_config  # noqa: E402
from tno_bot.domain.calendar import PARIS  # noqa: E402
from tno_bot.homeserver import ThrowawaySynapse  # noqa: E402
from tno_bot.matrix.outbox import MAX_LANES  # noqa: E402
from tno_bot.matrix.participant import Participant  # noqa: E402
from tno_bot.storage.tables import BallotRow, OutboxMessage, ProcessedEvent  # noqa: E402

SERVER = "tno.example"
ROOM_ALIAS = "seance"  # the séance's room, the one room the bot serves
PASSWORD = "bench-password"
SETTLE_SECONDS = 2.0  # before each burst, after the bot has sent everything: the same quiet start for every bot
# ... and then until Synapse is quiet: less than QUIET_CPU_SECONDS of CPU in QUIET_WINDOW_SECONDS (the work left by the
# previous burst, such as its notification counts, would otherwise fall into the next one), at most SETTLE_MAX_SECONDS
QUIET_WINDOW_SECONDS = 0.5
QUIET_CPU_SECONDS = 0.05
SETTLE_MAX_SECONDS = 30.0
BOTS = ("tno-bot", "echo-bot", "echo-react")  # the answering bots' localparts
BURSTS = ["vote", "echo", "echo_reacting"]  # a round's bursts, rotated from one round to the next
ACCESS_LINE = re.compile(r'^(?P<at>[\d.]+) .*\{@?(?P<localpart>[^:}]*)[^}]*\} Processed request: '
                         r'.* ru=\((?P<user>[\d.]+)sec, (?P<system>[\d.]+)sec\) .*"[A-Z]+ (?P<path>\S+)')


def synthetic_config(directory: Path, members: int) -> Path:
    """An entente of `members` members with two titulaires each, equal keys (a budget directory with no budget)."""
    (directory / "budgets").mkdir(parents=True, exist_ok=True)
    share = 100 / members
    lines = ['timezone = "Europe/Paris"', 'locale = "fr"', f'rooms = ["#{ROOM_ALIAS}:{SERVER}"]', 'budgets_dir = "budgets"', "",
             "[rules]", "agenda_notice_days = 30", "reply_window_days = 15", "quorum_per_member = 1",
             "max_proxies_per_holder = 1", 'decision_rule = "unanimite"', ""]
    for m in range(members):
        lines += ["[[members]]", f'id = "m{m:02d}"', f'name = "Membre {m:02d}"', 'body = "Conseil"', ""]
    lines += ["[[keys]]", "valid_from = 2022", "[keys.shares]"]
    lines += [f'm{m:02d} = "{share:.4f}"' if m else f'm00 = "{100 - share * (members - 1):.4f}"'
              for m in range(members)]
    lines.append("")
    for m in range(members):
        for seat in (1, 2):
            lines += ["[[people]]", f'matrix_id = "@rep{m:02d}-{seat}:{SERVER}"', f'name = "Rep {m:02d}-{seat}"',
                      f'member = "m{m:02d}"', 'seat = "titulaire"', ""]
    lines += ["[[staff]]", f'matrix_id = "@comite:{SERVER}"', 'name = "Comité technique"', "",
              "[roles]", f'president = ["@rep00-1:{SERVER}"]', f'secretariat = ["@rep00-1:{SERVER}"]',
              f'comite_technique = ["@comite:{SERVER}"]', "admins = []", ""]
    path = directory / "tno.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def conference_start() -> datetime:
    """Ten minutes from now, the start of the conference whose séance the bench opens at once. The bot opens a séance
    only on its conference's day: in the last ten minutes of the day in Paris, the bench stops instead of measuring
    refused ballots."""
    now = datetime.now(PARIS)
    start = now + timedelta(minutes=10)
    if start.date() != now.date():
        raise RuntimeError("the conference would start tomorrow (Paris time) and the bot would not open its séance "
                           "today: run the bench again after midnight")
    return start


async def ask(participant: Participant, room_id: str, text: str) -> str:
    reply = await participant.wait_reply(await participant.send(room_id, text), timeout=60)
    return reply.content["body"]


def ballots(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(BallotRow)).one()


def handled_at(engine, event_ids: list[str]) -> dict[str, float]:
    """When (Unix time) the bot began handling each of `event_ids` it has handled (its row is committed in the same
    transaction, some milliseconds later)."""
    with Session(engine) as session:
        rows = session.exec(select(ProcessedEvent.event_id, ProcessedEvent.processed_at)
                            .where(col(ProcessedEvent.event_id).in_(event_ids))).all()
    return {event_id: (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).timestamp() for event_id, at in rows}


def pending_outbox_rows(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.status == storage.PENDING)).one()


def last_outbox_id(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.max(OutboxMessage.id))).one() or 0


def bot_events_after(engine, row_id: int) -> dict[str, int]:
    """What the bot did with its outbox rows after `row_id`: events sent by type, edits superseded, rows pending."""
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.id > row_id)).all()
    counts: dict[str, int] = {}
    for row in rows:
        if row.event_id:
            kind = "edit" if '"m.replace"' in row.content else row.event_type
        else:
            kind = "superseded edit" if row.status == storage.SENT else row.status
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def seed_pending(database_url: str, config, decisions: int) -> None:
    """`decisions` decisions adopted yesterday in a conference of an other room, each awaiting the deliberation of
    every member (their first reminders are two weeks away: nothing is due during the run)."""
    from bench.scale import seed

    engine = storage.make_engine(database_url)
    storage.migrate(engine)
    seed(engine, decisions, 1, held_days_ago=1)
    engine.dispose()


async def start_echo(synapse: ThrowawaySynapse, workdir: Path, localpart: str,
                     react: bool) -> asyncio.subprocess.Process:
    """An echo baseline, in a process of its own (answering with a notice, or with a ✅ when `react`); returns once
    it is ready."""
    spec = {"homeserver": synapse.url, "user_id": synapse.user_id(localpart), "password": PASSWORD,
            "data_dir": str(workdir / localpart), "concurrency": MAX_LANES, "react": react}
    spec_path = workdir / f"{localpart}.spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "latency.py"), "--serve", "echo-bot", "--spec", str(spec_path),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, cwd=ROOT)
    if (await asyncio.wait_for(process.stdout.readline(), 120)).decode().strip() != "READY":
        raise RuntimeError("the echo bot did not start")
    return process


def homeserver_requests(access_log: Path, began: float, ended: float) -> dict[str, dict]:
    """The requests Synapse finished between `began` and `ended` (Unix time), by who made them (each bot, the
    clients, or no one logged in) and endpoint (/sync, /send, other): how many, and the CPU seconds Synapse spent on
    them."""
    requests: dict[str, dict] = {}
    with access_log.open(encoding="utf8") as lines:
        for match in filter(None, map(ACCESS_LINE.match, lines)):
            if not began <= float(match["at"]) <= ended:
                continue
            who = match["localpart"] if match["localpart"] in BOTS else (
                "anonymous" if match["localpart"] == "None" else "clients")
            endpoint = next((e for e in ("/sync", "/send/") if e in match["path"]), "other").strip("/")
            figures = requests.setdefault(f"{who} {endpoint}", {"requests": 0, "cpu_seconds": 0.0})
            figures["requests"] += 1
            figures["cpu_seconds"] += float(match["user"]) + float(match["system"])
    return {key: {**figures, "cpu_seconds": round(figures["cpu_seconds"], 3)}
            for key, figures in sorted(requests.items())}


def stored_at(representatives: list[Participant], sent: list[str]) -> dict[str, int]:
    """When (milliseconds, the homeserver's clock) the homeserver stored each voter's message: each voter has their
    own by the time they have its answer (the timeline comes in order)."""
    return {e: next(m.origin_server_ts for m in reversed(p.received) if m.event_id == e)
            for p, e in zip(representatives, sent)}


async def burst(representatives: list[Participant], room_id: str, text: str, processes: dict[str, int],
                access_log: Path | None = None) -> tuple[dict, dict[str, int], float]:
    """Everyone sends `text` at once; until each has the answer to their own, a reply or a reaction. The measures
    (with the CPU seconds each of `processes` used meanwhile, and Synapse's requests if it keeps an `access_log`),
    when the homeserver stored each message sent (`stored_at`), and when (Unix time) the first send began."""
    cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
    began, began_unix = time.monotonic(), time.time()
    sent = await asyncio.gather(*(p.send(room_id, text) for p in representatives))
    sent_seconds = time.monotonic() - began
    while not all(p.answers_to(e) for p, e in zip(representatives, sent)):
        if time.monotonic() - began > 120:
            answered = sum(bool(p.answers_to(e)) for p, e in zip(representatives, sent))
            raise TimeoutError(f"after 120 s, {answered} replies of {len(sent)} to {text!r} received")
        await asyncio.sleep(0.02)
    ended_unix = time.time()
    replies = sorted(min(m.received_at for m in p.answers_to(e)) - began for p, e in zip(representatives, sent))
    stored = sorted(min(m.origin_server_ts for m in p.answers_to(e)) for p, e in zip(representatives, sent))
    sent_stored = stored_at(representatives, sent)
    first_stored = min(sent_stored.values())
    # the bot's part: from the homeserver storing a message to it storing its answer (one clock: the homeserver's)
    turnarounds = sorted(min(m.origin_server_ts for m in p.answers_to(e)) - sent_stored[e]
                         for p, e in zip(representatives, sent))
    measures = {"sends_seconds": round(sent_seconds, 3),
                "all_replies_delivered_seconds": round(replies[-1], 3),
                "reply_median_seconds": round(statistics.median(replies), 3),
                "all_replies_stored_by_homeserver_seconds": round((stored[-1] - first_stored) / 1000, 3),
                "all_sent_stored_by_homeserver_seconds": round((max(sent_stored.values()) - first_stored) / 1000, 3),
                "turnaround_median_seconds": round(statistics.median(turnarounds) / 1000, 3),
                "turnaround_max_seconds": round(turnarounds[-1] / 1000, 3),
                "duplicate_replies": sum(len(p.answers_to(e)) - 1 for p, e in zip(representatives, sent)),
                "cpu_seconds": {name: round(cpu_seconds(pid) - cpu_before[name], 3)
                                for name, pid in processes.items()}}
    if access_log is not None:
        measures["homeserver_requests"] = homeserver_requests(access_log, began_unix, ended_unix)
    return measures, sent_stored, began_unix


async def settled(engine, people: list[Participant], room_id: str, synapse_pid: int) -> float:
    """Before a burst in `room_id`: the bot has nothing left to send (the opening of a vote sends its polls after its
    first message); everybody has read the room up to its last event, as the room on their screen would (so that the
    homeserver counts their unread messages from the same point in every room, whatever each room's history); then
    SETTLE_SECONDS for the homeserver and the clients to finish delivering what came before, and more until
    Synapse is quiet. The seconds it took."""
    began = time.monotonic()
    async with asyncio.timeout(60):
        while await asyncio.to_thread(pending_outbox_rows, engine):
            await asyncio.sleep(0.1)
    await asyncio.gather(*(p.read_up_to(room_id) for p in people))
    await asyncio.sleep(SETTLE_SECONDS)
    deadline = time.monotonic() + SETTLE_MAX_SECONDS
    used = cpu_seconds(synapse_pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(QUIET_WINDOW_SECONDS)
        used, before = cpu_seconds(synapse_pid), used
        if used - before < QUIET_CPU_SECONDS:
            break
    return round(time.monotonic() - began, 3)


async def start_bot(synapse: ThrowawaySynapse, config_path: Path, data_dir: Path,
                    database_url: str | None) -> asyncio.subprocess.Process:
    """`tno-bot run` as an operator starts it; returns once it logged that it is ready."""
    password_file = data_dir.parent / "bot-password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": synapse.user_id("tno-bot"),
           "TNO_PASSWORD_FILE": str(password_file), "TNO_DATA_DIR": str(data_dir)}
    env.pop("TNO_DATABASE_URL", None)
    if database_url:
        env["TNO_DATABASE_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("tno-bot")), "run", "--config", str(config_path), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    while b"tno-bot ready" not in (line := await asyncio.wait_for(process.stderr.readline(), 60)):
        if not line:
            raise RuntimeError("tno-bot exited before it was ready")
    log_path = data_dir / "bot.log"

    async def keep_log() -> None:  # keep draining its log, into a file kept with the run's results on failure
        with log_path.open("ab") as log_file:
            while line := await process.stderr.readline():
                log_file.write(line)
    asyncio.create_task(keep_log())
    return process


async def run_once(workdir: Path, voters: int, encrypted: bool, pending: int, database_url: str | None,
                   rounds: int, first_position: int, requests: bool = False) -> list[dict]:
    """`rounds` rounds on one homeserver, each a vote's burst and the two echo bursts, the vote's position in the
    round rotating from `first_position`; the measures of each round (with Synapse's requests if `requests`)."""
    config_path = synthetic_config(workdir / "config", voters // 2)
    config = load_config(config_path)
    url = database_url or f"sqlite:///{workdir / 'bot' / 'tno.db'}"
    (workdir / "bot").mkdir(parents=True, exist_ok=True)
    seed_pending(url, config, pending)
    with ThrowawaySynapse(workdir / "synapse", server_name=SERVER, access_log=requests) as synapse:
        bot_id = synapse.register("tno-bot", PASSWORD)
        echo_id = synapse.register("echo-bot", PASSWORD)
        reacting_id = synapse.register("echo-react", PASSWORD)
        bot = await start_bot(synapse, config_path, workdir / "bot", database_url)
        echo = reacting = None
        engine = storage.make_engine(url)  # read-only use: counting ballots
        people: dict[str, Participant] = {}
        try:
            echo = await start_echo(synapse, workdir, "echo-bot", react=False)
            reacting = await start_echo(synapse, workdir, "echo-react", react=True)
            for matrix_id in [p.matrix_id for p in config.people] + [f"@comite:{SERVER}"]:
                localpart = matrix_id[1:].split(":")[0]
                synapse.exempt_from_rate_limits(synapse.register(localpart, PASSWORD))
                people[localpart] = Participant(synapse.url, matrix_id, PASSWORD, workdir / "people" / localpart)
            await asyncio.gather(*(p.start() for p in people.values()))
            president, comite = people["rep00-1"], people["comite"]
            invited = [bot_id, *(p.user_id for p in people.values() if p is not president)]
            room_id = await president.create_room("Séance chargée", invite=invited, encrypted=encrypted,
                                                  alias=ROOM_ALIAS)
            await asyncio.gather(*(p.join(room_id) for p in people.values() if p is not president))
            await president.wait_joined(room_id, bot_id)
            echo_room = await president.create_room("Écho", invite=[echo_id, *invited[1:]], encrypted=encrypted)
            await asyncio.gather(*(p.join(echo_room) for p in people.values() if p is not president))
            await president.wait_joined(echo_room, echo_id)
            reacting_room = await president.create_room("Écho ✅", invite=[reacting_id, *invited[1:]],
                                                        encrypted=encrypted)
            await asyncio.gather(*(p.join(reacting_room) for p in people.values() if p is not president))
            await president.wait_joined(reacting_room, reacting_id)

            start = conference_start()
            created = await ask(president, room_id, f"!conference nouvelle {start:%Y-%m-%d} {start:%H:%M}")
            number = created.split("n° ")[1].split(" ")[0]
            for point in range(1, rounds + 1):
                await ask(comite, room_id, f"!odj ajouter Budget, volet {point}")
            await ask(president, room_id, "!odj envoyer hors-delai")
            await ask(president, room_id, "!odj fixer")
            await ask(president, room_id, f"!seance ouvrir {number}")
            representatives = [people[p.matrix_id[1:].split(":")[0]] for p in config.people]
            everyone = list(people.values())  # the representatives, the président and the comité: they read the rooms
            for participant in representatives:
                await ask(participant, room_id, "!present")

            processes = {"tno_bot": bot.pid, "echo": echo.pid, "echo_reacting": reacting.pid,
                         "synapse": synapse.process.pid, "clients": os.getpid()}

            async def vote(point: int) -> dict:
                await ask(president, room_id, f"!vote ouvrir {point}")
                already = await asyncio.to_thread(ballots, engine)
                before = await asyncio.to_thread(last_outbox_id, engine)
                settle = await settled(engine, everyone, room_id, synapse.process.pid)
                votes, stored, began_unix = await burst(representatives, room_id, "!vote pour", processes,
                                                      synapse.access_log_path)
                async with asyncio.timeout(30):
                    while len(handled := await asyncio.to_thread(handled_at, engine, list(stored))) < len(stored):
                        await asyncio.sleep(0.1)
                votes["done_seconds"] = round(max(handled.values()) - began_unix, 3)
                waited = sorted(handled[event_id] - at / 1000 for event_id, at in stored.items())
                votes["handled_after_stored_min_seconds"] = round(waited[0], 3)
                votes["handled_after_stored_median_seconds"] = round(statistics.median(waited), 3)
                votes["handled_after_stored_max_seconds"] = round(waited[-1], 3)
                votes["settle_seconds"] = settle
                await asyncio.sleep(2)  # the last tally edit, sent once the replies are quiet
                first_stored = min(stored.values())
                last_reply = first_stored + votes["all_replies_stored_by_homeserver_seconds"] * 1000
                votes["tally_edits_stored_after_last_reply_seconds"] = [
                    round((m.origin_server_ts - last_reply) / 1000, 3) for m in president.received
                    if m.room_id == room_id and m.relation[0] == "m.replace" and m.origin_server_ts >= first_stored]
                votes["bot_outbox_rows_of_the_burst"] = await asyncio.to_thread(bot_events_after, engine, before)
                votes["ballot_rows"] = await asyncio.to_thread(ballots, engine) - already
                result = await ask(president, room_id, "!vote clore")
                votes["result_counts_all_pour"] = (f"({voters} pour, 0 contre, 0 abstention)"
                                                   in result.replace("\u202f", " "))
                return votes

            async def echo_burst(echo_room_id: str) -> dict:
                settle = await settled(engine, everyone, echo_room_id, synapse.process.pid)
                measures = (await burst(representatives, echo_room_id, "!echo pour", processes,
                                        synapse.access_log_path))[0]
                return {**measures, "settle_seconds": settle}

            bursts = {"vote": vote, "echo": lambda _: echo_burst(echo_room),
                      "echo_reacting": lambda _: echo_burst(reacting_room)}
            measured = []
            for point in range(1, rounds + 1):
                # each bot first, second and last in turn: no position on the homeserver favours one
                shift = (point - 1 + first_position) % 3
                order = BURSTS[shift:] + BURSTS[:shift]
                done = {name: await bursts[name](point) for name in order}
                measured.append({"round": point, "order": order, "pending_decisions": pending + point - 1,
                                 **done, "ratio_to_echo": ratios(done["vote"], done["echo"]),
                                 "ratio_to_echo_reacting": ratios(done["vote"], done["echo_reacting"])})
                print(json.dumps(measured[-1], ensure_ascii=False), flush=True)
            return measured
        finally:
            await asyncio.gather(*(p.stop() for p in people.values()), return_exceptions=True)
            for process in (bot, echo, reacting):
                if process is not None:
                    process.terminate()
                    await process.wait()
            engine.dispose()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ratios(votes: dict, echoes: dict) -> dict[str, float]:
    return {"all_replies_delivered": round(votes["all_replies_delivered_seconds"]
                                           / echoes["all_replies_delivered_seconds"], 3),
            "all_ballots_recorded": round(votes["done_seconds"] / echoes["all_replies_delivered_seconds"], 3),
            "reply_median": round(votes["reply_median_seconds"] / echoes["reply_median_seconds"], 3)}


def database_for_run(base: str | None, run: int) -> tuple[str | None, object]:
    """A fresh PostgreSQL database on the server of `base` for one run (and how to drop it), or None: SQLite."""
    if base is None:
        return None, lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tno_bench_votes_{os.getpid()}_{run}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def summary(rounds: list[dict]) -> dict:
    """Per ratio, over all rounds: the median and its 95 % bootstrap interval, and the extremes. The two echo bots'
    ratio to each other (the notice echo's time over the ✅ echo's) comes last: how far the rounds spread when no
    tno-bot is involved."""
    from bench.latency import median_interval

    series = {f"{name}.{key}": [r[name][key] for r in rounds]
              for name in ("ratio_to_echo", "ratio_to_echo_reacting") for key in rounds[0][name]}
    for key in ("all_replies_delivered", "reply_median"):
        series[f"echo_to_echo_reacting.{key}"] = [round(r["echo"][f"{key}_seconds"]
                                                        / r["echo_reacting"][f"{key}_seconds"], 3) for r in rounds]
    return {name: {"median": round(statistics.median(values), 3), "interval_95": median_interval(values),
                   "min": min(values), "max": max(values), "n": len(values)} for name, values in series.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument("--runs", type=int, default=1, help="runs on fresh homeservers")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per run (a vote and the two echo bursts each)")
    parser.add_argument("--pending", type=int, default=0, help="decisions awaiting deliberations, given first")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server (a database is created for each run) instead of SQLite")
    parser.add_argument("--requests", action="store_true",
                        help="keep Synapse's access log and record its requests of each burst, by who and endpoint")
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/votes-<mode>[-pending<N>]"
                        "[-postgresql].json)")
    parser.add_argument("--pool", type=Path, nargs="+", metavar="RESULTS",
                        help="no run: sum up the rounds of these results files together (runs of one case and one "
                             "code) into --output")
    args = parser.parse_args()
    if args.pool:
        pool(args.pool, args.output)
        return
    logging.basicConfig(level=logging.ERROR)
    rounds: list[dict] = []
    load_before = os.getloadavg()
    for run in range(args.runs):
        database_url, drop = database_for_run(args.database_url, run)
        try:
            with tempfile.TemporaryDirectory(prefix="tno-bench-votes-") as directory:
                measured = asyncio.run(run_once(Path(directory), args.voters, args.encrypted, args.pending,
                                                database_url, args.rounds, first_position=run % 3,
                                                requests=args.requests))
        finally:
            drop()
        rounds += [{"run": run + 1, **r} for r in measured]
    mode = "encrypted" if args.encrypted else "clear"
    suffix = (f"-pending{args.pending}" if args.pending else "") + ("-postgresql" if args.database_url else "")
    output = args.output or ROOT / "bench" / "results" / f"votes-{mode}{suffix}.json"
    result = {"machine": {"nproc": os.cpu_count(), "python": platform.python_version(),
                          "load_before": [round(x, 2) for x in load_before],
                          "load_after": [round(x, 2) for x in os.getloadavg()]},
              "date": datetime.now(PARIS).isoformat(timespec="seconds"),
              "database": "postgresql" if args.database_url else "sqlite", "encrypted": args.encrypted,
              "voters": args.voters, "summary": summary(rounds), "rounds": rounds}
    write_results(result, output)


def pool(paths: list[Path], output: Path | None) -> None:
    """The rounds of several results files of one case summed up together, each round marked with its file."""
    results = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    cases = {(r["database"], r["encrypted"], r["voters"], r["rounds"][0]["pending_decisions"]) for r in results}
    if len(cases) > 1:
        raise SystemExit(f"these results are of different cases: {sorted(cases)}")
    rounds = [{"file": path.name, **r} for path, result in zip(paths, results) for r in result["rounds"]]
    pooled = {**{key: results[0][key] for key in ("database", "encrypted", "voters")},
              "pooled": [{"file": path.name, "date": r["date"], "machine": r["machine"]}
                         for path, r in zip(paths, results)],
              "summary": summary(rounds), "rounds": rounds}
    write_results(pooled, output or paths[0].with_name(paths[0].stem + "-pooled.json"))


def write_results(result: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, figures in result["summary"].items():
        print(f"{name:<50} median {figures['median']:.3f} (95 % {figures['interval_95'][0]:.3f}"
              f"-{figures['interval_95'][1]:.3f}), {figures['min']:.3f}-{figures['max']:.3f} over {figures['n']}")
    print(f"written {output}")


if __name__ == "__main__":
    main()
