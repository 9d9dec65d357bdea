"""Reply latency of tno-bot against a raw echo bot and a minimal nio echo bot, on the same throwaway Synapse, in the same run.

    .venv/bin/python bench/latency.py [--rounds N] [--warmup N] [--encrypted] [--layout processes|inprocess]
                                      [--pause SECONDS] [--profile] [--output PATH] [--keep]

One run starts a local Synapse (server name ``tno.example``, loopback only) in a temporary directory, registers
``tno-bot``, ``echo-bot`` and the representative ``emeline.baume``, and starts:

* the real tno-bot (``TnoBot`` with ``config/tno.example.toml``, which serves ``#conference:tno.example``, SQLite in
  the temporary directory);
* the raw floor (clear rooms only: it cannot decrypt): a bot written here with no Matrix library, plain HTTP
  ``/sync`` and ``/send`` with aiohttp, answering ``!raw…`` with the same filter, long-poll and reply shape;
* a minimal echo bot written here with plain matrix-nio (``AsyncClient.sync_forever`` and a ``RoomMessageText``
  callback) that answers ``!echo…`` with an ``m.notice`` in reply to the command (``m.relates_to.m.in_reply_to``:
  the shape of tno-bot's replies), with the same client settings (encryption support on, own device and store,
  the same sync filter and long-poll timeout as tno-bot).

With the default layout each bot runs in a process of its own, as it would in production, so that the
representative's client does not share an event loop with the bots; ``--layout inprocess`` runs everything in one
event loop (as the end-to-end tests do).

The representative creates one room per bot the same way (private, with an alias the bot's config names, inviting
one bot each; encrypted with ``--encrypted``), then sends ``!appel 2023`` in the tno-bot room, ``!echo 2023`` and
``!raw 2023`` in the others (the order rotates every round), one command at a time. The ratios are tno-bot's against
each floor: the raw one in clear rooms, the nio echo bot (the floor that can decrypt) in encrypted rooms. Latency =
from just before ``room_send`` to the moment the reply comes out of the
representative's own long-poll ``/sync`` (the callback's ``time.monotonic()``). Warm-up rounds are dropped.

``--profile`` also timestamps the stages inside both bots (CLOCK_MONOTONIC is shared by the processes of the
machine, so the bots' timestamps line up with the representative's) and prints where the time goes.

Results: a table on stdout and ``bench/results/latency-<clear|encrypted>.json`` (raw figures in milliseconds).
Everything started here is stopped at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import logging
import os
import platform
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nio import (  # noqa: E402
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginError,
    MatrixRoom,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
)

from tno_bot.homeserver import ThrowawaySynapse  # noqa: E402
from tno_bot.matrix.participant import Participant  # noqa: E402
from tno_bot.matrix.sync import LONG_POLL_MS, SYNC_FILTER  # noqa: E402

SERVER_NAME = "tno.example"
CONFIG_PATH = ROOT / "config" / "tno.example.toml"
RESULTS_DIR = ROOT / "bench" / "results"
TNO, ECHO, RAW = "tno-bot", "echo-bot", "raw-echo"
REPRESENTATIVE = "emeline.baume"
COMMANDS = {TNO: "!appel 2023", ECHO: "!echo 2023", RAW: "!raw 2023"}
READY_LINE = "READY"

log = logging.getLogger("bench")


# ====================================================================== bots (run in a child process or a task)
class Recorder:
    """Stage timestamps inside a bot (``--profile``): (stage, start, end, key), times from time.monotonic()."""

    def __init__(self) -> None:
        self.records: list[tuple[str, float, float, Any]] = []
        self._lock = threading.Lock()

    def add(self, stage: str, start: float, end: float, key: Any = None) -> None:
        with self._lock:
            self.records.append((stage, start, end, key))

    def dump(self, path: str | None) -> None:
        if path:
            Path(path).write_text(json.dumps(self.records), encoding="utf-8")


def _event_ids(response) -> list[str]:
    rooms = getattr(getattr(response, "rooms", None), "join", {}) or {}
    return [event.event_id for info in rooms.values() for event in info.timeline.events
            if getattr(event, "event_id", None)]


def _timed_sync(client: AsyncClient, recorder: Recorder) -> None:
    original = client.sync

    async def sync(*args, **kwargs):
        started = time.monotonic()
        response = await original(*args, **kwargs)
        recorder.add("sync", started, time.monotonic(), _event_ids(response))
        return response

    client.sync = sync


def _timed_room_send(client: AsyncClient, recorder: Recorder) -> None:
    original = client.room_send

    async def room_send(room_id, message_type, content, *args, **kwargs):
        started = time.monotonic()
        response = await original(room_id, message_type, content, *args, **kwargs)
        in_reply_to = content.get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
        recorder.add("room_send", started, time.monotonic(), in_reply_to)
        return response

    client.room_send = room_send


def _instrument_tno(recorder: Recorder) -> None:
    """Wrap the stages of tno-bot's pipeline (bench only: nothing outside this process is changed)."""
    from tno_bot.matrix import bot as bot_module
    from tno_bot.matrix.dispatcher import Dispatcher
    from tno_bot.matrix.outbox import OutboxSender
    from tno_bot.matrix.sync import SyncLoop

    connect = bot_module.connect

    async def timed_connect(settings):
        client = await connect(settings)
        _timed_sync(client, recorder)
        _timed_room_send(client, recorder)
        return client

    bot_module.connect = timed_connect

    def timed_thread(name, function, key_of):
        def wrapper(*args, **kwargs):
            started = time.monotonic()
            try:
                return function(*args, **kwargs)
            finally:
                recorder.add(name, started, time.monotonic(), key_of(args))
        return wrapper

    def timed_coroutine(name, function):
        async def wrapper(*args, **kwargs):
            started = time.monotonic()
            try:
                return await function(*args, **kwargs)
            finally:
                recorder.add(name, started, time.monotonic())
        return wrapper

    Dispatcher.process = timed_thread("dispatch", Dispatcher.process, lambda args: args[1].event_id)
    OutboxSender._pending = timed_thread("outbox_pending", OutboxSender._pending, lambda args: None)
    OutboxSender._record = timed_thread("outbox_record", OutboxSender._record, lambda args: args[1].__name__)
    wake = OutboxSender.wake

    def timed_wake(self):
        now = time.monotonic()
        recorder.add("wake", now, now)
        wake(self)

    OutboxSender.wake = timed_wake
    SyncLoop._save_token = timed_coroutine("save_token", SyncLoop._save_token)
    SyncLoop.housekeeping = timed_coroutine("housekeeping", SyncLoop.housekeeping)


