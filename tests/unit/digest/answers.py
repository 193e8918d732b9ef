"""A fixed set of one member's answers over six weeks, and a background of shared answers.

The member keeps coming back to the chromebook rollout and to the help desk tickets; the
answers shared in the community talk about staff and meetings, so those must not become
themes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digest.records import PromptSent, Reflection
from bot.prompts.library import default_library

ZONE = ZoneInfo("Europe/London")
FIRST_MONDAY = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)  # ISO week 41
UNTIL = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # Friday of week 47
SINCE = UNTIL - timedelta(weeks=7)


def week(n: int, hours: int = 3) -> datetime:
    """Monday of the n-th week (0 = week 41), plus a few hours: when the answer was written."""
    return FIRST_MONDAY + timedelta(weeks=n, hours=hours)


ANSWERS: list[tuple[int, str, str]] = [  # (week, prompt id, text)
    (
        0,
        "slict-shared-vision-1",
        "We track help desk tickets every week. The chromebook rollout doubled the help desk "
        "tickets in September. It was hard. Too many tickets. "
        "I will ask the form tutors which tickets were really about the chromebook rollout.",
    ),
    (
        1,
        "trust-needs-pln-building-trust-2",
        "I walked through the staffroom on Tuesday with nothing to fix. "
        "Three teachers stopped me to ask about the chromebook rollout for year seven. "
        "They were worried about charging trolleys in the science block. "
        "My next step is to visit the science block with the technician on Thursday.",
    ),
    (
        2,
        "responsibilities-coaching-1",
        "Mrs Patel used the chromebook rollout to try peer feedback in her English lessons. "
        "Her students now comment on each other's drafts before the lesson ends. "
        "This felt like the first real win.",
    ),
    (
        4,
        "olf-using-data-2",
        "The help desk tickets show which families report broken chargers most often. "
        "I am not sure the help desk tickets tell the whole story about home internet access. "
        "I plan to add two questions about home internet to the parent survey in January.",
    ),
    (
        5,
        "slict-shared-vision-3",
        "Parents should say that technology helps their children write more and better. "
        "The chromebook rollout is only a means to that end, not the goal itself. "
        "Short one.",
    ),
]

BACKGROUND = [
    "The staff meeting ran late again and the staff were tired of the staff meeting format.",
    "Our staff meeting discussed the timetable and the staff briefing schedule.",
    "I met the staff to plan the staff training day and the staff meeting agenda.",
    "The governors asked about the budget for the staff meeting room projector.",
    "Staff morale is low; the staff meeting needs a new shape and better staff input.",
    "A secret phrase only the background uses: purple elephant budget spreadsheet.",
    "purple elephant budget spreadsheet came up again in our staff meeting today.",
] * 3


def reflections() -> list[Reflection]:
    library = default_library()
    found = []
    for n, prompt_id, text in ANSWERS:
        prompt = library.by_id(prompt_id)
        assert prompt is not None, prompt_id
        found.append(Reflection(week(n), text, prompt_id, prompt.question))
    return found


def prompts_sent() -> list[PromptSent]:
    """Weeks 0-6: answered 0, 1, 2, 4, 5; week 3 skipped; week 6 still open."""
    answered = {n for n, _, _ in ANSWERS}
    return [PromptSent(week(n, hours=0), n in answered, n == 3) for n in range(7)]


def all_sentences() -> set[str]:
    from bot.digest.sentences import split_sentences

    return {s for _, _, text in ANSWERS for s in split_sentences(text)}
