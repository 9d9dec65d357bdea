"""The budgets: every `<budgets_dir>/<year>.toml` beside the main file (lines, receipts, call-for-funds components).

A component has `amount` or `from_budget = "<section>"` (that section's expenses, resolved here), an optional
`advance = { member, amount }` and an optional `keys_year`: the year whose keys split it (default the budget's year;
a 2023 balance called in 2024 is split with the 2023 keys). A negative `amount` is a surplus given back to the
members ("à reverser"); it has no advance. A component with `mission = "<id>"` (a mission of `[[missions]]` with
its own `keys`) is split among the mission's members with those keys; its `from_budget` takes only the section's
lines of that mission (a line's `mission` is the mission's id or name), and a `from_budget` without `mission` leaves
out the lines of the missions split so.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from tno_bot.config.people import member_ref
from tno_bot.config.reader import Reader, join_key
from tno_bot.domain.funding import (
    SECTIONS,
    Advance,
    Budget,
    BudgetLine,
    Component,
    KeySet,
    Receipt,
    RoundingPolicy,
    fold,
    keys_in_force,
)

BUDGET_FILE = re.compile(r"(\d{4})\.toml")


def read_budgets(r: Reader, data: dict, path: Path, member_ids: list[str], key_sets,
                 missions: tuple = ()) -> dict[int, Budget]:
    """Every `<year>.toml` of `budgets_dir` (default `budgets`, beside the main file), by year."""
    name = r.text(data, "budgets_dir", "", default="budgets")
    if name is None:
        return {}
    directory = path.parent / name
    if not directory.is_dir():
        r.add("budgets_dir", f"an existing directory of <year>.toml budget files ({directory} does not exist)")
        return {}
    budgets = {}
    for file in sorted(directory.glob("*.toml")):
        match = BUDGET_FILE.fullmatch(file.name)
        if match is None:
            Reader(file, r.problems).add("", "a budget file named <year>.toml, such as 2023.toml")
            continue
        budget = _budget(Reader(file, r.problems), int(match[1]), member_ids, key_sets, missions)
        if budget is not None:
            budgets[budget.year] = budget
    return budgets


def _of_mission(line: BudgetLine, mission) -> bool:
    return fold(line.mission) in (fold(mission.id), fold(mission.name))


def _budget(r: Reader, year: int, member_ids: list[str], key_sets, missions: tuple = ()) -> Budget | None:
    """One `<year>.toml`: lines, receipts (each section balanced) and call-for-funds components."""
    data = r.parse()
    if data is None or r.table(data, "", ("year", "lines", "receipts"), ("rounding", "components")) is None:
        return None
    file_year = r.integer(data, "year", "")
    if file_year is not None and file_year != year:
        r.add("year", f"the year of the file name, {year} (got {file_year})")
    if key_sets and not any(k.valid_from <= year for k in key_sets):
        r.add("year", f"a year covered by a key set of the main file (no [[keys]] valid in {year})")
    policies = [p.value for p in RoundingPolicy]
    rounding = r.choice(data, "rounding", "", policies, RoundingPolicy.PER_MEMBER_HALF_UP.value)
    lines = [BudgetLine(*texts, *amounts) for texts, amounts in _entries(r, data, "lines", ("mission", "label"))]
    receipts = [Receipt(*texts, *amounts) for texts, amounts in _entries(r, data, "receipts", ("label",))]
    expenses = {s: sum((getattr(x, s) for x in lines), Decimal(0)) for s in SECTIONS}
    for section in SECTIONS:
        income = sum((getattr(x, section) for x in receipts), Decimal(0))
        if income != expenses[section]:
            r.add(section, f"receipts equal to expenses in section {section} "
                           f"(expenses {expenses[section]}, receipts {income})")
    components = []
    labels: dict[str, str] = {}
    optional = ("amount", "from_budget", "advance", "keys_year", "mission")
    keyed = [m for m in missions if m.keys]
    for key, item in r.tables(data, "components", required=("label",), optional=optional):
        mission = _mission(r, key, item, keyed)
        if mission is False:
            continue
        of_lines = [x for x in lines if _of_mission(x, mission)] if mission else \
            [x for x in lines if not any(_of_mission(x, m) for m in keyed)]
        section_expenses = {s: sum((getattr(x, s) for x in of_lines), Decimal(0)) for s in SECTIONS}
        component = _component(r, key, item, member_ids, section_expenses,
                               _keys_year(r, key, item, year, key_sets))
        if component is not None and mission:
            component = replace(component, mission=mission.id,
                                mission_keys=KeySet(year, dict(mission.keys)))
        label = item.get("label")
        if isinstance(label, str) and label.strip() and fold(label) in labels:
            r.add(join_key(key, "label"), f"a component not already listed (same label as {labels[fold(label)]}: "
                                          "it would be called twice)")
            component = None
        elif isinstance(label, str):
            labels[fold(label)] = key
        components.append(component)
    if rounding is None or None in components:
        return None
    return Budget(year, RoundingPolicy(rounding), tuple(lines), tuple(receipts), tuple(components))


def _mission(r: Reader, key: str, item: dict, keyed: list):
    """The mission with its own keys a component names (None when it names none, False once reported)."""
    if "mission" not in item:
        return None
    wanted = r.text(item, "mission", key)
    found = next((m for m in keyed if wanted is not None and fold(m.id) == fold(wanted)), None)
    if found is None:
        r.add(join_key(key, "mission"), "the id of a [[missions]] with its own keys "
                                        f"({', '.join(m.id for m in keyed) or 'none has keys'}; got {wanted!r})")
        return False
    return found


def _entries(r: Reader, data: dict, name: str, text_keys: tuple[str, ...]):
    """Budget lines or receipts: (texts, (investissement, fonctionnement)) for the valid ones."""
    for key, item in r.tables(data, name, required=text_keys, optional=SECTIONS):
        texts = tuple(r.text(item, t, key) for t in text_keys)
        amounts = tuple(r.decimal(item, s, key, default=Decimal(0)) for s in SECTIONS)
        if None not in texts + amounts:
            yield texts, amounts


def _keys_year(r: Reader, key: str, item: dict, year: int, key_sets) -> int | None | bool:
    """`keys_year`: a year up to the budget's with keys in force; None when absent, False once reported."""
    if "keys_year" not in item:
        return None
    keys_year = r.integer(item, "keys_year", key, minimum=1900, maximum=year,
                          what=f"a year up to the budget's ({year}) whose keys split this component")
    if keys_year is not None and key_sets and keys_in_force(key_sets, keys_year) is None:
        r.add(join_key(key, "keys_year"), f"a year covered by a key set of the main file (none in {keys_year})")
        keys_year = None
    return False if keys_year is None else keys_year


