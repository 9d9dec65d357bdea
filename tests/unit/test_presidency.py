"""Who presides in the président's absence (domain/presidency.py): never while he is not recorded absent; the first
vice-président present; the eldest representative present with a known birth date."""

from __future__ import annotations

from datetime import date

from tests.cast import BAUME, EXAMPLE_CONFIG, KHELIFI, MAES, MILLET, SECRETARIAT
from tests.harness import paris
from tno_bot.config import load_config
from tno_bot.domain.attendance import Attendance, Cast, Status
from tno_bot.domain.presidency import DOYEN, VICE_PRESIDENT, substitute

CAST = Cast.from_config(load_config(EXAMPLE_CONFIG))
AT = paris(2025, 11, 7, 10)


def attendance(**statuses: Status) -> Attendance:
    a = Attendance(CAST)
    for person, status in statuses.items():
        a = a.apply(a.mark(person, status, by=SECRETARIAT, at=AT, event_id=f"$e-{person}"))
    return a


def test_nobody_substitutes_a_president_not_recorded_absent():
    assert substitute(attendance(**{BAUME: Status.PRESENT}), (MILLET,), (BAUME,), VICE_PRESIDENT, {}) is None


def test_the_first_vice_president_present_presides():
    a = attendance(**{MILLET: Status.EXCUSE, MAES: Status.PRESENT})
    assert substitute(a, (MILLET,), (BAUME, MAES), VICE_PRESIDENT, {}) == MAES  # Emeline Baume is not present
    assert substitute(a, (MILLET,), (BAUME,), VICE_PRESIDENT, {}) is None


def test_the_eldest_present_with_a_known_birth_date_presides():
    a = attendance(**{MILLET: Status.ABSENT, BAUME: Status.PRESENT, KHELIFI: Status.PRESENT, MAES: Status.PRESENT})
    born = {BAUME: date(1970, 1, 1), KHELIFI: date(1965, 6, 1), MILLET: date(1940, 1, 1)}  # Millet is absent
    assert substitute(a, (MILLET,), (), DOYEN, born) == KHELIFI
    assert substitute(a, (MILLET,), (), DOYEN, {}) is None
