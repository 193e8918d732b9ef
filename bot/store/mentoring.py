"""Queries of mentoring: who waits for a mentor, who offers to be one with room left, and
the matches a member is in (as mentor or mentee)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import (
    MemberProfile,
    MentorMatch,
    MentorOffer,
    MentorRequest,
    SelfAssessment,
)
from bot.store.models import Member

Assessed = tuple[Member, SelfAssessment, MemberProfile | None]


async def waiting_mentees(session: AsyncSession, community_id: int) -> list[Assessed]:
    """Active members with a request and a self-assessment, longest waiting first."""
    found = await session.execute(
        select(Member, SelfAssessment, MemberProfile)
        .join(MentorRequest, MentorRequest.member_id == Member.id)
        .join(SelfAssessment, SelfAssessment.member_id == Member.id)
        .outerjoin(MemberProfile, MemberProfile.member_id == Member.id)
        .where(Member.community_id == community_id, Member.active.is_(True))
        .order_by(MentorRequest.requested_at, Member.id)
    )
    return [(member, assessment, profile) for member, assessment, profile in found.tuples()]


async def open_offers(
    session: AsyncSession, community_id: int
) -> list[tuple[Member, SelfAssessment, MemberProfile | None, int, int]]:
    """Active members offering to mentor, with a self-assessment: (..., capacity, current)."""
    current = (
        select(MentorMatch.mentor_id, func.count().label("n"))
        .where(MentorMatch.ended_at.is_(None))
        .group_by(MentorMatch.mentor_id)
        .subquery()
    )
    found = await session.execute(
        select(Member, SelfAssessment, MemberProfile, MentorOffer.capacity, current.c.n)
        .join(MentorOffer, MentorOffer.member_id == Member.id)
        .join(SelfAssessment, SelfAssessment.member_id == Member.id)
        .outerjoin(MemberProfile, MemberProfile.member_id == Member.id)
        .outerjoin(current, current.c.mentor_id == Member.id)
        .where(Member.community_id == community_id, Member.active.is_(True))
        .order_by(MentorOffer.offered_at, Member.id)
    )
    return [(m, a, p, capacity, n or 0) for m, a, p, capacity, n in found.tuples()]


async def active_matches(session: AsyncSession, member_id: int) -> list[MentorMatch]:
    """The member's matches that nobody has ended, oldest first."""
    found = await session.scalars(
        select(MentorMatch)
        .where(
            or_(MentorMatch.mentor_id == member_id, MentorMatch.mentee_id == member_id),
            MentorMatch.ended_at.is_(None),
        )
        .order_by(MentorMatch.matched_at, MentorMatch.id)
    )
    return list(found)


async def every_match(session: AsyncSession, member_id: int) -> list[MentorMatch]:
    """All the member's matches, ended ones too (for the export)."""
    found = await session.scalars(
        select(MentorMatch)
        .where(or_(MentorMatch.mentor_id == member_id, MentorMatch.mentee_id == member_id))
        .order_by(MentorMatch.matched_at, MentorMatch.id)
    )
    return list(found)


async def members_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Member]:
    if not ids:
        return {}
    found = await session.scalars(select(Member).where(Member.id.in_(ids)))
    return {member.id: member for member in found}


async def end_matches_of(session: AsyncSession, member_ids: list[int], now: datetime) -> None:
    """An erased member's matches end; the partner's row stays, with their side NULL."""
    await session.execute(
        update(MentorMatch)
        .where(
            or_(MentorMatch.mentor_id.in_(member_ids), MentorMatch.mentee_id.in_(member_ids)),
            MentorMatch.ended_at.is_(None),
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
