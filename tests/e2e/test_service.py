"""`tno-bot run` as an operator starts it: environment, readiness line, answers, clean stop on SIGTERM."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cast import LOCAL
from tests.e2e.conftest import BOT_RECOVERY_KEY, config_with_rooms
from tests.e2e.fault_proxy import FaultProxy

pytestmark = pytest.mark.e2e

TNO_BOT = Path(sys.executable).with_name("tno-bot")


async def wait_for_line(process: subprocess.Popen, needle: str, seen: list[str], timeout: float = 60) -> None:
    async def read() -> None:
        while True:
            line = await asyncio.to_thread(process.stderr.readline)
            if not line:
                raise AssertionError("tno-bot exited:\n" + "".join(seen))
            seen.append(line)
            if needle in line:
                return
    await asyncio.wait_for(read(), timeout)


async def stop(process: subprocess.Popen, seen: list[str]) -> int:
    """SIGTERM, then the exit code once the process stopped (within 20 s), its last log lines added to `seen`."""
    process.send_signal(signal.SIGTERM)
    exit_code = await asyncio.to_thread(process.wait, 20)
    seen.extend(process.stderr.readlines())
    return exit_code


def kill_if_running(process: subprocess.Popen) -> None:
    """The process killed, when a failing test left it running."""
    if process.poll() is None:
        process.kill()
        process.wait()


async def test_tno_bot_run_serves_a_room_and_stops_cleanly(synapse, cast, person, room_pool, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("secret-tno-bot\n", encoding="utf-8")  # the cast's password for the bot account
    recovery_key_file = tmp_path / "recovery-key"
    recovery_key_file.write_text(BOT_RECOVERY_KEY + "\n", encoding="utf-8")
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": cast["tno-bot"],
           "TNO_PASSWORD_FILE": str(password_file), "TNO_DATA_DIR": str(tmp_path / "data"),
           "TNO_DEVICE_ID": "SERVICE", "TNO_RECOVERY_KEY_FILE": str(recovery_key_file),
           "TNO_PICKLE_KEY": "pickle-of-the-operator"}
    env.pop("TNO_DATABASE_URL", None)
    alias, not_created = room_pool.take(), room_pool.take()
    config = config_with_rooms(tmp_path, [alias, not_created], synapse.server_name)
    process = subprocess.Popen([str(TNO_BOT), "run", "--config", str(config)], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: list[str] = []
    try:
        await wait_for_line(process, "tno-bot ready", seen)
        emeline = await person(LOCAL.BAUME)
        room_id = await emeline.create_room("Service", invite=[cast["tno-bot"]], encrypted=True, alias=alias)
        await emeline.wait_joined(room_id, cast["tno-bot"])
        reply = await emeline.wait_reply(await emeline.send(room_id, "!cles 2023"))
        assert "30,6" in reply.content["body"]
        exit_code = await stop(process, seen)
    finally:
        kill_if_running(process)

    assert exit_code == 0
    log = "".join(seen)
    assert f"configured room #{not_created}:{synapse.server_name} does not exist (yet)" in log
    assert "device SERVICE signed with the self-signing key" in log or "device SERVICE is cross-signed" in log
    assert (tmp_path / "data" / "tno.db").exists()
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / "tno.db").stat().st_mode) == 0o600
    assert not (tmp_path / "data" / "pickle-key").exists()  # the operator's key is used, none is made
    for secret in ("secret-tno-bot", "syt_", "pickle-of-the-operator", BOT_RECOVERY_KEY,
                   BOT_RECOVERY_KEY.replace(" ", "")):
        assert secret not in log, secret


async def test_tno_bot_run_waits_for_a_homeserver_down_at_start_up(synapse, cast, person, room_pool, tmp_path):
    """Started while nothing answers on the homeserver's port (connection refused), then while a reverse proxy
    answers 502 (the homeserver still starting), the bot says so in one line per attempt, then logs in and answers;
    no traceback."""
    with socket.socket() as probe:  # a port with nothing behind it, until the proxy listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TNO_HOMESERVER": f"http://127.0.0.1:{port}", "TNO_USER_ID": cast["tno-bot"],
           "TNO_PASSWORD": "secret-tno-bot", "TNO_RECOVERY_KEY": BOT_RECOVERY_KEY,
           "TNO_DATA_DIR": str(tmp_path / "data")}
    env.pop("TNO_DATABASE_URL", None)
    alias = room_pool.take()
    config = config_with_rooms(tmp_path, [alias], synapse.server_name)
    process = subprocess.Popen([str(TNO_BOT), "run", "--config", str(config)], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proxy = FaultProxy(synapse.url)
    seen: list[str] = []
    try:
        for _ in range(2):
            await wait_for_line(process, "unavailable at start-up", seen)
        proxy.fail(None, "", status=502, times=2)
        await proxy.start(port)
        await wait_for_line(process, "tno-bot ready", seen)
        emeline = await person(LOCAL.BAUME)
        room_id = await emeline.create_room("Reprise", invite=[cast["tno-bot"]], encrypted=False, alias=alias)
        await emeline.wait_joined(room_id, cast["tno-bot"])
        reply = await emeline.wait_reply(await emeline.send(room_id, "!cles 2023"))
        exit_code = await stop(process, seen)
    finally:
        kill_if_running(process)
        await proxy.stop()

    log = "".join(seen)
    assert exit_code == 0, log
    assert "30,6" in reply.content["body"]
    attempts = [line for line in seen if "unavailable at start-up" in line]
    assert len(attempts) >= 4, log  # refused connections, then two 502 answers
    first, last = seen.index(attempts[0]), seen.index(attempts[-1])
    assert seen[first:last + 1] == attempts, log  # one line per attempt, nothing between them
    assert any("502" in line for line in attempts), attempts
    assert all(f"127.0.0.1:{port}" in line and "trying again in" in line for line in attempts)
    assert sum(1 for outcome in proxy.seen if outcome.outcome == "status 502") == 2
    assert "Traceback" not in log, log