async def serve_tno(spec: dict, ready: asyncio.Event, recorder: Recorder | None) -> None:
    from tno_bot import storage
    from tno_bot.config import load_config
    from tno_bot.matrix.bot import TnoBot
    from tno_bot.matrix.settings import MatrixSettings

    if recorder:
        _instrument_tno(recorder)
    config = load_config(CONFIG_PATH)  # serves #conference:tno.example, the alias of its bench room
    data_dir = Path(spec["data_dir"])
    engine = storage.make_engine(f"sqlite:///{data_dir / 'tno.db'}")
    storage.migrate(engine)
    settings = MatrixSettings(homeserver=spec["homeserver"], user_id=spec["user_id"], data_dir=data_dir,
                              password=spec["password"])
    bot = TnoBot(config, settings, engine)
    task = asyncio.create_task(bot.run(), name="tno-bot")
    try:
        waiter = asyncio.create_task(bot.ready.wait())
        await asyncio.wait({waiter, task}, timeout=90, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        if not bot.ready.is_set():
            raise RuntimeError("tno-bot did not become ready in 90 s")
        ready.set()
        await task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        engine.dispose()


async def serve_echo(spec: dict, ready: asyncio.Event, recorder: Recorder | None) -> None:
    """The minimal echo bot: plain matrix-nio, same client settings and reply shape as tno-bot."""
    store = Path(spec["data_dir"]) / "crypto"
    store.mkdir(parents=True, exist_ok=True)
    client = AsyncClient(spec["homeserver"], spec["user_id"], device_id="ECHOBOT", store_path=str(store),
                         config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False,
                                                  max_limit_exceeded=0, max_timeouts=2, request_timeout=60))
    if recorder:
        _timed_room_send(client, recorder)
    lanes = asyncio.Semaphore(spec["concurrency"]) if spec.get("concurrency") else None
    pending: set[asyncio.Task] = set()

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_text(room: MatrixRoom, event: RoomMessageText) -> None:
        if recorder:
            now = time.monotonic()
            recorder.add("sync", now, now, [event.event_id])
        if event.sender == client.user_id or not event.body.startswith("!echo"):
            return
        body = event.body
        if spec.get("echo_chars"):  # --echo-chars: a reply as large as tno-bot's, to isolate the payload's cost
            body = (body + "\n" + "x" * spec["echo_chars"])[: max(len(body), spec["echo_chars"] // 2)]
        event_type, content = "m.room.message", {
            "msgtype": "m.notice",
            "body": body,
            "format": "org.matrix.custom.html",
            "formatted_body": html.escape(body),
            "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            "m.mentions": {},
        }
        if spec.get("react"):  # bench/votes.py: a ✅ on the command, the event tno-bot acknowledges a ballot with
            event_type, content = "m.reaction", {
                "m.relates_to": {"rel_type": "m.annotation", "event_id": event.event_id, "key": "✅"}}
        if lanes is None:
            await send(room.room_id, event_type, content)
        else:  # --concurrency (bench/votes.py): replies sent concurrently, as tno-bot's outbox lanes do
            pending.add(task := asyncio.create_task(send(room.room_id, event_type, content, lanes)))
            task.add_done_callback(pending.discard)

    async def send(room_id: str, event_type: str, content: dict, lanes: asyncio.Semaphore | None = None) -> None:
        async with lanes or contextlib.nullcontext():
            response = await client.room_send(room_id, event_type, content, ignore_unverified_devices=True)
        if not isinstance(response, RoomSendResponse):
            log.warning("echo reply refused: %s", response)

    try:
        response = await client.login(spec["password"], device_name="echo-bot")
        if isinstance(response, LoginError):
            raise RuntimeError(f"echo-bot login refused: {response.message}")
        client.add_event_callback(on_invite, InviteMemberEvent)
        await client.sync(timeout=0, sync_filter=SYNC_FILTER, full_state=True)  # skip history
        if client.should_upload_keys:
            await client.keys_upload()
        client.add_event_callback(on_text, RoomMessageText)
        ready.set()
        await client.sync_forever(timeout=LONG_POLL_MS, sync_filter=SYNC_FILTER)
    finally:
        await client.close()


async def serve_raw(spec: dict, ready: asyncio.Event, recorder: Recorder | None) -> None:
    """The raw floor: no Matrix library, plain HTTP `/sync` and `/send` with aiohttp, the same filter and long-poll
    and the same reply shape. It cannot decrypt, so it is measured in clear rooms only."""
    import aiohttp

    base = spec["homeserver"].rstrip("/") + "/_matrix/client/v3"
    sync_filter = json.dumps(SYNC_FILTER)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=LONG_POLL_MS / 1000 + 60)) as http:
        async with http.post(f"{base}/login", json={
                "type": "m.login.password", "identifier": {"type": "m.id.user", "user": spec["user_id"]},
                "password": spec["password"], "device_id": "RAWECHO"}) as answer:
            answer.raise_for_status()
            headers = {"Authorization": f"Bearer {(await answer.json())['access_token']}"}

        async def sync(since: str | None, timeout: int) -> dict:
            params = {"filter": sync_filter, "timeout": str(timeout)} | ({"since": since} if since else {})
            async with http.get(f"{base}/sync", params=params, headers=headers) as answer:
                answer.raise_for_status()
                return await answer.json()

        async def answer_command(room_id: str, event: dict) -> None:
            body = event["content"]["body"]
            content = {"msgtype": "m.notice", "body": body, "format": "org.matrix.custom.html",
                       "formatted_body": html.escape(body),
                       "m.relates_to": {"m.in_reply_to": {"event_id": event["event_id"]}}, "m.mentions": {}}
            txn = f"raw{time.monotonic_ns()}"
            start = time.monotonic()
            async with http.put(f"{base}/rooms/{room_id}/send/m.room.message/{txn}", json=content,
                                headers=headers) as answer:
                answer.raise_for_status()
            if recorder:
                recorder.add("room_send", start, time.monotonic(), event["event_id"])

        since = (await sync(None, 0))["next_batch"]  # skip history
        ready.set()
        while True:
            response = await sync(since, LONG_POLL_MS)
            since = response["next_batch"]
            rooms = response.get("rooms", {})
            for room_id in rooms.get("invite", {}):
                async with http.post(f"{base}/join/{room_id}", json={}, headers=headers) as answer:
                    answer.raise_for_status()
            for room_id, room in rooms.get("join", {}).items():
                for event in room.get("timeline", {}).get("events", []):
                    if recorder:
                        now = time.monotonic()
                        recorder.add("sync", now, now, [event.get("event_id")])
                    content = event.get("content", {})
                    if (event.get("type") == "m.room.message" and event.get("sender") != spec["user_id"]
                            and content.get("msgtype") == "m.text" and content.get("body", "").startswith("!raw")):
                        await answer_command(room_id, event)


