"""`tno-bot run` reloads its config on SIGHUP, as `systemctl reload` sends it: after an election, a new
representative votes without a restart; a file with a problem is refused, its problem logged, the roster in force
kept; `!config` tells the secrétariat which version runs."""
from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.cast import KHELIFI, LOCAL
from tests.e2e.conftest import BOT_RECOVERY_KEY, config_with_rooms, password_of
from tests.e2e.scenarios import ACK, QUORATE, ask, prepared_conference, vote
from tests.e2e.test_service import TNO_BOT, kill_if_running, stop, wait_for_line

pytestmark = pytest.mark.e2e

NEW = "nadia.nouvelle"  # elected in place of Zemorda Khelifi (Métropole de Lyon, titulaire)


class SubprocessBot:
    """What `scenarios.prepared_conference` needs of a bot runner, for a bot run by `tno-bot run`."""

    def __init__(self, user_id: str, alias: str) -> None:
        self.settings = SimpleNamespace(user_id=user_id)
        self.alias = alias

    async def start(self) -> None:
        """Started already, as a process."""

    def room_alias(self) -> str:
        return self.alias


def elected(config: Path, original: str, server_name: str, member: str = "metropole") -> None:
    """The `original` config written with Zemorda Khelifi replaced by the new representative, of `member`."""
    old = (f'matrix_id = "{KHELIFI}"\nname = "Zemorda Khelifi"\nmember = "metropole"')
    assert old in original
    config.write_text(original.replace(old, f'matrix_id = "@{NEW}:{server_name}"\nname = "Nadia Nouvelle"\n'
                                            f'member = "{member}"'), encoding="utf-8")


async def test_sighup_applies_a_new_roster_and_refuses_a_bad_one(synapse, cast, person, tmp_path, room_pool):
    synapse.register(NEW, password_of(NEW))
    alias = room_pool.take()
    config = config_with_rooms(tmp_path, [alias], synapse.server_name)
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": cast["tno-bot"],
           "TNO_PASSWORD": "secret-tno-bot", "TNO_RECOVERY_KEY": BOT_RECOVERY_KEY,
           "TNO_DATA_DIR": str(tmp_path / "data")}
    env.pop("TNO_DATABASE_URL", None)
    process = subprocess.Popen([str(TNO_BOT), "run", "--config", str(config)], env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: list[str] = []
    try:
        await wait_for_line(process, "tno-bot ready", seen)
        original = config.read_text(encoding="utf-8")
        first_digest = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
        room_id, number, secretariat, people = await prepared_conference(
            SubprocessBot(cast["tno-bot"], alias), person)
        president = people[LOCAL.PRESIDENT]
        await ask(secretariat, room_id, f"!seance ouvrir {number}")
        for name in QUORATE:
            await ask(people[name], room_id, "!present")
        nadia = await person(NEW)
        await secretariat.client.room_invite(room_id, nadia.user_id)
        await nadia.join(room_id)
        assert "Vote" in await ask(president, room_id, "!vote ouvrir 1")

        elected(config, original, synapse.server_name, member="metropol")  # a typo: no such member
        process.send_signal(signal.SIGHUP)
        await wait_for_line(process, "config reload refused (", seen)
        refused_vote = await vote(nadia, room_id, "!vote pour")
        khelifi_present = await ask(people[LOCAL.KHELIFI], room_id, "!present")
        after_refusal = await ask(secretariat, room_id, "!config")

        elected(config, original, synapse.server_name)
        new_digest = hashlib.sha256(config.read_bytes()).hexdigest()[:12]
        process.send_signal(signal.SIGHUP)
        await wait_for_line(process, "config reloaded: version", seen)
        await ask(nadia, room_id, "!present")
        ballots = [await vote(nadia, room_id, "!vote pour")]
        ballots += [await vote(people[name], room_id, "!vote pour") for name in QUORATE]
        khelifi_after = await vote(people[LOCAL.KHELIFI], room_id, "!vote pour")
        result = await ask(president, room_id, "!vote clore")
        after_reload = await ask(secretariat, room_id, "!config")
        representative_asks = await ask(people[LOCAL.BAUME], room_id, "!config")
        exit_code = await stop(process, seen)
    finally:
        kill_if_running(process)

    log = "".join(seen)
    assert exit_code == 0, log
    assert "metropol" in next(line for line in seen if "config reload refused:" in line)  # the problem, named
    assert "ne siège pas à la conférence" in refused_vote  # the old roster: she is nobody yet
    assert "Présence enregistrée" in khelifi_present and "Zemorda Khelifi" in khelifi_present  # still in office
    assert "ne siège pas à la conférence" in khelifi_after  # replaced once the valid file is loaded
    assert first_digest in after_refusal and "refusé" in after_refusal
    assert ballots == [ACK] * 4
    assert "(4 pour, 0 contre, 0 abstention)" in result
    assert new_digest in after_reload and "refusé" not in after_reload
    assert first_digest not in after_reload
    assert "Seuls" in representative_asks  # for the secrétariat and the admins only
    assert "Traceback" not in log
