"""`tno-bot run` as the DSI runs it: JSON logs, /health and /metrics read by a real HTTP client while commands
arrive, the display name and avatar of `[service]` seen by a member of the room."""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import struct
import subprocess
import zlib
from pathlib import Path

import aiohttp
import pytest
from nio import ProfileGetResponse
from prometheus_client.parser import text_string_to_metric_families

from tests.cast import LOCAL
from tests.e2e.conftest import BOT_RECOVERY_KEY, config_with_rooms
from tests.e2e.test_service import TNO_BOT, wait_for_line

pytestmark = pytest.mark.e2e

NAME = "Secrétariat TNO (essai)"


def png_pixel() -> bytes:
    """A 1×1 PNG, made here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x1f\x5e\xa0"))
            + chunk(b"IEND", b""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_config(tmp_path: Path, port: int, alias: str, server_name: str) -> Path:
    """The example config serving the room `alias`, with a `[service]` table for the endpoint, the name and avatar."""
    path = config_with_rooms(tmp_path, [alias], server_name)
    (path.parent / "avatar.png").write_bytes(png_pixel())
    text = path.read_text(encoding="utf-8")
    start, end = text.index("[service]"), text.index("# Membres de l'entente")
    path.write_text(text[:start] + f'[service]\nlog_format = "text"\nhealth_port = {port}\ndisplay_name = "{NAME}"\n'
                    'avatar = "avatar.png"\n\n' + text[end:], encoding="utf-8")
    return path


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


async def test_health_metrics_json_logs_and_presence(synapse, cast, person, tmp_path, room_pool):
    port = free_port()
    alias = room_pool.take()
    config = service_config(tmp_path, port, alias, synapse.server_name)
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": cast["tno-bot"],
           "TNO_PASSWORD": "secret-tno-bot", "TNO_RECOVERY_KEY": BOT_RECOVERY_KEY,
           "TNO_DATA_DIR": str(tmp_path / "data"), "TNO_LOG_FORMAT": "json"}  # the variable wins over the file
    env.pop("TNO_DATABASE_URL", None)
    process = subprocess.Popen([str(TNO_BOT), "run", "--config", str(config)], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: list[str] = []
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_for_line(process, "tno-bot ready", seen)
        async with aiohttp.ClientSession() as http:
            async def get(path: str) -> tuple[int, str]:
                async with http.get(base + path) as response:
                    return response.status, await response.text()

            status, body = await get("/health")
            assert status == 200, body
            report = json.loads(body)
            assert (report["status"], report["database"], report["problems"]) == ("ok", "ok", [])
            before = samples((await get("/metrics"))[1])

            emeline = await person(LOCAL.BAUME)
            room_id = await emeline.create_room("Exploitation", invite=[cast["tno-bot"]], encrypted=True,
                                                alias=alias)
            await emeline.wait_joined(room_id, cast["tno-bot"])
            assert "30,6" in (await emeline.wait_reply(await emeline.send(room_id, "!cles 2023"))).content["body"]
            await emeline.wait_reply(await emeline.send(room_id, "!budget 2023"))
            await emeline.wait_reply(await emeline.send(room_id, "!cafe noir"))

            # A reply can reach Emeline before the bot has recorded it as sent: read until the three are.
            for _ in range(100):
                after = samples((await get("/metrics"))[1])
                if after[("tno_messages_sent_total", ())] - before[("tno_messages_sent_total", ())] >= 3:
                    break
                await asyncio.sleep(0.1)
            profile = await emeline.client.get_profile(cast["tno-bot"])
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(process.wait, 20)
        seen.extend(process.stderr.readlines())

    def count(name: str, **labels) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert count("tno_commands_total", command="cles") == 1
    assert count("tno_commands_total", command="budget") == 1
    assert count("tno_commands_total", command="inconnue") == 1  # "!cafe": no such command, answered all the same
    assert count("tno_command_duration_seconds_count") == 3
    assert count("tno_messages_sent_total") >= 3
    assert after[("tno_outbox_backlog", ())] == 0 and after[("tno_database_up", ())] == 1
    assert after[("tno_last_sync_timestamp_seconds", ())] > before[("process_start_time_seconds", ())]
    assert ("tno_reminders_missed_total", ()) in after and ("tno_undecryptable_events_waiting", ()) in after

    assert isinstance(profile, ProfileGetResponse)
    assert profile.displayname == NAME and profile.avatar_url.startswith("mxc://")

    assert exit_code == 0
    lines = [json.loads(line) for line in seen]  # every line a JSON object, nio's chatter included if any
    handled = [line["message"] for line in lines if line["message"].startswith("command ")]
    assert [message.split()[1] for message in handled] == ["cles", "budget", "inconnue"], handled
    assert all(" handled in " in message and " ms: event $" in message for message in handled)
    # No message text, not even a word of it. Whole words: a process id (12023) or an event id may hold the digits.
    message_words = re.compile(r"\b(2023|noir|cafe)\b")
    assert not any(message_words.search(line["message"]) for line in lines), lines
    assert not any(line["logger"].startswith("nio") and line["level"] == "WARNING" for line in lines)
