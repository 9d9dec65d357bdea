"""The clock replans only when rows of the schedule changed (SQLite and PostgreSQL): a change of a conference, of an
agenda, of a reminder, of a decision or of a deliberation makes the jobs match the rows again; a command that
changes none of them (`!appel`, `!decision`, `!langue`) leaves the plan as it was, without reading the register."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest
from sqlmodel import Session, select

from tests.cast import BAUME, FAURY, MAES, MILLET, ROOM, SECRETARIAT
from tests.harness import Bot, paris
from tests.storage.test_ratification_commands import adopt
from tno_bot import storage
from tno_bot.app.decisions import awaited_reminders
from tno_bot.matrix import scheduler
from tno_bot.matrix.scheduler import JOB_PREFIX, DueWork
from tno_bot.scheduled import upcoming

DAY = (2031, 3, 3)  # TNO 2031-01 adopted on Monday 3 March: its reminders from Monday 17 March (jobs in the real future)
NOW = paris(2031, 3, 10, 10)


class Planned:
    """A running `DueWork` at NOW, the commands of `bot`, and how many times the register was planned."""

    def __init__(self, engine, config, monkeypatch) -> None:
        self.engine, self.config = engine, config
        self.bot = Bot(engine, config, sender=SECRETARIAT, now=NOW)
        self.due = DueWork(config, engine, asyncio.Lock(), lambda: None, clock=lambda: NOW)
        self.plans = 0
        real_plan = scheduler.plan

        def counted(*args, **kwargs):
            self.plans += 1
            return real_plan(*args, **kwargs)
        monkeypatch.setattr(scheduler, "plan", counted)

    def jobs(self) -> list[datetime]:
        return sorted(job.trigger.run_date for job in self.due.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX))

    def rows_ask_for(self) -> list[datetime]:
        with Session(self.engine) as session:
            return upcoming(session, NOW, self.config)

    async def after(self, change) -> bool:
        """Make `change`, then do what the bot does after a command; whether the register was planned again (the
        jobs and the awaited reminders are checked against the rows either way)."""
        before = self.plans
        change()
        await self.due.replan()
        assert self.jobs() == self.rows_ask_for()
        with Session(self.engine) as session:  # the awaited reminders kept are those of the whole register
            assert self.due._schedule.awaited == tuple(awaited_reminders(session, self.config))
        return self.plans > before


@pytest.fixture
async def planned(engine, config, monkeypatch):
    planned = Planned(engine, config, monkeypatch)
    await planned.due.start()
    yield planned
    planned.due.stop()


def _write(engine, write) -> None:
    with Session(engine) as session, session.begin():
        write(session)


async def test_a_new_conference_and_its_agenda_are_planned(planned):
    assert planned.jobs() == []
    assert await planned.after(lambda: planned.bot.say("!conference nouvelle 2031-06-05 14:30 Lyon"))
    reminders = planned.jobs()
    assert reminders
    assert await planned.after(lambda: planned.bot.say("!odj ajouter Budget 2032", FAURY))
    assert await planned.after(lambda: planned.bot.say("!odj envoyer", FAURY))
    with Session(planned.engine) as session:
        tacit_fixing = storage.load_agenda(session, 1).tacit_fixing_at
    assert tacit_fixing in planned.jobs() and tacit_fixing not in reminders


async def test_a_moved_conference_is_planned_again(planned):
    planned.bot.say("!conference nouvelle 2031-06-05 14:30 Lyon")
    await planned.due.replan()
    before = planned.jobs()
    assert await planned.after(lambda: planned.bot.say("!conference deplacer 1 2031-06-12 14:30"))
    assert planned.jobs() != before


async def test_a_reminder_marked_is_planned_again(planned):
    planned.bot.say("!conference nouvelle 2031-06-05 14:30 Lyon")
    await planned.due.replan()
    first = planned.jobs()[0]

    def mark_first(session):
        row = next(r for r in storage.reminders_of(session, 1) if r.due_at == first)
        storage.mark_reminder(session, row, storage.REMINDER_CANCELLED, NOW)
    assert await planned.after(lambda: _write(planned.engine, mark_first))
    assert first not in planned.jobs()


async def test_a_decision_and_a_deliberation_are_planned(planned):
    assert await planned.after(lambda: adopt(planned.engine, day=DAY))
    assert planned.jobs() == [paris(2031, 3, 17, 9)]  # the awaited members reminded
    awaited = planned.due._schedule.awaited
    assert await planned.after(
        lambda: planned.bot.say("!deliberation TNO 2031-01 ville de lyon 2031-117 05/03/2031", MAES))
    assert len(planned.due._schedule.awaited) == len(awaited) - 1


async def test_a_notification_to_the_members_is_planned(planned):
    """The reminders of awaited members count from the decision's notification once the secrétariat records one."""
    assert await planned.after(lambda: adopt(planned.engine, day=DAY))
    assert planned.jobs() == [paris(2031, 3, 17, 9)]  # 14 days after Monday 3 March
    assert await planned.after(lambda: planned.bot.say("!notification TNO 2031-01 10/03/2031"))
    assert planned.jobs() == [paris(2031, 3, 24, 9)]  # 14 days after Monday 10 March


async def test_commands_that_change_no_schedule_row_keep_the_plan(planned):
    adopt(planned.engine, day=DAY)
    planned.bot.say("!conference nouvelle 2031-06-05 14:30 Lyon")
    await planned.due.replan()
    jobs = planned.jobs()
    assert not await planned.after(lambda: planned.bot.say("!appel 2023", BAUME))
    assert not await planned.after(lambda: planned.bot.say("!decision TNO 2031-01", BAUME))
    assert not await planned.after(lambda: planned.bot.say("!langue en", MILLET))
    with Session(planned.engine) as session:
        assert storage.get_room_language(session, ROOM) == "en"  # a row was written, not a schedule row
    assert planned.jobs() == jobs


async def test_a_clock_run_with_nothing_due_keeps_the_plan(planned):
    adopt(planned.engine, day=DAY)
    await planned.due.replan()
    plans = planned.plans
    await planned.due.run()
    assert planned.plans == plans
    assert planned.jobs() == planned.rows_ask_for()


async def test_the_kept_plan_posts_the_awaited_members_reminders_once_they_are_due(engine, config):
    adopt(engine, day=DAY)
    now = [NOW]
    due = DueWork(config, engine, asyncio.Lock(), lambda: None, clock=lambda: now[0])
    await due.start()  # planned on 10 March: the three members are reminded on Monday 17 March at 09:00
    try:
        schedule = due._schedule
        assert schedule.awaited_due(NOW) == () and schedule.awaited_due(paris(2031, 3, 17, 8, 59)) == ()
        now[0] = paris(2031, 3, 17, 9)
        assert schedule.awaited_due(now[0]) == schedule.awaited and len(schedule.awaited) == 3
        await due.run()
        await due.run()  # the reminders' rows changed the plan: nothing is due any more
        assert due._schedule.awaited_due(now[0]) == ()
        with Session(engine) as session:
            bodies = [json.loads(row.content)["body"] for row in session.exec(select(storage.OutboxMessage))]
    finally:
        due.stop()
    # "Rappel : une délibération (<organe>, <membre>) est attendue…", one per member
    assert [body.split(") est attendue")[0].split(", ")[-1] for body in bodies] == [
        "Métropole de Lyon", "Ville de Lyon", "SITIV"]
