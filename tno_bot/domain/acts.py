"""The identifier an act receives when it is transmitted to the prefecture through @ctes (contrôle de légalité).

``069-256910183-20221209-CS_2022_12_4-DE`` is five fields joined by ``-``:

- department: the sender's department on 3 characters as ACTES writes it: ``069`` (Rhône), ``02A``/``02B``
  (Corse), ``971``…``978`` (outre-mer); the INSEE code itself ("69", "2A", "971") is `ActId.insee_department`;
- SIREN of the sender: 9 digits whose Luhn key must be right;
- date of the act (the decision date, for a deliberation the date of the séance): YYYYMMDD, a real date;
- the act number the body gave it (ACTES "NumeroInterne"): 1 to 15 characters among ``A-Z``, ``0-9`` and ``_``.
  A body numbering its acts ``2022-1518`` transmits them as ``2022_1518`` (`actes_number`);
- nature (ACTES "CodeNatureActe"): DE délibérations (1), AR actes réglementaires (2), AI actes individuels (3),
  CC contrats, conventions et avenants (4), BF documents budgétaires et financiers (5), AU autres (6).

Sources: the ACTES naming rules ``DPT ([0-9]{3}|02[AB])``, ``SIREN ([0-9]{9})``, ``DATEACTE`` (a valid
YYYYMMDD), ``NUMACTE ([_A-Z0-9]{1,15})``, ``NATUREACTE (DE|AR|AI|CC|BF|AU)`` as restated in public @ctes client
code; the nature labels of the ACTES nomenclature as used by S²LOW/Pastell clients (1 Délibérations … 6 Autres;
"Actes réglementaires" / "Actes individuels" replaced "Arrêtés …" in 2011); Pastell upper-cases the number and
turns ``-`` into ``_`` before transmission.

`parse_act_id` reports every malformed field with a reason code (`ActIdError.problems`); `check_against` lists
what differs between an identifier and the deliberation it is said to transmit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Protocol

NUMBER_MAX_LENGTH = 15
_NUMBER = re.compile(r"[A-Z0-9_]+")
_ID_PREFIX = re.compile(r"\s*ID\s*:\s*", re.IGNORECASE)  # as printed on the stamp: "ID : 069-…"

# Department codes accepted by ACTES, on 3 characters: metropolitan 001-095 (020 was split into 02A/02B in 1976),
# overseas departments and collectivities with a prefect (971 Guadeloupe … 978 Saint-Martin) and 986-988.
DEPARTMENTS = frozenset(
    {f"{n:03d}" for n in range(1, 96) if n != 20} | {"02A", "02B"}
    | {str(n) for n in range(971, 979)} | {"986", "987", "988"}
)


class Nature(str, Enum):
    """Nature of an act (ACTES CodeNatureActe): the two-letter code of the identifier."""

    DE = "DE"
    AR = "AR"
    AI = "AI"
    CC = "CC"
    BF = "BF"
    AU = "AU"

    @property
    def code(self) -> int:
        """The numeric CodeNatureActe (1 to 6)."""
        return _NATURES[self][0]

    @property
    def label(self) -> str:
        """The French label of the ACTES nomenclature."""
        return _NATURES[self][1]


_NATURES = {
    Nature.DE: (1, "Délibérations"),
    Nature.AR: (2, "Actes réglementaires"),
    Nature.AI: (3, "Actes individuels"),
    Nature.CC: (4, "Contrats, conventions et avenants"),
    Nature.BF: (5, "Documents budgétaires et financiers"),
    Nature.AU: (6, "Autres"),
}


class ActIdReason(str, Enum):
    EMPTY = "empty"
    STRUCTURE = "structure"  # not five fields separated by "-" (params: fields = how many; suggestion = the
    # identifier with the "-" of the number written "_", when that makes it valid)
    DEPARTMENT_FORMAT = "department_format"  # not 3 characters: digits, or 02A / 02B
    DEPARTMENT_UNKNOWN = "department_unknown"  # well formed, but no such department
    SIREN_FORMAT = "siren_format"  # not 9 digits
    SIREN_KEY = "siren_key"  # 9 digits whose Luhn key is wrong
    DATE_FORMAT = "date_format"  # not 8 digits YYYYMMDD
    DATE_INVALID = "date_invalid"  # 8 digits, but no such day (20220230)
    NUMBER_EMPTY = "number_empty"
    NUMBER_CHARACTERS = "number_characters"  # characters other than A-Z, 0-9, _ (params: characters)
    NUMBER_TOO_LONG = "number_too_long"  # more than 15 characters (params: length, limit)
    NATURE_UNKNOWN = "nature_unknown"  # not one of DE AR AI CC BF AU


@dataclass(frozen=True)
class ActIdProblem:
    reason: ActIdReason
    field: str  # "identifier", "department", "siren", "date", "number" or "nature"
    value: str
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)


class ActIdError(ValueError):
    """A malformed identifier: every problem found, the first one's reason as `reason`."""

    def __init__(self, text: str, problems: tuple[ActIdProblem, ...]):
        super().__init__(f"not an act identifier {text!r}: " + ", ".join(p.reason.value for p in problems))
        self.text = text
        self.problems = problems

    @property
    def reason(self) -> ActIdReason:
        return self.problems[0].reason


