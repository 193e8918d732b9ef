"""Opting members in to check-ins through the store, for tests of the rounds themselves
(the commands that do it for members have tests of their own)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinOptIn, MemberProfile
from bot.store.database import Database
from bot.store.models import Member


async def opt_in(
    db: Database,
    platform_user_id: str,
    *,
    school_key: str,
    role: str = "it",
    interests: str = "",
    at: datetime,
) -> None:
    async def work(session: AsyncSession) -> None:
        found = await session.scalar(
            select(Member).where(Member.platform_user_id == platform_user_id)
        )
        assert found is not None, platform_user_id
        session.add(CheckinOptIn(member_id=found.id, joined_at=at))
        session.add(
            MemberProfile(
                member_id=found.id,
                school=school_key.title(),
                school_key=school_key,
                role=role,
                interests=interests,
                updated_at=at,
            )
        )

    await db.run(work)