SERVERS = {TNO: serve_tno, ECHO: serve_echo, RAW: serve_raw}
ROOM_ALIASES = {TNO: "conference", ECHO: "echo", RAW: "raw"}  # tno-bot serves only the rooms of its config


def child_main(role: str, spec_path: str) -> int:
    """`--serve ROLE --spec FILE`: run one bot until SIGTERM (or until the parent closes our stdin)."""
    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s {role} %(levelname)s %(name)s: %(message)s")
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    recorder = Recorder() if spec.get("profile") else None

    async def main() -> None:
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()
        task = asyncio.create_task(SERVERS[role](spec, ready, recorder))
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        loop.add_signal_handler(signal.SIGINT, task.cancel)

        def watch_stdin() -> None:  # the parent died or closed the pipe: stop
            sys.stdin.read()
            loop.call_soon_threadsafe(task.cancel)

        threading.Thread(target=watch_stdin, daemon=True).start()
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
        if ready.is_set():
            print(READY_LINE, flush=True)
        try:
            await task
        except asyncio.CancelledError:
            pass
        finally:
            waiter.cancel()

    profiler = None
    if spec.get("cprofile_path"):  # --cprofile: the bot's event loop thread under cProfile
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    try:
        asyncio.run(main())
    finally:
        if recorder:
            recorder.dump(spec.get("profile_path"))
        if profiler:
            profiler.disable()
            profiler.dump_stats(spec["cprofile_path"])
    return 0


