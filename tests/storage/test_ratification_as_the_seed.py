"""Ratification as the seed's own documents do it: one member's deliberation approving several decisions (the SITIV's
CS_2022_12_4 approves TNO 2022-01 and TNO 2022-02) is recorded once, and its publication and transmission, recorded
for one decision, count for each decision it approves; the secrétariat's notification of a decision to the members
is recorded, and the reminders then count from it."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.cast import BAUME, MAES, MILLET
from tests.storage.test_ratification_commands import RatificationBot, adopt
from tests.text import plain
from tno_bot import storage


def facts(engine, decision: str) -> list[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.exec(select(storage.RatificationFactRow)
                            .where(storage.RatificationFactRow.decision_id == decision)
                            .order_by(storage.RatificationFactRow.id)).all()
    return [(row.member, row.kind) for row in rows]


def test_the_sitiv_publication_recorded_for_2022_01_counts_for_2022_02(engine, config):
    bot = RatificationBot(engine, config)
    reply = bot.say("!publication TNO 2022-01 sitiv 16/12/2022", MILLET)
    assert reply.splitlines()[0] == "Enregistré pour TNO 2022-01 et TNO 2022-02 : la publication du SITIV."
    assert "TNO 2022-02 :" in reply.splitlines()
    for decision in ("TNO 2022-01", "TNO 2022-02"):
        assert facts(engine, decision) == [("sitiv", "publication")]
        assert "• SITIV : sa publication" not in bot.say(f"!decision {decision}")
    # withdrawn by mistake: from the act, so from both decisions
    reply = bot.say("!publication retirer TNO 2022-02 sitiv", MILLET)
    assert reply.startswith("Retiré pour TNO 2022-02 et TNO 2022-01 : la publication du SITIV")
    assert "• SITIV : sa publication" in bot.say("!decision TNO 2022-01")


def test_one_deliberation_on_two_decisions_is_recorded_once_and_makes_both_executory(engine, config):
    bot = RatificationBot(engine, config)
    adopt(engine, title="Budget 2027", number=1)
    adopt(engine, title="Rapport d'activité 2025", number=2)
    for member, by, number, day in (("metropole", BAUME, "2026-0412", "23/03/2026"),
                                    ("ville-lyon", MAES, "2026-117", "30/03/2026")):
        reply = bot.say(f"!deliberation TNO 2026-01+2026-02 {member} {number} {day}", by)
        assert reply.startswith("Enregistré pour TNO 2026-01 et TNO 2026-02 : la délibération de")
        bot.say(f"!publication TNO 2026-01 {member} {day}", by)
        bot.say(f"!transmission TNO 2026-02 {member} {day}", by)
    bot.say("!deliberation TNO 2026-01 et TNO 2026-02 sitiv CS_2026_04_2 10/04/2026", MILLET)
    bot.say("!publication TNO 2026-02 sitiv 10/04/2026", MILLET)
    replies = bot.ask("!transmission 2026-01,2026-02 sitiv 10/04/2026", MILLET)
    recorded, *announcements = replies
    assert plain(recorded.body).startswith("Enregistré pour TNO 2026-01 et TNO 2026-02 : la transmission en préfecture "
                                    "du SITIV.")
    assert [plain(a.body).split(" « ")[0] for a in announcements] == ["La décision TNO 2026-01", "La décision TNO 2026-02"]
    for decision in ("TNO 2026-01", "TNO 2026-02"):
        assert facts(engine, decision) == [(m, k) for m in ("metropole", "ville-lyon", "sitiv")
                                           for k in ("deliberation", "publication", "transmission")]
        assert "Exécutoire depuis le vendredi 10 avril 2026" in bot.say(f"!decision {decision}")
    assert len(bot.announcements()) == 2


def test_a_refusal_for_one_of_the_decisions_records_nothing(engine, config):
    bot = RatificationBot(engine, config)
    adopt(engine, title="Budget 2027", number=1)
    reply = bot.say("!deliberation TNO 2026-01+2026-07 metropole 2026-0412 23/03/2026", BAUME)
    assert "TNO 2026-07" in reply
    assert facts(engine, "TNO 2026-01") == []


# --- the secrétariat's notification of a decision to the members (art. 4.3 procedure) --------------------------


def test_the_reminders_count_from_the_notification_once_recorded(engine, config):
    bot = RatificationBot(engine, config)
    adopt(engine, title="Budget 2027", number=1)  # Monday 2 March 2026; reminders every 14 days
    before = bot.say("!decision TNO 2026-01")
    assert "Métropole de Lyon : lundi 16 mars 2026 à 9 h" in before
    assert "Notifiée aux membres" not in before
    reply = bot.say("!notification TNO 2026-01 10/03/2026")
    assert reply.splitlines()[0] == "Enregistré : notification aux membres le mardi 10 mars 2026 de TNO 2026-01."
    after = bot.say("!decision TNO 2026-01")
    assert "Notifiée aux membres par le secrétariat le mardi 10 mars 2026." in after
    assert "Métropole de Lyon : mardi 24 mars 2026 à 9 h" in after


def test_a_notification_before_the_decision_or_by_a_representative_is_refused(engine, config):
    bot = RatificationBot(engine, config)
    adopt(engine, title="Budget 2027", number=1)
    assert bot.say("!notification TNO 2026-01 27/02/2026") == (
        "La notification est datée du 27 février 2026, avant la décision TNO 2026-01 de la conférence du 2 mars "
        "2026 : le secrétariat notifie une décision déjà prise.")
    assert "secrétariat" in bot.say("!notification TNO 2026-01 10/03/2026", BAUME)
    assert bot.rows(storage.DecisionNotificationRow) == []
