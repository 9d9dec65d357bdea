"""The TOML reader shared by every config file: typed access to one document, each mismatch recorded as a
`ConfigProblem` naming the file, the dotted key and what was expected."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tno_bot.config.models import ConfigProblem
from tno_bot.domain.funding import fold

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_SERVER = rf"(?:\[[0-9A-Fa-f:.]+\]|{_LABEL}(?:\.{_LABEL})*)(?::[0-9]{{1,5}})?"
USER_ID = re.compile(rf"@[a-z0-9._=\-/+]+:{_SERVER}")  # Matrix spec user id grammar (lower-case localpart)
ROOM = re.compile(rf"#[^:\s]+:{_SERVER}|![^:\s]+(?::{_SERVER})?")  # room alias or room id
CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def join_key(prefix: str, key: str | int) -> str:
    """The dotted key of `key` under `prefix`: "a.b", or "a[0]" for an index ("b" alone under the root "")."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


class Reader:
    """Typed access to one TOML document; every mismatch becomes a ConfigProblem."""

    def __init__(self, path: Path, problems: list[ConfigProblem]):
        self.path = path
        self.file = str(path)
        self.problems = problems

    def add(self, key: str, expected: str) -> None:
        self.problems.append(ConfigProblem(self.file, key, expected))

    def parse(self) -> dict[str, Any] | None:
        """The parsed document, or None once the problem is recorded."""
        try:
            with self.path.open("rb") as f:
                return tomllib.load(f)
        except FileNotFoundError:
            self.add("", "an existing TOML file")
        except tomllib.TOMLDecodeError as e:
            self.add("", f"valid TOML ({e})")
        except UnicodeDecodeError as e:
            line = e.object[:e.start].count(b"\n") + 1
            self.add("", f"a text file encoded in UTF-8 (line {line}: byte {e.object[e.start]:#04x} is not UTF-8; "
                         "save the file as UTF-8)")
        except OSError as e:
            self.add("", f"a readable file ({e.strerror})")
        return None

    def table(self, value: Any, key: str, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict | None:
        """`value` as a table, reporting unknown and missing keys."""
        if not isinstance(value, dict):
            self.add(key, "a table")
            return None
        required, optional = tuple(required), tuple(optional)
        known = ", ".join(required + optional)
        for name in value:
            if name not in required + optional:
                self.add(join_key(key, name), f"no such key (known keys: {known})")
        for name in required:
            if name not in value:
                self.add(join_key(key, name), "a value (this key is required)")
        return value

    def tables(self, data: dict, name: str, required=(), optional=()) -> list[tuple[str, dict]]:
        """The top-level array of tables `[[name]]`, as (dotted key, table) pairs; missing means empty."""
        value = data.get(name, [])
        if not isinstance(value, list):
            self.add(name, f"an array of tables ([[{name}]])")
            return []
        keys = [join_key(name, i) for i in range(len(value))]
        checked = [(key, self.table(item, key, required, optional)) for key, item in zip(keys, value)]
        return [(key, table) for key, table in checked if table is not None]

    def text(self, data: dict, name: str, prefix: str, default: str | None = None) -> str | None:
        value = data.get(name, default)
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        self.add(join_key(prefix, name), "a non-empty string")
        return None

    def choice(self, data: dict, name: str, prefix: str, choices: Iterable[str], default: str | None = None):
        value = self.text(data, name, prefix, default)
        choices = tuple(choices)
        if value is not None and fold(value) not in choices:
            self.add(join_key(prefix, name), f"one of {', '.join(choices)} (got {value!r})")
            return None
        return None if value is None else fold(value)

    def integer(self, data: dict, name: str, prefix: str, minimum: int = 0, maximum: int | None = None,
                what: str | None = None) -> int | None:
        """An integer from `minimum` to `maximum` (if given); `what` words the expectation instead of the bounds."""
        value = data.get(name)
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, int) or value < minimum
                or (maximum is not None and value > maximum)):
            bounds = f"an integer >= {minimum}" if maximum is None else f"an integer from {minimum} to {maximum}"
            self.add(join_key(prefix, name), f"{what or bounds} (got {value!r})")
            return None
        return value

    def decimal(self, data: dict, name: str, prefix: str, default: Decimal | None = None, cents: bool = True,
                signed: bool = False):
        """A non-negative number (integer, float or string such as "30.6"), as Decimal; cents: at most 2 decimals;
        signed: a negative number too."""
        value = data.get(name)
        if value is None:
            return default
        key = join_key(prefix, name)
        what = "an amount in euros" if signed else "a non-negative amount in euros"
        what = f"{what} with at most 2 decimals" if cents else "a non-negative number"
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise InvalidOperation
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.add(key, f"{what} (got {value!r})")
            return None
        if not number.is_finite() or (number < 0 and not signed) or (cents and number.as_tuple().exponent < -2):
            self.add(key, f"{what} (got {value!r})")
            return None
        return number

    def boolean(self, data: dict, name: str, prefix: str, default: bool) -> bool | None:
        value = data.get(name, default)
        if not isinstance(value, bool):
            self.add(join_key(prefix, name), f"true or false (got {value!r})")
            return None
        return value

    def clock_time(self, data: dict, name: str, prefix: str, default: time) -> time | None:
        """A wall-clock time "HH:MM" (or a TOML local time)."""
        value = data.get(name, default)
        if isinstance(value, time) and value.tzinfo is None:
            return value
        if isinstance(value, str) and (match := CLOCK_TIME.fullmatch(value)):
            return time(int(match[1]), int(match[2]))
        self.add(join_key(prefix, name), f'a time of day "HH:MM" such as "09:00" (got {value!r})')
        return None

    def day(self, data: dict, name: str, prefix: str) -> date | None:
        """A calendar day, written as a TOML date (2024-01-01, unquoted); None when absent or once reported."""
        value = data.get(name)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        self.add(join_key(prefix, name), f"a date written as a TOML date such as 2024-01-01, unquoted (got {value!r})")
        return None

    def day_offsets(self, data: dict, name: str, prefix: str, default: tuple[int, ...]) -> tuple[int, ...] | None:
        """A list of distinct numbers of days, 0 to 366."""
        value = data.get(name, list(default))
        key = join_key(prefix, name)
        what = "a list of distinct whole numbers of days from 0 to 366, such as [7, 1]"
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 366
                                              for v in value) or len(set(value)) != len(value):
            self.add(key, f"{what} (got {value!r})")
            return None
        return tuple(value)

    def strings(self, data: dict, name: str, prefix: str, pattern: re.Pattern, what: str) -> tuple[str, ...]:
        """A list of strings each matching `pattern`; the invalid ones are reported and dropped."""
        value = data.get(name, [])
        key = join_key(prefix, name)
        if not isinstance(value, list):
            self.add(key, f"a list of {what}")
            return ()
        good = []
        for i, item in enumerate(value):
            if isinstance(item, str) and pattern.fullmatch(item):
                good.append(item)
            else:
                self.add(join_key(key, i), f"{what} (got {item!r})")
        return tuple(good)

    def matrix_id(self, data: dict, name: str, prefix: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not USER_ID.fullmatch(value) or len(value) > 255:
            self.add(join_key(prefix, name), f"a matrix user id such as @jeanne.dupont:example.org (got {value!r})")
            return None
        return value

