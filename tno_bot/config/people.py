"""Who is who, in the main file: `[[members]]`, `[[people]]`, `[[staff]]` and `[roles]`.

`[[people]]` are the seated representatives (titulaire / suppléant of a member); `[[staff]]` are the other named
users (secrétariat, comité technique…), with an optional member. Roles: `president` must name a representative,
`secretariat` and `comite_technique` a representative or a staff member; `admins` may be any valid matrix id (an
operator need not be part of the entente). `[roles]` is required, with at least one président and one member of the
comité technique (else nobody may conduct a séance or send an agenda). A name designates one person: two people (or
staff members) may not share a name, compared as the commands compare them (case and accents aside).
"""

from __future__ import annotations

import re

from tno_bot.config.models import Member, Person, Roles, Staff
from tno_bot.config.reader import USER_ID, Reader, join_key
from tno_bot.domain.acts import luhn_ok
from tno_bot.domain.decisions import DecisionId, parse_decision_id
from tno_bot.domain.funding import fold

SEATS = ("titulaire", "suppleant")
ROLE_KEYS = ("president", "secretariat", "comite_technique", "admins", "vice_president")
REQUIRED_ROLES = {"president": "conduct a séance or fix an agenda", "comite_technique": "send an agenda"}
MEMBER_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
SIRET = re.compile(r"[0-9]{14}")
ARTICLES = ("le", "la", "l'", "les")


def read_article(r: Reader, item: dict, key: str) -> str:
    """The optional `article` of a name ("le", "la", "l'", "les"); none by default."""
    article = r.text(item, "article", key)
    if article is None:
        return ""
    if article.replace("\u2019", "'").strip().lower() not in ARTICLES:
        r.add(join_key(key, "article"), f"one of {', '.join(ARTICLES)}, or no article key (got {article!r})")
        return ""
    return article.replace("\u2019", "'").strip().lower()


def read_members(r: Reader, data: dict) -> tuple[Member, ...]:
    """`[[members]]`: at least one, ids unique, SIRET checked; `joined` / `left` dates (a founding member has no
    `joined`), `admitted_by` the conference's decision admitting it ("TNO 2023-04")."""
    members: list[Member] = []
    optional = ("siret", "article", "joined", "left", "admitted_by")
    for key, item in r.tables(data, "members", required=("id", "name", "body"), optional=optional):
        member_id, name, body = (r.text(item, k, key) for k in ("id", "name", "body"))
        article = read_article(r, item, key)
        siret = r.text(item, "siret", key)
        joined, left = r.day(item, "joined", key), r.day(item, "left", key)
        if joined is not None and left is not None and left < joined:
            r.add(join_key(key, "left"), f"a date after joined ({joined}; got {left})")
        admitted_by = _decision(r, item, key)
        if admitted_by is not None and joined is None:
            r.add(join_key(key, "joined"), "the date the member joins, since admitted_by names its admission")
        if siret is not None and not (SIRET.fullmatch(siret) and luhn_ok(siret)):
            r.add(join_key(key, "siret"), f"a SIRET: 14 digits with a right Luhn key (got {siret!r})")
        if member_id is not None and not MEMBER_ID.fullmatch(member_id):
            expected = "a lower-case id of letters, digits and '-' such as ville-lyon"
            r.add(join_key(key, "id"), f"{expected} (got {member_id!r})")
        elif member_id in (m.id for m in members):
            r.add(join_key(key, "id"), f"a member id not already used (duplicate {member_id!r})")
        elif None not in (member_id, name, body):
            members.append(Member(member_id, name, body, siret, article, joined, left, admitted_by))
    if data.get("members") == []:
        r.add("members", "at least one member ([[members]] with id, name, body)")
    return tuple(members)


def _decision(r: Reader, item: dict, key: str) -> DecisionId | None:
    """`admitted_by`: a decision id of the conference."""
    text = r.text(item, "admitted_by", key)
    if text is None:
        return None
    try:
        return parse_decision_id(text)
    except ValueError:
        r.add(join_key(key, "admitted_by"), f"a decision id of the conference such as \"TNO 2023-04\" (got {text!r})")
        return None


