"""Splitting a member's answers into sentences, kept verbatim (summary and goals quote them)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.digest.records import Reflection

# a sentence ends at . ! ? (or …) before whitespace, or at a line break: chat answers are
# often lists without full stops
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n+")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?")  # it's, it\u2019s


@dataclass(frozen=True)
class Sentence:
    """A sentence of one answer, exactly as the member wrote it (bullets and spaces trimmed)."""

    text: str
    reflection: Reflection
    position: int  # its place in the answer, for chronological order


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, verbatim apart from surrounding spaces and list bullets."""
    found = []
    for piece in _BOUNDARY.split(text):
        cleaned = _BULLET.sub("", piece).strip()
        if cleaned:
            found.append(cleaned)
    return found


def sentences_of(reflections: Sequence[Reflection]) -> Iterator[Sentence]:
    """Every sentence of every answer, oldest answer first."""
    for reflection in sorted(reflections, key=lambda r: r.written_at):
        for position, text in enumerate(split_sentences(reflection.text)):
            yield Sentence(text, reflection, position)
