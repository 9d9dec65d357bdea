"""The awaited reminders the clock keeps between commits (`app.awaited.AwaitedRegister`, SQLite and PostgreSQL): after
every kind of command they are those the whole register gives, read again only for the decisions the command wrote,
and in full when it may have changed them all (a decision admitting a member, a new conference, history files)."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlmodel import Session

from tests.cast import BAUME, MAES, MILLET, SECRETARIAT
from tests.harness import Bot, paris
from tests.storage.test_ratification_commands import adopt
from tests.villeurbanne import VILLEURBANNE, villeurbanne_config
from tno_bot.app.awaited import AwaitedRegister
from tno_bot.app.decisions import awaited_reminders
from tno_bot.config import load_config
from tno_bot.config.history import default_history_dir
from tno_bot.matrix.scheduler import JOB_PREFIX, DueWork
from tno_bot.scheduled import upcoming

ADMISSION, BUDGET, PARAPHEUR = "TNO 2031-04", "TNO 2031-05", "TNO 2031-06"
MARCH, JUNE = (2031, 3, 3), (2031, 6, 2)  # the days of the two conferences (jobs in the real future)
NOW = paris(2031, 6, 10, 10)
EVERY = "every decision"


class Kept:
    """A running `DueWork` on the entente that admits Villeurbanne by TNO 2031-04, the commands of `bot`, and what
    the register read again at each plan."""

    def __init__(self, engine, config, monkeypatch) -> None:
        self.engine, self.config, self.now = engine, config, NOW
        self.bot = Bot(engine, config, sender=SECRETARIAT, now=NOW)
        self.due = DueWork(config, engine, asyncio.Lock(), lambda: None, clock=lambda: self.now)
        self.read: list = []
        make = AwaitedRegister._make

        def noted(register, session, keys):
            self.read.append(EVERY if keys is None else frozenset(keys))
            return make(register, session, keys)
        monkeypatch.setattr(AwaitedRegister, "_make", noted)

    def in_full(self) -> tuple:
        with Session(self.engine) as session:
            return tuple(awaited_reminders(session, self.config)), upcoming(session, self.now, self.config)

    async def after(self, change) -> list:
        """Make `change`, then do what the bot does after a command; what the register read again (the kept
        reminders and the jobs are checked against those read in full)."""
        self.read = []
        change()
        await self.due.replan()
        awaited, instants = self.in_full()
        assert self.due._schedule.awaited == awaited
        assert sorted(job.trigger.run_date for job in self.due.scheduler.get_jobs()
                      if job.id.startswith(JOB_PREFIX)) == instants
        return self.read

    def awaited(self, decision: str) -> list[str]:
        return [r.member for r in self.due._schedule.awaited if r.decision.key == decision]


@pytest.fixture
async def kept(engine, tmp_path, monkeypatch):
    config = load_config(villeurbanne_config(tmp_path / "config", admitted_by=ADMISSION))
    kept = Kept(engine, config, monkeypatch)
    await kept.due.start()
    yield kept
    kept.due.stop()


async def test_the_kept_reminders_are_those_of_the_whole_register_after_every_kind_of_command(kept):
    say = kept.bot.say
    assert await kept.after(lambda: adopt(kept.engine, "Entrée de la Ville de Villeurbanne", MARCH, 4)) == [EVERY]
    assert await kept.after(lambda: adopt(kept.engine, "Budget 2032", MARCH, 5)) == [{BUDGET}]
    assert await kept.after(lambda: adopt(kept.engine, "Parapheur", JUNE, 6)) == [EVERY]  # a new conference
    assert kept.awaited(PARAPHEUR) == ["metropole", "ville-lyon", "sitiv"]  # the admission is not executory yet

    assert await kept.after(lambda: say(f"!deliberation {BUDGET} metropole 2031-0412 05/03/2031", BAUME)) == [
        {BUDGET}]
    assert await kept.after(lambda: say(f"!publication {BUDGET} metropole 06/03/2031", BAUME)) == [{BUDGET}]
    assert await kept.after(lambda: say(f"!deliberation {BUDGET} et {PARAPHEUR} sitiv CS_1 05/06/2031",
                                        MILLET)) == [{BUDGET, PARAPHEUR}]
    assert kept.awaited(BUDGET) == ["ville-lyon"] and kept.awaited(PARAPHEUR) == ["metropole", "ville-lyon"]
    assert await kept.after(lambda: say(f"!deliberation retirer {BUDGET} sitiv")) == [{BUDGET}]
    assert kept.awaited(BUDGET) == ["ville-lyon", "sitiv"]
    before = {r.member: r.due_at for r in kept.due._schedule.awaited if r.decision.key == PARAPHEUR}
    assert await kept.after(lambda: say(f"!notification {PARAPHEUR} 09/06/2031")) == [{PARAPHEUR}]
    assert all(r.due_at > before[r.member] for r in kept.due._schedule.awaited if r.decision.key == PARAPHEUR)
    assert await kept.after(lambda: say("!appel 2023", BAUME)) == []

    kept.read = []
    await kept.due.run()  # the reminders due on 17 March sent (caught up): their rows written
    assert kept.read == [{ADMISSION, BUDGET}]
    assert kept.due._schedule.awaited == kept.in_full()[0]

    for member, by, number, day in (("metropole", BAUME, "2031-900", "10/03/2031"),
                                    ("ville-lyon", MAES, "2031-117", "11/03/2031"),
                                    ("sitiv", MILLET, "CS_2031_3_1", "12/03/2031")):
        for command in (f"!deliberation {ADMISSION} {member} {number} {day}",
                        f"!publication {ADMISSION} {member} {day}", f"!transmission {ADMISSION} {member} {day}"):
            assert await kept.after(lambda: kept.bot.ask(command, by)) == [EVERY]
    # Executory on 12 March: Villeurbanne is a member on 2 June and ratifies TNO 2031-06, of which no row was written.
    assert kept.awaited(PARAPHEUR) == ["metropole", "ville-lyon", VILLEURBANNE]
    assert ADMISSION not in {r.decision.key for r in kept.due._schedule.awaited}


async def test_changed_history_files_make_every_decision_read_again(kept):
    await kept.after(lambda: adopt(kept.engine, "Budget 2032", MARCH, 5))
    history = next(default_history_dir(kept.config.path).glob("*.toml"))
    stat = history.stat()
    assert await kept.after(lambda: os.utime(history, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))) == [
        EVERY]
