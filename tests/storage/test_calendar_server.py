"""The conference's .ics imported by a real calendar server: Radicale (a CalDAV server, installed by the `[test]` extra)
started on a free port in a temporary directory. The file `!conference ics` hands over is PUT as a calendar, as
a user imports it, then read back, after a move (SEQUENCE 1) and after a cancellation (STATUS:CANCELLED)."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import icalendar
import pytest

from tests.cast import SECRETARIAT
from tests.harness import paris
from tests.storage.test_agenda_commands import bot, planned, proposed  # noqa: F401 (fixtures)

USER = "secretariat"  # Radicale without authentication: any name, which owns /secretariat/
CALENDAR = f"/{USER}/conference-tno/"


class CalendarServer:
    def __init__(self, url: str):
        self.url = url

    def request(self, method: str, path: str, data: bytes | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": "Basic " + base64.b64encode(f"{USER}:-".encode()).decode(),
            "Content-Type": "text/calendar; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def imported(self, ics: bytes) -> dict[str, icalendar.Event]:
        """`ics` imported as the calendar (PUT on the collection, which replaces it), then the events it holds."""
        status, body = self.request("PUT", CALENDAR, ics)
        assert status in (200, 201), body.decode(errors="replace")
        status, body = self.request("GET", CALENDAR)
        assert status == 200
        return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def radicale(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "", "--server-hosts", f"127.0.0.1:{port}",
         "--auth-type", "none", "--storage-filesystem-folder", str(tmp_path / "collections"),
         "--logging-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60  # readiness only: the test asserts nothing about time
        while True:
            assert server.poll() is None, server.stderr.read().decode(errors="replace")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Radicale did not start"
                time.sleep(0.1)
        yield CalendarServer(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_radicale_imports_the_conference_then_its_move_then_its_cancellation(proposed, radicale):  # noqa: F811
    [first] = proposed.ask("!conference ics 1", now=paris(2025, 10, 2, 8))
    events = radicale.imported(first.attachment.data)
    assert set(events) == {"conference-1@tno.example", "conference-1-notice@tno.example",
                           "conference-1-reply-window-v1@tno.example"}
    conference = events["conference-1@tno.example"]
    assert (conference.decoded("dtstart"), conference.decoded("dtend")) == (
        paris(2025, 11, 7, 14, 30), paris(2025, 11, 7, 16, 30))
    assert (conference.decoded("sequence"), str(conference["status"])) == (0, "CONFIRMED")
    assert str(conference["description"]).splitlines()[1:] == ["1. Budget 2026", "2. Feuille de route"]

    proposed.say("!conference deplacer 1 2025-11-14 10:00", SECRETARIAT, now=paris(2025, 10, 2, 9))
    [moved] = proposed.ask("!conference ics 1", now=paris(2025, 10, 2, 10))
    conference = radicale.imported(moved.attachment.data)["conference-1@tno.example"]
    assert (conference.decoded("dtstart"), conference.decoded("sequence")) == (paris(2025, 11, 14, 10), 1)

    proposed.say("!conference annuler 1", SECRETARIAT, now=paris(2025, 10, 4, 9))
    [cancelled] = proposed.ask("!conference ics 1", now=paris(2025, 10, 4, 10))
    events = radicale.imported(cancelled.attachment.data)
    assert {(str(e["status"]), e.decoded("sequence")) for e in events.values()} == {("CANCELLED", 2)}