class BotHandle:
    """One bot, either in a child process (`processes`) or as a task of this event loop (`inprocess`)."""

    def __init__(self, role: str, spec: dict, layout: str, workdir: Path) -> None:
        self.role, self.spec, self.layout = role, spec, layout
        self.spec_path = workdir / f"{role}.spec.json"
        self.log_path = workdir / f"{role}.log"
        self.process: asyncio.subprocess.Process | None = None
        self.task: asyncio.Task | None = None
        self.recorder: Recorder | None = None

    async def start(self, timeout: float = 120) -> None:
        if self.layout == "inprocess":
            self.recorder = Recorder() if self.spec.get("profile") else None
            ready = asyncio.Event()
            self.task = asyncio.create_task(SERVERS[self.role](self.spec, ready, self.recorder))
            waiter = asyncio.create_task(ready.wait())
            await asyncio.wait({waiter, self.task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if self.task.done():
                self.task.result()
            if not ready.is_set():
                raise RuntimeError(f"{self.role} did not become ready in {timeout:.0f} s")
            return
        self.spec_path.write_text(json.dumps(self.spec), encoding="utf-8")
        with open(self.log_path, "ab") as log_file:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, str(Path(__file__).resolve()), "--serve", self.role, "--spec", str(self.spec_path),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log_file, cwd=ROOT,
            )
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except TimeoutError:
            line = b""
        if line.decode().strip() != READY_LINE:
            await self.stop()
            tail = self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise RuntimeError(f"{self.role} did not become ready; end of its log:\n{tail}")

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
            self.task = None
        if self.process:
            process, self.process = self.process, None
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 20)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            if process.stdin:
                process.stdin.close()

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the bot's process so far (processes layout)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def profile(self) -> list:
        if self.recorder:
            return self.recorder.records
        path = self.spec.get("profile_path")
        if path and Path(path).exists():
            return json.loads(Path(path).read_text(encoding="utf-8"))
        return []


