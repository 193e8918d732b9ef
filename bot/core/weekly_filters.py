"""Who of the members due a weekly prompt gets it: the rules a claim applies after the
schedule's own (holidays, rhythms and quiet members, one prompt a week per person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import quiet_members
from bot.core.schedule import FireTime
from bot.store import deliveries as delivery_store
from bot.store import holidays as holiday_store
from bot.store.models import Community, Member


@dataclass(frozen=True)
class Candidate:
    member: Member
    fire: FireTime


async def wanted(
    session: AsyncSession, community: Community, candidates: list[Candidate], now: datetime
) -> list[Candidate]:
    """The candidates a weekly prompt still goes to, after every rule below."""
    candidates = await _outside_holidays(session, community, candidates)
    candidates = await _for_members_still_listening(session, candidates, now)
    candidates = await _one_weekly_prompt_per_person(session, candidates)
    return await _one_weekly_prompt_a_week(session, candidates)


async def _one_weekly_prompt_a_week(
    session: AsyncSession, candidates: list[Candidate]
) -> list[Candidate]:
    """A member prompted this week already (the rule moved from Monday to Thursday
    mid-week) waits for next week's."""
    wanted = [(c.member.id, c.fire.local_date) for c in candidates]
    taken = await delivery_store.member_weeks_taken(session, wanted)
    return [c for c in candidates if (c.member.id, c.fire.local_date) not in taken]


async def _outside_holidays(
    session: AsyncSession, community: Community, candidates: list[Candidate]
) -> list[Candidate]:
    """No weekly prompt on a holiday, at each member's local date (bot/core/holidays.py)."""
    off = await holiday_store.holiday_dates(
        session, community.id, {c.fire.local_date for c in candidates}
    )
    return [c for c in candidates if c.fire.local_date not in off]


async def _for_members_still_listening(
    session: AsyncSession, candidates: list[Candidate], now: datetime
) -> list[Candidate]:
    """Members on a fortnightly rhythm skip their off weeks; a member quiet for weeks gets
    an offer with this prompt, or, still quiet after it, a pause instead (quiet_members)."""
    on_rhythm = [c for c in candidates if quiet_members.on_rhythm(c.member, c.fire.local_date)]
    paused = await quiet_members.settle(session, [c.member for c in on_rhythm], now)
    return [c for c in on_rhythm if c.member.id not in paused]


async def _one_weekly_prompt_per_person(
    session: AsyncSession, candidates: list[Candidate]
) -> list[Candidate]:
    """A linked person gets one weekly prompt a week: the first platform to claim it wins."""
    wanted = [
        (c.member.person_id, c.fire.local_date)
        for c in candidates
        if c.member.person_id is not None
    ]
    if not wanted:
        return candidates
    taken = await delivery_store.person_weeks_taken(session, wanted)
    return [
        c
        for c in candidates
        if c.member.person_id is None
        or delivery_store.person_week(c.member.person_id, c.fire.local_date) not in taken
    ]


def _week(candidate: Candidate) -> tuple[int, date]:
    return candidate.member.id, candidate.fire.local_date


def _weeks(candidates: list[Candidate]) -> list[tuple[int, date]]:
    return [_week(candidate) for candidate in candidates]
