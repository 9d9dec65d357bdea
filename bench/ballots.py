"""CPU per ballot: what the bot does for each `!vote pour` of a burst, without a homeserver (issue 16, target 3).

    .venv/bin/python bench/ballots.py [--rounds 6] [--pending 0] [--database-url URL] [--output PATH]

The bot's own code path, as `matrix/bot.py` runs it for each command: `Dispatcher.process` (the ballot checked and
written, the ✅ and the tally edit queued, in one transaction), then `DueWork.replan` (after every command: the
replan a vote's closing asks for, the register planned again with its new decision, is the closing's, timed too). The entente is the synthetic
one of `bench/votes.py` (25 members, two titulaires each); the séance is opened and all 50 say `!present`; then each
round opens a vote on its point, the 50 representatives vote `pour` one after the other, and the vote is closed.
`--pending N` first gives the bot N adopted decisions awaiting every member's deliberation, as `bench/votes.py` does
(target 1: the cost of a ballot with 100 against none). Each ballot is timed in CPU of this process
(`time.process_time`) and in wall time; the medians per round and over all rounds are printed and written to
bench/results/ballots-<sqlite|postgresql>[-pending<N>].json. SQLite in a temporary directory, or a database created on
the PostgreSQL server of `--database-url` (dropped after the run).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.votes import SERVER, conference_start, database_for_run, seed_pending, synthetic_config  # noqa: E402
from tno_bot import storage  # noqa: E402
from tno_bot.config import load_config  # noqa: E402
from tno_bot.matrix.dispatcher import Dispatcher, IncomingMessage  # noqa: E402
from tno_bot.matrix.scheduler import DueWork  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
ROOM = f"!seance:{SERVER}"
PRESIDENT, COMITE = f"@rep00-1:{SERVER}", f"@comite:{SERVER}"


class Seance:
    """The bot's dispatcher and clock on a fresh database, commands handed to it as the sync loop does."""

    def __init__(self, config, url: str) -> None:
        self.engine = storage.make_engine(url)
        storage.migrate(self.engine)
        self.dispatcher = Dispatcher(config, self.engine)
        self.due_work = DueWork(config, self.engine, asyncio.Lock(), lambda: None)
        self.sent = 0

    async def say(self, sender: str, text: str) -> str:
        """The command handled, then the replan, as `matrix/bot.py` does once the replies are handed to the sender;
        the first reply's body ('' for a reaction)."""
        self.sent += 1
        queued = self.dispatcher.process(IncomingMessage(ROOM, f"$bench{self.sent}", sender, text,
                                                         int(time.time() * 1000)))
        if not queued:
            raise RuntimeError(f"{text!r} was not answered")
        await self.due_work.replan()
        return json.loads(queued[0].content).get("body", "")

    async def timed(self, sender: str, text: str) -> tuple[str, float, float]:
        """`say`, with the CPU and wall seconds it took."""
        wall, cpu = time.perf_counter(), time.process_time()
        body = await self.say(sender, text)
        return body, time.process_time() - cpu, time.perf_counter() - wall


async def measure(config, url: str, rounds: int) -> list[dict]:
    seance = Seance(config, url)
    await seance.due_work.start()
    try:
        start = conference_start()
        created = await seance.say(PRESIDENT, f"!conference nouvelle {start:%Y-%m-%d} {start:%H:%M}")
        number = created.split("n° ")[1].split(" ")[0]
        for point in range(1, rounds + 1):
            await seance.say(COMITE, f"!odj ajouter Budget, volet {point}")
        for command in ("!odj envoyer hors-delai", "!odj fixer", f"!seance ouvrir {number}"):
            await seance.say(PRESIDENT, command)
        voters = [p.matrix_id for p in config.people]
        for voter in voters:
            await seance.say(voter, "!present")
        measured = []
        for point in range(1, rounds + 1):
            await seance.say(PRESIDENT, f"!vote ouvrir {point}")
            timings = [(await seance.timed(voter, "!vote pour"))[1:] for voter in voters]
            result, closing_cpu, _ = await seance.timed(PRESIDENT, "!vote clore")
            result = result.replace("\u202f", " ")
            if f"({len(voters)} pour, 0 contre, 0 abstention)" not in result:
                raise RuntimeError(f"the vote did not count {len(voters)} pour: {result[:200]}")
            cpu, wall = zip(*timings)
            measured.append({"round": point, "cpu_ms_median": round(statistics.median(cpu) * 1000, 3),
                             "wall_ms_median": round(statistics.median(wall) * 1000, 3),
                             "cpu_ms_burst": round(sum(cpu) * 1000, 1), "cpu_ms": [round(c * 1000, 3) for c in cpu],
                             "closing_cpu_ms": round(closing_cpu * 1000, 3)})
            print(f"round {point}: CPU per ballot {measured[-1]['cpu_ms_median']:.2f} ms (median), "
                  f"wall {measured[-1]['wall_ms_median']:.2f} ms, the 50 ballots {measured[-1]['cpu_ms_burst']:.0f} ms "
                  f"CPU; the closing {measured[-1]['closing_cpu_ms']:.1f} ms CPU", flush=True)
        return measured
    finally:
        seance.due_work.stop()
        seance.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="votes of 50 ballots")
    parser.add_argument("--pending", type=int, default=0, help="decisions awaiting deliberations, given first")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (a database is created)")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="tno-ballots-") as workdir:
        config = load_config(synthetic_config(Path(workdir) / "config", 25))
        database_url, drop = database_for_run(args.database_url, 0)
        database_url = database_url or f"sqlite:///{workdir}/tno.db"
        try:
            if args.pending:
                seed_pending(database_url, config, args.pending)
            rounds = asyncio.run(measure(config, database_url, args.rounds))
        finally:
            drop()
    every = [c for r in rounds for c in r["cpu_ms"]]
    backend = "postgresql" if args.database_url else "sqlite"
    summary = {"backend": backend, "pending_decisions": args.pending, "ballots": len(every), "cpu_ms_median": round(statistics.median(every), 3),
               "cpu_ms_p90": round(statistics.quantiles(every, n=10)[-1], 3),
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_before": [round(x, 2) for x in load_before],
                           "load_after": [round(x, 2) for x in os.getloadavg()]},
               "rounds": rounds}
    print(f"{backend}: {len(every)} ballots, CPU per ballot {summary['cpu_ms_median']:.2f} ms median, "
          f"{summary['cpu_ms_p90']:.2f} ms p90")
    suffix = f"-pending{args.pending}" if args.pending else ""
    output = args.output or RESULTS_DIR / f"ballots-{backend}{suffix}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"written {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
