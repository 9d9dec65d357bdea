from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from tests.cast import ROOM
from tno_bot.storage import RoomSetting, get_room_language, set_room_language


def test_room_language(engine):
    with Session(engine) as session:
        assert get_room_language(session, ROOM) is None
        set_room_language(session, ROOM, "en", "@president:tno.example")
        session.commit()
    with Session(engine) as session:
        assert get_room_language(session, ROOM) == "en"
        assert get_room_language(session, "!other:tno.example") is None
        set_room_language(session, ROOM, "fr", "@admin:tno.example")
        session.commit()
    with Session(engine) as session:
        setting = session.get(RoomSetting, ROOM)
        assert (setting.language, setting.set_by) == ("fr", "@admin:tno.example")
        assert setting.updated_at.utcoffset() == timedelta(0)
