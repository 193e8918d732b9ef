"""Rotation properties, checked with hypothesis over many member histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.prompts.library import LibraryPrompt
from bot.prompts.rotation import PastPrompt, choose_prompt


def make_track(elements: int, per_element: int) -> list[LibraryPrompt]:
    return [
        LibraryPrompt(
            id=f"p-e{e}-{n}",
            framework="Demo",
            framework_id="demo",
            element=f"Element {e}",
            element_id=f"e{e}",
            question=f"Question {e}.{n}?",
            follow_up="Follow-up?",
            term=(),
            audience=(),
            revisit=None,
        )
        for e in range(elements)
        for n in range(per_element)
    ]


def simulate(
    track: list[LibraryPrompt], weeks: int, answers: list[bool], start: date, key: str = "m1"
) -> list[PastPrompt]:
    history: list[PastPrompt] = []
    for week in range(weeks):
        on = start + timedelta(weeks=week)
        chosen = choose_prompt(track, history, key, on)
        history.append(PastPrompt(chosen.id, chosen.element_id, on, answers[week % len(answers)]))
    return history


shapes = st.tuples(st.integers(1, 8), st.integers(1, 5))
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(shape=shapes, start=starts, answers=st.lists(st.booleans(), min_size=1, max_size=7))
def test_no_prompt_repeats_within_52_weeks_while_unused_prompts_remain(
    shape: tuple[int, int], start: date, answers: list[bool]
) -> None:
    track = make_track(*shape)
    history = simulate(track, min(len(track), 52), answers, start)
    ids = [past.prompt_id for past in history]
    assert len(ids) == len(set(ids))


@settings(max_examples=60, deadline=None)
@given(shape=shapes, start=starts, weeks=st.integers(1, 104))
def test_a_member_who_answers_every_week_reflects_on_every_element_within_one(
    shape: tuple[int, int], start: date, weeks: int
) -> None:
    elements, _ = shape
    track = make_track(*shape)
    history = simulate(track, weeks, [True], start)
    counts = [sum(1 for p in history if p.element_id == f"e{e}") for e in range(elements)]
    assert max(counts) - min(counts) <= 1


@settings(max_examples=60, deadline=None)
@given(
    shape=shapes,
    start=starts,
    answers=st.lists(st.booleans(), min_size=1, max_size=7),
    weeks=st.integers(1, 60),
    key=st.text(min_size=1, max_size=12),
)
def test_the_choice_is_the_same_for_the_same_member_and_week(
    shape: tuple[int, int], start: date, answers: list[bool], weeks: int, key: str
) -> None:
    track = make_track(*shape)
    history = simulate(track, weeks, answers, start, key)
    on = start + timedelta(weeks=weeks)
    first = choose_prompt(track, history, key, on)
    assert choose_prompt(list(reversed(track)), list(reversed(history)), key, on) == first
    assert (
        choose_prompt(track, history, key, on + timedelta(days=1 if on.weekday() < 6 else 0))
        == first
    )


def test_skipped_prompts_count_as_not_reflected() -> None:
    track = make_track(2, 3)
    start = date(2026, 1, 5)
    history = [PastPrompt("p-e0-0", "e0", start, answered=False)]
    chosen = choose_prompt(track, history, "m1", start + timedelta(weeks=1))
    assert chosen.element_id in {"e0", "e1"}  # e0 was skipped, so both are at zero
    answered = [PastPrompt("p-e0-0", "e0", start, answered=True)]
    assert choose_prompt(track, answered, "m1", start + timedelta(weeks=1)).element_id == "e1"


def test_when_every_prompt_is_recent_the_oldest_comes_back() -> None:
    track = make_track(1, 2)
    start = date(2026, 1, 5)
    history = [
        PastPrompt("p-e0-0", "e0", start, True),
        PastPrompt("p-e0-1", "e0", start + timedelta(weeks=1), True),
    ]
    assert choose_prompt(track, history, "m1", start + timedelta(weeks=2)).id == "p-e0-0"


def tagged(
    prompt_id: str, element: str, term: tuple[str, ...] = (), audience: tuple[str, ...] = ()
) -> LibraryPrompt:
    return LibraryPrompt(
        id=prompt_id,
        framework="Demo",
        framework_id="demo",
        element=element,
        element_id=element,
        question=f"{prompt_id}?",
        follow_up="Follow-up?",
        term=term,
        audience=audience,
        revisit=None,
    )


SEASONAL = [
    tagged("open", "e0", term=("start",)),
    tagged("close", "e0", term=("end",)),
    tagged("any-1", "e0"),
    tagged("any-2", "e1"),
    tagged("newcomer", "e1", audience=("new",)),
    tagged("veteran", "e1", audience=("experienced",)),
]


@settings(max_examples=80, deadline=None)
@given(start=starts, key=st.text(min_size=1, max_size=8))
def test_prompts_of_the_phase_come_first_and_other_phases_never(start: date, key: str) -> None:
    opening = choose_prompt(SEASONAL, [], key, start, phase="start")
    assert opening.id == "open", "the start-of-year prompt comes first in its phase"
    for phase in ("start", "middle"):
        assert choose_prompt(SEASONAL, [], key, start, phase=phase).id != "close"
    assert choose_prompt(SEASONAL, [], key, start, phase="end").id == "close"
    middle = [
        choose_prompt(SEASONAL, [], key, start + timedelta(weeks=w), phase="middle").id
        for w in range(20)
    ]
    assert not {"open", "close"} & set(middle)


@settings(max_examples=80, deadline=None)
@given(start=starts, key=st.text(min_size=1, max_size=8), weeks=st.integers(1, 3))
def test_a_member_never_gets_a_prompt_meant_for_the_other_audience(
    start: date, key: str, weeks: int
) -> None:
    """Three weeks: while a fitting prompt is fresh (after that, a thin track falls back)."""
    for audience, other in (("new", "veteran"), ("experienced", "newcomer")):
        history: list[PastPrompt] = []
        for week in range(weeks):
            on = start + timedelta(weeks=week)
            chosen = choose_prompt(SEASONAL, history, key, on, phase="middle", audience=audience)
            assert chosen.id != other
            history.append(PastPrompt(chosen.id, chosen.element_id, on, True))


def test_when_only_out_of_season_prompts_are_left_one_is_still_sent() -> None:
    track = [tagged("close", "e0", term=("end",))]
    assert choose_prompt(track, [], "m1", date(2026, 9, 7), phase="start").id == "close"


def test_untagged_members_and_weeks_choose_as_before() -> None:
    track = make_track(3, 3)
    start = date(2026, 1, 5)
    plain = simulate(track, 9, [True], start)
    for week, past in enumerate(plain):
        on = start + timedelta(weeks=week)
        chosen = choose_prompt(track, plain[:week], "m1", on, phase="middle", audience="any")
        assert chosen.id == past.prompt_id
