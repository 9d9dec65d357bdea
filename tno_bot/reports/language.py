"""The translator of a room's language, the default one when that language is not supported."""

from __future__ import annotations

from tno_bot.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Translator, translator


def room_translator(language: str) -> Translator:
    return translator(language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE)
