"""Matching mentees with mentors: an optimal assignment over the mentors' free places.

Each mentor offers `capacity - current` places ("slots"); scipy's `linear_sum_assignment`
assigns mentees to slots so that, first, as many mentees as possible get a mentor and then
the mentors' strengths cover the mentees' gaps as well as possible, with working hours to
meet in. Each mentee also has a slot of their own meaning "no mentor this time", so nobody
is forced into a poor match. Rules and an example: docs/CHECKINS.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from scipy.optimize import linear_sum_assignment

from bot.core.checkins.hours import GOOD_OVERLAP, overlap_hours
from bot.core.checkins.model import CAPACITIES, Assessment, MentorMatch, MentorOfferInput

GAP_AT_MOST = 2  # a mentee's rating this low (1-5) is a gap ...
STRENGTH_AT_LEAST = 4  # ... and a mentor's rating this high a strength
MATCHED_POINTS = 100_000  # any match outweighs any difference in how good matches are
COVERED_POINTS = 100  # per gap the mentor's strengths cover
LIFT_POINTS = 10  # per point the mentor is above the mentee on a covered gap
GOOD_OVERLAP_POINTS = 40  # at least two shared working hours ...
OVERLAP_HOUR_POINTS = 5  # ... and per shared hour (at most 8)
COMPLEMENTARY_POINTS = 10  # a different role sees the mentee's problems from outside


def gaps(ratings: Sequence[int]) -> tuple[str, ...]:
    """A mentee's gaps: capacities rated 2 or lower (CAPACITIES order)."""
    return tuple(c for c, r in zip(CAPACITIES, ratings, strict=True) if r <= GAP_AT_MOST)


def strengths(ratings: Sequence[int]) -> tuple[str, ...]:
    """A mentor's strengths: capacities rated 4 or higher."""
    return tuple(c for c, r in zip(CAPACITIES, ratings, strict=True) if r >= STRENGTH_AT_LEAST)


def allowed(mentee: Assessment, mentor: Assessment) -> bool:
    """The hard rules: not oneself, never the same school, and at least one gap covered."""
    if mentee.member_id == mentor.member_id:
        return False
    if mentee.school_key is not None and mentee.school_key == mentor.school_key:
        return False
    return bool(set(gaps(mentee.ratings)) & set(strengths(mentor.ratings)))


def benefit(mentee: Assessment, mentor: Assessment, on: date) -> int | None:
    """How good the match is (None: not allowed); the assignment maximises the sum."""
    if not allowed(mentee, mentor):
        return None
    covered = set(gaps(mentee.ratings)) & set(strengths(mentor.ratings))
    score = MATCHED_POINTS + COVERED_POINTS * len(covered)
    for capacity, mine, theirs in zip(CAPACITIES, mentee.ratings, mentor.ratings, strict=True):
        if capacity in covered:
            score += LIFT_POINTS * (theirs - mine)
    hours = overlap_hours((mentee.zone, mentor.zone), on)
    if hours >= GOOD_OVERLAP.total_seconds() / 3600:
        score += GOOD_OVERLAP_POINTS
    score += round(OVERLAP_HOUR_POINTS * hours)
    if mentee.role is not None and mentor.role is not None and mentee.role != mentor.role:
        score += COMPLEMENTARY_POINTS
    return score


def match_mentors(
    mentees: Sequence[Assessment],
    offers: Sequence[MentorOfferInput],
    on: date | None = None,
) -> list[MentorMatch]:
    """The best assignment of mentees to mentors' free places; unmatched mentees are left out.

    Working hours are compared on `on` (default: a fixed winter Monday, 2026-01-05, so a
    match does not depend on when it is computed). Inputs are sorted by member id first,
    so the same inputs always give the same matches.
    """
    day = on or date(2026, 1, 5)
    people = sorted(mentees, key=lambda m: m.member_id)
    slots = [
        offer.mentor
        for offer in sorted(offers, key=lambda o: o.mentor.member_id)
        for _ in range(max(0, offer.capacity - offer.current))
    ]
    if not people or not slots:
        return []
    mentors = {m.member_id: m for m in slots}
    scores = {
        (mentee.member_id, mentor_id): benefit(mentee, mentor, day)
        for mentee in people
        for mentor_id, mentor in mentors.items()
    }
    # rows: mentees; columns: the mentors' slots, then one "no mentor" column per mentee
    table = np.full((len(people), len(slots) + len(people)), -1, dtype=np.int64)
    for row, mentee in enumerate(people):
        for column, mentor in enumerate(slots):
            score = scores[(mentee.member_id, mentor.member_id)]
            if score is not None:
                table[row, column] = score
        table[row, len(slots) + row] = 0
    rows, columns = linear_sum_assignment(table, maximize=True)
    matches = []
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        if column >= len(slots) or table[row, column] <= 0:
            continue
        mentee, mentor = people[row], slots[column]
        covered = set(gaps(mentee.ratings)) & set(strengths(mentor.ratings))
        matches.append(
            MentorMatch(
                mentee_id=mentee.member_id,
                mentor_id=mentor.member_id,
                covered=tuple(c for c in CAPACITIES if c in covered),
                overlap_hours=overlap_hours((mentee.zone, mentor.zone), day),
            )
        )
    return matches
