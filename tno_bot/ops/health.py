"""The health and metrics endpoint of `tno-bot run` (aiohttp, already there for nio), bound to `[service]`
`health_host` (localhost by default) and `health_port` (no endpoint without one).

`GET /health`: a JSON object (status, sync age, database, outbox backlog and the age of its oldest message, the
problems), 200 when healthy, 503 when not: no successful sync for MAX_SYNC_AGE_SECONDS (or none yet), the database
unreachable, or a message waiting for more than MAX_OUTBOX_WAIT_SECONDS. `GET /metrics`: the Prometheus text format.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlmodel import Session

from tno_bot import storage
from tno_bot.ops import metrics

log = logging.getLogger(__name__)

# A sync long-polls for 30 s: three in a row missed, retries included, is an outage an operator must see.
MAX_SYNC_AGE_SECONDS = 120.0
# Replies go out within seconds; one still waiting after five minutes means the homeserver refuses or is away.
MAX_OUTBOX_WAIT_SECONDS = 300.0


def health_report(engine) -> tuple[bool, dict]:
    """(healthy, the JSON body of /health)."""
    problems = []
    sync_age = metrics.SYNC.age()
    if sync_age is None:
        problems.append("no successful sync yet")
    elif sync_age > MAX_SYNC_AGE_SECONDS:
        problems.append(f"no successful sync for {sync_age:.0f} s")
    report: dict = {"sync_age_seconds": None if sync_age is None else round(sync_age, 1)}
    try:
        with Session(engine) as session:
            counts = storage.operating_counts(session)
    except Exception as error:
        reason = storage.storage_fault(error) or type(error).__name__
        problems.append(f"database unreachable: {reason}")
        report.update(database="unreachable", outbox_backlog=None, outbox_oldest_seconds=None)
    else:
        oldest = None if counts.oldest_pending is None else (datetime.now(UTC) - counts.oldest_pending).total_seconds()
        if oldest is not None and oldest > MAX_OUTBOX_WAIT_SECONDS:
            problems.append(f"a message has waited {oldest:.0f} s in the outbox")
        report.update(database="ok", outbox_backlog=counts.outbox_pending,
                      outbox_oldest_seconds=None if oldest is None else round(oldest, 1))
    return not problems, {"status": "ok" if not problems else "unhealthy", **report, "problems": problems}


def application(engine) -> web.Application:
    database = CollectorRegistry()
    database.register(metrics.DatabaseCollector(engine))

    async def health(request: web.Request) -> web.Response:
        healthy, body = await asyncio.to_thread(health_report, engine)
        return web.json_response(body, status=200 if healthy else 503)

    async def exposition(request: web.Request) -> web.Response:
        text = await asyncio.to_thread(lambda: generate_latest(metrics.REGISTRY) + generate_latest(database))
        return web.Response(body=text, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.add_routes([web.get("/health", health), web.get("/metrics", exposition)])
    return app


async def start_endpoint(host: str, port: int, engine) -> web.AppRunner:
    """Serving until the runner is cleaned up (`await runner.cleanup()`)."""
    runner = web.AppRunner(application(engine), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health and metrics on http://%s:%d/health and /metrics", host, port)
    return runner
