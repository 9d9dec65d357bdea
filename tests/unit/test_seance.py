"""The séance: opening on the fixed agenda only, suspensions, resumption, closing; every refusal code."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.cast import FAURY, PRESIDENT
from tests.harness import paris
from tno_bot.domain.agenda import Conference, Etat, Fixation, ModeFixation, OrdreDuJour, Version
from tno_bot.domain.seance import Reason, SeanceRefused, ouvrir_seance

OPENING = paris(2022, 11, 7, 10, 0)
CONFERENCE = Conference(1, OPENING.date(), OPENING.time(), "Hôtel de la Métropole")
SENT = paris(2022, 10, 1, 9, 0)
V1 = Version(1, ("Règlement intérieur", "Missions"), SENT, FAURY, False, 15, False)
V2 = Version(2, ("Règlement intérieur", "Missions", "Appel de fonds"), SENT + timedelta(days=3),
             FAURY, False, 15, False)
FIXED = OrdreDuJour(Etat.FIXE, (), (V1, V2), (),
                    Fixation(2, ModeFixation.TACITE, SENT + timedelta(days=19), (SENT + timedelta(days=18)).date(),
                             None))


def stamp(minutes: int) -> dict:
    return {"by": PRESIDENT, "at": OPENING + timedelta(minutes=minutes), "event_id": f"$e{minutes}"}


def test_opening_freezes_the_fixed_version():
    seance = ouvrir_seance(CONFERENCE, FIXED, "!room", **stamp(0))
    assert seance.points == V2.points and seance.agenda_version == 2
    assert seance.agenda == {1: "Règlement intérieur", 2: "Missions", 3: "Appel de fonds"}
    assert not seance.closed and not seance.suspended


@pytest.mark.parametrize("odj, conference, reason", [
    (OrdreDuJour(), CONFERENCE, Reason.AGENDA_NOT_FIXED),
    (OrdreDuJour(Etat.PROPOSE, (), (V1,)), CONFERENCE, Reason.AGENDA_NOT_FIXED),
    (FIXED, Conference(1, OPENING.date(), OPENING.time(), "", cancelled=True), Reason.CANCELLED),
])
def test_opening_refusals(odj, conference, reason):
    with pytest.raises(SeanceRefused) as refused:
        ouvrir_seance(conference, odj, "!room", **stamp(0))
    assert refused.value.reason is reason


def test_suspend_resume_close_and_refusals():
    seance = ouvrir_seance(CONFERENCE, FIXED, "!room", **stamp(0))
    with pytest.raises(SeanceRefused, match="not_suspended"):
        seance.reprendre(**stamp(1))
    suspended = seance.suspendre(**stamp(40))
    assert suspended.suspended
    with pytest.raises(SeanceRefused) as refused:
        suspended.suspendre(**stamp(41))
    assert refused.value.reason is Reason.SUSPENDED
    with pytest.raises(SeanceRefused, match="suspended"):
        suspended.check_votes_allowed()
    resumed = suspended.reprendre(**stamp(55))
    resumed.check_votes_allowed()
    assert [(p.suspended_at.minute, p.resumed_at.minute) for p in resumed.pauses] == [(40, 55)]
    # closing while suspended ends the suspension at the closing
    closed = resumed.suspendre(**stamp(100)).clore(**stamp(135))
    assert closed.closed and not closed.suspended and closed.pauses[-1].resumed_at == closed.closed_at
    for change in (closed.suspendre, closed.reprendre, closed.clore):
        with pytest.raises(SeanceRefused) as refused:
            change(**stamp(140))
        assert refused.value.reason is Reason.CLOSED
    with pytest.raises(ValueError):
        closed.clore(by=PRESIDENT, at=datetime(2022, 11, 7, 12), event_id="$naive")