# ====================================================================== the representative and the measurement
def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18] if len(ordered) > 1 else ordered[0]
    return {"median": statistics.median(ordered), "p95": p95, "min": ordered[0], "max": ordered[-1],
            "mean": statistics.fmean(ordered)}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def _wait_devices(participant: Participant, user_id: str, timeout: float = 30) -> None:
    """Until the representative knows the bot's device keys (so the first encrypted command reaches it)."""
    await participant.wait_for(lambda: any(True for _ in participant.client.device_store.active_user_devices(user_id)),
                               timeout)


def roles_of(encrypted: bool) -> tuple[str, ...]:
    """The bots measured: the raw floor cannot decrypt, so in encrypted rooms the floor is the nio echo bot."""
    return (TNO, ECHO) if encrypted else (TNO, ECHO, RAW)


async def measure(args, synapse: ThrowawaySynapse, workdir: Path, passwords: dict[str, str]) -> dict:
    ids = {name: synapse.user_id(name) for name in passwords}
    roles = roles_of(args.encrypted)
    bots = {}
    for role in roles:
        spec = {"homeserver": synapse.url, "user_id": ids[role], "password": passwords[role],
                "data_dir": str(workdir / role), "profile": args.profile, "echo_chars": args.echo_chars,
                "profile_path": str(workdir / f"{role}.profile.json"),
                "cprofile_path": str(args.cprofile / f"{role}.pstats") if args.cprofile else None}
        bots[role] = BotHandle(role, spec, args.layout, workdir)
    participant = Participant(synapse.url, ids[REPRESENTATIVE], passwords[REPRESENTATIVE],
                              workdir / "people" / REPRESENTATIVE)
    server_ts: dict[str, int] = {}
    decrypted: set[str] = set()

    async def stamp(room: MatrixRoom, event) -> None:
        server_ts[event.event_id] = event.server_timestamp
        if getattr(event, "decrypted", False):
            decrypted.add(event.event_id)

    participant.client.add_event_callback(stamp, (RoomMessageText, RoomMessageNotice))
    samples: list[dict] = []
    try:
        for bot in bots.values():
            await bot.start()
        await participant.start()
        rooms = {}
        for role in roles:  # created identically: private chat, one bot invited, same encryption
            rooms[role] = await participant.create_room(f"bench {role}", invite=[ids[role]], alias=ROOM_ALIASES[role],
                                                        encrypted=args.encrypted)
        for role in roles:
            await participant.wait_joined(rooms[role], ids[role], timeout=60)
            if args.encrypted:
                await _wait_devices(participant, ids[role])
        total = args.warmup + args.rounds
        cpu_start: dict[str, float] = {}
        for turn in range(total):
            if turn == args.warmup and args.layout == "processes":
                cpu_start = {role: bot.cpu_seconds() for role, bot in bots.items()}
            shift = turn % len(roles)  # each bot in each position in turn
            for role in roles[shift:] + roles[:shift]:
                sent_at = time.monotonic()
                event_id = await participant.send(rooms[role], COMMANDS[role])
                send_returned = time.monotonic()
                reply = await participant.wait_reply(event_id, timeout=60)
                samples.append({
                    "bot": role, "turn": turn, "warmup": turn < args.warmup, "event_id": event_id,
                    "sent_at": sent_at, "send_returned": send_returned, "received_at": reply.received_at,
                    "latency_ms": _ms(reply.received_at - sent_at),
                    "server_ms": (server_ts[reply.event_id] - server_ts[event_id])
                    if reply.event_id in server_ts and event_id in server_ts else None,
                    "reply_chars": len(json.dumps(reply.content)),
                    "reply_was_encrypted": reply.event_id in decrypted,
                })
                await asyncio.sleep(args.pause)
            if (turn + 1) % 10 == 0:
                print(f"  {turn + 1}/{total} rounds", file=sys.stderr, flush=True)
        cpu_ms = {role: _ms((bot.cpu_seconds() - cpu_start[role]) / args.rounds)
                  for role, bot in bots.items()} if args.layout == "processes" else {}
    finally:
        await participant.stop()
        for bot in bots.values():
            await bot.stop()
    profiles = {role: bot.profile() for role, bot in bots.items()} if args.profile else {}
    return {"samples": samples, "profiles": profiles, "cpu_ms_per_command": cpu_ms}


