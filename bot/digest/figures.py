"""The digest's figures: prompts received, answered, skipped, streaks and words written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.digest.records import PromptSent, Reflection
from bot.digest.sentences import words


@dataclass(frozen=True)
class Figures:
    received: int
    answered: int
    skipped: int
    current_streak: int  # answered in a row up to now
    longest_streak: int  # the longest run of answered prompts, ever
    words: int  # words written in the period's answers


def in_window(when: datetime, since: datetime | None, until: datetime) -> bool:
    return (since is None or when >= since) and when <= until


def current_streak(prompts: Sequence[PromptSent]) -> int:
    """Prompts answered in a row, newest first.

    The latest prompt still waiting for an answer does not break the streak: the member may
    simply not have answered it yet.
    """
    ordered = sorted(prompts, key=lambda p: p.sent_at, reverse=True)
    if ordered and not ordered[0].answered and not ordered[0].skipped:
        ordered = ordered[1:]
    streak = 0
    for prompt in ordered:
        if not prompt.answered:
            break
        streak += 1
    return streak


def longest_streak(prompts: Sequence[PromptSent]) -> int:
    """The longest run of answered prompts in the member's whole history."""
    best = run = 0
    for prompt in sorted(prompts, key=lambda p: p.sent_at):
        run = run + 1 if prompt.answered else 0
        best = max(best, run)
    return best


def compute_figures(
    prompts: Sequence[PromptSent],
    reflections: Sequence[Reflection],
    since: datetime | None,
    until: datetime,
) -> Figures:
    """`prompts` is the member's whole history up to `until` (streaks need it); the counts and
    words are of the window only. `reflections` are the window's answers."""
    history = [p for p in prompts if p.sent_at <= until]
    window = [p for p in history if in_window(p.sent_at, since, until)]
    return Figures(
        received=len(window),
        answered=sum(1 for p in window if p.answered),
        skipped=sum(1 for p in window if p.skipped and not p.answered),
        current_streak=current_streak(history),
        longest_streak=longest_streak(history),
        words=sum(len(words(r.text)) for r in reflections),
    )
