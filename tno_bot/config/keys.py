"""The main file's contribution keys: `[[keys]]`, one key set per year it comes into force, shares adding up to 100.

A key set has a share for every member in office during its first year (`Member.in_office_during`), and none is
asked of a member that joins later: adding Villeurbanne from 2024 leaves the 2022 set as it was (issue 12).
A share given to a member not in office that year is accepted and warned about (`config/warnings.py`).
"""

from __future__ import annotations

from decimal import Decimal

from tno_bot.config.models import Member
from tno_bot.config.reader import Reader, join_key
from tno_bot.domain.funding import KeySet


def read_key_sets(r: Reader, data: dict, members: tuple[Member, ...]) -> tuple[KeySet, ...]:
    """`[[keys]]`, sorted by `valid_from`; each set has a share for every member in office in its first year."""
    member_ids = [m.id for m in members]
    key_sets: dict[int, KeySet] = {}
    for key, item in r.tables(data, "keys", required=("valid_from", "shares")):
        valid_from = r.integer(item, "valid_from", key, minimum=1900)
        shares_key = join_key(key, "shares")
        table = item.get("shares")
        if not isinstance(table, dict):
            if table is not None:
                r.add(shares_key, "a table of member id = percent, such as metropole = \"53\"")
            continue
        shares: dict[str, Decimal] = {}
        for member in table:
            if member not in member_ids:
                r.add(join_key(shares_key, member), f"a member id declared in [[members]] ({', '.join(member_ids)})")
            elif (share := r.decimal(table, member, shares_key, cents=False)) is not None:
                shares[member] = share
        in_office = [m.id for m in members if valid_from is None or m.in_office_during(valid_from)]
        for member in in_office:
            if member not in table:
                r.add(join_key(shares_key, member),
                      f"a share for every member in office in {valid_from} (member {member!r} has none)")
        if len(shares) == len(table) and set(in_office) <= set(shares) and sum(shares.values()) != 100:
            r.add(shares_key, f"shares adding up to 100 (they add up to {sum(shares.values())})")
        if valid_from in key_sets:
            r.add(join_key(key, "valid_from"), f"one key set per year (another one is valid from {valid_from})")
        elif valid_from is not None:
            key_sets[valid_from] = KeySet(valid_from, {m: shares[m] for m in member_ids if m in shares})
    if data.get("keys") == []:
        r.add("keys", "at least one key set ([[keys]] with valid_from and shares)")
    return tuple(key_sets[y] for y in sorted(key_sets))
