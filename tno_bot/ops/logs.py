"""The log of `tno-bot run`: level and format (text, or JSON lines for a log collector) from `[service]`.

Libraries are kept to what an operator can act on. nio logs whole responses at DEBUG (the login's access token among
them) and, at WARNING, its own view of key sharing and of events that do not match its schemas: the bot says what
matters of it itself (an event it cannot decrypt, a sync or a send that failed, each with what to do), so nio is kept
to errors. peewee logs the SQL of the encryption store and APScheduler every run of a job: warnings only.
"""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

LIBRARY_LOG_LEVELS = {"nio": logging.ERROR, "peewee": logging.WARNING, "apscheduler": logging.WARNING,
                      "aiohttp.access": logging.WARNING}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HANDLER_NAME = "tno-bot"


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def quiet_libraries() -> None:
    for name, level in LIBRARY_LOG_LEVELS.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(level: str = "info", log_format: str = "text") -> None:
    """Everything to stderr (journald or the container runtime collects it), at `level`, in `log_format`."""
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:  # configured again: replaced
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet_libraries()
