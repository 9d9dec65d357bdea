"""`tno-bot backup` taken while ballots arrive, restored into a fresh data directory: the restored bot answers and
has every processed event and every ballot, none twice."""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess

import pytest
from sqlmodel import Session, select

from tests.cast import EXAMPLE_CONFIG, LOCAL
from tests.e2e.scenarios import QUORATE, ask, opened_seance
from tests.e2e.test_service import TNO_BOT
from tno_bot import storage
from tno_bot.storage.tables import BallotRow, ProcessedEvent

pytestmark = pytest.mark.e2e

CHOICES = ("contre", "abstention", "contre", "abstention", "pour")


def stored(engine) -> tuple[set[str], list[tuple[str, str, str]]]:
    with Session(engine) as session:
        processed = {row.event_id for row in session.exec(select(ProcessedEvent))}
        ballots = sorted((b.event_id, b.voter, b.choice) for b in session.exec(select(BallotRow)))
    return processed, ballots


async def test_a_backup_taken_during_a_vote_restores_every_event_and_ballot(bot_runner, bot_factory, synapse,
                                                                             person, tmp_path):
    room_id, _, people = await opened_seance(bot_runner, person, present=QUORATE)
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")

    async def burst() -> list[tuple[str, str]]:
        """Each voter changes their mind four times, over about four seconds: the backup is taken meanwhile."""
        sent = []
        for choice in CHOICES:
            for name in QUORATE:
                sent.append((name, await people[name].send(room_id, f"!vote {choice}")))
            await asyncio.sleep(0.8)
        return sent

    voting = asyncio.create_task(burst())
    await asyncio.sleep(0.2)
    env = {**os.environ, "TNO_DATA_DIR": str(bot_runner.settings.data_dir)}
    env.pop("TNO_DATABASE_URL", None)
    backup = await asyncio.to_thread(
        subprocess.run, [str(TNO_BOT), "backup", str(tmp_path / "backup"), "--config", str(EXAMPLE_CONFIG)],
        env=env, capture_output=True, text=True, timeout=60)
    sent = await voting
    for name, event_id in sent:
        await people[name].wait_answer(event_id)  # a counted ballot is acknowledged by a reaction
    assert backup.returncode == 0, backup.stderr
    assert "bases SQLite copiées à chaud" in backup.stdout
    processed, ballots = stored(bot_runner.engine)
    assert {event_id for _, event_id in sent} <= processed and len(ballots) == len(CHOICES) * len(QUORATE)
    await bot_runner.stop()
    copy = storage.make_engine(f"sqlite:///{tmp_path / 'backup' / 'data' / 'tno.db'}")
    assert set(stored(copy)[1]) <= set(ballots)  # a snapshot of the burst (6 of its 15 ballots when written)
    copy.dispose()

    manifest = json.loads((tmp_path / "backup" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == storage.LATEST_VERSION and manifest["database"] == "sqlite"
    assert {"data/tno.db", "config/tno.example.toml", "config/budgets/2023.toml"} <= set(manifest["files"])
    assert any(name.startswith("data/crypto/") for name in manifest["files"])
    assert not any(name.endswith(("-wal", "-shm")) for name in manifest["files"])

    # The restore of the README: the backup's data directory copied to a fresh one, the bot started on it.
    restored_dir = tmp_path / "restored"
    shutil.copytree(tmp_path / "backup" / "data", restored_dir)
    restored = bot_factory(synapse, restored_dir)
    await restored.start()  # ready once the events since the backup's sync token were handled
    processed_again, ballots_again = stored(restored.engine)
    assert processed <= processed_again
    assert ballots_again == ballots  # every ballot, none twice, whatever the backup caught of the burst
    result = await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")
    assert "adoptée à l’unanimité (3 pour, 0 contre, 0 abstention)" in result
