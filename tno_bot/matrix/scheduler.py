"""Work done by the clock (reminders, tacit fixing), scheduled with APScheduler from the database rows.

The rows are the truth: the jobs are rebuilt from `upcoming()` at start-up and after every command and every run,
so a restart loses nothing. A job only wakes `run_due_work`, which decides from the rows what is due and marks it
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
from tno_bot.scheduled import run_due_work, upcoming

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

    async def start(self) -> None:
        """Catch up with what fell due while the bot was down, then schedule what comes."""
        _RUNNERS[self.key] = self.run
        self.scheduler.start()
        await self.run()

    def stop(self) -> None:
        _RUNNERS.pop(self.key, None)
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

    def _run_due_work(self) -> int:
        with Session(self.engine) as session, session.begin():
            postings = run_due_work(session, self.config, self.clock())
            for posting in postings:
                for content in contents_for(posting.reply, None):
                    storage.enqueue_message(session, posting.room_id, content)
            return len(postings)

    async def replan(self) -> None:
        """Make the jobs match the instants the rows ask for."""
        instants = await asyncio.to_thread(self._upcoming)
        wanted = {f"{JOB_PREFIX}{instant.isoformat()}": instant for instant in instants}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
        for job_id, instant in wanted.items():
            if self.scheduler.get_job(job_id) is None:
                self.scheduler.add_job(wake_due_work, DateTrigger(run_date=instant), args=[self.key], id=job_id,
                                       replace_existing=True)

    def _upcoming(self) -> list[datetime]:
        with Session(self.engine) as session:
            return upcoming(session, self.clock(), self.config)
