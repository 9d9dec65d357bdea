"""A conference is dealt with in its own room: the room it was created in, where its people are.

Acting on a conference (opening its séance, changing its agenda, moving it, giving a pouvoir for it) or reading
what is not public yet (its draft agenda, its provisional compte rendu) from another room would act or reveal it
before people who are not the conference's (issue 11: a séance opened from a direct message, a provisional compte
rendu read in another room). Dates, adopted decisions and the budget are public: any served room may ask for them.
"""
from __future__ import annotations

from enum import Enum

from tno_bot.domain.refusals import Refused


class Reason(Enum):
    OTHER_ROOM = "other_room"  # params: conference (its number), room (the id of its own room)


def require_own_room(conference: int, its_room: str | None, room_id: str) -> None:
    """Refused(OTHER_ROOM) unless `room_id` is the conference's own room `its_room`."""
    if its_room != room_id:
        raise Refused(Reason.OTHER_ROOM, conference=conference, room=its_room)
