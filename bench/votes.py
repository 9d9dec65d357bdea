"""Fifty representatives voting within the same second, against a real Synapse (issue 4, "Load").

    .venv/bin/python bench/votes.py [--voters 50] [--encrypted] [--runs 1]

One run: a throwaway Synapse, the real tno-bot (`tno-bot run` in a process of its own, as in production, so that it
does not share the GIL with the 52 clients of the bench), and a synthetic entente of 25 members with two titulaires each
(50 representatives, each a real Matrix client with its own device), plus a président and a comité technique. The
conference of today gets its agenda (sent late and fixed by the président), the séance is opened, everybody says
`!present`, the vote is opened, then all 50 send `!vote pour` at once (one `asyncio.gather`). Measured from the
first send: the time until every ballot is a row in the database, and until every voter has received the reply to
their ballot; then the vote is closed and the result checked (50 pour). Everything runs on loopback and is stopped
at the end. Figures are printed and written to bench/results/votes-<clear|encrypted>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, func, select  # noqa: E402

from tno_bot import storage  # noqa: E402
from tno_bot.config import load_config  # noqa: E402
from tno_bot.domain.calendar import PARIS  # noqa: E402
from tno_bot.homeserver import ThrowawaySynapse  # noqa: E402
from tno_bot.matrix.participant import Participant  # noqa: E402
from tno_bot.storage.tables import BallotRow  # noqa: E402

SERVER = "tno.example"
ROOM_ALIAS = "seance"  # the séance's room, the one room the bot serves
PASSWORD = "bench-password"


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


async def ask(participant: Participant, room_id: str, text: str) -> str:
    reply = await participant.wait_reply(await participant.send(room_id, text), timeout=60)
    return reply.content["body"]


def ballots(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(BallotRow)).one()


async def start_bot(synapse: ThrowawaySynapse, config_path: Path, data_dir: Path) -> asyncio.subprocess.Process:
    """`tno-bot run` as an operator starts it; returns once it logged that it is ready."""
    password_file = data_dir.parent / "bot-password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    env = {**os.environ, "TNO_HOMESERVER": synapse.url, "TNO_USER_ID": synapse.user_id("tno-bot"),
           "TNO_PASSWORD_FILE": str(password_file), "TNO_DATA_DIR": str(data_dir)}
    env.pop("TNO_DATABASE_URL", None)
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


async def run_once(workdir: Path, voters: int, encrypted: bool) -> dict:
    config_path = synthetic_config(workdir / "config", voters // 2)
    config = load_config(config_path)
    with ThrowawaySynapse(workdir / "synapse", server_name=SERVER) as synapse:
        bot_id = synapse.register("tno-bot", PASSWORD)
        bot = await start_bot(synapse, config_path, workdir / "bot")
        engine = storage.make_engine(f"sqlite:///{workdir / 'bot' / 'tno.db'}")  # read-only use: counting ballots
        people: dict[str, Participant] = {}
        try:
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

            start = datetime.now(PARIS) + timedelta(minutes=10)
            created = await ask(president, room_id, f"!conference nouvelle {start:%Y-%m-%d} {start:%H:%M}")
            number = created.split("n° ")[1].split(" ")[0]
            await ask(comite, room_id, "!odj ajouter Budget")
            await ask(president, room_id, "!odj envoyer hors-delai")
            await ask(president, room_id, "!odj fixer")
            await ask(president, room_id, f"!seance ouvrir {number}")
            representatives = [people[p.matrix_id[1:].split(":")[0]] for p in config.people]
            for participant in representatives:
                await ask(participant, room_id, "!present")
            await ask(president, room_id, "!vote ouvrir 1")

            began = time.monotonic()
            sent = await asyncio.gather(*(p.send(room_id, "!vote pour") for p in representatives))
            sent_seconds = time.monotonic() - began
            recorded_at = None
            while recorded_at is None or not all(p.replies_to(e) for p, e in zip(representatives, sent)):
                if recorded_at is None and await asyncio.to_thread(ballots, engine) >= voters:
                    recorded_at = time.monotonic() - began
                if time.monotonic() - began > 120:
                    log_tail = (workdir / "bot" / "bot.log").read_text(encoding="utf-8")[-3000:]
                    answered = sum(bool(p.replies_to(e)) for p, e in zip(representatives, sent))
                    raise TimeoutError(f"after 300 s: {await asyncio.to_thread(ballots, engine)} ballots recorded, "
                                       f"{answered} replies received; the bot's log ends with:\n{log_tail}")
                await asyncio.sleep(0.02)
            replies = sorted(min(m.received_at for m in p.replies_to(e)) - began
                             for p, e in zip(representatives, sent))
            stored = sorted(min(m.origin_server_ts for m in p.replies_to(e)) for p, e in zip(representatives, sent))
            first_stored = min(m.origin_server_ts for m in president.received if m.event_id in set(sent))
            result = await ask(president, room_id, "!vote clore")
            duplicates = sum(len(p.replies_to(e)) - 1 for p, e in zip(representatives, sent))
            return {
                "voters": voters, "encrypted": encrypted, "sends_seconds": round(sent_seconds, 3),
                "all_ballots_recorded_seconds": round(recorded_at, 3),
                "all_replies_delivered_seconds": round(replies[-1], 3),
                "reply_median_seconds": round(statistics.median(replies), 3),
                "all_replies_stored_by_homeserver_seconds": round((stored[-1] - first_stored) / 1000, 3),
                "ballot_rows": await asyncio.to_thread(ballots, engine), "duplicate_replies": duplicates,
                "result_counts_all_pour": f"({voters} pour, 0 contre, 0 abstention)" in result.replace("\u202f", " "),
            }
        finally:
            await asyncio.gather(*(p.stop() for p in people.values()), return_exceptions=True)
            bot.terminate()
            await bot.wait()
            engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="tno-bench-votes-") as directory:
            runs.append(asyncio.run(run_once(Path(directory), args.voters, args.encrypted)))
        print(json.dumps(runs[-1], ensure_ascii=False))
    mode = "encrypted" if args.encrypted else "clear"
    output = ROOT / "bench" / "results" / f"votes-{mode}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": {"nproc": os.cpu_count(), "python": platform.python_version()},
                                  "date": datetime.now(PARIS).isoformat(timespec="seconds"), "runs": runs},
                                 ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
