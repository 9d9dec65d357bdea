"""What `check-config` warns about in a config that loads: choices that are allowed but most likely mistakes.

- a member with no titulaire in `[[people]]`: it has no seat to vote with, so a decision needing its vote can
  never be adopted;
- a key set giving a share to a member not in office during its first year (`joined` later, or `left` before);
- a member in office in a year of a budget with no share in the keys in force that year: it is called for nothing;
- a mission spécifique listing a member not in office on the mission's start (`since`).
"""

from __future__ import annotations

from tno_bot.config.models import Config, ConfigProblem


def config_warnings(config: Config) -> list[ConfigProblem]:
    """The warnings about `config`, each naming the file and key."""
    file = str(config.path)
    found = []
    for i, member in enumerate(config.members):
        if not any(p.member == member.id and p.seat == "titulaire" for p in config.people):
            found.append(ConfigProblem(file, f"members[{i}]", f"a titulaire for {member.id!r} in [[people]] (it has "
                                                              "none: it has no seat to vote with)"))
    for i, keys in enumerate(config.key_sets):
        for member_id in keys.shares:
            member = config.member(member_id)
            if member is not None and not member.in_office_during(keys.valid_from):
                tenure = ", ".join(f"{word} {day}" for word, day in (("joined", member.joined),
                                                                       ("left", member.left)) if day)
                found.append(ConfigProblem(file, f"keys[{i}].shares.{member_id}",
                                           f"a share only for a member in office in {keys.valid_from} "
                                           f"({member_id!r} is not: {tenure})"))
    for year in sorted(config.budgets):
        keys = config.keys_for(year)
        for member in config.members_during(year):
            if keys is not None and member.id not in keys.shares:
                found.append(ConfigProblem(file, "keys", f"a key set valid in {year} with a share for "
                                                         f"{member.id!r}, a member in {year} (it is called for "
                                                         f"nothing in the {year} budget)"))
    for i, mission in enumerate(config.missions):
        for member_id in mission.members:
            member = config.member(member_id)
            if mission.since is not None and member is not None and not member.in_office_on(mission.since):
                found.append(ConfigProblem(file, f"missions[{i}].members", f"members in office on the mission's "
                                                                           f"start, {mission.since} ({member_id!r} "
                                                                           "is not)"))
    return found
