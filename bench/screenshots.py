"""Screenshots of the bot's messages in a scripted séance of nine representatives, as a phone (390 px wide) shows
them: the HTML bodies the bot sends (`tests/storage/test_replies_read_well.py`'s script, `matrix/content.py`'s
events) rendered by headless Chromium with Element's fonts and bubble layout approximated.

    PYTHONPATH=$PWD .venv/bin/python bench/screenshots.py [docs/screenshots]

Needs `chromium-headless-shell` (Debian package) on the PATH; writes one PNG per message chosen below.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.cast import EXAMPLE_CONFIG
from tests.storage.test_replies_read_well import Seance
from tno_bot import storage
from tno_bot.config import load_config

WIDTH = 390
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
body {{ margin: 0; background: #fff; font: 15px/1.45 "Inter", "DejaVu Sans", sans-serif; color: #1b1d22; }}
.msg {{ padding: 10px 14px; border-bottom: 1px solid #e3e8f0; }}
.who {{ font-weight: 600; color: #0dbd8b; font-size: 14px; margin-bottom: 2px; }}
.notice {{ color: #5c6470; }}
a {{ color: #0d6efd; background: #e7f0ff; border-radius: 10px; padding: 0 5px; text-decoration: none; }}
p {{ margin: 0 0 6px; }} ul, ol {{ margin: 0 0 6px; padding-left: 20px; }}
code {{ background: #f1f3f6; border-radius: 4px; padding: 0 3px; }}
h1 {{ font-size: 17px; }} h2 {{ font-size: 16px; }} h3 {{ font-size: 15px; }}
</style></head><body>{messages}</body></html>"""
# (file name, the first words of the message's body)
CHOSEN = (
    ("1-proposition", "Proposition d’ordre du jour"),
    ("2-fixation-tacite", "Ordre du jour fixé tacitement"),
    ("3-ouverture", "Séance de la conférence n° 1 du mardi"),
    ("4-presences", "Présences"),
    ("5-aide", "Commandes pour les représentants"),
    ("6-resultat", "Vote sur le point 1 : « Budget 2027 » — clos"),
    ("7-appel", "Appel de fonds 2023"),
    ("8-budget", "Budget 2023"),
)


def bodies() -> list[dict]:
    engine = storage.make_engine("sqlite://")
    storage.migrate(engine)
    seance = Seance(engine, load_config(EXAMPLE_CONFIG))
    seance.script()
    return [c for c in seance.sent if "formatted_body" in c]


def height(body: str) -> int:
    """About the height the message takes at 390 px (about 40 characters a line), so that the picture ends near it:
    headless Chromium shoots the window, not the page."""
    lines = sum(-(-len(line) // 40) or 1 for line in body.splitlines())
    return 60 + 24 * lines


def shoot(html: str, target: Path, browser: str, window_height: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        subprocess.run([browser, "--no-sandbox", "--hide-scrollbars", f"--screenshot={target}",
                        f"--window-size={WIDTH},{window_height}", page.as_uri()], check=True, capture_output=True)


def main(out: Path) -> None:
    browser = shutil.which("chromium-headless-shell") or sys.exit("chromium-headless-shell is not installed")
    out.mkdir(parents=True, exist_ok=True)
    sent = bodies()
    for name, start in CHOSEN:
        content = next(c for c in sent if c["body"].replace("\u202f", " ").replace("\xa0", " ").startswith(start))
        kind = "notice" if content["msgtype"] == "m.notice" else ""
        message = (f'<div class="msg"><div class="who">tno-bot</div>'
                   f'<div class="{kind}">{content["formatted_body"]}</div></div>')
        shoot(PAGE.format(messages=message), out / f"{name}.png", browser, height(content["body"]))
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
