"""`!missions`: the missions of the entente, socles or spécifiques, with their members and porteur."""

from __future__ import annotations

from collections.abc import Sequence

from tno_bot.config import Config, Member, Mission
from tno_bot.i18n import N_, Translator
from tno_bot.reports.text import Text

KIND_LABELS = {"socle": N_("mission socle"), "specifique": N_("mission spécifique")}


def missions_report(missions: Sequence[tuple[Mission, tuple[Member, ...]]], config: Config,
                    tr: Translator) -> tuple[str, str]:
    """Each mission (with its members today) in config order; none configured: said so."""
    text = Text.empty().para(tr.gettext("Missions of the entente:"))
    if not missions:
        return text.para(tr.gettext("No mission of this kind in the configuration ([[missions]]).")).done()
    lines = []
    for mission, members in missions:
        porteur = config.member(mission.porteur) if mission.porteur else None
        kind = tr.gettext(KIND_LABELS[mission.kind])
        heading = (tr.gettext("{name} — {kind}, carried by {porteur}", name=mission.name, kind=kind,
                              porteur=porteur.name) if porteur else
                   tr.gettext("{name} — {kind}", name=mission.name, kind=kind))
        lines.append(tr.gettext("{label}: {value}", label=heading,
                                value=tr.join_and(m.name for m in members)))
    return text.bullets(lines).done()
