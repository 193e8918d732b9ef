"""Communities whose app was uninstalled: marking them, and purging them once their time is up.

Members of a workspace that uninstalled the Slack app (or a guild that removed the bot) can
no longer reach the bot to export or erase their data, so it is kept only for a stated
period (`community.uninstalled_at` + PLN_UNINSTALLED_KEEP_DAYS) and then deleted whole:
the community row goes, and the foreign keys take its members, schedules, deliveries,
answers, notes, shares, link codes, digest sends and channel posts with it. Rows keyed by a
platform user rather than a member (DMs waiting to be placed, counts of wrong link codes)
go too when the community was the user's only one on that platform. The audit log keeps
counts, never what or whose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import link_guesses as guesses
from bot.store import pending_dms
from bot.store.models import Answer, AuditEvent, Community, FreeNote, Member

# the audit_event kinds of one purge: how many member rows, answers and notes went
PURGED_MEMBERS = "uninstalled_purge_members"
PURGED_ANSWERS = "uninstalled_purge_answers"
PURGED_NOTES = "uninstalled_purge_notes"


@dataclass(frozen=True)
class Expired:
    """A community whose keeping period is over."""

    community_id: int
    uninstalled_at: datetime


@dataclass(frozen=True)
class Purged:
    """What one community's purge deleted (counts only)."""

    members: int
    answers: int
    notes: int


async def mark_uninstalled(
    session: AsyncSession, platform: str, external_ids: Sequence[str], now: datetime
) -> int:
    """Start the keeping period of these communities; one already running keeps its start."""
    if not external_ids:
        return 0
    result = await session.execute(
        update(Community)
        .where(
            Community.platform == platform,
            Community.external_id.in_(sorted(set(external_ids))),
            Community.uninstalled_at.is_(None),
        )
        .values(uninstalled_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def served_elsewhere(
    session: AsyncSession, platform: str, present: Sequence[str]
) -> list[str]:
    """The platform's communities still counted as installed that are not in `present`."""
    found = await session.scalars(
        select(Community.external_id).where(
            Community.platform == platform,
            Community.external_id.not_in(sorted(set(present))),
            Community.uninstalled_at.is_(None),
        )
    )
    return list(found)


async def mark_reinstalled(
    session: AsyncSession, platform: str, external_ids: Sequence[str]
) -> int:
    """The app is back: these communities are kept as any other, and their members whom a
    send could not reach while it was gone are reachable again."""
    if not external_ids:
        return 0
    found = await session.execute(
        select(Community.id, Community.uninstalled_at).where(
            Community.platform == platform,
            Community.external_id.in_(sorted(set(external_ids))),
            Community.uninstalled_at.is_not(None),
        )
    )
    cleared = 0
    for community_id, uninstalled_at in found.tuples():
        await session.execute(
            update(Member)
            .where(Member.community_id == community_id, Member.unreachable_at >= uninstalled_at)
            .values(unreachable_at=None, unreachable_reason=None)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(Community)
            .where(Community.id == community_id)
            .values(uninstalled_at=None)
            .execution_options(synchronize_session=False)
        )
        cleared += 1
    return cleared


async def earliest(session: AsyncSession, platform: str) -> datetime | None:
    """When the platform's longest-uninstalled community was uninstalled (None: none is)."""
    result: datetime | None = await session.scalar(
        select(func.min(Community.uninstalled_at)).where(Community.platform == platform)
    )
    return result


async def expired(session: AsyncSession, platform: str, cutoff: datetime) -> list[Expired]:
    """The platform's communities uninstalled at or before `cutoff`, oldest first."""
    result = await session.execute(
        select(Community.id, Community.uninstalled_at)
        .where(Community.platform == platform, Community.uninstalled_at <= cutoff)
        .order_by(Community.uninstalled_at, Community.id)
    )
    return [Expired(cid, at) for cid, at in result.tuples() if at is not None]


async def purge_community(
    session: AsyncSession, community_id: int, cutoff: datetime, now: datetime
) -> Purged | None:
    """Delete the community and everything of it, if it is still uninstalled since `cutoff`
    or earlier (a reinstall a moment ago wins); None when nothing was purged."""
    community = await session.scalar(
        select(Community)
        .where(Community.id == community_id, Community.uninstalled_at <= cutoff)
        .with_for_update()
    )
    if community is None:
        return None
    members = select(Member.id).where(Member.community_id == community_id)
    counts = Purged(
        members=await _count(
            session,
            select(func.count()).select_from(Member).where(Member.community_id == community_id),
        ),
        answers=await _count(
            session, select(func.count()).select_from(Answer).where(Answer.member_id.in_(members))
        ),
        notes=await _count(
            session,
            select(func.count()).select_from(FreeNote).where(FreeNote.member_id.in_(members)),
        ),
    )
    await _forget_users_only_here(session, community)
    # the audit history of the community outlives it, no longer tied to it
    await session.execute(
        update(AuditEvent)
        .where(AuditEvent.community_id == community_id)
        .values(community_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(Member)
        .where(Member.community_id == community_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(Community)
        .where(Community.id == community_id)
        .execution_options(synchronize_session=False)
    )
    for kind, count in (
        (PURGED_MEMBERS, counts.members),
        (PURGED_ANSWERS, counts.answers),
        (PURGED_NOTES, counts.notes),
    ):
        session.add(AuditEvent(community_id=None, kind=kind, count=count, happened_at=now))
    await session.flush()
    return counts


async def _forget_users_only_here(session: AsyncSession, community: Community) -> None:
    """Waiting DMs and wrong-code counts are kept per platform user (or linked person), not
    per member: they go when this community was the user's (or person's) only one."""
    rows = (
        await session.execute(
            select(Member.platform_user_id, Member.person_id).where(
                Member.community_id == community.id
            )
        )
    ).all()
    if not rows:
        return
    user_ids = sorted({row.platform_user_id for row in rows})
    elsewhere = set(
        await session.scalars(
            select(Member.platform_user_id).where(
                Member.platform == community.platform,
                Member.platform_user_id.in_(user_ids),
                Member.community_id != community.id,
            )
        )
    )
    users = {(community.platform, user) for user in user_ids if user not in elsewhere}
    persons = sorted({row.person_id for row in rows if row.person_id is not None})
    persons_elsewhere = set(
        await session.scalars(
            select(Member.person_id).where(
                Member.person_id.in_(persons), Member.community_id != community.id
            )
        )
    )
    await pending_dms.forget_users(session, users)
    await guesses.forget(
        session, users=users, persons=[p for p in persons if p not in persons_elsewhere]
    )


async def _count(session: AsyncSession, statement: Select[tuple[int]]) -> int:
    return int(await session.scalar(statement) or 0)
