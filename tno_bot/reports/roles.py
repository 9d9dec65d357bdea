"""Roles and actions in words: "the président", "the admins or the président", "fix the agenda"."""

from __future__ import annotations

from collections.abc import Iterable

from tno_bot.domain.roles import ADMIN, COMITE_TECHNIQUE, PRESIDENT, REPRESENTANT, SECRETARIAT, Action, AgendaAction
from tno_bot.i18n import N_, Translator

ROLE_LABELS = {
    PRESIDENT: N_("the président"),
    SECRETARIAT: N_("the secrétariat"),
    COMITE_TECHNIQUE: N_("the comité technique"),
    ADMIN: N_("the admins"),
    REPRESENTANT: N_("the representatives"),
}

ACTION_LABELS = {
    AgendaAction.CONFERENCE_NOUVELLE: N_("create a conference"),
    AgendaAction.CONFERENCE_DEPLACER: N_("move a conference"),
    AgendaAction.CONFERENCE_ANNULER: N_("cancel a conference"),
    AgendaAction.ODJ_MODIFIER: N_("change the draft agenda"),
    AgendaAction.ODJ_ENVOYER: N_("send the agenda proposal"),
    AgendaAction.ODJ_ENVOYER_HORS_DELAI: N_("send the agenda proposal after the notice deadline"),
    AgendaAction.ODJ_AVIS: N_("give an avis on the agenda"),
    AgendaAction.ODJ_AMENDER: N_("amend the proposed agenda"),
    AgendaAction.ODJ_FIXER: N_("fix the agenda"),
    Action.PRESENCE_AUTRUI: N_("record the attendance of other people"),
    Action.POUVOIR_AUTRUI: N_("record or revoke a pouvoir on behalf of a representative (a pouvoir handed in on "
                              "paper)"),
}


def grammatical_number(roles: Iterable[str]) -> int:
    """1 when `roles` names one person or body ("le président"), else 2 ("les représentants", "A ou B")."""
    roles = set(roles)
    return 1 if len(roles) == 1 and not roles & {ADMIN, REPRESENTANT} else 2


def roles_or(roles: Iterable[str], tr: Translator) -> str:
    """"the admins or the président", in a stable order."""
    return tr.join_or([tr.gettext(ROLE_LABELS[role]) for role in sorted(roles)])


def roles_and(roles: Iterable[str], tr: Translator) -> str:
    """"the président and the comité technique", in the given order; "everyone" for every seated role."""
    roles = list(roles)
    if {PRESIDENT, SECRETARIAT, COMITE_TECHNIQUE, REPRESENTANT} <= set(roles):
        return tr.gettext("everyone")
    return tr.join_and(tr.gettext(ROLE_LABELS[r]) for r in roles if r in ROLE_LABELS)
