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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.digest.records import Reflection
from bot.digest.sentences import Sentence, sentences_of

_APOSTROPHE = "['\u2019]"  # phones type a right single quote
# matched against the lower-cased sentence: several times faster than IGNORECASE, with
# each alternative starting at a word
GOAL_MARKERS = re.compile(
    r"\b(?:"
    r"(?:i|we) (?:will|shall|must|commit to|intend to|aim to|hope to|want to|need to|plan to)\b"
    rf"|(?:i|we){_APOSTROPHE}ll\b"
    rf"|(?:i(?:{_APOSTROPHE}m| am)?|we(?:{_APOSTROPHE}re| are)?) (?:going|planning) to\b"
    r"|(?:my|our) (?:goal|aim|plan|next steps?)\b"
    r"|by next (?:week|month|term)\b"
    r")"
    r"|^\s*(?:next steps?|goal|to do|action)\s*[:\u2013\u2014-]"
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
        and GOAL_MARKERS.search(sentence.lower()) is not None
    )


def find_goals(
    reflections: Sequence[Reflection],
    zone: ZoneInfo,
    outcomes: Sequence[tuple[str, str]] = (),
    sentences: Sequence[Sentence] | None = None,
) -> list[Goal]:
    """Every sentence of the period that sets a goal: open ones oldest first, then closed.

    `outcomes`: (the revisit's text, which quotes the goal; what the member said became of
    it), oldest first: a goal takes the latest outcome of a revisit quoting it. `sentences`:
    those of `reflections`, when the caller has split them already.
    """
    found = [
        Goal(
            s.text,
            s.reflection.written_at.astimezone(zone).date(),
            outcome_of(s.text, outcomes),
        )
        for s in (sentences_of(reflections) if sentences is None else sentences)
        if (is_goal(s.text) if s.goal is None else s.goal)
    ]
    return sorted(found, key=lambda goal: goal.outcome in CLOSED)  # stable: oldest first


def outcome_of(goal: str, outcomes: Sequence[tuple[str, str]]) -> str | None:
    """The latest outcome given on a revisit that quotes `goal` (a quote may drop the final
    full stop)."""
    quoted = goal.rstrip(".!\u2026 ")
    found = None
    for revisit, outcome in outcomes:
        if quoted and quoted in revisit:
            found = outcome
    return found