def luhn_ok(digits: str) -> bool:
    """The Luhn check of a string of ASCII digits (SIREN, SIRET)."""
    if not digits or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def siren_is_valid(siren: str) -> bool:
    """9 ASCII digits with a right Luhn key."""
    return len(siren) == 9 and luhn_ok(siren)


def actes_number(number: str) -> str:
    """A body's act number as ACTES transmits it: upper case, "-" turned into "_" ("2022-1518" -> "2022_1518")."""
    return number.strip().upper().replace("-", "_")


@dataclass(frozen=True)
class ActId:
    department: str  # 3 characters, as in the identifier: "069", "02A", "971"
    siren: str
    date: date
    number: str  # ACTES form: [A-Z0-9_]{1,15}
    nature: Nature

    def __post_init__(self) -> None:
        problems = (_department_problems(self.department) + _siren_problems(self.siren)
                    + _number_problems(self.number))
        if not isinstance(self.nature, Nature):
            problems.append(ActIdProblem(ActIdReason.NATURE_UNKNOWN, "nature", str(self.nature)))
        if problems:
            raise ActIdError(_format(self), tuple(problems))

    def __str__(self) -> str:
        return _format(self)

    @property
    def insee_department(self) -> str:
        """The department as INSEE writes it: "69", "2A", "971"."""
        return self.department[1:] if self.department.startswith("0") else self.department


def _format(act: ActId) -> str:
    nature = act.nature.value if isinstance(act.nature, Nature) else str(act.nature)
    return f"{act.department}-{act.siren}-{act.date:%Y%m%d}-{act.number}-{nature}"


def format_act_id(department: str, siren: str, day: date, number: str, nature: Nature | str = Nature.DE) -> str:
    """The identifier of these fields; the number is put in ACTES form first. ActIdError if a field is wrong."""
    return str(ActId(department, siren, day, actes_number(number), Nature(nature) if nature in _VALUES else nature))


_VALUES = frozenset(n.value for n in Nature)


def _department_problems(value: str) -> list[ActIdProblem]:
    if not re.fullmatch(r"[0-9]{3}|02[AB]", value):
        return [ActIdProblem(ActIdReason.DEPARTMENT_FORMAT, "department", value)]
    if value not in DEPARTMENTS:
        return [ActIdProblem(ActIdReason.DEPARTMENT_UNKNOWN, "department", value)]
    return []


def _siren_problems(value: str) -> list[ActIdProblem]:
    if not re.fullmatch(r"[0-9]{9}", value):
        return [ActIdProblem(ActIdReason.SIREN_FORMAT, "siren", value)]
    if not luhn_ok(value):
        return [ActIdProblem(ActIdReason.SIREN_KEY, "siren", value)]
    return []


