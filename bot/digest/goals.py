"""Goals the member set in their answers ("I will ...", "next step ..."), with the date.

Shown back with the day they were written, so the member can see what became of them. The
sentence is quoted as written; nothing is inferred.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.digest.records import Reflection
from bot.digest.sentences import sentences_of

_APOSTROPHE = "['\u2019]"  # phones type a right single quote
GOAL_MARKERS = re.compile(
    r"\b(?:"
    rf"i will|i{_APOSTROPHE}ll|i shall|i{_APOSTROPHE}m going to|i am going to|we will|"
    rf"we{_APOSTROPHE}ll|next steps?|(?:i |we )?plan(?:ning)? to|going to|my goal|our goal|"
    r"i want to|i intend to|i aim to|i hope to|i need to|i must|i commit to|"
    r"by next (?:week|month|term)"
    r")\b",
    re.IGNORECASE,
)
MAX_GOALS = 8  # the most recent ones; a long period can hold dozens
MAX_CHARS = 400  # a goal is a sentence, not a pasted paragraph


@dataclass(frozen=True)
class Goal:
    text: str  # the member's sentence, verbatim
    written: date  # in the member's zone


def find_goals(reflections: Sequence[Reflection], zone: ZoneInfo) -> list[Goal]:
    """Sentences that set a goal, oldest first (at most the latest MAX_GOALS)."""
    found = [
        Goal(s.text, s.reflection.written_at.astimezone(zone).date())
        for s in sentences_of(reflections)
        if len(s.text) <= MAX_CHARS and GOAL_MARKERS.search(s.text)
    ]
    return found[-MAX_GOALS:]
