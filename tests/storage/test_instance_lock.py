"""One active instance per database (`ops/instance_lock.py`), on SQLite and PostgreSQL."""
from __future__ import annotations

from tno_bot import storage
from tno_bot.ops.instance_lock import InstanceLock


def test_one_holder_at_a_time_named_to_the_others(database_url):
    engines = [storage.make_engine(database_url) for _ in range(2)]
    first, second = InstanceLock(engines[0], "alpha pid 1"), InstanceLock(engines[1], "beta pid 2")
    try:
        assert first.try_acquire() and first.still_held()
        assert not second.try_acquire() and not second.still_held()
        assert second.holder() == "tno-bot alpha pid 1"
        assert not second.try_acquire()  # tried again: still held
        first.release()
        assert not first.still_held()
        assert second.try_acquire() and second.still_held()
        assert first.holder() == "tno-bot beta pid 2" and not first.try_acquire()
    finally:
        for lock in (first, second):
            lock.release()
        for engine in engines:
            engine.dispose()
