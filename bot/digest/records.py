"""The plain values the digest modules read: what the core took from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

# one key phrase of a text as written, and how often: (key, surface, count)
PhraseCount = tuple[str, str, int]


class KeptSentence(NamedTuple):
    """A sentence of an answer by its place in the text (`text[start:end]`: no copy of the
    words is kept), with what the summary and the goals ask of it. A named tuple rather
    than a dataclass: a digest reads a thousand of them back."""

    start: int
    end: int
    goal: bool  # bot.digest.goals.is_goal
    candidate: bool  # bot.digest.summary.is_candidate
    content: tuple[str, ...]  # bot.digest.phrases.content_words, with repeats


@dataclass(frozen=True)
class TextAnalysis:
    """Everything a digest finds in one answer's text alone, whatever the period
    (bot/digest/analysis.py): found once and kept (bot/store/analyses.py)."""

    phrases: tuple[PhraseCount, ...]  # bot.digest.phrases.phrase_counts
    words: int  # bot.digest.tokens.words, counted
    sentences: tuple[KeptSentence, ...]


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
    # the text's analysis when the store kept it from an earlier digest; None: each part
    # of the digest reads `text` itself
    analysis: TextAnalysis | None = None


@dataclass(frozen=True)
class PromptSent:
    """One prompt that reached the member, and what became of it."""

    sent_at: datetime  # aware UTC
    answered: bool
    skipped: bool
    # a "Looking back" revisit: not a received prompt and no part of a streak, which
    # counts the weeks the member answered their weekly prompt
    revisit: bool = False