# ====================================================================== profile analysis
def _stage_breakdown(samples: list[dict], profiles: dict[str, list]) -> dict[str, dict[str, float]]:
    """Per bot, the median of each stage (ms) from the command's send to the reply's reception."""
    result: dict[str, dict[str, float]] = {}
    for role, records in profiles.items():
        sync_seen: dict[str, float] = {}
        dispatch: dict[str, tuple[float, float]] = {}
        sends: dict[str, tuple[float, float]] = {}
        for stage, start, end, key in records:
            if stage == "sync":
                for event_id in key or []:
                    sync_seen.setdefault(event_id, end)
            elif stage == "dispatch":
                dispatch[key] = (start, end)
            elif stage == "room_send" and key:
                sends[key] = (start, end)
        columns: dict[str, list[float]] = {}

        def put(name: str, value: float) -> None:
            columns.setdefault(name, []).append(value * 1000)

        for sample in samples:
            if sample["bot"] != role or sample["warmup"]:
                continue
            event_id = sample["event_id"]
            if event_id not in sync_seen or event_id not in sends:
                continue
            seen, (send_start, send_end) = sync_seen[event_id], sends[event_id]
            put("1 client room_send (command stored)", sample["send_returned"] - sample["sent_at"])
            put("2 stored -> bot's sync hands it over", seen - sample["send_returned"])
            if event_id in dispatch:
                d_start, d_end = dispatch[event_id]
                put("3a sync -> dispatch thread starts", d_start - seen)
                put("3b dispatch (handler + transaction)", d_end - d_start)
                put("3c dispatch end -> outbox room_send", send_start - d_end)
            else:
                put("3 callback -> room_send", send_start - seen)
            put("4 bot room_send (reply stored)", send_end - send_start)
            put("5 reply send start -> client sync", sample["received_at"] - send_start)
        result[role] = {name: round(statistics.median(values), 2) for name, values in sorted(columns.items())}
        others: dict[str, list[float]] = {}
        for stage, start, end, key in records:
            if stage in ("outbox_pending", "outbox_record", "save_token", "housekeeping", "dispatch"):
                others.setdefault(stage, []).append((end - start) * 1000)
        for stage, values in sorted(others.items()):
            result[role][f"(each {stage}: median, n)"] = [round(statistics.median(values), 2), len(values)]
    return result


# ====================================================================== report
def machine() -> dict:
    import importlib.metadata as metadata

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
        "synapse": metadata.version("matrix-synapse"), "matrix-nio": metadata.version("matrix-nio"),
        "platform": platform.platform(),
    }


