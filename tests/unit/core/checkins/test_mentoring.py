"""Mentor matching: capacities hold, never the same school, and the assignment is the best."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.checkins.mentoring import benefit, match_mentors
from bot.core.checkins.model import Assessment, MentorOfferInput

DAY = date(2026, 1, 5)
ZONES = ("Europe/London", "America/New_York", "Australia/Sydney")


def assessments(first_id: int) -> st.SearchStrategy[Assessment]:
    return st.builds(
        Assessment,
        member_id=st.integers(first_id, first_id + 50),
        zone=st.sampled_from(ZONES),
        ratings=st.tuples(*[st.integers(1, 5)] * 5),
        role=st.sampled_from((None, "it", "teacher", "leader")),
        school_key=st.sampled_from((None, "northside", "riverside", "st_marys")),
    )


def unique(people: list[Assessment]) -> list[Assessment]:
    return list({p.member_id: p for p in people}.values())


offers = st.builds(
    MentorOfferInput,
    mentor=assessments(1),
    capacity=st.integers(0, 3),
    current=st.integers(0, 2),
)


def unique_offers(found: list[MentorOfferInput]) -> list[MentorOfferInput]:
    return list({o.mentor.member_id: o for o in found}.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(assessments(30), max_size=12).map(unique), st.lists(offers, max_size=6))
def test_capacities_hold_and_no_match_breaks_a_rule(
    mentees: list[Assessment], found: list[MentorOfferInput]
) -> None:
    by_mentor = {o.mentor.member_id: o for o in unique_offers(found)}
    by_mentee = {m.member_id: m for m in mentees}
    matches = match_mentors(mentees, list(by_mentor.values()), DAY)
    assert len({m.mentee_id for m in matches}) == len(matches), "a mentee has one mentor"
    for mentor_id, taken in Counter(m.mentor_id for m in matches).items():
        offer = by_mentor[mentor_id]
        assert taken <= offer.capacity - offer.current
    for match in matches:
        mentee, mentor = by_mentee[match.mentee_id], by_mentor[match.mentor_id].mentor
        assert mentee.member_id != mentor.member_id
        assert mentee.school_key is None or mentee.school_key != mentor.school_key
        assert match.covered, "a mentor covers at least one of the mentee's gaps"
        for capacity in match.covered:
            index = ("setting_directions", "building_relationships",
                     "developing_the_organization", "improving_the_instructional_program",
                     "securing_accountability").index(capacity)  # fmt: skip
            assert mentee.ratings[index] <= 2 and mentor.ratings[index] >= 4


def best_by_brute_force(mentees: list[Assessment], found: list[MentorOfferInput]) -> int:
    choices = [None, *found]
    best = 0
    for assignment in product(choices, repeat=len(mentees)):
        taken = Counter(o.mentor.member_id for o in assignment if o is not None)
        if any(taken[o.mentor.member_id] > max(0, o.capacity - o.current) for o in found):
            continue
        total = 0
        for mentee, offer in zip(mentees, assignment, strict=True):
            if offer is None:
                continue
            score = benefit(mentee, offer.mentor, DAY)
            if score is None:
                break
            total += score
        else:
            best = max(best, total)
    return best


@settings(max_examples=200, deadline=None)
@given(st.lists(assessments(30), max_size=5).map(unique), st.lists(offers, max_size=3))
def test_the_assignment_is_the_best_on_small_cases(
    mentees: list[Assessment], found: list[MentorOfferInput]
) -> None:
    found = unique_offers(found)
    by_mentor = {o.mentor.member_id: o.mentor for o in found}
    by_mentee = {m.member_id: m for m in mentees}
    matches = match_mentors(mentees, found, DAY)
    total = 0
    for m in matches:
        score = benefit(by_mentee[m.mentee_id], by_mentor[m.mentor_id], DAY)
        assert score is not None
        total += score
    assert total == best_by_brute_force(mentees, found)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(assessments(30), max_size=10).map(unique),
    st.lists(offers, max_size=5),
    st.randoms(use_true_random=False),
)
def test_the_same_inputs_in_any_order_give_the_same_matches(
    mentees: list[Assessment], found: list[MentorOfferInput], shuffler: random.Random
) -> None:
    found = unique_offers(found)
    first = match_mentors(mentees, found, DAY)
    shuffler.shuffle(mentees)
    shuffler.shuffle(found)
    assert sorted(match_mentors(mentees, found, DAY), key=lambda m: m.mentee_id) == sorted(
        first, key=lambda m: m.mentee_id
    )


def test_the_mentor_who_covers_more_gaps_in_shared_hours_wins_but_never_from_ones_own_school() -> (
    None
):
    # the mentee is weak at setting directions (1) and securing accountability (2)
    mentee = Assessment(10, "Europe/London", (1, 4, 3, 3, 2), "it", "northside")
    # strong at both, but from the mentee's own school
    colleague = Assessment(1, "Europe/London", (5, 3, 3, 3, 5), "leader", "northside")
    # strong at both, in London, another school
    londoner = Assessment(2, "Europe/London", (5, 3, 3, 3, 4), "leader", "riverside")
    # strong at both, but in Sydney: no working hours in common with London
    sydney = Assessment(3, "Australia/Sydney", (5, 3, 3, 3, 5), "leader", "harbour")
    # strong at one only
    partial = Assessment(4, "Europe/London", (5, 3, 3, 3, 3), "teacher", None)
    found = [MentorOfferInput(m, capacity=1) for m in (colleague, londoner, sydney, partial)]
    [match] = match_mentors([mentee], found, DAY)
    assert match.mentor_id == 2
    assert match.covered == ("setting_directions", "securing_accountability")
    assert match.overlap_hours == 8.0
    # a full mentor takes nobody: the next best is the Sydney one, who covers both gaps
    found[1] = MentorOfferInput(londoner, capacity=2, current=2)
    [match] = match_mentors([mentee], found, DAY)
    assert (match.mentor_id, match.overlap_hours) == (3, 0.0)


def test_as_many_mentees_as_possible_get_a_mentor_before_any_gets_a_better_one() -> None:
    # X suits A better than B; Y suits only A. Both matched beats X having A.
    a = Assessment(1, "Europe/London", (5, 5, 3, 3, 3), None, "a")
    b = Assessment(2, "Europe/London", (5, 3, 3, 3, 3), None, "b")
    x = Assessment(10, "Europe/London", (1, 1, 3, 3, 3), None, "x")
    y = Assessment(11, "Europe/London", (3, 1, 3, 3, 3), None, "y")
    matches = match_mentors([x, y], [MentorOfferInput(a, 1), MentorOfferInput(b, 1)], DAY)
    assert sorted((m.mentee_id, m.mentor_id) for m in matches) == [(10, 2), (11, 1)]


def test_a_mentee_nobody_can_help_stays_unmatched() -> None:
    strong = Assessment(10, "Europe/London", (4, 4, 4, 4, 4))
    mentor = Assessment(1, "Europe/London", (5, 5, 5, 5, 5))
    assert match_mentors([strong], [MentorOfferInput(mentor, 3)], DAY) == []
