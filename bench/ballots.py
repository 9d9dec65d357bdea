"""CPU per ballot: what the bot does for each `!vote pour` of a burst, without a homeserver (issue 16, targets 1 and 3).

    .venv/bin/python bench/ballots.py [--rounds 6] [--pending 0 [100 ...]] [--ballots 50] [--database-url URL]
                                      [--output PATH]

The bot's own code path, as `matrix/bot.py` runs it for each command: `Dispatcher.process` (the ballot checked and
written, the ✅ and the tally edit queued, in one transaction), then `DueWork.replan`, after every command (the
replan a vote's closing asks for, the register planned again with its new decision, is the closing's: timed too).
The entente is the synthetic one of `bench/votes.py` (25 members, two titulaires each); the séance is opened and all
50 say `!present`; then each round opens a vote on its point, the 50 representatives vote `pour` one after the other,
and the vote is closed. Each number of `--pending` is a case, with a database of its own to which that many adopted
decisions awaiting every member's deliberation are given first (as `bench/votes.py` does); the cases' rounds are
interleaved in this one process, the order rotated, and each case's figures are also given round by round over the
first case's (target 1: 100 pending against none). With `--ballots N` only the first N representatives vote in each
round (the vote is still adopted, by the unanimity of the votes cast): more closings timed in the same time. Each
ballot is timed in CPU of this process
(`time.process_time`) and in wall time; the medians are printed and written to
bench/results/ballots-<sqlite|postgresql>[-pending<N>...].json. SQLite in a temporary directory, or databases created
on the PostgreSQL server of `--database-url` (dropped after the run).
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

    async def open(self, config, rounds: int) -> list[str]:
        """Today's conference with an agenda of `rounds` points, fixed, its séance opened and everybody present; the
        voters."""
        start = conference_start()
        created = await self.say(PRESIDENT, f"!conference nouvelle {start:%Y-%m-%d} {start:%H:%M}")
        number = created.split("n° ")[1].split(" ")[0]
        for point in range(1, rounds + 1):
            await self.say(COMITE, f"!odj ajouter Budget, volet {point}")
        for command in ("!odj envoyer hors-delai", "!odj fixer", f"!seance ouvrir {number}"):
            await self.say(PRESIDENT, command)
        voters = [p.matrix_id for p in config.people]
        for voter in voters:
            await self.say(voter, "!present")
        return voters

    async def vote(self, point: int, voters: list[str]) -> dict:
        """The vote on `point` opened, a ballot `pour` of each voter, the vote closed; what each took."""
        await self.say(PRESIDENT, f"!vote ouvrir {point}")
        timings = [(await self.timed(voter, "!vote pour"))[1:] for voter in voters]
        result, closing_cpu, _ = await self.timed(PRESIDENT, "!vote clore")
        if f"({len(voters)} pour, 0 contre, 0 abstention)" not in result.replace("\u202f", " ") \
                or "Décision TNO " not in result:
            raise RuntimeError(f"the vote did not count {len(voters)} pour or adopted no decision: {result[:200]}")
        cpu, wall = zip(*timings)
        return {"round": point, "cpu_ms_median": round(statistics.median(cpu) * 1000, 3),
                "wall_ms_median": round(statistics.median(wall) * 1000, 3),
                "cpu_ms_burst": round(sum(cpu) * 1000, 1), "closing_cpu_ms": round(closing_cpu * 1000, 3),
                "cpu_ms": [round(c * 1000, 3) for c in cpu]}


async def measure(config, urls: dict[int, str], rounds: int, ballots: int) -> dict[int, list[dict]]:
    """The rounds of each case (pending decisions: its database), interleaved: round after round, a vote in each
    case, the order rotated, so that every case sees the same moments of the machine."""
    seances = {pending: Seance(config, url) for pending, url in urls.items()}
    try:
        voters = {}
        for pending, seance in seances.items():
            await seance.due_work.start()
            voters[pending] = (await seance.open(config, rounds))[:ballots]
        measured: dict[int, list[dict]] = {pending: [] for pending in seances}
        cases = list(seances)
        for point in range(1, rounds + 1):
            shift = point % len(cases)
            for pending in cases[shift:] + cases[:shift]:
                found = await seances[pending].vote(point, voters[pending])
                measured[pending].append(found)
                print(f"round {point}, {pending} pending: CPU per ballot {found['cpu_ms_median']:.2f} ms (median), "
                      f"the {len(voters[pending])} ballots {found['cpu_ms_burst']:.0f} ms, "
                      f"the closing {found['closing_cpu_ms']:.1f} ms", flush=True)
        return measured
    finally:
        for seance in seances.values():
            seance.due_work.stop()
            seance.engine.dispose()


def case_summary(pending: int, rounds: list[dict]) -> dict:
    every = [c for r in rounds for c in r["cpu_ms"]]
    return {"pending_decisions": pending, "ballots": len(every), "cpu_ms_median": round(statistics.median(every), 3),
            "cpu_ms_p90": round(statistics.quantiles(every, n=10)[-1], 3),
            "burst_cpu_ms_median": round(statistics.median(r["cpu_ms_burst"] for r in rounds), 1),
            "closing_cpu_ms_median": round(statistics.median(r["closing_cpu_ms"] for r in rounds), 3),
            "rounds": rounds}


def against_first(first: list[dict], other: list[dict]) -> dict:
    """Round by round, a case's figures over the first case's (the same vote's round): median and 95 % interval."""
    from bench.latency import median_interval

    found = {}
    for key in ("cpu_ms_burst", "cpu_ms_median", "closing_cpu_ms"):
        values = [round(o[key] / f[key], 3) for f, o in zip(first, other)]
        found[key] = {"median": round(statistics.median(values), 3), "interval_95": median_interval(values),
                      "min": min(values), "max": max(values), "n": len(values)}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=6, help="votes (in each case)")
    parser.add_argument("--ballots", type=int, default=50,
                        help="ballots per vote, the first representatives' (fewer: more closings timed for the time)")
    parser.add_argument("--pending", type=int, nargs="+", default=[0],
                        help="decisions awaiting deliberations, given first: one case (a database) per number")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (a database is created per case)")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="tno-ballots-") as workdir:
        config = load_config(synthetic_config(Path(workdir) / "config", 25))
        urls, drops = {}, []
        try:
            for index, pending in enumerate(args.pending):
                url, drop = database_for_run(args.database_url, index)
                drops.append(drop)
                urls[pending] = url or f"sqlite:///{workdir}/tno-{pending}.db"
                if pending:
                    seed_pending(urls[pending], config, pending)
            measured = asyncio.run(measure(config, urls, args.rounds, args.ballots))
        finally:
            for drop in drops:
                drop()
    backend = "postgresql" if args.database_url else "sqlite"
    first = args.pending[0]
    summary = {"backend": backend, "rounds_per_case": args.rounds, "ballots_per_round": args.ballots,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "load_before": [round(x, 2) for x in load_before],
                           "load_after": [round(x, 2) for x in os.getloadavg()]},
               "cases": {str(pending): case_summary(pending, rounds) for pending, rounds in measured.items()},
               "against_first": {str(pending): against_first(measured[first], rounds)
                                 for pending, rounds in measured.items() if pending != first}}
    for pending, case in summary["cases"].items():
        print(f"{backend}, {pending} pending: {case['ballots']} ballots, CPU per ballot {case['cpu_ms_median']:.2f} ms "
              f"median, {case['cpu_ms_p90']:.2f} ms p90; the {args.ballots} ballots "
              f"{case['burst_cpu_ms_median']:.0f} ms; the closing {case['closing_cpu_ms_median']:.1f} ms")
    for pending, ratios in summary["against_first"].items():
        for key, figures in ratios.items():
            print(f"{pending} pending over {first}, {key:<15} median {figures['median']:.3f} (95 % "
                  f"{figures['interval_95'][0]:.3f}-{figures['interval_95'][1]:.3f}), {figures['min']:.3f}-"
                  f"{figures['max']:.3f} over {figures['n']} rounds")
    cases = "".join(f"-pending{pending}" for pending in args.pending) if args.pending != [0] else ""
    output = args.output or RESULTS_DIR / f"ballots-{backend}{cases}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"written {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