def summarize(samples: list[dict], roles: tuple[str, ...]) -> dict:
    measured = {role: [s["latency_ms"] for s in samples if s["bot"] == role and not s["warmup"]]
                for role in roles}
    server = {role: [s["server_ms"] for s in samples if s["bot"] == role and not s["warmup"]
                     and s["server_ms"] is not None] for role in roles}
    stats = {role: _stats(values) for role, values in measured.items()}
    summary = {
        role: {key: round(value, 2) for key, value in stats[role].items()} | {
            "n": len(measured[role]),
            "server_turnaround_median_ms": statistics.median(server[role]) if server[role] else None,
            "reply_chars": max(s["reply_chars"] for s in samples if s["bot"] == role),
            "replies_encrypted": sum(s["reply_was_encrypted"] for s in samples if s["bot"] == role),
        }
        for role in roles
    }
    summary["ratio"] = {  # tno-bot against the nio echo bot
        "median": round(stats[TNO]["median"] / stats[ECHO]["median"], 3),
        "p95": round(stats[TNO]["p95"] / stats[ECHO]["p95"], 3),
    }
    summary["paired"] = {f"tno-{floor}": paired(measured[TNO], measured[floor])
                         for floor in (RAW, ECHO) if floor in roles}
    if RAW in roles:
        summary["ratio_raw"] = {  # tno-bot, and the nio echo bot, against the raw floor
            "median": round(stats[TNO]["median"] / stats[RAW]["median"], 3),
            "p95": round(stats[TNO]["p95"] / stats[RAW]["p95"], 3),
            "echo_median": round(stats[ECHO]["median"] / stats[RAW]["median"], 3),
            "echo_p95": round(stats[ECHO]["p95"] / stats[RAW]["p95"], 3),
        }
    return summary


def paired(bot: list[float], floor: list[float], resamples: int = 2000) -> dict:
    """Round by round (the bots answer in turn, so each round's pair saw the same moment of the machine): the
    median of `bot` - `floor`, its 95 % bootstrap interval, and the ratio it makes on the floor's median."""
    differences = [b - f for b, f in zip(bot, floor)]
    median, floor_median = statistics.median(differences), statistics.median(floor)
    return {"median_ms": round(median, 2), "interval_95_ms": median_interval(differences, resamples),
            "ratio": round((floor_median + median) / floor_median, 3)}


def median_interval(values: list[float], resamples: int = 2000) -> list[float]:
    """The 95 % bootstrap interval of the median of `values` (the same interval for the same values)."""
    draw = random.Random(16)
    medians = sorted(statistics.median(draw.choices(values, k=len(values))) for _ in range(resamples))
    return [round(medians[int(0.025 * resamples)], 3), round(medians[int(0.975 * resamples) - 1], 3)]


def print_table(summary: dict, mode: str, layout: str) -> None:
    print(f"\nsend -> reply latency seen by {REPRESENTATIVE} ({mode} rooms, bots {layout}), milliseconds")
    print(f"{'bot':<10}{'n':>5}{'median':>10}{'p95':>10}{'min':>10}{'max':>10}{'server':>10}")
    roles = [role for role in (TNO, ECHO, RAW) if role in summary]
    for role in roles:
        s = summary[role]
        print(f"{role:<10}{s['n']:>5}{s['median']:>10.1f}{s['p95']:>10.1f}{s['min']:>10.1f}{s['max']:>10.1f}"
              f"{s['server_turnaround_median_ms'] or 0:>10.0f}")
    ratio = summary["ratio"]
    floor = "floor" if RAW not in summary else "nio echo"
    print(f"ratio tno/echo ({floor}): median {ratio['median']:.3f}, p95 {ratio['p95']:.3f} (target <= 1.15: "
          f"{'met' if max(ratio.values()) <= 1.15 else 'NOT met'})")
    if "ratio_raw" in summary:
        raw = summary["ratio_raw"]
        print(f"ratio tno/raw (floor): median {raw['median']:.3f}, p95 {raw['p95']:.3f} (target <= 1.15: "
              f"{'met' if max(raw['median'], raw['p95']) <= 1.15 else 'NOT met'}); echo/raw: median "
              f"{raw['echo_median']:.3f}, p95 {raw['echo_p95']:.3f}")
    for pair, found in summary["paired"].items():
        low, high = found["interval_95_ms"]
        print(f"paired by round, {pair}: median {found['median_ms']:+.1f} ms (95 % interval {low:+.1f} to "
              f"{high:+.1f}), ratio {found['ratio']:.3f} on the floor's median")
    print("(server = median of reply.origin_server_ts - command.origin_server_ts; reply sizes "
          f"{' / '.join(str(summary[role]['reply_chars']) for role in roles)} chars; replies that came encrypted "
          f"{' / '.join(str(summary[role]['replies_encrypted']) for role in roles)})")


