"""Work done by the clock (reminders, tacit fixing), scheduled with APScheduler from the database rows.

The rows are the truth: the jobs are rebuilt from `plan()` at start-up, then after a command or a run whose
transaction wrote rows of `SCHEDULE_TABLES` or when the history files changed (otherwise the schedule and the
awaited reminders of the last plan still hold), with the awaited reminders of an `AwaitedRegister` that reads again
only the decisions the commits since wrote (so the cost of a command does not grow with the register), so a
restart loses nothing. A job only wakes `run_due_work`, which decides from the rows what is due and marks it
done in the same transaction as the outbox rows of its postings, so nothing is ever posted twice. Jobs that fire
late (the bot was busy or asleep) still run: the misfire grace time is unlimited and late runs are coalesced.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from sqlmodel import Session

from tno_bot import storage
from tno_bot.config import Config
from tno_bot.matrix.content import contents_for
from tno_bot.app.awaited import AwaitedRegister
from tno_bot.app.decisions import history_stamp
from tno_bot.scheduled import SCHEDULE_TABLES, Schedule, plan, replan_ahead, run_due_work

log = logging.getLogger(__name__)

JOB_PREFIX = "due-"
_RUNNERS: dict[str, Callable[[], Awaitable[None]]] = {}


async def wake_due_work(runner_key: str) -> None:
    """The job function: module level, plain argument (APScheduler practice)."""
    runner = _RUNNERS.get(runner_key)
    if runner is not None:
        await runner()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class DueWork:
    """Runs the due work of the bot when the clock says so, in the bot's event loop."""

    def __init__(self, config: Config, engine, write_lock: asyncio.Lock, on_posted: Callable[[], None],
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.config = config
        self.engine = engine
        self.write_lock = write_lock
        self.on_posted = on_posted
        self.clock = clock
        self.key = uuid.uuid4().hex
        self.scheduler = AsyncIOScheduler(
            timezone=timezone.utc,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._schedule: Schedule | None = None  # the last plan; None when the rows changed since
        self._awaited = AwaitedRegister(config)
        self._history: tuple | None = None  # the history files' stamp at the last plan
        self._changes = 0  # commits that made the plan stale, counted to notice one made while planning

    async def start(self) -> None:
        """Catch up with what fell due while the bot was down, then schedule what comes."""
        _RUNNERS[self.key] = self.run
        storage.watch_commits(self.engine, self._note_commit)
        self.scheduler.start()
        await self.run()

    def stop(self) -> None:
        _RUNNERS.pop(self.key, None)
        storage.unwatch_commits(self.engine, self._note_commit)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def run(self) -> None:
        """The work due now, then the jobs replanned. A database that cannot be written is said in one line (no
        traceback from the scheduler): nothing was marked done, so the work is done at the next run that can write
        (the next job, or the catch-up of the next start)."""
        try:
            async with self.write_lock:
                posted = await asyncio.to_thread(self._run_due_work)
        except Exception as error:
            if (reason := storage.storage_fault(error)) is None:
                raise
            log.error("the clock's work is postponed: %s", reason)
            return
        if posted:
            log.info("%d message(s) posted by the clock", posted)
            self.on_posted()
        await self.replan()

    def reconfigure(self, config: Config) -> int:
        """Work from a reloaded config (in a thread, under the write lock): the reminders of the conferences ahead
        replanned on its `[reminders]` and `[rules]`, the plan made again at the next `replan`; how many were."""
        self.config = config
        with Session(self.engine) as session, session.begin():
            replanned = replan_ahead(session, config, self.clock())
        self._schedule, self._awaited = None, AwaitedRegister(config)
        return replanned

    def _note_commit(self, written: storage.Written) -> None:
        """A transaction committed on the engine (in the committing thread): the plan is stale if it wrote rows the
        schedule is made of (the awaited reminders of the decisions it wrote, if any)."""
        self._awaited.note(written)
        if written.tables & SCHEDULE_TABLES:
            self._changes += 1
            self._schedule = None

    def _current(self) -> Schedule | None:
        """The last plan, if nothing it depends on changed since."""
        return self._schedule if self._history == history_stamp(self.config) else None

    def _run_due_work(self) -> int:
        schedule, now = self._current(), self.clock()
        with Session(self.engine) as session, session.begin():
            awaited = schedule.awaited_due(now) if schedule else self._awaited.awaited(session).all
            postings = run_due_work(session, self.config, now, awaited)
            for posting in postings:
                for content in contents_for(posting.reply, None):
                    storage.enqueue_message(session, posting.room_id, content)
            return len(postings)

    async def replan(self) -> None:
        """Make the jobs match the instants the rows ask for, unless they match already (the plan still holds)."""
        if self._current() is not None:
            return
        instants = await asyncio.to_thread(self._plan)
        wanted = {f"{JOB_PREFIX}{instant.isoformat()}": instant for instant in instants}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, instant in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                self.scheduler.add_job(wake_due_work, DateTrigger(run_date=instant), args=[self.key], id=job_id,
                                       replace_existing=True)

    def _plan(self) -> tuple[datetime, ...]:
        history, changes = history_stamp(self.config), self._changes
        with Session(self.engine) as session:
            schedule = plan(session, self.clock(), self.config, self._awaited.awaited(session))
        if changes == self._changes:  # else rows changed while planning: planned again at the next replan
            self._schedule, self._history = schedule, history
        return schedule.instants
