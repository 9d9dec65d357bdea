"""Render the first page of the compte rendu and of the convocation to PNG (docs/compte-rendu.png,
docs/convocation.png), from the scripted séance of tests/storage/test_documents.py on a throwaway SQLite database,
with PDFium (pypdfium2, of the [test] extra). `make docs-images`."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2

from tests.cast import EXAMPLE_CONFIG, SECRETARIAT
from tests.storage.test_documents import scripted_seance
from tests.storage.test_seance_commands import SeanceBot, at
from tno_bot import storage
from tno_bot.config import load_config

DOCS = Path(__file__).parent


def first_page_png(pdf: bytes, target: Path) -> None:
    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=1.5).to_pil().save(target)
    finally:
        document.close()
    print(target)


def main() -> int:
    with tempfile.TemporaryDirectory() as directory:
        engine = storage.make_engine(f"sqlite:///{directory}/tno.db")
        storage.migrate(engine)
        bot = SeanceBot(engine, load_config(EXAMPLE_CONFIG))
        bot.prepare()
        [convocation] = bot.ask("!convocation 1", SECRETARIAT, now=at(9, 0, (2025, 9, 12)))
        scripted_seance(bot)
        [minutes] = bot.ask("!seance clore", SECRETARIAT, now=at(12, 15))
        engine.dispose()
    first_page_png(minutes.files[1].data, DOCS / "compte-rendu.png")
    first_page_png(convocation.files[0].data, DOCS / "convocation.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
