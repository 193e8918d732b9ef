"""The digest calendar: months and terms, their keys, labels and the times digests fall due.

Kept apart from the scheduler so the calendar rules (a term is three months starting in
January, April, July or October; a digest falls due at the prompt time on the 1st after
its period, DST as for prompts) can be read and tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

MONTHLY = "monthly"
TERMLY = "termly"
MONTHS_IN = {MONTHLY: 1, TERMLY: 3}


def _add_months(day: date, months: int) -> date:
    """The 1st of the month `months` after (or before) `day`'s month."""
    years, month_index = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month_index + 1, 1)


@dataclass(frozen=True)
class DigestPeriod:
    """A calendar month or term; its digest is due when it ends (the next period's 1st)."""

    cadence: str
    start: date  # the 1st of its first month

    @classmethod
    def containing(cls, cadence: str, day: date) -> DigestPeriod:
        months = MONTHS_IN[cadence]
        return cls(cadence, date(day.year, (day.month - 1) // months * months + 1, 1))

    @classmethod
    def from_key(cls, cadence: str, key: str) -> DigestPeriod:
        """The period a `digest_send.period_key` names: "2026-11" or "2026-T4"."""
        year, _, rest = key.partition("-")
        month = (int(rest[1:]) - 1) * 3 + 1 if rest.startswith("T") else int(rest)
        return cls(cadence, date(int(year), month, 1))

    @property
    def end(self) -> date:
        """The 1st after the period: the day its digest is due."""
        return _add_months(self.start, MONTHS_IN[self.cadence])

    @property
    def previous(self) -> DigestPeriod:
        return replace(self, start=_add_months(self.start, -MONTHS_IN[self.cadence]))

    @property
    def following(self) -> DigestPeriod:
        return replace(self, start=self.end)

    @property
    def key(self) -> str:
        if self.cadence == TERMLY:
            return f"{self.start.year}-T{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.cadence == TERMLY:
            last = _add_months(self.start, 2)
            return f"{self.start:%B} to {last:%B %Y}"
        return f"{self.start:%B %Y}"

    def window(self, at: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[since, until) in UTC: from this period's digest time to the next one's."""
        return boundary(self.start, at, zone), boundary(self.end, at, zone)


def boundary(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`at` on `day` in `zone`, in UTC; DST as for prompts (bot/core/schedule.py): a time in
    a spring-forward gap moves forward by the gap, an ambiguous one is its first occurrence."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def ended_period(cadence: str, zone: ZoneInfo, at: time, now: datetime) -> DigestPeriod:
    """The latest period whose digest time is not after `now`."""
    current = DigestPeriod.containing(cadence, now.astimezone(zone).date())
    if boundary(current.start, at, zone) > now:
        current = current.previous  # today is the 1st but the hour has not come yet
    return current.previous


def next_period(cadence: str, zone: ZoneInfo, at: time, now: datetime) -> DigestPeriod:
    """The period whose digest comes next: its digest time is the first after `now`."""
    period = ended_period(cadence, zone, at, now).following
    while boundary(period.end, at, zone) <= now:  # not reached; a guard against DST edges
        period = period.following
    return period
