"""Rebuild the fr and en catalogs from the msgids of the source: `python -m tno_bot.i18n.catalogs` (`make
catalogs`).

Every msgid of `tno_bot/` gets an entry, in source order, keeping its translation; msgids no longer in the source are
dropped. No source locations are written, so a catalog changes only where a message does. Prints the French
msgids still to translate and exits 1 when there are some.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from tno_bot.i18n import SUPPORTED_LANGUAGES, catalog_path

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
VOLATILE_HEADERS = ('"Report-Msgid-Bugs-To', '"POT-Creation-Date', '"PO-Revision-Date')
PACKAGE = Path(__file__).parents[1]


def source_msgids() -> list:
    """Every msgid of the package (a (singular, plural) pair for ngettext), first occurrence first."""
    seen: dict = {}
    for _, _, message, _, _ in extract_from_dir(PACKAGE, keywords=KEYWORDS):
        seen.setdefault(message, None)
    return list(seen)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def rebuild(language: str, msgids: list) -> list:
    """Rewrite the catalog of `language`; returns the msgids without a translation."""
    path = catalog_path(language)
    with path.open("rb") as po:
        old = read_po(po, locale=language)
    new = Catalog(locale=language, header_comment=old.header_comment, fuzzy=False)
    new.mime_headers = old.mime_headers
    untranslated = []
    for msgid in msgids:
        known = old.get(msgid)
        if known is not None and _translated(known):
            string = known.string
        else:
            string = ("",) * old.num_plurals if isinstance(msgid, tuple) else ""
            untranslated.append(msgid)
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        new.add(msgid, string, flags=("python-brace-format",) if "{" in singular else ())
    with path.open("wb") as po:
        write_po(po, new, width=120, no_location=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(VOLATILE_HEADERS)), encoding="utf-8")
    return untranslated


def main() -> int:
    msgids = source_msgids()
    to_translate = {language: rebuild(language, msgids) for language in SUPPORTED_LANGUAGES}
    for msgid in to_translate["fr"]:  # English msgids stand for themselves
        print(f"fr: to translate: {msgid!r}")
    return 1 if to_translate["fr"] else 0


if __name__ == "__main__":
    sys.exit(main())
