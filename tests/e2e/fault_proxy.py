"""A loopback HTTP proxy between the bot and the test Synapse that misbehaves on command.

    proxy = FaultProxy(synapse.url)
    await proxy.start()                      # proxy.url: give it to the bot as its homeserver
    proxy.fail("GET", r"/rooms/[^/]+/messages", status=500, times=3)
    proxy.fail(None, r"/sync$|/send/", status=502, seconds=20)   # any method, for 20 s
    proxy.stall("PUT", r"/send/", seconds=3, times=4)             # answered, but late
    proxy.drop("GET", r"/sync$", times=2)                         # connection closed, nothing forwarded
    proxy.cut("PUT", r"/send/", times=2)                          # forwarded, answer cut in the middle
    proxy.clear()                                                 # every fault lifted

A fault matches a request by method (None: any) and a regex searched in the path; it lasts for `times` requests,
`seconds`, or until cleared, and the first matching active fault wins. Every request is recorded in `proxy.seen`
(method, path, query, what was done, when), for the tests' assertions. Only the bot talks through the proxy; the
participants talk to Synapse directly.
"""
from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field

from aiohttp import ClientSession, ClientTimeout, web

# Hop-by-hop or recomputed headers: not copied from one side to the other.
_SKIPPED_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "content-encoding",
                    "accept-encoding"}


@dataclass
class Fault:
    kind: str  # "status", "stall", "drop", "cut"
    method: str | None
    path: re.Pattern
    status: int = 502
    delay: float = 0.0
    remaining: int | None = None  # requests still to hit; None: no count
    until: float | None = None  # time.monotonic() after which the fault is over; None: no end
    hits: int = 0

    def active(self, now: float) -> bool:
        return (self.remaining is None or self.remaining > 0) and (self.until is None or now < self.until)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and bool(self.path.search(path))


@dataclass(frozen=True)
class Seen:
    at: float  # time.monotonic()
    method: str
    path: str
    query: dict = field(hash=False)
    outcome: str  # "forwarded 200", "status 502", "stalled 3.0 s, forwarded 200", "dropped", "cut 200"


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    # ------------------------------------------------------------------------------------------------ control
    def fail(self, method: str | None, path: str, status: int = 502, times: int | None = None,
             seconds: float | None = None) -> Fault:
        """Answer `status` (a proxy's HTML page, no Matrix error) without forwarding."""
        return self._add(Fault("status", method, re.compile(path), status=status), times, seconds)

    def stall(self, method: str | None, path: str, seconds: float, times: int | None = None,
              duration: float | None = None) -> Fault:
        """Wait `seconds`, then forward: a slow homeserver."""
        return self._add(Fault("stall", method, re.compile(path), delay=seconds), times, duration)

    def drop(self, method: str | None, path: str, times: int | None = None, seconds: float | None = None) -> Fault:
        """Close the connection without forwarding nor answering."""
        return self._add(Fault("drop", method, re.compile(path)), times, seconds)

    def cut(self, method: str | None, path: str, times: int | None = None, seconds: float | None = None) -> Fault:
        """Forward (the homeserver acts on the request), then send half the answer and close the connection."""
        return self._add(Fault("cut", method, re.compile(path)), times, seconds)

    def clear(self) -> None:
        self.faults.clear()

    def _add(self, fault: Fault, times: int | None, seconds: float | None) -> Fault:
        fault.remaining = times
        fault.until = None if seconds is None else time.monotonic() + seconds
        self.faults.append(fault)
        return fault

    def requests(self, method: str | None, path: str) -> list[Seen]:
        pattern = re.compile(path)
        return [seen for seen in self.seen if (method is None or seen.method == method) and pattern.search(seen.path)]

    # ------------------------------------------------------------------------------------------------ serving
    async def start(self, port: int = 0) -> str:
        """Listen on `port` (0: any free one); the proxy's URL."""
        self._session = ClientSession(timeout=ClientTimeout(total=None, sock_read=None), auto_decompress=True)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
        if self._session:
            await self._session.close()

    def _fault_for(self, method: str, path: str) -> Fault | None:
        now = time.monotonic()
        for fault in self.faults:
            if fault.active(now) and fault.matches(method, path):
                if fault.remaining is not None:
                    fault.remaining -= 1
                fault.hits += 1
                return fault
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        fault = self._fault_for(request.method, request.path)
        body = await request.read()

        def note(outcome: str) -> None:
            self.seen.append(Seen(time.monotonic(), request.method, request.path, dict(request.query), outcome))

        if fault and fault.kind == "status":
            note(f"status {fault.status}")
            return web.Response(status=fault.status, content_type="text/html",
                                text=f"<html><body><h1>{fault.status} (fault proxy)</h1></body></html>")
        if fault and fault.kind == "drop":
            note("dropped")
            return _abort(request)
        stalled = ""
        if fault and fault.kind == "stall":
            await asyncio.sleep(fault.delay)
            stalled = f"stalled {fault.delay:.1f} s, "
        headers = {name: value for name, value in request.headers.items() if name.lower() not in _SKIPPED_HEADERS}
        try:
            async with self._session.request(request.method, self.upstream + request.path_qs, headers=headers,
                                             data=body or None, allow_redirects=False) as upstream:
                data = await upstream.read()
                answer_headers = {name: value for name, value in upstream.headers.items()
                                  if name.lower() not in _SKIPPED_HEADERS}
                status = upstream.status
        except Exception as error:  # Synapse down: what a reverse proxy says then
            note(f"{stalled}upstream unreachable ({type(error).__name__})")
            return web.Response(status=502, content_type="text/html", text="<html>502 Bad Gateway</html>")
        if fault and fault.kind == "cut":
            note(f"cut {status}")
            response = web.StreamResponse(status=status, headers=answer_headers)
            response.content_length = len(data)
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
            return _abort(request)
        note(f"{stalled}forwarded {status}")
        return web.Response(status=status, body=data, headers=answer_headers)


def _abort(request: web.Request):
    """Close the client's connection at once; aiohttp then has nothing to send."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise web.HTTPBadGateway()  # never sent: the connection is closed