def _component(r: Reader, key: str, item: dict, member_ids: list[str], expenses: dict,
               keys_year: int | None | bool) -> Component | None:
    """One call-for-funds component; `from_budget = "<section>"` takes that section's expenses as amount."""
    label = r.text(item, "label", key)
    amount = None
    if ("amount" in item) == ("from_budget" in item):
        r.add(key, "exactly one of amount or from_budget")
    elif "amount" in item:
        amount = r.decimal(item, "amount", key, signed=True)
    elif section := r.choice(item, "from_budget", key, SECTIONS):
        amount = expenses[section]
    advance = advance_ok = None
    if "advance" in item:
        advance_key = join_key(key, "advance")
        table = r.table(item["advance"], advance_key, ("member", "amount")) or {}
        member = member_ref(r, table, advance_key, member_ids)
        paid = r.decimal(table, "amount", advance_key)
        advance = Advance(member, paid) if None not in (member, paid) else None
        if advance is not None and amount is not None and amount < 0:
            r.add(advance_key, f"no advance on an amount given back (negative amount {amount})")
            advance = None
        elif advance is not None and amount is not None and paid > amount:
            r.add(join_key(advance_key, "amount"),
                  f"an advance of at most the component's amount ({amount}; got {paid})")
            advance = None
        advance_ok = advance is not None
    if None in (label, amount) or advance_ok is False or keys_year is False:
        return None
    return Component(label, amount, advance, keys_year)
