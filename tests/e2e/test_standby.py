"""Two `tno-bot run` on one database and one account: the second waits as a standby, naming the instance that holds
the lock; the first is killed (SIGKILL) in the middle of a burst of commands; the standby takes over and every
command is answered exactly once. On SQLite (a shared database file) and on PostgreSQL (TNO_TEST_DATABASE_URL).

The two share the data directory, so the standby serves as the same device: a reply the first had sent but not yet
marked sent when it died is sent again with the same device and transaction id, and the homeserver posts it once
(Synapse scopes transaction ids by device). With a data directory of its own, the standby would log in as another
device and such a reply could appear twice: the README says so."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.cast import LOCAL
from tests.e2e.conftest import BOT_RECOVERY_KEY, config_with_rooms
from tests.e2e.test_service import TNO_BOT, wait_for_line
from tno_bot import storage
from tno_bot.storage.tables import ProcessedEvent

pytestmark = pytest.mark.e2e


def start(synapse, cast, config: Path, data_dir: Path, database_url: str) -> subprocess.Popen:
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": cast["tno-bot"],
           "TNO_PASSWORD": "secret-tno-bot", "TNO_RECOVERY_KEY": BOT_RECOVERY_KEY, "TNO_DATA_DIR": str(data_dir),
           "TNO_DATABASE_URL": database_url}
    return subprocess.Popen([str(TNO_BOT), "run", "--config", str(config)], env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def test_the_standby_takes_over_a_killed_instance_and_answers_every_command_once(
        synapse, cast, person, tmp_path, database_url, room_pool):
    alias = room_pool.take()
    config = config_with_rooms(tmp_path, [alias], synapse.server_name)
    first = start(synapse, cast, config, tmp_path / "data", database_url)
    second = None
    first_log: list[str] = []
    second_log: list[str] = []
    try:
        await wait_for_line(first, "tno-bot ready", first_log)
        second = start(synapse, cast, config, tmp_path / "data", database_url)
        await wait_for_line(second, "standby: the database is in use by", second_log)
        assert f"pid {first.pid}" in second_log[-1]  # who holds the lock

        emeline = await person(LOCAL.BAUME)
        room_id = await emeline.create_room("Relève", invite=[cast["tno-bot"]], encrypted=True, alias=alias)
        await emeline.wait_joined(room_id, cast["tno-bot"])
        sent = [await emeline.send(room_id, f"!quote-part {amount} 2023") for amount in (1000, 2000, 3000)]
        await emeline.wait_reply(sent[0])
        first.send_signal(signal.SIGKILL)  # the replies to the others may or may not have left
        sent += [await emeline.send(room_id, f"!quote-part {amount} 2023") for amount in (4000, 5000, 6000)]

        await wait_for_line(second, "tno-bot ready", second_log)
        for event_id in sent:
            await emeline.wait_reply(event_id, timeout=60)
        last = await emeline.send(room_id, "!cles 2023")  # after the replies of the burst, in the same lane
        await emeline.wait_reply(last)
        second.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(second.wait, 20) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    assert first.wait() == -signal.SIGKILL
    for event_id in [*sent, last]:
        assert len(emeline.replies_to(event_id)) == 1, event_id
    engine = storage.make_engine(database_url)
    with Session(engine) as session:
        processed = set(session.exec(select(ProcessedEvent.event_id)).scalars())
    engine.dispose()
    assert set(sent) | {last} <= processed
    assert any("instance lock taken" in line for line in second_log)
