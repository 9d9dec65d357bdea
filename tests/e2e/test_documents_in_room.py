"""The secrétariat's documents in a real room, clear and encrypted: the convocation posted when the président
fixes the agenda, the representatives mentioned; the compte rendu in PDF and ODT after the Markdown at the
closing; each file downloaded (decrypted in the encrypted room) and read back with pypdf, PDFium and odfdo."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.cast import LOCAL
from tests.documents import odt_text, pdf_text
from tests.e2e.scenarios import (
    ACK, QUORATE, ask, closed_seance_minutes, file_data, posted_files, prepared_conference, vote,
)
from tno_bot.domain.calendar import PARIS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "clear"])
async def test_the_convocation_and_the_compte_rendu_are_posted_and_read_back(bot_runner, person, encrypted):
    room_id, number, secretariat, people = await prepared_conference(bot_runner, person, encrypted=encrypted)
    emeline = people[LOCAL.BAUME]

    # the président fixed the agenda: the convocation follows, Emeline Baume mentioned
    await emeline.wait_for(lambda: len(posted_files(emeline, room_id, "convocation")) == 2)
    [announce] = [m for m in emeline.received if m.room_id == room_id
                  and m.content.get("body", "").startswith("Convocation")]
    assert emeline.user_id in announce.content["m.mentions"]["user_ids"]
    pdf, odt = posted_files(emeline, room_id, "convocation")
    assert (pdf.content["info"]["mimetype"], odt.content["info"]["mimetype"]) == (
        "application/pdf", "application/vnd.oasis.opendocument.text")
    assert ("file" in pdf.content) is encrypted
    for text in (pdf_text(await file_data(emeline, pdf)), odt_text(await file_data(emeline, odt))):
        assert f"(conférence n° {number})" in text and "Hôtel de Ville" in text
        assert "1. Budget 2027 2. Feuille de route 3. Villeurbanne" in text
        assert "« !pouvoir »" in text and "Pierre-Alain Millet" in text

    await ask(secretariat, room_id, f"!seance ouvrir {number}")
    await ask(people[LOCAL.PRESIDENT], room_id, "!seance secretaire Fabrice Faury")
    for name in QUORATE:
        await ask(people[name], room_id, "!present")
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote ouvrir 1")
    for name in QUORATE:
        assert await vote(people[name], room_id, "!vote pour") == ACK
    await ask(people[LOCAL.PRESIDENT], room_id, "!vote clore")
    await closed_seance_minutes(secretariat, room_id)

    markdown, pdf, odt = posted_files(secretariat, room_id, "compte-rendu")
    assert [f.content["filename"].rsplit(".", 1)[1] for f in (markdown, pdf, odt)] == ["md", "pdf", "odt"]
    year = datetime.now(PARIS).year
    for text in (pdf_text(await file_data(secretariat, pdf)), odt_text(await file_data(secretariat, odt))):
        assert f"1/ Décision TNO {year}-01 : Budget 2027" in text
        assert "Secrétaire de séance : Fabrice Faury" in text
        assert "Membres en exercice : 6 — présents : 3" in text
        assert "La décision" in text and "est adoptée à l’unanimité (3 pour, 0 contre, 0 abstention)." in text
