"""Which prompt a member gets this week: fresh, balanced across elements, and repeatable.

The rules, in order:
1. Never a prompt the member was sent in the last 52 weeks while the track still has one
   they were not; when every prompt is that recent, the one sent longest ago.
2. Within what is left, the element the member has reflected on least comes first (an
   answered prompt counts; a skipped or unanswered one does not), so over a year every
   element gets its turn.
3. Among equals, a choice fixed by the member and the week (a hash, not the clock or a
   random generator), so a restart, a second process or a catch-up picks the same prompt.

The tags narrow rule 1's prompts (when anything is left after applying them): a prompt
tagged for another phase of the school year (`term`: start, middle, end) or for the other
kind of member (`audience`: new, experienced) is not chosen. Within rule 2's elements, a
prompt tagged for the phase the year is in comes first; when those elements have none
left, one from an element reflected on once more may come instead (never further out of
balance). Every element has start-of-year and end-of-year prompts (the library's check
makes sure), so September brings the start-of-year prompts and June the end-of-year ones.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.prompts.library import LibraryPrompt

NO_REPEAT_WITHIN = timedelta(weeks=52)


@dataclass(frozen=True)
class PastPrompt:
    """A prompt a member was sent, and whether they reflected on it (answered)."""

    prompt_id: str
    element_id: str
    sent_on: date
    answered: bool


def choose_prompt(
    track: Sequence[LibraryPrompt],
    history: Sequence[PastPrompt],
    member_key: str,
    on: date,
    *,
    phase: str | None = None,
    audience: str | None = None,
) -> LibraryPrompt:
    """The member's prompt for the week containing `on`; `track` must not be empty.

    `phase`: where the school year is (start, middle, end); `audience`: the member's
    (new, experienced; None or "any" reads every prompt)."""
    if not track:
        raise ValueError("the track has no prompts")
    last_sent: dict[str, date] = {}
    for past in history:
        if past.prompt_id not in last_sent or past.sent_on > last_sent[past.prompt_id]:
            last_sent[past.prompt_id] = past.sent_on
    fresh = [p for p in track if p.id not in last_sent or on - last_sent[p.id] >= NO_REPEAT_WITHIN]
    if not fresh:
        oldest = min(last_sent[p.id] for p in track)
        fresh = [p for p in track if last_sent[p.id] == oldest]
    fresh = fitting(fresh, phase, audience)
    reflected = Counter(past.element_id for past in history if past.answered)
    least = min(reflected[p.element_id] for p in fresh)
    balanced = [p for p in fresh if reflected[p.element_id] == least]
    in_season = [p for p in fresh if phase is not None and phase in p.term]
    seasonal = [p for p in in_season if reflected[p.element_id] == least] or [
        p for p in in_season if reflected[p.element_id] == least + 1
    ]
    candidates = sorted(seasonal or balanced, key=_order)
    return candidates[_week_pick(member_key, on, len(candidates))]


def fitting(
    prompts: list[LibraryPrompt], phase: str | None, audience: str | None
) -> list[LibraryPrompt]:
    """The prompts whose tags fit this week and this member; all of `prompts` when none
    fit (a thin track still sends something)."""
    suits = [
        p
        for p in prompts
        if (phase is None or not p.term or phase in p.term)
        and (audience in (None, "any") or not p.audience or audience in p.audience)
    ]
    return suits or prompts


def _order(prompt: LibraryPrompt) -> tuple[str, str]:
    return (prompt.element_id, prompt.id)


def _week_pick(member_key: str, on: date, count: int) -> int:
    """A stable index for this member and ISO week."""
    year, week, _ = on.isocalendar()
    digest = hashlib.sha256(f"{member_key}:{year}-W{week:02d}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % count
