"""Link codes and the person id that joins one member's identities on several platforms.

Only a code's SHA-256 hash is stored, so the table never holds a code someone could type.
A code is used by a conditional UPDATE (`used_at IS NULL`), so it links at most once even
when two requests race for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import LinkCode, Member


async def replace_code(
    session: AsyncSession,
    member: Member,
    code_hash: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    """Store a new code for the member; their older unused codes stop working.

    Expired codes of everyone go too: they can never link anything, and removing them keeps
    the table to the handful of codes that are live.
    """
    await session.execute(
        delete(LinkCode)
        .where(
            (LinkCode.expires_at <= now)
            | ((LinkCode.member_id == member.id) & LinkCode.used_at.is_(None))
        )
        .execution_options(synchronize_session=False)
    )
    session.add(
        LinkCode(
            code_hash=code_hash,
            member_id=member.id,
            platform=member.platform,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()


async def live_code(session: AsyncSession, code_hash: str, now: datetime) -> LinkCode | None:
    """The code with this hash if it can still be used: unused and not expired."""
    result = await session.scalars(
        select(LinkCode).where(
            LinkCode.code_hash == code_hash,
            LinkCode.used_at.is_(None),
            LinkCode.expires_at > now,
        )
    )
    return result.one_or_none()


async def use_code(session: AsyncSession, code_id: int, now: datetime) -> bool:
    """Spend a code; False when another request spent it first (or it just expired)."""
    result = await session.execute(
        update(LinkCode)
        .where(LinkCode.id == code_id, LinkCode.used_at.is_(None), LinkCode.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def person_members(session: AsyncSession, member: Member) -> list[Member]:
    """Every identity of the member's person, the member included, oldest first."""
    if member.person_id is None:
        return [member]
    result = await session.scalars(
        select(Member).where(Member.person_id == member.person_id).order_by(Member.id)
    )
    found = list(result)
    return found if any(m.id == member.id for m in found) else [member, *found]


async def join_people(session: AsyncSession, members: Iterable[Member]) -> int:
    """Make these identities one person; returns the person id (the first member's id).

    Callers pass every identity of both people being joined, so a person already linked to
    a third platform keeps it.
    """
    group = sorted({m.id: m for m in members}.values(), key=lambda m: m.id)
    person_id = group[0].id
    for member in group:
        member.person_id = person_id
    await session.flush()
    return person_id


async def separate(session: AsyncSession, member: Member) -> list[Member]:
    """Take the member out of their person; returns the identities left behind.

    A person of one identity is no person: that one is cleared too. Those left are relabelled
    with their own first id, so the person id never belongs to someone outside it (a later
    link of the separated member would otherwise reuse it). Call this before deleting a
    linked member.
    """
    others = [m for m in await person_members(session, member) if m.id != member.id]
    member.person_id = None
    if len(others) == 1:
        others[0].person_id = None
    elif others:
        await join_people(session, others)
    await session.flush()
    return others
