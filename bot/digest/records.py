"""The plain values the digest modules read: what the core took from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# one key phrase of a text as written, and how often: (key, surface, count)
PhraseCount = tuple[str, str, int]


@dataclass(frozen=True)
class Reflection:
    """One of the member's answers: when it was written, its text, and what it answered."""

    written_at: datetime  # aware UTC
    text: str
    prompt_id: str
    prompt_text: str
    # an answer to a "Looking back" revisit: the member's words (themes, summary, goals,
    # words written) but not a new element reflected on (the original answer counted)
    revisit: bool = False
    # the text's key phrases (bot.digest.phrases.phrase_counts) when the store kept them
    # from an earlier digest; None: the themes find them in `text`
    phrases: tuple[PhraseCount, ...] | None = None


@dataclass(frozen=True)
class PromptSent:
    """One prompt that reached the member, and what became of it."""

    sent_at: datetime  # aware UTC
    answered: bool
    skipped: bool
    # a "Looking back" revisit: not a received prompt and no part of a streak, which
    # counts the weeks the member answered their weekly prompt
    revisit: bool = False
