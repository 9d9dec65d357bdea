"""The main file's `[[missions]]`: id, name, `kind` ("socle", the default: every member; "specifique": the members
listed in `members`), optional `porteur` (a member), `since` (a TOML date) and `keys` (the mission's own keys, member
id = percent, adding up to 100, only for its members: a budget component with `mission = "<id>"` is split with
them)."""

from __future__ import annotations

from decimal import Decimal

from tno_bot.config.models import Member, Mission
from tno_bot.config.people import MEMBER_ID
from tno_bot.config.reader import Reader, join_key

KINDS = ("socle", "specifique")


def read_missions(r: Reader, data: dict, members: tuple[Member, ...]) -> tuple[Mission, ...]:
    """`[[missions]]`, ids unique; a mission spécifique lists at least one member, a mission socle none."""
    member_ids = [m.id for m in members]
    known = f"a member id declared in [[members]] ({', '.join(member_ids)})"
    missions: list[Mission] = []
    for key, item in r.tables(data, "missions", required=("id", "name"),
                              optional=("kind", "members", "porteur", "since", "keys")):
        mission_id, name = r.text(item, "id", key), r.text(item, "name", key)
        kind = r.choice(item, "kind", key, KINDS, "socle")
        listed = item.get("members", [])
        if not isinstance(listed, list) or not all(isinstance(m, str) for m in listed):
            r.add(join_key(key, "members"), f"a list of member ids (got {listed!r})")
            listed = None
        else:
            for i, member in enumerate(listed):
                if member not in member_ids:
                    r.add(join_key(join_key(key, "members"), i), f"{known} (got {member!r})")
            if kind == "specifique" and not listed:
                r.add(join_key(key, "members"), "the members of a mission spécifique (at least one)")
            elif kind == "socle" and listed:
                r.add(join_key(key, "members"), "no list for a mission socle (every member takes part in it); "
                                                "kind = \"specifique\" for a mission of some members")
        porteur = r.text(item, "porteur", key)
        if porteur is not None and porteur not in member_ids:
            r.add(join_key(key, "porteur"), f"{known} (got {porteur!r})")
        if mission_id is not None and not MEMBER_ID.fullmatch(mission_id):
            r.add(join_key(key, "id"), f"a lower-case id of letters, digits and '-' such as messagerie (got "
                                       f"{mission_id!r})")
        elif any(m.id == mission_id for m in missions):
            r.add(join_key(key, "id"), f"a mission id not already used (duplicate {mission_id!r})")
        since = r.day(item, "since", key)
        keys = _keys(r, item, key, listed or member_ids if kind == "specifique" else member_ids)
        if None not in (mission_id, name, kind, listed, keys):
            missions.append(Mission(mission_id, name, kind, tuple(listed), porteur, since, keys))
    return tuple(missions)


def _keys(r: Reader, item: dict, key: str, members: list[str]) -> tuple[tuple[str, Decimal], ...] | None:
    """A mission's own `keys`: a share for each of its members, adding up to 100 (None once reported)."""
    table = item.get("keys")
    if table is None:
        return ()
    keys_key = join_key(key, "keys")
    if not isinstance(table, dict):
        r.add(keys_key, "a table of member id = percent, such as metropole = \"60\"")
        return None
    shares = {m: r.decimal(table, m, keys_key, cents=False) for m in table}
    wrong = [m for m in table if m not in members]
    for member in wrong:
        r.add(join_key(keys_key, member), f"a member of the mission ({', '.join(members)})")
    missing = [m for m in members if m not in table]
    if missing:
        r.add(keys_key, f"a share for every member of the mission (none for {', '.join(missing)})")
    if wrong or missing or None in shares.values():
        return None
    if sum(shares.values()) != 100:
        r.add(keys_key, f"shares adding up to 100 (they add up to {sum(shares.values())})")
        return None
    return tuple((m, shares[m]) for m in members)