def _compact_json(data: dict) -> str:
    """Indented JSON with each list of numbers on one line (a small, diff-friendly results file)."""
    text = json.dumps(data, indent=1)
    return re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda match: "[" + " ".join(match.group(1).split()) + "]", text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="measured rounds per bot (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="rounds dropped at the start (default 5)")
    parser.add_argument("--encrypted", action="store_true", help="encrypted rooms (m.megolm.v1.aes-sha2)")
    parser.add_argument("--layout", choices=("processes", "inprocess"), default="processes",
                        help="bots in child processes (default) or in the bench's event loop")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between two commands (default 0.3)")
    parser.add_argument("--profile", action="store_true", help="timestamp the stages inside both bots")
    parser.add_argument("--cprofile", type=Path, metavar="DIR",
                        help="diagnostic: each bot's event loop under cProfile, <DIR>/<bot>.pstats")
    parser.add_argument("--echo-chars", type=int, default=0,
                        help="diagnostic: pad the echo replies to about this many characters (tno-bot's ~3700)")
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/latency-<mode>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    parser.add_argument("--serve", choices=tuple(SERVERS), help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rounds < 2 or args.warmup < 0:
        parser.error("--rounds must be at least 2 and --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        return child_main(args.serve, args.spec)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    mode = "encrypted" if args.encrypted else "clear"
    output = args.output or RESULTS_DIR / f"latency-{mode}.json"
    workdir = Path(tempfile.mkdtemp(prefix="tno-bench-"))
    load_before = os.getloadavg()
    started = time.monotonic()
    try:
        print(f"Synapse in {workdir} ...", file=sys.stderr)
        with ThrowawaySynapse(workdir / "synapse", server_name=SERVER_NAME) as synapse:
            passwords = {name: f"bench-{name}" for name in (*roles_of(args.encrypted), REPRESENTATIVE)}
            for name, password in passwords.items():
                synapse.register(name, password)
            measured = asyncio.run(measure(args, synapse, workdir, passwords))
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    samples = measured["samples"]
    roles = roles_of(args.encrypted)
    summary = summarize(samples, roles)
    print_table(summary, mode, args.layout)
    if measured["cpu_ms_per_command"]:
        print("CPU per command (bot process, user + system, ms): " + ", ".join(
            f"{role} {value:.1f}" for role, value in measured["cpu_ms_per_command"].items()))
    breakdown = _stage_breakdown(samples, measured["profiles"]) if args.profile else None
    if breakdown:
        for role, stages in breakdown.items():
            print(f"\n{role}: median per stage (ms)")
            for name, value in stages.items():
                print(f"  {name:<42} {value}")
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode, "layout": args.layout, "rounds": args.rounds, "warmup": args.warmup, "pause_s": args.pause,
        "echo_chars": args.echo_chars,
        "rooms": "private rooms with an alias created identically by the representative, one bot invited in each",
        "commands": COMMANDS, "machine": machine(),
        "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "duration_s": round(time.monotonic() - started, 1),
        "summary": summary, "cpu_ms_per_command": measured["cpu_ms_per_command"],
        "latency_ms": {role: [s["latency_ms"] for s in samples if s["bot"] == role and not s["warmup"]]
                       for role in roles},
        "warmup_latency_ms": {role: [s["latency_ms"] for s in samples if s["bot"] == role and s["warmup"]]
                              for role in roles},
        "server_ms": {role: [s["server_ms"] for s in samples if s["bot"] == role and not s["warmup"]]
                      for role in roles},
    }
    if breakdown:
        result["stages_median_ms"] = breakdown
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(_compact_json(result) + "\n", encoding="utf-8")
    print(f"\nwritten {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
