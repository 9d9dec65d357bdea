"""The example config as an operator grows it: Villeurbanne joins the entente on 1 January 2024 (issue 12).

`villeurbanne_config(directory)` copies config/ (main file, 2023 budget, 2022 history) into `directory`, adds
Villeurbanne and its two titulaires and suppléant, the 2024 keys (four members), a mission spécifique of two of the
four members from 2024, and a 2024 budget whose call for funds has the 2023 balance and the 2023 surplus split with
the 2023 keys, and an advance by Villeurbanne. Nothing of
the 2022 key set is touched: it needs no share for the newcomer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cast import EXAMPLE_CONFIG

VILLEURBANNE = "villeurbanne"
GLOMOT, AGOBERT, ROUX = ("@cedric.van-styvendael:tno.example", "@agathe.fort:tno.example",
                         "@jonathan.roux:tno.example")
VILLEURBANNE_PEOPLE = (GLOMOT, AGOBERT, ROUX)

MEMBER = """
[[members]]
id = "villeurbanne"
name = "Ville de Villeurbanne"
body = "Conseil municipal"
joined = 2024-01-01{admission}

# Clés de contribution
"""

KEYS_2024 = """
[[keys]]
valid_from = 2024

[keys.shares]
metropole = "48.2"
ville-lyon = "27.8"
sitiv = "14.9"
villeurbanne = "9.1"

# Représentants à la conférence
"""

PEOPLE = f"""
[[people]]
matrix_id = "{GLOMOT}"
name = "Cédric Van Styvendael"
member = "villeurbanne"
seat = "titulaire"

[[people]]
matrix_id = "{AGOBERT}"
name = "Agathe Fort"
member = "villeurbanne"
seat = "titulaire"

[[people]]
matrix_id = "{ROUX}"
name = "Jonathan Roux"
member = "villeurbanne"
seat = "suppleant"

# Personnes nommées sans siège
"""

BUDGET_2024 = """year = 2024
rounding = "per_member_half_up"

[[lines]]
mission = "Dépenses générales"
label = "Chefs de projet"
fonctionnement = 421337

[[lines]]
mission = "Hébergement"
label = "Extension PRA / PCA"
investissement = 150000

[[receipts]]
label = "Participations des membres"
fonctionnement = 421337

[[receipts]]
label = "Participations des membres (investissement)"
investissement = 150000

[[components]]
label = "Solde 2023"
amount = 38000
keys_year = 2023

[[components]]
label = "Excédent 2023"
amount = -12345
keys_year = 2023

[[components]]
label = "Budget 2024"
from_budget = "fonctionnement"
advance = { member = "villeurbanne", amount = 10000 }
"""


MISSION = """
[[missions]]
id = "parapheur"
name = "Parapheur électronique"
kind = "specifique"
members = ["metropole", "villeurbanne"]
porteur = "metropole"
since = 2024-01-01
"""


def villeurbanne_config(directory: Path, admitted_by: str | None = None) -> Path:
    """The grown config in `directory` (its path); `admitted_by`: the decision admitting Villeurbanne."""
    shutil.copytree(EXAMPLE_CONFIG.parent, directory, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("tno.toml"))
    path = directory / EXAMPLE_CONFIG.name
    text = path.read_text(encoding="utf-8")
    admission = f'\nadmitted_by = "{admitted_by}"' if admitted_by else ""
    for marker, addition in (("\n# Clés de contribution", MEMBER.format(admission=admission)),
                             ("\n# Représentants à la conférence", KEYS_2024),
                             ("\n# Personnes nommées sans siège", PEOPLE)):
        assert marker in text, marker
        text = text.replace(marker, addition.rstrip("\n"), 1)
    path.write_text(text + MISSION, encoding="utf-8")
    (directory / "budgets" / "2024.toml").write_text(BUDGET_2024, encoding="utf-8")
    return path
