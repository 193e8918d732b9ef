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
from typing import Any

import numpy as np

from bot.core.checkins.hours import GOOD_OVERLAP, overlap_hours, working_hours
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


def benefits(
    mentees: Sequence[Assessment], mentors: Sequence[Assessment], on: date
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """How good each match is, mentees x mentors; -1 where the rules forbid it.

    The rules: not oneself, never the same school, at least one of the mentee's gaps among
    the mentor's strengths. Computed as whole arrays: 1,000 x 300 pairs one by one in
    Python took seconds.
    """
    mine = np.array([m.ratings for m in mentees], dtype=np.int64).reshape(-1, len(CAPACITIES))
    theirs = np.array([m.ratings for m in mentors], dtype=np.int64).reshape(-1, len(CAPACITIES))
    gap = (mine <= GAP_AT_MOST).astype(np.int64)
    strong = (theirs >= STRENGTH_AT_LEAST).astype(np.int64)
    covered = gap @ strong.T
    lift = gap @ (strong * theirs).T - (gap * mine) @ strong.T
    windows_e = np.array([_minutes(m.zone, on) for m in mentees], dtype=np.int64).reshape(-1, 2)
    windows_m = np.array([_minutes(m.zone, on) for m in mentors], dtype=np.int64).reshape(-1, 2)
    minutes = np.clip(
        np.minimum.outer(windows_e[:, 1], windows_m[:, 1])
        - np.maximum.outer(windows_e[:, 0], windows_m[:, 0]),
        0,
        None,
    )
    score = (
        MATCHED_POINTS
        + COVERED_POINTS * covered
        + LIFT_POINTS * lift
        + GOOD_OVERLAP_POINTS * (minutes >= GOOD_OVERLAP.total_seconds() // 60)
        + OVERLAP_HOUR_POINTS * minutes // 60
        + COMPLEMENTARY_POINTS * _differ([m.role for m in mentees], [m.role for m in mentors])
    )
    same_school = _equal([m.school_key for m in mentees], [m.school_key for m in mentors])
    oneself = np.equal.outer(
        np.array([m.member_id for m in mentees], dtype=np.int64),
        np.array([m.member_id for m in mentors], dtype=np.int64),
    )
    forbidden = same_school | oneself | (covered == 0)
    return np.where(forbidden, -1, score).astype(np.int64)


def benefit(mentee: Assessment, mentor: Assessment, on: date) -> int | None:
    """How good one match is (None: not allowed); the assignment maximises the sum."""
    score = int(benefits([mentee], [mentor], on)[0, 0])
    return None if score < 0 else score


def _minutes(zone: str, on: date) -> tuple[int, int]:
    start, end = working_hours(zone, on)
    return int(start.timestamp()) // 60, int(end.timestamp()) // 60


def _codes(left: Sequence[str | None], right: Sequence[str | None]) -> tuple[Any, Any]:
    """Strings as integer codes (None: -1, equal to nothing) for whole-array comparison."""
    codes: dict[str, int] = {}
    as_codes = [
        np.array(
            [-1 if v is None else codes.setdefault(v, len(codes)) for v in side], dtype=np.int64
        )
        for side in (left, right)
    ]
    return as_codes[0], as_codes[1]


def _equal(left: Sequence[str | None], right: Sequence[str | None]) -> Any:
    a, b = _codes(left, right)
    return np.equal.outer(a, b) & (a[:, None] >= 0)


def _differ(left: Sequence[str | None], right: Sequence[str | None]) -> Any:
    a, b = _codes(left, right)
    return np.not_equal.outer(a, b) & (a[:, None] >= 0) & (b[None, :] >= 0)


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
    mentors = sorted({m.member_id: m for m in slots}.values(), key=lambda m: m.member_id)
    column_of = {m.member_id: i for i, m in enumerate(mentors)}
    scores = benefits(people, mentors, day)
    # rows: mentees; columns: the mentors' slots, then one "no mentor" column per mentee
    table = np.full((len(people), len(slots) + len(people)), -1, dtype=np.int64)
    table[:, : len(slots)] = scores[:, [column_of[m.member_id] for m in slots]]
    table[np.arange(len(people)), len(slots) + np.arange(len(people))] = 0
    # scipy takes a quarter of a second to import: only a matching needs it, not every start
    from scipy.optimize import linear_sum_assignment

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
