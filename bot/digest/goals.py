"""Goals the member set in their answers ("I will ...", "My next step is ..."), with the date.

Shown back with the day they were written, so the member can see what became of them. The
sentence is quoted as written; nothing is inferred. A goal needs its owner: "I will",
"we plan to", "my goal", or a "Next step:" heading; "the next step of the rollout was..."
tells a story and is not a goal, nor is a question ("Will I manage it?"). Every goal of the
period is kept, open ones first (oldest first: they have waited longest), then those the
member already said became something (a revisit's done / partly / not yet / dropped).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.digest.records import Reflection
from bot.digest.sentences import Sentence, sentences_of

_APOSTROPHE = "['\u2019]"  # phones type a right single quote
_SUBJECT = rf"(?:i|we|i{_APOSTROPHE}m|we{_APOSTROPHE}re|i am|we are)"
GOAL_MARKERS = re.compile(
    r"(?:"
    rf"\b(?:i|we) (?:will|shall|must|commit to|intend to|aim to|hope to|want to|need to)\b|"
    rf"\b(?:i|we){_APOSTROPHE}ll\b|"
    rf"\b{_SUBJECT} (?:going|planning) to\b|"
    r"\b(?:i|we) plan to\b|"
    r"\b(?:my|our) (?:goal|aim|plan|next steps?)\b|"
    r"^\s*(?:next steps?|goal|to do|action)\s*[:\u2013\u2014-]|"
    r"\bby next (?:week|month|term)\b"
    r")",
    re.IGNORECASE,
)
MAX_CHARS = 400  # a goal is a sentence, not a pasted paragraph
CLOSED = frozenset({"done", "dropped"})


@dataclass(frozen=True)
class Goal:
    text: str  # the member's sentence, verbatim
    written: date  # in the member's zone
    # what the member said became of it on a revisit: "done", "partly", "not_yet",
    # "dropped"; None while nobody asked
    outcome: str | None = None


def is_goal(sentence: str) -> bool:
    return (
        len(sentence) <= MAX_CHARS
        and not sentence.rstrip("\"'\u201d\u2019) ").endswith(("?", "\uff1f"))
        and GOAL_MARKERS.search(sentence) is not None
    )


def find_goals(
    reflections: Sequence[Reflection],
    zone: ZoneInfo,
    outcomes: Mapping[str, str] | None = None,
    sentences: Sequence[Sentence] | None = None,
) -> list[Goal]:
    """Every sentence of the period that sets a goal: open ones oldest first, then closed.

    `outcomes`: what became of a goal, by its sentence, when the member said so;
    `sentences`: those of `reflections`, when the caller has split them already.
    """
    known = outcomes or {}
    found = [
        Goal(s.text, s.reflection.written_at.astimezone(zone).date(), known.get(s.text))
        for s in (sentences_of(reflections) if sentences is None else sentences)
        if is_goal(s.text)
    ]
    return sorted(found, key=lambda goal: goal.outcome in CLOSED)  # stable: oldest first
