"""The shape of a prompt's question: one question at a time, and forms that do not wear out.

A prompt that asks two things at once gets half an answer, so a question (and a follow-up)
asks one: one question mark, and no second question tacked on with "and how" or ", what".
A form a member meets every few weeks ("on a scale of 1 to 10 ...") stops making them
think, so `pln-bot prompts check` counts the forms and the opening words of the library.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

MAX_FORM_USES = 5

_WH = r"(?:how|what|why|who|whom|where|when|which)"
_AUX = r"(?:is|are|was|were|do|does|did|would|will|could|can|should|might|has|have|had)"
# a sentence that is itself a question: "What is ...", "Which colleague has ...", "Did ..."
_ASKS = re.compile(rf"^\s*(?:{_WH}\b(?:\s+[\w'-]+){{0,5}}?\s+{_AUX}\b|{_AUX}\b)", re.I)
_JOINED = (
    # "What is it, and what did you ...": a second question after a comma, semicolon or colon
    # ("When a colleague complained, how did you respond?" is one question)
    re.compile(rf"[,;:]\s+(?:(?:and|or|but)\s+)?{_WH}\b", re.I),
    # "... and how would you ...", but not "when and where will you ..." (one question)
    re.compile(
        r"(?<!\bwhen )(?<!\bwhere )(?<!\bhow )(?<!\bwhy )(?<!\bwhat )(?<!\bwho )"
        rf"\b(?:and|or|but)\s+{_WH}\s+"
        r"(?:would|will|could|did|do|does|can|should|might|is|are|was|were|has|have)\b",
        re.I,
    ),
)

FORMS: dict[str, re.Pattern[str]] = {
    "a 1 to 10 scale": re.compile(r"\b(scale of|from) 1 to 10\b|\bout of (ten|10)\b", re.I),
    "advice to a newcomer": re.compile(
        r"\bwhat would you tell\b|\bnew (coordinator|colleague in|leader)\b|\badvice\b", re.I
    ),
    "recall a moment": re.compile(r"^(think of|think back|recall|remember)\b", re.I),
    "someone else's account of you": re.compile(
        r"^how would (a|an|the|your|someone)\b.*\b(describe|put|say)\b", re.I
    ),
    "picture a scene": re.compile(r"^(picture|imagine)\b", re.I),
    "a hypothetical": re.compile(r"^(if|suppose|say)\b", re.I),
    "a small experiment": re.compile(r"^(this week|for the next|for one week|try)\b", re.I),
    "look back over your week": re.compile(r"^look(ing)? (back|at|over)\b", re.I),
}


class HasQuestion(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def question(self) -> str: ...


def one_question_problem(text: str) -> str | None:
    """Why `text` is not exactly one question, or None when it is."""
    marks = text.count("?")
    if marks == 0:
        return "is not a question (no '?')"
    if marks > 1:
        return "asks more than one question (two '?')"
    asked = text.split("?")[0]
    sentence = re.split(r"(?<=[.!])\s+", asked)[-1]
    for number, pattern in enumerate(_JOINED):
        joined = pattern.search(sentence)
        if joined is not None and (number > 0 or _ASKS.match(sentence[: joined.start()])):
            return f"asks a second question ({joined.group(0).strip()!r}...)"
    return None


def opening(question: str) -> str:
    """A question's first three words, the part of its form a reader notices first."""
    words = re.findall(r"[a-z0-9']+", question.casefold())
    return " ".join(words[:3])


def form_uses(prompts: Iterable[HasQuestion]) -> dict[str, list[str]]:
    """Each named form, and each opening, with the ids of the prompts that use it."""
    uses: dict[str, list[str]] = defaultdict(list)
    for prompt in prompts:
        for name, pattern in FORMS.items():
            if pattern.search(prompt.question):
                uses[name].append(prompt.id)
        uses[f"opening '{opening(prompt.question)}...'"].append(prompt.id)
    return dict(uses)
