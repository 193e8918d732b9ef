"""One key per school, however its name is typed, so members of the same school are never
grouped: "St. Mary's", "st marys" and "Saint Mary's" are one school."""

from __future__ import annotations

import re
import unicodedata

# "St"/"Ste" before another word is "Saint"; as the last word it is more likely "Street"
_SAINT = frozenset({"st", "ste", "saint", "sainte"})
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
MAX_SCHOOL = 200


def school_key(name: str) -> str | None:
    """The folded key of a school's name: accents, case, spacing and punctuation ignored,
    "&" read as "and", "St."/"St"/"Saint" as one word. None when nothing is left."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    words = _NOT_WORD.sub(" ", text).split()
    folded = [
        "saint" if word in _SAINT and index < len(words) - 1 else word
        for index, word in enumerate(words)
    ]
    return " ".join(folded)[:MAX_SCHOOL] or None
