"""How well two members would suit each other this round: the weights of the pairing graph.

Kept apart from `pairing` so the weights can be read (and tuned) in one place; the rules
are explained with an example in docs/CHECKINS.md ("How groups and matches are formed").
All weights are integers so networkx's matching computes exactly (no float ties).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from bot.core.checkins.hours import GOOD_OVERLAP, working_hours
from bot.core.checkins.model import PastMeeting, Person, Role

# Any pair that did not meet within the window outweighs every pair that did, summed over
# a whole round: maximum-weight matching therefore uses as few repeats as it can.
FRESH = 10_000_000
# the parts of a fresh pair's score (each pair scores 1 + the parts that apply, at most 150)
GOOD_OVERLAP_POINTS = 40  # at least two shared working hours ...
OVERLAP_MINUTE_POINTS_EVERY = 30  # ... plus a point per half hour of it (<= 16)
SHORT_OVERLAP_POINTS_EVERY = 6  # under two hours: a point per 6 minutes (<= 19)
INTEREST_POINTS = 15  # per shared interest, counting at most three
MAX_COUNTED_INTERESTS = 3
COMPLEMENTARY_POINTS = 20  # different roles: an IT professional and a teacher, ...
NEVER_MET_POINTS = 24  # met long ago scores 12-23, more the longer ago
GOOD_OVERLAP_MINUTES = int(GOOD_OVERLAP.total_seconds()) // 60


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member as the matcher sees them: their working day as epoch minutes."""

    member_id: int
    school_key: str | None
    role: Role | None
    interests: frozenset[str]
    start: int  # 09:00 local on the round's date, minutes since the epoch (UTC)
    end: int  # 17:00 local
    first_in_line: bool


def candidates_of(people: Iterable[Person], on: date) -> list[Candidate]:
    """The round's people, sorted by member id (the first step to a deterministic round)."""
    out = []
    for person in sorted(people, key=lambda p: p.member_id):
        start, end = working_hours(person.zone, on)
        out.append(
            Candidate(
                member_id=person.member_id,
                school_key=person.school_key,
                role=person.role,
                interests=person.interests,
                start=int(start.timestamp()) // 60,
                end=int(end.timestamp()) // 60,
                first_in_line=person.first_in_line,
            )
        )
    return out


def last_met(history: Iterable[PastMeeting]) -> dict[tuple[int, int], date]:
    """Each pair's latest meeting, keyed (smaller id, larger id)."""
    latest: dict[tuple[int, int], date] = {}
    for meeting in history:
        if meeting.a == meeting.b:
            continue
        key = (meeting.a, meeting.b) if meeting.a < meeting.b else (meeting.b, meeting.a)
        if key not in latest or latest[key] < meeting.on:
            latest[key] = meeting.on
    return latest


def same_school(a: Candidate, b: Candidate) -> bool:
    """The hard rule: an unknown school (None) never conflicts."""
    return a.school_key is not None and a.school_key == b.school_key


def overlap_minutes(members: Sequence[Candidate]) -> int:
    """Working minutes everyone in the group shares (0 when none)."""
    return max(0, min(m.end for m in members) - max(m.start for m in members))


def complementary(members: Sequence[Candidate]) -> bool:
    """At least two different known roles in the group."""
    return len({m.role for m in members if m.role is not None}) >= 2


@dataclass(frozen=True, slots=True)
class PairScorer:
    """Scores pairs for one round: today's date, the window and who met when."""

    today: date
    window_days: int
    met: dict[tuple[int, int], date]

    def days_since(self, a: Candidate, b: Candidate) -> int | None:
        key = (
            (a.member_id, b.member_id) if a.member_id < b.member_id else (b.member_id, a.member_id)
        )
        on = self.met.get(key)
        return None if on is None else (self.today - on).days

    def recent(self, a: Candidate, b: Candidate) -> bool:
        """Met within the window: `window_days` days before today, exclusive."""
        days = self.days_since(a, b)
        return days is not None and days < self.window_days

    def weight(self, a: Candidate, b: Candidate) -> int:
        """The pair's edge weight (callers have already ruled out the same school).

        A recent pair scores 1 + the days since they met (least recently met first); a
        fresh pair scores FRESH + its preferences, so it always wins over a recent one.
        """
        days = self.days_since(a, b)
        if days is not None and days < self.window_days:
            return 1 + max(days, 0)
        score = 1
        minutes = max(0, min(a.end, b.end) - max(a.start, b.start))
        if minutes >= GOOD_OVERLAP_MINUTES:
            score += GOOD_OVERLAP_POINTS + minutes // OVERLAP_MINUTE_POINTS_EVERY
        else:
            score += minutes // SHORT_OVERLAP_POINTS_EVERY
        shared = len(a.interests & b.interests)
        score += INTEREST_POINTS * min(shared, MAX_COUNTED_INTERESTS)
        if a.role is not None and b.role is not None and a.role != b.role:
            score += COMPLEMENTARY_POINTS
        if days is None:
            score += NEVER_MET_POINTS
        else:
            score += NEVER_MET_POINTS * days // (days + self.window_days)
        return FRESH + score
