"""Splitting a member's answers into sentences, kept verbatim (summary and goals quote them)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.digest.records import Reflection
from bot.digest.tokens import words as _words

# a sentence ends at . ! ? … (or the Arabic ؟) before whitespace, at a Chinese or Japanese
# full stop, or at a line break: chat answers are often lists without full stops
_BOUNDARY = re.compile(
    r"(?<=[.!?…\u061f])[\"'\u201d\u2019)\]]*\s+|(?<=[\u3002\uff01\uff1f])[」』\"\u201d)]*\s*|\n+"
)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
MAX_QUOTED = 1000  # an unclosed quotation mark does not swallow the rest of a long answer
_OPENING, _CLOSING = "\u201c\u00ab\u300c\u300e", "\u201d\u00bb\u300d\u300f"


@dataclass(frozen=True)
class Sentence:
    """A sentence of one answer, exactly as the member wrote it (bullets and spaces trimmed)."""

    text: str
    reflection: Reflection
    position: int  # its place in the answer, for chronological order
    # from the answer's kept analysis (None: found from `text` when needed)
    goal: bool | None = None
    candidate: bool | None = None
    content: tuple[str, ...] | None = None


def words(text: str) -> list[str]:
    """The words of `text` in any script (see bot/digest/tokens.py)."""
    return _words(text)


def _inside_quotes(text: str) -> bool:
    """Whether `text` ends inside a quotation: an odd number of straight double quotes, or
    more opening than closing curly ones."""
    if text.count('"') % 2:
        return True
    return sum(text.count(c) for c in _OPENING) > sum(text.count(c) for c in _CLOSING)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, verbatim apart from surrounding spaces and list bullets.

    A "?" or "!" inside quotation marks ("Priya asked "what if it drops?" and I...") does
    not end the sentence, nor does a full stop followed by a lower-case word ("e.g. the");
    a line break always does.
    """
    found: list[str] = []
    current = ""
    position = 0
    quoted = '"' in text or any(mark in text for mark in _OPENING)  # else never inside one
    for boundary in _BOUNDARY.finditer(text):
        current += text[position : boundary.start()]
        position = boundary.end()
        hard = "\n" in boundary.group() or len(current) > MAX_QUOTED
        current += boundary.group()
        if not hard and (
            (quoted and _inside_quotes(current)) or _continues(text[position : position + 4])
        ):
            continue
        _keep(current, found)
        current = ""
    _keep(current + text[position:], found)
    return found


def _continues(rest: str) -> bool:
    """A lower-case word after a full stop ("e.g. the") continues the sentence; a link does
    not. `rest`: the next few characters (enough to tell "www." and "http")."""
    return rest[:1].islower() and not rest.startswith(("http", "www."))


def _keep(piece: str, found: list[str]) -> None:
    cleaned = _BULLET.sub("", piece).strip()
    if cleaned:
        found.append(cleaned)


def sentences_of(reflections: Sequence[Reflection]) -> Iterator[Sentence]:
    """Every sentence of every answer, oldest answer first."""
    for reflection in sorted(reflections, key=lambda r: r.written_at):
        if reflection.analysis is not None:
            text = reflection.text
            for position, kept in enumerate(reflection.analysis.sentences):
                yield Sentence(
                    text[kept.start : kept.end],
                    reflection,
                    position,
                    kept.goal,
                    kept.candidate,
                    kept.content,
                )
            continue
        for position, text in enumerate(split_sentences(reflection.text)):
            yield Sentence(text, reflection, position)
