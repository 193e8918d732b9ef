"""The digest's figures: prompts received, answered, skipped, streaks and words written.

Only the member's weekly prompts (and a moderator's "prompt now") count as received: a
"Looking back" revisit is an extra, and a digest is not a prompt at all. Streaks count
weeks, in the member's zone: a week is answered when a prompt sent that week was answered,
so a revisit left unanswered, or two prompts in one week, never break or double a streak.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.digest.records import PromptSent, Reflection
from bot.digest.sentences import words
from bot.digest.weeks import Week, week_of

# a prompt stays open until the next one arrives, at most this long: until then an
# unanswered latest prompt may still be answered, so it does not break the streak
OPEN_FOR = timedelta(days=7)
UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class Figures:
    received: int
    answered: int
    skipped: int
    current_streak: int  # weeks answered in a row up to now
    longest_streak: int  # the longest run of answered weeks, ever
    words: int  # words written in the period's answers


class WeekState(Enum):
    ANSWERED = "answered"
    SKIPPED = "skipped"
    MISSED = "missed"
    OPEN = "open"  # the latest prompt, not answered yet and still open


def in_window(when: datetime, since: datetime | None, until: datetime) -> bool:
    return (since is None or when >= since) and when <= until


def week_states(
    prompts: Sequence[PromptSent], zone: ZoneInfo, until: datetime | None = None
) -> list[tuple[Week, WeekState]]:
    """Each week in which a prompt (not a revisit) reached the member, oldest first.

    Weeks with no prompt at all (paused, a holiday, the bot down) are not listed: they
    neither extend nor break a streak.
    """
    weekly = sorted((p for p in prompts if not p.revisit), key=lambda p: p.sent_at)
    by_week: dict[Week, list[PromptSent]] = {}
    for prompt in weekly:
        by_week.setdefault(week_of(prompt.sent_at, zone), []).append(prompt)
    now = until or (weekly[-1].sent_at if weekly else datetime.now(UTC))
    states: list[tuple[Week, WeekState]] = []
    for week, sent in by_week.items():
        if any(p.answered for p in sent):
            state = WeekState.ANSWERED
        elif any(p.skipped for p in sent):
            state = WeekState.SKIPPED
        else:
            state = WeekState.MISSED
        states.append((week, state))
    if states and states[-1][1] is WeekState.MISSED:
        latest = weekly[-1]
        if now - latest.sent_at < OPEN_FOR:
            states[-1] = (states[-1][0], WeekState.OPEN)
    return states


def current_streak(
    prompts: Sequence[PromptSent], zone: ZoneInfo = UTC_ZONE, until: datetime | None = None
) -> int:
    """Weeks answered in a row, newest first.

    The latest prompt still open (sent less than OPEN_FOR ago, neither answered nor
    skipped) does not break the streak: the member may simply not have answered it yet.
    """
    states = [state for _, state in week_states(prompts, zone, until)]
    if states and states[-1] is WeekState.OPEN:
        states.pop()
    streak = 0
    for state in reversed(states):
        if state is not WeekState.ANSWERED:
            break
        streak += 1
    return streak


def longest_streak(prompts: Sequence[PromptSent], zone: ZoneInfo = UTC_ZONE) -> int:
    """The longest run of answered weeks in the member's whole history."""
    best = run = 0
    for _, state in week_states(prompts, zone):
        run = run + 1 if state is WeekState.ANSWERED else 0
        best = max(best, run)
    return best


def words_in(reflection: Reflection) -> int:
    """The words of an answer: counted when it was analysed, else now."""
    if reflection.analysis is not None:
        return reflection.analysis.words
    return len(words(reflection.text))


def compute_figures(
    prompts: Sequence[PromptSent],
    reflections: Sequence[Reflection],
    since: datetime | None,
    until: datetime,
    zone: ZoneInfo = UTC_ZONE,
) -> Figures:
    """`prompts` is the member's whole history up to `until` (streaks need it); the counts and
    words are of the window only. `reflections` are the window's answers (revisit answers
    too: they are the member's words)."""
    history = [p for p in prompts if p.sent_at <= until]
    window = [p for p in history if in_window(p.sent_at, since, until) and not p.revisit]
    return Figures(
        received=len(window),
        answered=sum(1 for p in window if p.answered),
        skipped=sum(1 for p in window if p.skipped and not p.answered),
        current_streak=current_streak(history, zone, until),
        longest_streak=longest_streak(history, zone),
        words=sum(words_in(r) for r in reflections),
    )
