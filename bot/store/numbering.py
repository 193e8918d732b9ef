"""Each person's own numbers for what they wrote: #1, #2, ... across answers and notes.

The ids members see and type (`/pln history`, `/pln delete #3`, `/pln share #3`) are these
numbers, never the table's primary keys, which grow with everyone's writing and would tell
a member how much the others wrote. The sequence spans the person as erasure knows them
(`person_member_ids`: the platform user in every community, and linked identities), so a
number names one answer wherever the member types it or presses its button, even in a
Discord DM shared by several guilds.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.erasure import person_member_ids
from bot.store.models import Answer, FreeNote, Member


async def next_number(session: AsyncSession, member_id: int) -> int:
    """The number the member's next answer or note gets. The person's member rows are
    locked first (PostgreSQL; SQLite writes one at a time), so two messages of one person
    at once never get the same number."""
    member = await session.get(Member, member_id)
    assert member is not None, "a number is for a member's own writing"
    ids = await person_member_ids(session, member)
    await session.execute(select(Member.id).where(Member.id.in_(ids)).with_for_update())
    highest = 0
    for model in (Answer, FreeNote):
        found = await session.scalar(select(func.max(model.number)).where(model.member_id.in_(ids)))
        highest = max(highest, int(found or 0))
    return highest + 1


async def renumber_person(session: AsyncSession, member: Member) -> None:
    """Linking joins two sequences (each identity had its own #1): number everything the
    person wrote again, oldest first, so a number names one answer or note."""
    ids = await person_member_ids(session, member)
    answers = list(await session.scalars(select(Answer).where(Answer.member_id.in_(ids))))
    notes = list(await session.scalars(select(FreeNote).where(FreeNote.member_id.in_(ids))))
    written: list[Answer | FreeNote] = [*answers, *notes]
    written.sort(key=lambda row: (row.created_at, isinstance(row, FreeNote), row.id))
    for number, row in enumerate(written, start=1):
        row.number = number
    await session.flush()
