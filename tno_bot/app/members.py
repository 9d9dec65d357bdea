"""Who is a member of the entente on a given day: by the dates of `[[members]]`, and for a member whose entry is a
decision of the conference (`admitted_by`), only from the day that decision is executory.

"Les décisions de la conférence intercommunale nécessitant des délibérations concordantes comprennent notamment
[…] l'entrée d'un nouveau membre" (art. 5 of the convention, quoted in the seed): until the members' concordant
deliberations make the admission executory, the newcomer neither sits nor ratifies. Ratification waits for the
members in office on the decision's day; quorum and voting rights count those in office on the séance's day.

The admissions are settled in the order of their decisions: a decision admitting a member is ratified by the
members in office on its day, counting only the admissions settled before it (never the newcomer itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from tno_bot.config import Config, Member
from tno_bot.domain.decisions import DecisionId
from tno_bot.domain.ratification import Ratification

# member id -> the day its admitting decision became executory, None while it is not
Admissions = Mapping[str, date | None]


def in_office(config: Config, day: date, admissions: Admissions) -> tuple[Member, ...]:
    """The members on `day`: in office by their dates and, when admitted by a decision, once it is executory."""
    return tuple(m for m in config.members_on(day)
                 if m.admitted_by is None or ((since := admissions.get(m.id)) is not None and since <= day))


def settle_admissions(config: Config, ratify: Callable[[DecisionId, tuple[str, ...]], Ratification | None],
                      decided_on: Callable[[DecisionId], date | None]) -> dict[str, date | None]:
    """When each admitted member's admission became executory: `ratify(decision, members)` is the decision's
    ratification by `members` (None: the decision is unknown), `decided_on(decision)` its day."""
    admissions: dict[str, date | None] = {}
    admitted = sorted((m for m in config.members if m.admitted_by is not None), key=lambda m: m.admitted_by)
    for member in admitted:
        day = decided_on(member.admitted_by)
        ratification = None
        if day is not None:  # the admissions not settled yet count as not executory
            ratifying = tuple(m.id for m in in_office(config, day, admissions) if m.id != member.id)
            ratification = ratify(member.admitted_by, ratifying)
        admissions[member.id] = ratification.executory_on if ratification is not None else None
    return admissions