def member_ref(r: Reader, item: dict, key: str, member_ids: list[str]) -> str | None:
    """The `member` key of a table: an id declared in `[[members]]`, or None once reported."""
    member = r.text(item, "member", key)
    if member is not None and member not in member_ids:
        r.add(join_key(key, "member"), f"a member id declared in [[members]] ({', '.join(member_ids)}; got {member!r})")
        return None
    return member


def read_people(r: Reader, data: dict, member_ids: list[str]) -> tuple[tuple[Person, ...], tuple[Staff, ...]]:
    """`[[people]]` and `[[staff]]`; a matrix id appears once across both."""
    seen: dict[str, str] = {}

    def unique(matrix_id: str | None, key: str) -> str | None:
        if matrix_id in seen:
            r.add(join_key(key, "matrix_id"), f"a matrix id not already used (also in {seen[matrix_id]})")
            return None
        if matrix_id is not None:
            seen[matrix_id] = key
        return matrix_id

    names: dict[str, str] = {}

    def unique_name(name: str | None, key: str) -> str | None:
        """Commands name people by their name (`!present Emeline Baume`): a name designates one person."""
        if name is not None and fold(name) in names:
            r.add(join_key(key, "name"), f"a name not already used (also in {names[fold(name)]}): commands name "
                                         "people by their name, so two people need distinct names")
            return None
        if name is not None:
            names[fold(name)] = key
        return name

    people = []
    for key, item in r.tables(data, "people", required=("matrix_id", "name", "member", "seat"), optional=("born",)):
        values = (
            unique(r.matrix_id(item, "matrix_id", key), key),
            unique_name(r.text(item, "name", key), key),
            member_ref(r, item, key, member_ids),
            r.choice(item, "seat", key, SEATS),
        )
        if None not in values:
            people.append(Person(*values, born=r.day(item, "born", key)))
    staff = []
    for key, item in r.tables(data, "staff", required=("matrix_id", "name"), optional=("member", "article")):
        article = read_article(r, item, key)
        matrix_id = unique(r.matrix_id(item, "matrix_id", key), key)
        name = unique_name(r.text(item, "name", key), key)
        member = member_ref(r, item, key, member_ids)
        if matrix_id is not None and name is not None:
            staff.append(Staff(matrix_id, name, member, article))
    return tuple(people), tuple(staff)


def read_roles(r: Reader, data: dict, people: set[str], staff: set[str]) -> Roles:
    """`[roles]`: each role names someone allowed to hold it (see the module docstring)."""
    if "roles" not in data:
        r.add("roles", "a [roles] table naming at least the president and the comite_technique (without it nobody "
                       "may conduct a conference or send its agenda)")
        return Roles((), (), (), ())
    table = r.table(data["roles"], "roles", optional=ROLE_KEYS) or {}
    what = "a matrix user id such as @jeanne.dupont:example.org"
    values = {name: r.strings(table, name, "roles", USER_ID, what) for name in ROLE_KEYS}
    for name, task in REQUIRED_ROLES.items():
        if not table.get(name):
            r.add(f"roles.{name}", f"at least one matrix user id (without it nobody may {task})")
    restricted = {
        "president": (people, "a representative declared in [[people]]"),
        "vice_president": (people, "a representative declared in [[people]]"),
        "secretariat": (people | staff, "someone declared in [[people]] or [[staff]]"),
        "comite_technique": (people | staff, "someone declared in [[people]] or [[staff]]"),
    }
    for name, (known, expected) in restricted.items():
        listed = table.get(name)
        for i, matrix_id in enumerate(listed if isinstance(listed, list) else []):
            if matrix_id in values[name] and matrix_id not in known:
                r.add(f"roles.{name}[{i}]", f"{expected} (got {matrix_id!r})")
    return Roles(**values)
