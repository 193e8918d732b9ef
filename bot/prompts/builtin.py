"""A small built-in set of reflection prompts, until the full prompt library replaces it.

Each prompt is tagged with the framework and element it comes from (see
../shared/seeds/README.md); the questions are written in the project's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Prompt:
    id: str
    framework: str
    element: str
    question: str
    follow_up: str


BUILTIN_PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "olf-goals-1",
        "Ontario Leadership Framework",
        "Setting goals",
        "Which one technology goal for your school would you most like colleagues to be "
        "able to name by the end of this term, and how will they hear about it?",
        "What is the first small step you can take towards it this week?",
    ),
    Prompt(
        "olf-data-1",
        "Ontario Leadership Framework",
        "Using data",
        "Think of a decision about technology you made recently. What evidence did you "
        "use, and what evidence do you wish you had had?",
        "Where could you get that missing evidence next time?",
    ),
    Prompt(
        "olf-conversations-1",
        "Ontario Leadership Framework",
        "Engaging in courageous conversations",
        "Is there a conversation about technology in your school that you have been "
        "putting off? What makes it hard to start?",
        "What would a good first sentence for that conversation be?",
    ),
    Prompt(
        "resp-listening-1",
        "Eight responsibilities",
        "Listening",
        "When did you last sit in on a lesson or a staff meeting just to listen to how "
        "technology is really used? What surprised you?",
        "How will you act on what you heard?",
    ),
    Prompt(
        "trust-needs-1",
        "Trust and needs",
        "Understanding instructional needs",
        "Name one teaching need you understand better now than a year ago. Who helped "
        "you understand it?",
        "How could you thank or involve that person?",
    ),
    Prompt(
        "mult-liberator-1",
        "Multipliers",
        "Liberator",
        "Where could you give a colleague more room to try something with technology, "
        "even if it might not work the first time?",
        "What support would make that risk feel safe for them?",
    ),
    Prompt(
        "slict-vision-1",
        "SLICT aims",
        "A shared vision for technology",
        "If a new teacher asked you why your school uses technology the way it does, "
        "what would you tell them in two sentences?",
        "Would your senior team give the same answer?",
    ),
    Prompt(
        "pln-own-1",
        "Trust and needs",
        "Building one's own PLN",
        "Who outside your school did you learn something from this month, and what was it?",
        "Who could you share something you know with in return?",
    ),
)

_BY_ID = {prompt.id: prompt for prompt in BUILTIN_PROMPTS}


def prompt_for_week(local_date: date) -> Prompt:
    """The prompt of the ISO week containing `local_date`: the same for everyone that week."""
    year, week, _ = local_date.isocalendar()
    return BUILTIN_PROMPTS[(year * 53 + week) % len(BUILTIN_PROMPTS)]


def prompt_by_id(prompt_id: str) -> Prompt | None:
    return _BY_ID.get(prompt_id)
