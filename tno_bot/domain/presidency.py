"""Who presides a séance in the président's absence.

Neither the seed nor the convention says who presides when the président is "empêché": the conference decides it,
and the config states its choice (`[rules] presidence_absent`):
- `vice_president` (default): the first vice-président of `[roles] vice_president` recorded present;
- `doyen`: the eldest representative present (by the `born` dates of `[[people]]`), as the CGCT has the eldest
  member preside a municipal council's first sitting (art. L2122-8) — an analogy, not the law of the entente.
The président is absent once recorded absent or excused in the séance (never merely for not being recorded yet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from tno_bot.domain.attendance import Attendance, FactKind, Status

VICE_PRESIDENT = "vice_president"
DOYEN = "doyen"
PRESIDENCES = (VICE_PRESIDENT, DOYEN)


def president_absent(attendance: Attendance, presidents: Sequence[str]) -> bool:
    """Whether every président is recorded absent or excused in the séance."""
    recorded = {f.person for f in attendance.facts if f.kind is FactKind.PRESENCE}
    return bool(presidents) and all(p in recorded and attendance.status(p) is not Status.PRESENT for p in presidents)


def substitute(attendance: Attendance, presidents: Sequence[str], vice_presidents: Sequence[str], rule: str,
               born: Mapping[str, date]) -> str | None:
    """Who presides in place of the absent président under `rule`; None when the président is not recorded absent,
    or nobody qualifies (no vice-président present; no representative present with a known birth date)."""
    if not president_absent(attendance, presidents):
        return None
    present = [r.matrix_id for r in attendance.cast.representatives
               if attendance.status(r.matrix_id) is Status.PRESENT]
    if rule == DOYEN:
        dated = [p for p in present if p in born]
        return min(dated, key=lambda p: born[p]) if dated else None
    return next((v for v in vice_presidents if v in present), None)
