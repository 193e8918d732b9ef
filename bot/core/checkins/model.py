"""The plain values matching works on: no store, no platform, so it is easy to test.

`bot.core.checkins.pairing.form_groups` turns a `RoundInput` into a `RoundResult`;
`bot.core.checkins.mentoring.match_mentors` turns mentees and mentor offers into
`MentorMatch`es. The callers read these values from the store and write the results back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Role = Literal["it", "teacher", "leader"]
ROLES: tuple[Role, ...] = ("it", "teacher", "leader")
# the five core capacities of the Ontario Leadership Framework, in the framework's order
CAPACITIES: tuple[str, ...] = (
    "setting_directions",
    "building_relationships",
    "developing_the_organization",
    "improving_the_instructional_program",
    "securing_accountability",
)


@dataclass(frozen=True)
class Person:
    """An opted-in member available for this round."""

    member_id: int
    zone: str  # IANA zone: working hours are 09:00-17:00 there
    school_key: str | None = None  # folded school name; None: unknown (never a conflict)
    role: Role | None = None
    interests: frozenset[str] = frozenset()  # "framework/element" keys
    first_in_line: bool = False  # sat out last round: must be placed this time


@dataclass(frozen=True)
class PastMeeting:
    """Two members were in one group on a day (a triad counts as three pairs)."""

    a: int
    b: int
    on: date


@dataclass(frozen=True)
class RoundInput:
    people: tuple[Person, ...]
    history: tuple[PastMeeting, ...]
    today: date  # the round's local date: working hours are compared on this day
    seed: int
    repeat_window_weeks: int = 12
    odd: Literal["triad", "sit_out"] = "triad"
    candidates_per_person: int = 8  # k: each member's best candidates in the sparse graph


@dataclass(frozen=True)
class Group:
    member_ids: tuple[int, ...]  # 2 or 3
    shared_interests: frozenset[str] = frozenset()
    complementary: bool = False  # different roles (IT professional and teacher, ...)
    # working-hours overlap today, the least over the group's pairs, as UTC instants
    overlap_start: datetime | None = None
    overlap_end: datetime | None = None
    repeat: bool = False  # a pair in it met within the window (no way around it)


@dataclass(frozen=True)
class RoundResult:
    groups: tuple[Group, ...]
    sat_out: int | None = None  # the member left out to keep groups of two
    repeats_avoided: int = 0  # candidate pairs not used because they met recently
    same_school_avoided: int = 0  # candidate pairs not used because same school
    unplaced: tuple[int, ...] = field(default_factory=tuple)  # nobody they may meet


@dataclass(frozen=True)
class Assessment:
    """A self-assessment: profile and a 1-5 rating of each capacity (CAPACITIES order)."""

    member_id: int
    zone: str
    ratings: tuple[int, int, int, int, int]
    role: Role | None = None
    school_key: str | None = None


@dataclass(frozen=True)
class MentorOfferInput:
    mentor: Assessment
    capacity: int  # at most this many mentees at once, counting current ones
    current: int = 0  # mentees already matched


@dataclass(frozen=True)
class MentorMatch:
    mentee_id: int
    mentor_id: int
    covered: tuple[str, ...]  # the mentee's weaker capacities that are the mentor's strong ones
    overlap_hours: float
