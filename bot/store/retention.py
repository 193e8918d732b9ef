"""Queries for the retention purge: the daily claim, what is old enough, and the deletes.

The purge deletes whole rows (answers, whose parts and share rows go by ON DELETE
CASCADE, and free notes) and records only a count in `audit_event`, never any text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import insert_ignoring_duplicates
from bot.store.models import (
    Answer,
    AnswerShare,
    AuditEvent,
    Community,
    Delivery,
    FreeNote,
    JobRun,
    Member,
    Schedule,
    ScheduleKind,
)

PURGE_EVENT = "retention_purge"
# what a sent revisit says instead of quoting an answer the purge removed
PURGED_QUOTE_PROMPT = "Looking back at an answer that has since been deleted (retention)."


@dataclass(frozen=True)
class RetentionRule:
    community_id: int
    external_id: str
    days: int


@dataclass(frozen=True)
class SharedPost:
    """A channel post of an answer about to be purged, to take down first."""

    channel_id: str
    platform_message_ref: str


def _in_force(platform: str, now: datetime) -> ColumnElement[bool]:
    """The platform's communities whose setting is on and past its notice period."""
    return and_(
        Community.platform == platform,
        Community.retention_days.is_not(None),
        or_(Community.retention_from.is_(None), Community.retention_from <= now),
    )


async def rules(session: AsyncSession, platform: str, now: datetime) -> list[RetentionRule]:
    """The platform's communities whose retention setting is in force at `now`."""
    result = await session.execute(
        select(Community.id, Community.external_id, Community.retention_days)
        .where(_in_force(platform, now))
        .order_by(Community.id)
    )
    return [
        RetentionRule(cid, external, days)
        for cid, external, days in result.tuples()
        if days is not None
    ]


async def any_rule(session: AsyncSession, platform: str, now: datetime) -> bool:
    """Whether any of the platform's communities has a setting in force at `now`."""
    found = await session.scalar(select(Community.id).where(_in_force(platform, now)).limit(1))
    return found is not None


async def next_start(session: AsyncSession, platform: str, now: datetime) -> datetime | None:
    """The earliest time a confirmed setting still in its notice period comes into force."""
    result: datetime | None = await session.scalar(
        select(func.min(Community.retention_from)).where(
            Community.platform == platform,
            Community.retention_days.is_not(None),
            Community.retention_from > now,
        )
    )
    return result


@dataclass(frozen=True)
class Expiring:
    """What a setting would delete today: answers, notes, and how many members wrote them."""

    answers: int
    notes: int
    members: int


async def expiring(session: AsyncSession, community_id: int, cutoff: datetime) -> Expiring:
    """Counts (never texts) of the community's answers and notes written before `cutoff`."""
    members = _community_members(community_id)
    answers = select(Answer.member_id.label("member_id")).where(
        Answer.member_id.in_(members), Answer.created_at < cutoff
    )
    notes = select(FreeNote.member_id.label("member_id")).where(
        FreeNote.member_id.in_(members), FreeNote.created_at < cutoff
    )
    answer_count = await session.scalar(select(func.count()).select_from(answers.subquery()))
    note_count = await session.scalar(select(func.count()).select_from(notes.subquery()))
    authors = union(answers, notes).subquery()
    author_count = await session.scalar(select(func.count()).select_from(authors))
    return Expiring(int(answer_count or 0), int(note_count or 0), int(author_count or 0))


async def last_run(session: AsyncSession, name: str) -> datetime | None:
    result: datetime | None = await session.scalar(
        select(JobRun.last_run_at).where(JobRun.name == name)
    )
    return result


async def claim_run(session: AsyncSession, name: str, now: datetime, every: timedelta) -> bool:
    """Take today's run of a periodic job: True for exactly one of several processes.

    The first run inserts the row (the unique name lets one insert land); later runs move
    `last_run_at` forward with a compare-and-set on the value that was read.
    """
    previous = await last_run(session, name)
    if previous is None:
        result = await session.execute(
            insert_ignoring_duplicates(session, JobRun, ["name"]).values(name=name, last_run_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)
    if previous + every > now:
        return False
    result = await session.execute(
        update(JobRun)
        .where(JobRun.name == name, JobRun.last_run_at == previous)
        .values(last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def _community_members(community_id: int) -> Select[tuple[int]]:
    return select(Member.id).where(Member.community_id == community_id)


async def expired_posts(
    session: AsyncSession, community_id: int, cutoff: datetime
) -> list[SharedPost]:
    """Channel posts of the community's answers written before `cutoff`."""
    result = await session.execute(
        select(AnswerShare.channel_id, AnswerShare.platform_message_ref)
        .join(Answer, Answer.id == AnswerShare.answer_id)
        .where(
            AnswerShare.community_id == community_id,
            Answer.member_id.in_(_community_members(community_id)),
            Answer.created_at < cutoff,
            AnswerShare.platform_message_ref.is_not(None),
        )
        .order_by(AnswerShare.id)
    )
    return [SharedPost(channel, ref) for channel, ref in result.tuples() if ref is not None]


async def purge(session: AsyncSession, community_id: int, cutoff: datetime, now: datetime) -> int:
    """Delete the community's answers and free notes written before `cutoff`; audit the count."""
    members = _community_members(community_id)
    # a sent revisit quotes its answer in prompt_text: that copy goes with the answer
    expiring = select(Answer.delivery_id).where(
        Answer.member_id.in_(members), Answer.created_at < cutoff
    )
    revisits = select(Schedule.id).where(
        Schedule.kind == ScheduleKind.REVISIT, Schedule.source_delivery_id.in_(expiring)
    )
    await session.execute(
        update(Delivery)
        .where(Delivery.schedule_id.in_(revisits))
        .values(prompt_text=PURGED_QUOTE_PROMPT)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Schedule)
        .where(Schedule.id.in_(revisits))
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    answers = await session.execute(
        delete(Answer)
        .where(Answer.member_id.in_(members), Answer.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    notes = await session.execute(
        delete(FreeNote)
        .where(FreeNote.member_id.in_(members), FreeNote.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    count = int(getattr(answers, "rowcount", 0) or 0) + int(getattr(notes, "rowcount", 0) or 0)
    if count:
        session.add(
            AuditEvent(community_id=community_id, kind=PURGE_EVENT, count=count, happened_at=now)
        )
    return count


async def purged_total(session: AsyncSession, community_id: int) -> int:
    """How many items retention has purged in this community, ever (for the moderator)."""
    return int(
        await session.scalar(
            select(func.coalesce(func.sum(AuditEvent.count), 0)).where(
                AuditEvent.community_id == community_id, AuditEvent.kind == PURGE_EVENT
            )
        )
        or 0
    )
