"""Start-up time of tno-bot (from `TnoBot.run()` to `ready`) with and without an existing cross-signing identity.

One throwaway Synapse on loopback; each round registers a new bot account and starts the real bot four times:
  first       no identity on the account: identity created, secret storage written, device signed
  restart     same data directory: identity from the local cache, device already signed
  new_store   encryption store deleted: new device signed, old device removed
  new_machine data directory deleted, recovery key given: identity from secret storage, new device signed
Writes bench/results/startup.json (the raw times in ms and their medians) and prints a table.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tno_bot import storage  # noqa: E402
from tno_bot.config import load_config  # noqa: E402
from tno_bot.homeserver import ThrowawaySynapse  # noqa: E402
from tno_bot.matrix.bot import TnoBot  # noqa: E402
from tno_bot.matrix.secret_storage import encode_recovery_key  # noqa: E402
from tno_bot.matrix.settings import MatrixSettings  # noqa: E402

CASES = ("first", "restart", "new_store", "new_machine")


async def timed_start(config, settings: MatrixSettings) -> float:
    """Milliseconds from run() to ready; the bot is stopped afterwards."""
    engine = storage.make_engine(f"sqlite:///{settings.data_dir / 'tno.db'}")
    storage.migrate(engine)
    bot = TnoBot(config, settings, engine)
    started = time.perf_counter()
    task = asyncio.create_task(bot.run())
    try:
        waiter = asyncio.create_task(bot.ready.wait())
        await asyncio.wait({waiter, task}, timeout=90, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        return (time.perf_counter() - started) * 1000
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        engine.dispose()


async def measure(synapse: ThrowawaySynapse, workdir: Path, rounds: int) -> dict[str, list[float]]:
    config = dataclasses.replace(load_config(ROOT / "config" / "tno.example.toml"), rooms=())
    times: dict[str, list[float]] = {case: [] for case in CASES}
    for round_number in range(rounds):
        password = secrets.token_urlsafe(16)
        user_id = synapse.register(f"tno-bot-{round_number}", password)
        data_dir = workdir / f"bot-{round_number}"
        settings = MatrixSettings(homeserver=synapse.url, user_id=user_id, data_dir=data_dir, password=password,
                                  pickle_key=secrets.token_urlsafe(32))
        times["first"].append(await timed_start(config, settings))
        recovery_key = (data_dir / "recovery-key.txt").read_text(encoding="utf-8").strip()
        (data_dir / "recovery-key.txt").unlink()
        times["restart"].append(await timed_start(config, settings))
        shutil.rmtree(settings.store_dir)
        times["new_store"].append(await timed_start(config, settings))
        shutil.rmtree(data_dir)
        times["new_machine"].append(await timed_start(config, dataclasses.replace(settings,
                                                                                   recovery_key=recovery_key)))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "startup.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tno-startup-") as directory:
        workdir = Path(directory)
        with ThrowawaySynapse(workdir / "synapse") as synapse:
            times = asyncio.run(measure(synapse, workdir, args.rounds))
    summary = {case: round(statistics.median(values), 1) for case, values in times.items()}
    Path(args.output).write_text(json.dumps({"rounds": args.rounds, "median_ms": summary,
                                             "times_ms": {case: [round(value, 1) for value in values]
                                                          for case, values in times.items()}}, indent=1) + "\n")
    for case in CASES:
        print(f"{case:12} median {summary[case]:7.1f} ms   ({', '.join(f'{v:.0f}' for v in times[case])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
