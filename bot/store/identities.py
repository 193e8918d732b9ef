"""Linked identities: one person's members on several platforms share a person id.

History, digests, exports and rotation read every member id of the person, so a member who
answers on Slack and on Discord sees one history. Every query here starts from one member.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Member


async def linked_member_ids(session: AsyncSession, member: Member) -> list[int]:
    """The member's own id first, then the ids of the identities linked to it."""
    if member.person_id is None:
        return [member.id]
    others = await session.scalars(
        select(Member.id)
        .where(Member.person_id == member.person_id, Member.id != member.id)
        .order_by(Member.id)
    )
    return [member.id, *others]
