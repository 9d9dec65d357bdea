"""French grammar around the names put in a sentence: elision and the article of a member's name.

A French template says "la délibération de {member}"; what it becomes depends on the value:
- a name that takes an article (a `str` with an `article` attribute: "le", "la", "l’", "les"; `config.Named`, a
  member's name as the config gives it) gets it, contracted with the preposition: "du SITIV", "de la Métropole de
  Lyon", "au SITIV", "par le secrétariat";
- any other value starting with a vowel or a (mute) h elides the word before it: "d’Alain", "l’Hôtel de Ville",
  "qu’Emeline", "jusqu’au"…

Only the template's own words change, before the values are put in: user text is never altered.
"""

from __future__ import annotations

import re

APOSTROPHE = "\u2019"
VOWELS = frozenset("aeiouyhâàäéèêëîïôöûùüœæAEIOUYHÂÀÄÉÈÊËÎÏÔÖÛÙÜŒÆ")
ELIDED = {"de": "d’", "que": "qu’", "le": "l’", "la": "l’", "jusque": "jusqu’", "lorsque": "lorsqu’"}
CONTRACTED = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
WITH_ARTICLE = ("de", "à", "par", "pour", "avec", "sur", "entre")
_BEFORE_PLACEHOLDER = re.compile(r"(?<![\w’'])(" + "|".join(sorted({*ELIDED, *WITH_ARTICLE}, key=len, reverse=True))
                                 + r") \{(\w+)\}", re.IGNORECASE)


def _same_case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _lead(word: str, value) -> str | None:
    """What replaces `word` before `value`, or None when it stays."""
    lower = word.lower()
    article = getattr(value, "article", "")
    if article:
        if lower not in WITH_ARTICLE:
            return None
        lead = CONTRACTED.get((lower, article)) or f"{lower} {article}"
        return _same_case(lead if article.endswith(APOSTROPHE) else lead + " ", word)
    if lower in ELIDED and isinstance(value, str) and value[:1] in VOWELS:
        return _same_case(ELIDED[lower], word)
    return None


def with_article(value) -> str:
    """A name preceded by its article, if it takes one: "le SITIV", "l’Agglomération", "Villeurbanne"."""
    article = getattr(value, "article", "")
    return f"{article}{value}" if article.endswith(APOSTROPHE) else f"{article} {value}".lstrip()


def agree(template: str, params: dict) -> str:
    """`template` with the words before its placeholders agreeing with the values of `params`."""

    def fix(match: re.Match) -> str:
        lead = _lead(match[1], params.get(match[2]))
        return match[0] if lead is None else f"{lead}{{{match[2]}}}"

    return _BEFORE_PLACEHOLDER.sub(fix, template)
