"""Queries for a community's own prompts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import CommunityPrompt


async def add_prompt(
    session: AsyncSession,
    *,
    community_id: int,
    framework_id: str,
    element_id: str,
    question: str,
    follow_up: str,
    created_by: int | None,
    now: datetime,
) -> CommunityPrompt:
    count = int(
        await session.scalar(
            select(func.count())
            .select_from(CommunityPrompt)
            .where(CommunityPrompt.community_id == community_id)
        )
        or 0
    )
    prompt = CommunityPrompt(
        community_id=community_id,
        prompt_id=f"c{community_id}-{count + 1}",
        framework_id=framework_id,
        element_id=element_id,
        question=question,
        follow_up=follow_up,
        active=True,
        created_at=now,
        created_by=created_by,
    )
    session.add(prompt)
    await session.flush()
    return prompt


async def active_prompts(session: AsyncSession, community_id: int) -> list[CommunityPrompt]:
    result = await session.scalars(
        select(CommunityPrompt)
        .where(CommunityPrompt.community_id == community_id, CommunityPrompt.active.is_(True))
        .order_by(CommunityPrompt.id)
    )
    return list(result)


async def find_prompt(
    session: AsyncSession, community_id: int, prompt_id: str
) -> CommunityPrompt | None:
    result = await session.scalars(
        select(CommunityPrompt).where(
            CommunityPrompt.community_id == community_id, CommunityPrompt.prompt_id == prompt_id
        )
    )
    return result.one_or_none()


async def prompt_by_id(session: AsyncSession, prompt_id: str) -> CommunityPrompt | None:
    result = await session.scalars(
        select(CommunityPrompt).where(CommunityPrompt.prompt_id == prompt_id)
    )
    return result.one_or_none()
