"""The cast of config/tno.example.toml, for every test: its people and staff by role, as Matrix ids on the example
server ``tno.example`` and, in :class:`LOCAL`, as the localparts the end-to-end tests register on the test Synapse.

The ids are those of the example config (the signature sheet of 7 November 2022); ``tests/unit/test_config.py``
checks the config itself."""

from __future__ import annotations

from pathlib import Path

EXAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "config" / "tno.example.toml"
SERVER = "tno.example"


def user_id(localpart: str) -> str:
    """``@localpart:tno.example``."""
    return f"@{localpart}:{SERVER}"


def localpart(matrix_id: str) -> str:
    """``emeline.baume`` for ``@emeline.baume:tno.example``."""
    return matrix_id[1:].split(":")[0]


# --- representatives ([[people]]): two titulaires and a suppléant per member ------------------------------------
BAUME, KHELIFI, VIERA = "@emeline.baume:tno.example", "@zemorda.khelifi:tno.example", "@matthieu.viera:tno.example"
MAES, BOSETTI, VIVIEN = "@bertrand.maes:tno.example", "@laurent.bosetti:tno.example", "@emmanuel.vivien:tno.example"
MILLET, VIOLLET, LEFORT = ("@pierre-alain.millet:tno.example", "@alain.viollet:tno.example",
                           "@damien.lefort:tno.example")
METROPOLE = (BAUME, KHELIFI, VIERA)  # Métropole de Lyon
VILLE = (MAES, BOSETTI, VIVIEN)  # Ville de Lyon
SITIV = (MILLET, VIOLLET, LEFORT)  # SITIV
REPRESENTATIVES = METROPOLE + VILLE + SITIV  # in the order of the config

# --- staff ([[staff]]): the secrétariat and the comité technique -------------------------------------------------
SECRETARIAT = "@secretariat:tno.example"
FAURY, GROLEAS, VANGHELUWE = ("@fabrice.faury:tno.example", "@herve.groleas:tno.example",
                              "@stephane.vangheluwe:tno.example")
COMITE = (FAURY, GROLEAS, VANGHELUWE)

# --- roles ([roles]) and the others --------------------------------------------------------------------------------
PRESIDENT = MILLET  # président de séance (a representative of the SITIV)
ADMIN = "@admin:tno.example"  # operates the bot; neither person nor staff
BOT = "@tno-bot:tno.example"  # the bot's own account (TNO_USER_ID)
STRANGER = "@stranger:elsewhere.example"  # nobody the config knows

# --- rooms ----------------------------------------------------------------------------------------------------------
ROOM = "!conference:tno.example"  # the conference room
OTHER_ROOM = "!bureau:tno.example"  # a room that is not the conference's


class LOCAL:
    """The same people by localpart, e.g. ``person(LOCAL.BAUME)`` in the end-to-end tests."""

    BAUME, KHELIFI, VIERA = localpart(BAUME), localpart(KHELIFI), localpart(VIERA)
    MAES, BOSETTI, VIVIEN = localpart(MAES), localpart(BOSETTI), localpart(VIVIEN)
    MILLET, VIOLLET, LEFORT = localpart(MILLET), localpart(VIOLLET), localpart(LEFORT)
    SECRETARIAT, FAURY = localpart(SECRETARIAT), localpart(FAURY)
    GROLEAS, VANGHELUWE = localpart(GROLEAS), localpart(VANGHELUWE)
    PRESIDENT = MILLET
    ADMIN, BOT = localpart(ADMIN), localpart(BOT)
