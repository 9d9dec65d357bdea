"""Text helpers shared by the tests."""


def plain(text: str) -> str:
    """The text with Babel's (narrow) no-break spaces as plain spaces, for readable assertions."""
    return text.replace("\u202f", " ").replace("\xa0", " ")
