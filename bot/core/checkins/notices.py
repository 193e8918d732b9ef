"""Mentor notices: the DM to the member who did not act (a new mentor or mentee, a match
ended), owed in the unit of work that made the match and sent through the send pipeline,
so a platform answering 429 or 500 delays it and never loses it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, Outcome, recipient
from bot.store import send_states
from bot.store.checkin_models import MentorNotice
from bot.store.models import Community, DeliveryStatus, Member


def owe(session: AsyncSession, to: Recipient, community_id: int, text: str, now: datetime) -> None:
    """Record the DM in the caller's unit of work: it is owed exactly when the match is."""
    session.add(
        MentorNotice(
            community_id=community_id,
            member_id=to.member_id,
            text=text,
            due_at=now,
            status=DeliveryStatus.CLAIMED.value,
            claimed_at=now,
            attempts=0,
        )
    )


class MentorNoticeQueue(ClaimedRowQueue[tuple[MentorNotice, Member, Community]]):
    name = "mentor notice"
    model = MentorNotice

    async def load(
        self, session: AsyncSession, row_id: int
    ) -> tuple[MentorNotice, Member, Community] | None:
        found = await session.execute(
            select(MentorNotice, Member, Community)
            .join(Member, Member.id == MentorNotice.member_id)
            .join(Community, Community.id == MentorNotice.community_id)
            .where(MentorNotice.id == row_id)
        )
        row = found.tuples().one_or_none()
        return None if row is None else (row[0], row[1], row[2])

    async def build(self, row: tuple[MentorNotice, Member, Community]) -> Built:
        notice, member, community = row
        if not member.active:
            return SendResult.unreachable("the member left")
        return recipient(member, community), OutgoingMessage(text=notice.text, kind="mentoring")

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """Once it is sent (or can never be), the stored text goes: it names the other
        member, whose erasure must leave nothing of them here."""
        await super().record(session, row_id, outcome)
        await session.execute(
            update(MentorNotice)
            .where(
                MentorNotice.id == row_id,
                MentorNotice.status.in_([DeliveryStatus.SENT.value, DeliveryStatus.FAILED.value]),
            )
            .values(text="")
            .execution_options(synchronize_session=False)
        )

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        """Owed by a command, not by a schedule: a new notice is due at once."""
        waiting = await session.scalar(
            send_states.on_platform(
                select(func.min(MentorNotice.due_at)), MentorNotice, self.platform
            )
            .where(MentorNotice.status == DeliveryStatus.CLAIMED.value)
            .where(MentorNotice.retry_at.is_(None))
        )
        later = await super().earliest_retry(session, now)
        times = [t for t in (waiting and max(waiting, now), later) if t is not None]
        return min(times, default=None)
