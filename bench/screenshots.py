"""Screenshots of the bot's messages in a scripted séance of nine representatives, as a phone (390 px wide) shows
them: the HTML bodies the bot sends (`tests/storage/test_replies_read_well.py`'s script, `matrix/content.py`'s
events) rendered by headless Chromium with Element's fonts and bubble layout approximated; the vote as its timeline
(the poll, the tally edited in place, ballots acknowledged by a ✅ reaction, a refused ballot's sentence, the result).

    make screenshots        # or: PYTHONPATH=$PWD .venv/bin/python bench/screenshots.py [docs/screenshots]

Needs `chromium-headless-shell` or `chromium` (Debian packages) on the PATH, and for the ✅ of the reactions an
emoji font (`fonts-noto-color-emoji`); writes one small PNG (trimmed to the content, 256 colours) per picture chosen
below.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

from PIL import Image, ImageChops

from tests.cast import EXAMPLE_CONFIG
from tests.storage.test_replies_read_well import Seance
from tno_bot import storage
from tno_bot.config import load_config
from tno_bot.i18n import french_text
from tno_bot.matrix import polls
from tno_bot.matrix.content import outgoing_for

BROWSERS = ("chromium-headless-shell", "chromium")
MISSING_BROWSER = ("Les captures d’écran demandent Chromium sans interface : installez les paquets Debian "
                   "« chromium-headless-shell » (ou « chromium ») et « fonts-noto-color-emoji », par exemple "
                   "« apt-get install chromium-headless-shell fonts-noto-color-emoji », puis relancez "
                   "« make screenshots ».")
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
.user {{ color: #7a32c8; }} .edited {{ color: #8d97a5; font-size: 12px; }}
.poll {{ border: 1px solid #e3e8f0; border-radius: 8px; padding: 8px 10px; }}
.poll b {{ display: block; margin-bottom: 6px; }}
.answer {{ border: 1px solid #e3e8f0; border-radius: 6px; padding: 4px 8px; margin: 4px 0; }}
.answer::before {{ content: "○ "; color: #8d97a5; }}
.reaction {{ display: inline-block; margin-top: 4px; border: 1px solid #0dbd8b; background: #e7f8f3;
  border-radius: 12px; padding: 0 8px; font-size: 13px; }}
</style></head><body>{messages}</body></html>"""
# (file name, the first words of the message's body)
CHOSEN = (
    ("1-proposition", "Proposition d’ordre du jour"),
    ("2-fixation-tacite", "Ordre du jour fixé tacitement"),
    ("3-ouverture", "Séance de la conférence n° 1 du mardi"),
    ("4-presences", "Présences"),
    ("5-aide", "Commandes pour les représentants"),
    ("7-resultat", "Vote sur le point 1 : « Budget 2027 » — clos"),
    ("8-appel", "Appel de fonds 2023"),
    ("9-budget", "Budget 2023"),
)
VOTE = "6-vote"  # the vote's timeline, from `!vote ouvrir` to the last ballot before `!vote clore`


class RecordedSeance(Seance):
    """The scripted séance, each command also kept with the events the bot sends for it (reactions, polls, edits)."""

    def __init__(self, engine, config):
        super().__init__(engine, config)
        self.exchanges: list[tuple[str, str, list]] = []  # (sender, command, outgoing events)

    def ask(self, text, sender=None, now=None, language="fr", room=None):
        replies = super().ask(text, sender, now, language, room)
        events = [e for reply in replies for e in outgoing_for(reply, self.last_event)]
        self.exchanges.append((sender or self.sender, text, events))
        return replies


def recorded() -> RecordedSeance:
    engine = storage.make_engine("sqlite://")
    storage.migrate(engine)
    seance = RecordedSeance(engine, load_config(EXAMPLE_CONFIG))
    seance.script()
    return seance


def _message(who: str, html: str, kind: str = "", extra: str = "") -> str:
    return f'<div class="msg"><div class="who {kind}">{who}</div><div class="{kind}">{html}</div>{extra}</div>'


def _bot(content: dict, edited: bool = False) -> str:
    html = content.get("formatted_body") or escape(content["body"])
    note = ' <span class="edited">(modifié)</span>' if edited else ""
    return _message("tno-bot", html + note, "notice" if content.get("msgtype") == "m.notice" else "")


def _poll(content: dict) -> str:
    start = content[polls.POLL_START]
    answers = "".join(f'<div class="answer">{escape(a[polls.TEXT])}</div>' for a in start["answers"])
    return _message("tno-bot", f'<div class="poll"><b>{escape(start["question"][polls.TEXT])}</b>{answers}</div>')


def vote_timeline(seance: RecordedSeance) -> str:
    """The vote as Element's timeline shows it just before it is closed: each command, the bot's answer to it (a
    reaction on the ballot, a sentence, a poll), the tally message in its last edited state."""
    config = seance.config
    first = next(i for i, (_, text, _) in enumerate(seance.exchanges) if text.startswith("!vote ouvrir"))
    last = next(i for i, (_, text, _) in enumerate(seance.exchanges) if text.startswith("!vote clore"))
    rendered: list[str] = []
    tracked: dict[str, tuple[int, dict]] = {}
    for sender, text, events in seance.exchanges[first:last]:
        reactions = [e.content["m.relates_to"]["key"] for e in events if e.event_type == "m.reaction"]
        chips = "".join(f'<span class="reaction">{escape(key)} 1</span>' for key in reactions)
        rendered.append(_message(escape(config.display_name(sender)), f"<code>{escape(text)}</code>", "user", chips))
        for event in events:
            if event.event_type == polls.POLL_START:
                rendered.append(_poll(event.content))
            elif event.event_type == "m.room.message" and event.refers_to in tracked:
                index, _ = tracked[event.refers_to]
                rendered[index] = _bot(event.content["m.new_content"], edited=True)
            elif event.event_type == "m.room.message":
                if event.track:
                    tracked[event.track] = (len(rendered), event.content)
                rendered.append(_bot(event.content))
    return "".join(rendered)


def browser() -> str:
    """The headless Chromium to use; exits with a French sentence when it, or a font with the ✅, is missing."""
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    fc_list = shutil.which("fc-list")
    emoji = fc_list and subprocess.run([fc_list, ":charset=2705"], capture_output=True, text=True).stdout.strip()
    if found is None or not emoji:
        sys.exit(french_text(MISSING_BROWSER))
    return found


def shoot(html: str, target: Path, chromium: str) -> None:
    """`html` shot at 390 px wide, trimmed to its content, saved as a 256-colour PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(PAGE.format(messages=html), encoding="utf-8")
        shot = Path(tmp) / "shot.png"
        subprocess.run([chromium, "--no-sandbox", "--hide-scrollbars", f"--screenshot={shot}",
                        f"--window-size={WIDTH},4000", page.as_uri()], check=True, capture_output=True)
        image = Image.open(shot).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    image = image.crop((0, 0, WIDTH, min(image.height, box[3] + 12))) if box else image
    image.quantize(256).save(target, optimize=True)


def main(out: Path) -> None:
    chromium = browser()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    seance = recorded()
    sent = [c for c in seance.sent if "formatted_body" in c]
    for name, start in CHOSEN:
        content = next(c for c in sent if c["body"].replace("\u202f", " ").replace("\xa0", " ").startswith(start))
        shoot(_bot(content), out / f"{name}.png", chromium)
        print(out / f"{name}.png")
    shoot(vote_timeline(seance), out / f"{VOTE}.png", chromium)
    print(out / f"{VOTE}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
