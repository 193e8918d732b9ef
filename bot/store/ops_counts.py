"""The send tables counted for /metrics: rows by state and platform, the backlog, the lag.

Read at scrape time, so every process on one database reports the same figures (they are
the database's, labelled by platform; see docs/OPERATIONS.md). One grouped count per table;
no member's id or words ever leave this module, only counts and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinMessage, MentorNotice
from bot.store.models import ChannelPost, Community, Delivery, DeliveryStatus, DigestSend, Member
from bot.store.schedule_models import DiscussionPost, DiscussionRecap
from bot.store.send_states import SentRow

# states a row never leaves: everything else is still to be sent (or being sent)
FINISHED = (
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.MISSED,
    DeliveryStatus.UNCERTAIN,
)

# the queue name each table is reported under (its send queue's `name`)
QUEUES: tuple[tuple[str, SentRow], ...] = (
    ("prompt", Delivery),
    ("channel post", ChannelPost),
    ("digest", DigestSend),
    ("discussion", DiscussionPost),
    ("recap", DiscussionRecap),
    ("checkin", CheckinMessage),
    ("mentor notice", MentorNotice),
)


@dataclass(frozen=True)
class QueueCounts:
    queue: str
    by_platform_status: dict[tuple[str, str], int]  # (platform, status) -> rows
    due_unsent: int  # rows due by now and not finished: the backlog a fan-out works through
    oldest_due: datetime | None  # due_at of the oldest of those: how far behind sending is


async def count_queues(session: AsyncSession, now: datetime) -> list[QueueCounts]:
    return [await _count(session, name, model, now) for name, model in QUEUES]


async def _count(session: AsyncSession, name: str, model: SentRow, now: datetime) -> QueueCounts:
    if issubclass(
        model, ChannelPost | DiscussionPost | DiscussionRecap | CheckinMessage | MentorNotice
    ):
        joined = select(Community.platform, model.status).join(
            Community, Community.id == model.community_id
        )
    else:
        joined = (
            select(Community.platform, model.status)
            .join(Member, Member.id == model.member_id)
            .join(Community, Community.id == Member.community_id)
        )
    grouped = joined.with_only_columns(
        Community.platform, model.status, func.count(model.id)
    ).group_by(Community.platform, model.status)
    counts = {(str(p), str(s)): int(n) for p, s, n in (await session.execute(grouped)).all()}
    backlog = await session.execute(
        select(func.count(model.id), func.min(model.due_at)).where(
            model.status.not_in([str(state) for state in FINISHED]), model.due_at <= now
        )
    )
    due_unsent, oldest = backlog.one()
    return QueueCounts(name, counts, int(due_unsent or 0), oldest)
