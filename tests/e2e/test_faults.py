"""A homeserver that fails under the bot: nothing lost, nothing doubled, back within seconds.

The bot talks to Synapse through `FaultProxy` (tests/e2e/fault_proxy.py), which answers errors, stalls, drops
connections or cuts answers on command; the participants talk to Synapse directly. TNO_FAULT_OUTAGE_SECONDS sets the
length of the outage (20 s by default, to keep the suite quick; the issue's case is 90).
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import Session, select

from tests.cast import LOCAL
from tests.e2e.conftest import BOT_RECOVERY_KEY, config_with_rooms, password_of
from tests.e2e.fault_proxy import FaultProxy
from tests.e2e.scenarios import ACK, QUORATE, all_sent, answered, ask, opened_seance, room_with_bot, \
    room_with_bot_and
from tests.text import plain
from tno_bot import storage
from tno_bot.service import EXIT_ACCESS_REVOKED
from tno_bot.storage.tables import BallotRow

pytestmark = pytest.mark.e2e

SYNC = r"/sync$"
SEND = r"/rooms/[^/]+/send/"
MESSAGES = r"/rooms/[^/]+/messages$"
OUTAGE_SECONDS = float(os.environ.get("TNO_FAULT_OUTAGE_SECONDS", "20"))
RECOVERY_SECONDS = 15.0  # the retry delays are capped at 10 s (tno_bot/matrix/errors.py)
TNO_BOT = Path(sys.executable).with_name("tno-bot")
OPPOSITE = {"pour": "contre", "contre": "pour"}


@pytest.fixture
async def proxy(synapse):
    proxy = FaultProxy(synapse.url)
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def bot_runner(synapse, cast, proxy, bot_factory, tmp_path):
    """The bot, through the fault proxy."""
    return bot_factory(synapse, tmp_path / "bot", homeserver=proxy.url)


def _report(name: str, **figures) -> None:
    print(f"\n[faults] {name}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))


def _stored_token(engine) -> str | None:
    with Session(engine) as session:
        return storage.get_sync_token(session)


async def test_a_failed_page_back_is_retried_and_every_ballot_counts_once(bot_runner, person, proxy, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    room_id, secretariat, people = await opened_seance(bot_runner, person, present=QUORATE)
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")
    await bot_runner.stop()
    token_before = _stored_token(bot_runner.engine)

    # 30 ballots, each voter changing their mind; the last of each decides: Baume pour, Maes contre, président pour.
    ballots: list[tuple[str, str]] = []
    for turn in range(10):
        for name, last in ((LOCAL.BAUME, "pour"), (LOCAL.MAES, "contre"), (LOCAL.PRESIDENT, "pour")):
            choice = last if turn == 9 else OPPOSITE[last] if turn % 2 else "abstention"
            ballots.append((await people[name].send(room_id, f"!vote {choice}"), name))
    limit = asyncio.Semaphore(4)

    async def chat(number: int) -> None:
        async with limit:
            await secretariat.send(room_id, f"Bavardage {number}")
    await asyncio.gather(*(chat(number) for number in range(110)))  # the ballots fall out of the next sync's 100

    proxy.fail("GET", MESSAGES, status=500, times=3)
    started = time.monotonic()
    await bot_runner.start()
    answers = [await answered(people[name], event_id) for event_id, name in ballots]
    seconds_to_answers = time.monotonic() - started
    assert answers == [ACK] * len(ballots)  # each counted, none refused
    await bot_runner.stop()
    await bot_runner.start()  # a restart replays nothing
    result = await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")

    pages = [seen for seen in proxy.requests("GET", MESSAGES) if seen.at > started]
    assert [seen.outcome for seen in pages[:4]] == ["status 500"] * 3 + ["forwarded 200"]
    # Until the gap was read, every sync started again from the token stored before the bot stopped.
    syncs_before = [seen for seen in proxy.requests("GET", SYNC) if started < seen.at < pages[3].at]
    assert len(syncs_before) >= 4 and {seen.query.get("since") for seen in syncs_before} == {token_before}
    assert _stored_token(bot_runner.engine) != token_before
    with Session(bot_runner.engine) as session:
        recorded = [row.event_id for row in session.exec(select(BallotRow))]
    sent = [event_id for event_id, _ in ballots]
    assert sorted(event_id for event_id in recorded if event_id in sent) == sorted(sent)  # each once
    replies = [len(people[name].answers_to(event_id)) for event_id, name in ballots]
    assert replies == [1] * len(ballots)
    assert "(2 pour, 1 contre, 0 abstention)" in result
    interrupted = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sync interrupted")]
    assert len(interrupted) == 3 and all("HTTP 500" in message for message in interrupted)
    _report("page-back 500 x3", ballots_sent=len(sent), recorded=len(set(recorded) & set(sent)),
            answered=sum(1 for count in replies if count), duplicates=sum(count - 1 for count in replies if count > 1),
            seconds_from_restart_to_last_reply=f"{seconds_to_answers:.1f}")


async def test_an_outage_behind_a_proxy_delays_the_replies_but_loses_and_doubles_none(bot_runner, person, proxy,
                                                                                        caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Panne", encrypted=False)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))

    # The proxy answers 502 to /send, then to /sync as well as soon as a reply met it, until `back_at`.
    back_at = time.monotonic() + OUTAGE_SECONDS
    proxy.fail("PUT", SEND, status=502, seconds=OUTAGE_SECONDS)
    commands = [await emeline.send(room_id, f"!quote-part {1000 + number} 2023") for number in range(3)]
    await emeline.wait_for(lambda: any(seen.outcome == "status 502" for seen in proxy.requests("PUT", SEND)))
    proxy.fail("GET", SYNC, status=502, seconds=back_at - time.monotonic())
    for number in range(3, 25):
        commands.append(await emeline.send(room_id, f"!quote-part {1000 + number} 2023"))
        await asyncio.sleep(0.2)
    await emeline.wait_for(lambda: all(emeline.replies_to(event_id) for event_id in commands),
                           timeout=OUTAGE_SECONDS + 30)
    last_reply = max(emeline.replies_to(event_id)[0].received_at for event_id in commands)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))  # anything doubled would have arrived by now

    replies = [len(emeline.replies_to(event_id)) for event_id in commands]
    assert replies == [1] * len(commands)
    recovery = last_reply - back_at
    assert recovery < RECOVERY_SECONDS
    outcomes = {(seen.method, seen.outcome) for seen in proxy.seen}
    assert ("PUT", "status 502") in outcomes and ("GET", "status 502") in outcomes
    rows = await all_sent(emeline, bot_runner.engine)
    messages = [record.getMessage() for record in caplog.records]
    assert not any("unknown error" in message for message in messages)
    assert any("not sent yet (HTTP 502 (no Matrix error in the answer))" in message for message in messages)
    assert any("reachable again" in message for message in messages)
    _report(f"outage 502 on /sync and /send for {OUTAGE_SECONDS:.0f} s", commands=len(commands),
            answered=sum(1 for count in replies if count), duplicates=sum(count - 1 for count in replies if count > 1),
            most_send_attempts=max(row.attempts for row in rows),
            seconds_from_return_to_last_reply=f"{recovery:.1f}")


async def test_a_slow_and_flaky_homeserver_answers_every_command_once(bot_runner, person, proxy):
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Lenteur", encrypted=False)

    proxy.cut("PUT", SEND, times=2)  # Synapse posts the reply, the answer is lost: sent again with its txn id
    proxy.fail("PUT", SEND, status=504, times=2)
    proxy.stall("PUT", SEND, seconds=3, times=3)
    proxy.drop("GET", SYNC, times=2)
    proxy.stall("GET", SYNC, seconds=2, times=3)
    started = time.monotonic()
    commands = []
    for number in range(12):
        commands.append(await emeline.send(room_id, f"!quote-part {2000 + number} 2023"))
        await asyncio.sleep(0.3)
    await emeline.wait_for(lambda: all(emeline.replies_to(event_id) for event_id in commands), timeout=60)
    seconds_to_answers = time.monotonic() - started
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))

    replies = [len(emeline.replies_to(event_id)) for event_id in commands]
    assert replies == [1] * len(commands)
    assert all(fault.remaining == 0 for fault in proxy.faults if fault.kind != "drop")
    await all_sent(emeline, bot_runner.engine)
    _report("slow and flaky (2 cut, 2x504, 3 stalled /send; 2 dropped, 3 stalled /sync)", commands=len(commands),
            answered=sum(1 for count in replies if count), duplicates=sum(count - 1 for count in replies if count > 1),
            seconds_to_answer_all=f"{seconds_to_answers:.1f}")


async def _delete_device(synapse, user_id: str, device_id: str) -> None:
    await asyncio.to_thread(synapse.admin, "DELETE", f"/_synapse/admin/v2/users/{urllib.parse.quote(user_id)}"
                                                     f"/devices/{urllib.parse.quote(device_id)}")


async def test_a_homeserver_not_answering_yet_at_start_up_is_waited_for(bot_runner, person, proxy, caplog):
    caplog.set_level(logging.WARNING, logger="tno_bot")
    proxy.drop(None, r".*", seconds=2)  # nothing answers (connections dropped) ...
    proxy.fail(None, r"/login$", status=502, times=2)  # ... then a reverse proxy answers 502 to the login
    started = time.monotonic()
    await bot_runner.start(timeout=60)
    ready_after = time.monotonic() - started

    emeline, room_id = await room_with_bot(person, bot_runner, "Démarrage", encrypted=True)
    reply = await emeline.wait_reply(await emeline.send(room_id, "!cles 2023"))
    assert "30,6" in reply.content["body"]
    waits = [record.getMessage() for record in caplog.records if "unavailable at start-up" in record.getMessage()]
    assert waits and all("trying again in" in message for message in waits)
    assert any("HTTP 502" in message for message in waits)
    assert not [record for record in caplog.records if record.exc_info]
    _report("homeserver unavailable at start-up", tries=len(waits) + 1, seconds_to_ready=f"{ready_after:.1f}")


async def test_a_deleted_device_is_replaced_and_the_bot_keeps_answering(bot_runner, person, synapse, caplog):
    caplog.set_level(logging.INFO, logger="tno_bot")
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Révocation", encrypted=False)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))
    old_device = bot_runner.device_id

    await _delete_device(synapse, bot_runner.settings.user_id, old_device)
    deleted_at = time.monotonic()
    command = await emeline.send(room_id, "!appel 2023")
    reply = await emeline.wait_reply(command, timeout=40)
    recovery = reply.received_at - deleted_at
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))

    new_device = bot_runner.device_id
    assert new_device != old_device and "639" in reply.content["body"]
    assert len(emeline.replies_to(command)) == 1
    assert not bot_runner.task.done()
    messages = [record.getMessage() for record in caplog.records]
    assert any("logging in again as a new device" in message and "M_UNKNOWN_TOKEN" in message
               for message in messages)
    assert any(f"device {new_device} signed with the self-signing key" in message
               or f"device {new_device} is cross-signed" in message for message in messages)
    _report("device deleted, password given", commands=1, answered=len(emeline.replies_to(command)),
            duplicates=len(emeline.replies_to(command)) - 1, seconds_from_deletion_to_reply=f"{recovery:.1f}",
            devices=f"{old_device} -> {new_device}")


async def test_a_revoked_access_token_stops_the_service_with_its_own_exit_code(synapse, cast, person, room_pool,
                                                                              tmp_path):
    user_id = cast[LOCAL.BOT]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{synapse.url}/_matrix/client/v3/login", json={
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": user_id},
            "password": password_of(LOCAL.BOT), "device_id": "TOKENONLY", "initial_device_display_name": "tno-bot",
        }) as response:
            access_token = (await response.json())["access_token"]
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": user_id, "TNO_ACCESS_TOKEN": access_token,
           "TNO_DATA_DIR": str(tmp_path / "data"), "TNO_RECOVERY_KEY": BOT_RECOVERY_KEY}
    for name in ("TNO_PASSWORD", "TNO_PASSWORD_FILE", "TNO_DATABASE_URL", "TNO_DEVICE_ID"):
        env.pop(name, None)
    alias = room_pool.take()
    config = config_with_rooms(tmp_path, [alias], synapse.server_name)
    process = subprocess.Popen([str(TNO_BOT), "run", "--config", str(config)], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines: list[str] = []
    try:
        async def read_until(needle: str) -> None:
            while True:
                line = await asyncio.to_thread(process.stderr.readline)
                if not line:
                    return
                lines.append(line)
                if needle in line:
                    return
        await asyncio.wait_for(read_until("tno-bot ready"), 60)
        emeline = await person(LOCAL.BAUME)
        room_id = await emeline.create_room("Jeton", invite=[user_id], encrypted=False, alias=alias)
        await emeline.wait_joined(room_id, user_id)

        await _delete_device(synapse, user_id, "TOKENONLY")
        deleted_at = time.monotonic()
        await emeline.send(room_id, "!cles")  # wakes the bot's long-poll
        exit_code = await asyncio.to_thread(process.wait, 40)
        stopped = time.monotonic() - deleted_at
        lines.extend(process.stderr.readlines())
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()

    log = "".join(lines)
    assert exit_code == EXIT_ACCESS_REVOKED, log
    said = [line for line in lines if "no longer accepts the bot's access token" in line]
    assert len(said) == 1 and " ERROR " in said[0] and "TNO_ACCESS_TOKEN" in said[0], log
    assert "Traceback" not in log and access_token not in log
    _report("access token revoked, no password", exit_code=exit_code, seconds_from_deletion_to_exit=f"{stopped:.1f}")


async def test_devices_deleted_again_and_again_stop_the_bot_instead_of_new_devices_without_end(
        bot_runner, person, synapse, monkeypatch, caplog):
    from tno_bot.matrix import bot as bot_module
    from tno_bot.matrix.session import AccessTokenRevoked

    monkeypatch.setattr(bot_module, "MAX_NEW_DEVICES", 1)  # 3 in an hour in service: one here keeps the test short
    caplog.set_level(logging.INFO, logger="tno_bot")
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Révocations", encrypted=False)
    first = bot_runner.device_id
    await _delete_device(synapse, bot_runner.settings.user_id, first)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"), timeout=40)  # answered by a new device
    second = bot_runner.device_id
    assert second != first

    await _delete_device(synapse, bot_runner.settings.user_id, second)
    await emeline.send(room_id, "!cles")  # wakes the bot's long-poll
    done, _ = await asyncio.wait({bot_runner.task}, timeout=40)

    assert done, "the bot still runs"
    with pytest.raises(AccessTokenRevoked, match="already logged in again as a new device 1 time"):
        bot_runner.task.result()
    assert bot_runner.device_id == second  # no third device
    _report("device deleted twice, new devices capped at 1", devices=f"{first} -> {second}", third_device="none",
            exit_code=EXIT_ACCESS_REVOKED)


async def test_a_stalled_send_is_abandoned_and_sent_again_instead_of_holding_the_lane(bot_runner, person, proxy,
                                                                                        monkeypatch, caplog):
    from tno_bot.matrix import outbox

    monkeypatch.setattr(outbox, "SEND_TIMEOUT_SECONDS", 5.0)  # 30 s in service: shorter here, same behaviour
    caplog.set_level(logging.INFO, logger="tno_bot")
    await bot_runner.start()
    emeline, room_id = await room_with_bot(person, bot_runner, "Envoi bloqué", encrypted=False)
    proxy.stall("PUT", SEND, seconds=600, times=1)  # no answer for ten minutes (then it would be forwarded)

    started = time.monotonic()
    first = await emeline.send(room_id, "!cles 2023")
    second = await emeline.send(room_id, "!quote-part 1000 2023")  # same lane: it waited behind the stalled one
    await emeline.wait_reply(second, timeout=60)
    seconds_to_answers = time.monotonic() - started

    assert len(emeline.replies_to(first)) == 1 and len(emeline.replies_to(second)) == 1
    assert [fault.remaining for fault in proxy.faults] == [0]  # the stall met a send
    await all_sent(emeline, bot_runner.engine)
    assert any("not sent yet (TimeoutError)" in record.getMessage() for record in caplog.records)
    _report("a /send stalled for 600 s (send timeout 5 s)", commands=2, answered=2, duplicates=0,
            seconds_to_answer_both=f"{seconds_to_answers:.1f}")


async def test_a_reply_slow_to_be_stored_does_not_hold_back_the_next_command(bot_runner, person, proxy):
    """After a lone command the bot gives the homeserver a moment to store and deliver its reply before asking for
    the next sync; a homeserver slow to store it (busy: the first ballot of a burst looks lone) must not hold back the
    commands that came meanwhile (it held them until the reply was stored, for up to a second)."""
    from tno_bot.matrix.outbox import REPLIES_QUIET_SECONDS

    await bot_runner.start()
    emeline, bertrand, room_id = await room_with_bot_and(person, bot_runner, "Réponse lente", False, LOCAL.MAES)
    await emeline.wait_reply(await emeline.send(room_id, "!cles"))
    await asyncio.sleep(REPLIES_QUIET_SECONDS * 2)  # her next command is a lone one

    proxy.stall("PUT", SEND, seconds=3, times=1)  # the homeserver stores her reply three seconds late
    hers = await emeline.send(room_id, "!appel 2023")
    async with asyncio.timeout(10):
        while await asyncio.to_thread(_processed, bot_runner.engine, hers) is None:
            await asyncio.sleep(0.01)
    sent_at = time.monotonic()
    his = await bertrand.send(room_id, "!cles 2023")
    reply = await bertrand.wait_reply(his, timeout=10)

    assert "30,6" in plain(reply.content["body"])
    assert reply.received_at - sent_at < 0.8  # 0.23 s on a quiet machine; held behind hers, 1.06 s
    assert not emeline.replies_to(hers)  # hers is still on its way
    assert "639" in plain((await emeline.wait_reply(hers, timeout=10)).content["body"])
    _report("a lone reply stored 3 s late", seconds_to_the_next_reply=f"{reply.received_at - sent_at:.2f}")


def _processed(engine, event_id: str) -> storage.ProcessedEvent | None:
    with Session(engine) as session:
        return storage.processed_event(session, event_id)
