"""Who may do what: the one table of the roles allowed for each action, read by the domain's checks and by the
command registry (who may run a command, shown in !aide)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from types import MappingProxyType

from tno_bot.domain.refusals import Refused

PRESIDENT = "president"
SECRETARIAT = "secretariat"
COMITE_TECHNIQUE = "comite_technique"
REPRESENTANT = "representant"
ADMIN = "admin"
ROLES = frozenset({PRESIDENT, SECRETARIAT, COMITE_TECHNIQUE, REPRESENTANT, ADMIN})
PRESIDENCY = frozenset({PRESIDENT, SECRETARIAT})


class AgendaAction(str, Enum):
    CONFERENCE_NOUVELLE = "conference_nouvelle"
    CONFERENCE_DEPLACER = "conference_deplacer"
    CONFERENCE_ANNULER = "conference_annuler"
    ODJ_MODIFIER = "odj_modifier"  # ajouter / retirer / déplacer a point of the draft
    ODJ_ENVOYER = "odj_envoyer"
    ODJ_ENVOYER_HORS_DELAI = "odj_envoyer_hors_delai"
    ODJ_AVIS = "odj_avis"
    ODJ_AMENDER = "odj_amender"
    ODJ_FIXER = "odj_fixer"


class Action(str, Enum):
    """The actions outside the agenda."""

    SEANCE_CONDUIRE = "seance_conduire"  # open, suspend, resume, close the séance
    CONVOQUER = "convoquer"  # post the convocation (again) in the président's name
    PRESENCE_AUTRUI = "presence_autrui"  # record the attendance of other people
    POUVOIR_AUTRUI = "pouvoir_autrui"  # record or revoke a pouvoir handed in on paper
    VOTE_CONDUIRE = "vote_conduire"  # open and close a vote
    RATIFICATION_ENREGISTRER = "ratification_enregistrer"  # a member's deliberation, publication, transmission
    NOTIFICATION_ENREGISTRER = "notification_enregistrer"  # a decision notified to the members (art. 4.3 procedure)
    LANGUE = "langue"  # the language of a room's answers


AGENDA_PERMISSIONS: Mapping[AgendaAction, frozenset[str]] = MappingProxyType({
    AgendaAction.CONFERENCE_NOUVELLE: PRESIDENCY,
    AgendaAction.CONFERENCE_DEPLACER: PRESIDENCY,
    AgendaAction.CONFERENCE_ANNULER: PRESIDENCY,
    AgendaAction.ODJ_MODIFIER: frozenset({COMITE_TECHNIQUE, SECRETARIAT}),
    AgendaAction.ODJ_ENVOYER: frozenset({COMITE_TECHNIQUE}),
    AgendaAction.ODJ_ENVOYER_HORS_DELAI: frozenset({PRESIDENT}),
    AgendaAction.ODJ_AVIS: frozenset({REPRESENTANT}),
    AgendaAction.ODJ_AMENDER: frozenset({COMITE_TECHNIQUE}),
    AgendaAction.ODJ_FIXER: frozenset({PRESIDENT}),
})

PERMISSIONS: Mapping[AgendaAction | Action, frozenset[str]] = MappingProxyType({
    **AGENDA_PERMISSIONS,
    Action.SEANCE_CONDUIRE: PRESIDENCY,
    Action.CONVOQUER: PRESIDENCY,
    Action.PRESENCE_AUTRUI: PRESIDENCY,
    Action.POUVOIR_AUTRUI: PRESIDENCY,
    Action.VOTE_CONDUIRE: frozenset({PRESIDENT}),
    Action.RATIFICATION_ENREGISTRER: frozenset({SECRETARIAT, REPRESENTANT}),
    Action.NOTIFICATION_ENREGISTRER: frozenset({SECRETARIAT}),
    Action.LANGUE: frozenset({ADMIN, PRESIDENT}),
})


# what whoever presides in place of an absent président may do in that séance (domain/presidency.py)
PRESIDING = frozenset({Action.VOTE_CONDUIRE})


def allowed(action: AgendaAction | Action, roles: Iterable[str]) -> bool:
    """Whether someone with `roles` may perform `action`."""
    return not PERMISSIONS[action].isdisjoint(roles)


def roles_for(*actions: AgendaAction | Action) -> frozenset[str]:
    """The roles allowed to perform at least one of `actions`."""
    return frozenset().union(*(PERMISSIONS[action] for action in actions))


class RoleReason(str, Enum):
    FORBIDDEN = "forbidden"  # params: action, allowed (role names)


def require(action: AgendaAction | Action, roles: Iterable[str]) -> None:
    """Refused(RoleReason.FORBIDDEN) unless someone with `roles` may perform `action`."""
    if not allowed(action, roles):
        raise Refused(RoleReason.FORBIDDEN, action=action, allowed=PERMISSIONS[action])
