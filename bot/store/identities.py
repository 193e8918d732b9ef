"""Linked identities: one person's members on several platforms share a person id.

History, digests, exports and rotation read every member id of the person, so a member who
answers on Slack and on Discord sees one history. Every query here starts from one member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

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


async def linked_ids_by_member(
    session: AsyncSession, members: Iterable[Member]
) -> dict[int, list[int]]:
    """`linked_member_ids` for many members in one query (a claim pass over a community)."""
    members = list(members)
    person_ids = {m.person_id for m in members if m.person_id is not None}
    by_person: dict[int, list[int]] = defaultdict(list)
    if person_ids:
        rows = await session.execute(
            select(Member.person_id, Member.id)
            .where(Member.person_id.in_(sorted(person_ids)))
            .order_by(Member.id)
        )
        for person_id, member_id in rows.tuples():
            if person_id is not None:
                by_person[person_id].append(member_id)
    linked: dict[int, list[int]] = {}
    for member in members:
        others = by_person.get(member.person_id, []) if member.person_id is not None else []
        linked[member.id] = [member.id, *(i for i in others if i != member.id)]
    return linked