def _number_problems(value: str) -> list[ActIdProblem]:
    problems = []
    if not value:
        return [ActIdProblem(ActIdReason.NUMBER_EMPTY, "number", value)]
    if not _NUMBER.fullmatch(value):
        bad = "".join(dict.fromkeys(c for c in value if not _NUMBER.fullmatch(c)))
        problems.append(ActIdProblem(ActIdReason.NUMBER_CHARACTERS, "number", value, (("characters", bad),)))
    if len(value) > NUMBER_MAX_LENGTH:
        problems.append(ActIdProblem(ActIdReason.NUMBER_TOO_LONG, "number", value,
                                     (("length", len(value)), ("limit", NUMBER_MAX_LENGTH))))
    return problems


def _date(value: str) -> tuple[date | None, list[ActIdProblem]]:
    if not re.fullmatch(r"[0-9]{8}", value):
        return None, [ActIdProblem(ActIdReason.DATE_FORMAT, "date", value)]
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:])), []
    except ValueError:
        return None, [ActIdProblem(ActIdReason.DATE_INVALID, "date", value)]


def parse_act_id(text: str) -> ActId:
    """Parse an identifier; surrounding spaces, an "ID :" prefix (as on the stamp) and lower case are tolerated.
    Raises ActIdError listing every malformed field."""
    cleaned = _ID_PREFIX.sub("", text, count=1) if _ID_PREFIX.match(text) else text
    cleaned = cleaned.strip().upper()
    if not cleaned:
        raise ActIdError(text, (ActIdProblem(ActIdReason.EMPTY, "identifier", text),))
    fields = cleaned.split("-")
    if len(fields) != 5:
        params: tuple[tuple[str, Any], ...] = (("fields", len(fields)),)
        if len(fields) > 5:  # a number written with "-" ("2022-1518"): ACTES writes it with "_"
            candidate = "-".join(fields[:3] + ["_".join(fields[3:-1]), fields[-1]])
            try:
                params += (("suggestion", str(parse_act_id(candidate))),)
            except ActIdError:
                pass
        raise ActIdError(text, (ActIdProblem(ActIdReason.STRUCTURE, "identifier", cleaned, params),))
    department, siren, day, number, nature = fields
    parsed_date, date_problems = _date(day)
    problems = (_department_problems(department) + _siren_problems(siren) + date_problems
                + _number_problems(number))
    if nature not in _VALUES:
        problems.append(ActIdProblem(ActIdReason.NATURE_UNKNOWN, "nature", nature))
    if problems:
        raise ActIdError(text, tuple(problems))
    return ActId(department, siren, parsed_date, number, Nature(nature))


# --- checking an identifier against the act it transmits --------------------------------------------------------


class ActLike(Protocol):
    """What `check_against` reads of a deliberation."""

    number: str
    date: date


class Field(str, Enum):
    DATE = "date"
    NUMBER = "number"
    NATURE = "nature"
    SIREN = "siren"


@dataclass(frozen=True)
class Difference:
    field: Field
    expected: Any  # from the deliberation (number in ACTES form) or the member
    found: Any  # from the identifier


def check_against(identifier: ActId, deliberation: ActLike, *, nature: Nature = Nature.DE,
                  siren: str | None = None) -> tuple[Difference, ...]:
    """Every difference between `identifier` and the act it should identify: the date, the number (compared in
    ACTES form), the nature (a deliberation is DE) and, when the member's SIREN is known, the sender. Empty when
    they agree."""
    differences = []
    if identifier.date != deliberation.date:
        differences.append(Difference(Field.DATE, deliberation.date, identifier.date))
    if identifier.number != actes_number(deliberation.number):
        differences.append(Difference(Field.NUMBER, actes_number(deliberation.number), identifier.number))
    if identifier.nature is not nature:
        differences.append(Difference(Field.NATURE, nature, identifier.nature))
    if siren is not None and identifier.siren != siren:
        differences.append(Difference(Field.SIREN, siren, identifier.siren))
    return tuple(differences)
