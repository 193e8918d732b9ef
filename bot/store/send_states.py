"""The send state machine's queries, shared by every table that is claimed and sent.

Deliveries, channel posts, discussions and scheduled digests all move claimed → sending →
sent / failed the same way (see docs/ARCHITECTURE.md), held by a worker's lease while one
sends them. The queries live here once,
each taking the table's model; a row's platform is its community's (through its member for
deliveries and digests, directly for channel posts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.checkin_models import CheckinMessage, MentorNotice
from bot.store.models import ChannelPost, Community, Delivery, DeliveryStatus, DigestSend, Member
from bot.store.schedule_models import DiscussionPost, DiscussionRecap


@dataclass(frozen=True)
class Lease:
    """A worker's hold on the rows it is sending, until `until` unless renewed."""

    worker: str
    until: datetime


SentRow = (
    type[Delivery]
    | type[ChannelPost]
    | type[DigestSend]
    | type[DiscussionPost]
    | type[DiscussionRecap]
    | type[CheckinMessage]
    | type[MentorNotice]
)
_Row = TypeVar("_Row", bound=tuple[Any, ...])


def on_platform(query: Select[_Row], model: SentRow, platform: str | None) -> Select[_Row]:
    """`query` over `model`, joined to the rows' community and narrowed to one platform's
    communities (None: every platform)."""
    if issubclass(
        model, ChannelPost | DiscussionPost | DiscussionRecap | CheckinMessage | MentorNotice
    ):
        query = query.join(Community, Community.id == model.community_id)
    else:
        query = query.join(Member, Member.id == model.member_id).join(
            Community, Community.id == Member.community_id
        )
    return query if platform is None else query.where(Community.platform == platform)


async def lease_ready(
    session: AsyncSession,
    model: SentRow,
    platform: str,
    now: datetime,
    limit: int,
    lease: Lease,
) -> list[tuple[int, bool]]:
    """Lease up to `limit` rows to this worker, oldest due first; one transaction per batch.

    Two kinds of rows: `claimed` rows ready to send (no retry time, or it has come) that no
    live lease holds (this worker's own included: it holds them in memory), and rows left
    `sending` by a worker whose lease has expired (a dead process): those come back with
    `True` (resumed), to be checked before any resend.
    PostgreSQL skips rows another worker is leasing at this moment (FOR UPDATE SKIP LOCKED,
    the WHERE re-checked on the latest version); SQLite has one writer at a time.
    """
    expired = model.lease_until.is_(None) | (model.lease_until <= now)
    ready = (
        (model.status == DeliveryStatus.CLAIMED)
        & (model.retry_at.is_(None) | (model.retry_at <= now))
        & expired
    )
    interrupted = (model.status == DeliveryStatus.SENDING) & expired
    query = (
        on_platform(select(model.id, model.status), model, platform)
        .where(ready | interrupted)
        .order_by(model.due_at, model.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=model)
    )
    rows = [(row_id, status) for row_id, status in (await session.execute(query)).tuples()]
    if rows:
        await session.execute(
            update(model)
            .where(model.id.in_([row_id for row_id, _ in rows]))
            .values(lease_owner=lease.worker, lease_until=lease.until)
            .execution_options(synchronize_session=False)
        )
    return [(row_id, status == DeliveryStatus.SENDING) for row_id, status in rows]


async def count_claimed(session: AsyncSession, model: SentRow, platform: str) -> int:
    """Claimed rows, ready or waiting for a retry (the total in progress logs)."""
    query = on_platform(select(func.count(model.id)), model, platform)
    return int(await session.scalar(query.where(model.status == DeliveryStatus.CLAIMED)) or 0)


async def start_sending(
    session: AsyncSession, model: SentRow, row_id: int, lease: Lease, *, resumed: bool = False
) -> bool:
    """Compare-and-set claimed → sending (one more attempt; `resumed`: sending → sending,
    a dead worker's send resent), only while this worker holds the lease. False when
    another worker took the row over. Committed right before the platform call."""
    expected = DeliveryStatus.SENDING if resumed else DeliveryStatus.CLAIMED
    result = await session.execute(
        update(model)
        .where(model.id == row_id, model.lease_owner == lease.worker, model.status == expected)
        .values(status=DeliveryStatus.SENDING, attempts=model.attempts + 1, lease_until=lease.until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def start_sending_many(
    session: AsyncSession, model: SentRow, rows: list[tuple[int, bool]], lease: Lease
) -> set[int]:
    """`start_sending` for many rows (id, resumed) in two statements: the ids that became
    `sending` for this worker (RETURNING: SQLite 3.35+, PostgreSQL)."""
    started: set[int] = set()
    for resumed in (False, True):
        ids = [row_id for row_id, was_resumed in rows if was_resumed is resumed]
        if not ids:
            continue
        expected = DeliveryStatus.SENDING if resumed else DeliveryStatus.CLAIMED
        result = await session.execute(
            update(model)
            .where(model.id.in_(ids), model.lease_owner == lease.worker, model.status == expected)
            .values(
                status=DeliveryStatus.SENDING, attempts=model.attempts + 1, lease_until=lease.until
            )
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        started.update(result.scalars())
    return started


async def mark_sent_many(
    session: AsyncSession, model: SentRow, sent: list[tuple[int, datetime, str | None]]
) -> None:
    """Settle many rows as sent (id, when, the platform's message ref), lease ended: one
    executemany, where one UPDATE a row would cost a round trip each."""
    if not sent:
        return
    await session.execute(
        update(model),
        [
            {
                "id": row_id,
                "status": DeliveryStatus.SENT,
                "sent_at": at,
                "platform_message_ref": ref,
                "retry_at": None,
                "last_error": None,
                "lease_owner": None,
                "lease_until": None,
            }
            for row_id, at, ref in sent
        ],
    )


async def renew(session: AsyncSession, model: SentRow, row_ids: list[int], lease: Lease) -> None:
    """Extend this worker's lease on the rows it still holds (it is alive)."""
    if row_ids:
        await session.execute(
            update(model)
            .where(model.id.in_(row_ids), model.lease_owner == lease.worker)
            .values(lease_until=lease.until)
            .execution_options(synchronize_session=False)
        )


async def release(session: AsyncSession, model: SentRow, worker: str) -> int:
    """Give back the rows this worker leased but never started sending (a graceful stop):
    any worker may take them at once."""
    result = await session.execute(
        update(model)
        .where(model.lease_owner == worker, model.status == DeliveryStatus.CLAIMED)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def set_state(session: AsyncSession, model: SentRow, row_id: int, **values: Any) -> None:
    await session.execute(
        update(model)
        .where(model.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def attempts_of(session: AsyncSession, model: SentRow, row_id: int) -> int:
    return int(await session.scalar(select(model.attempts).where(model.id == row_id)) or 0)


async def count_interrupted(
    session: AsyncSession, model: SentRow, platform: str, now: datetime
) -> int:
    """Rows left `sending` by a worker whose lease has expired: a send a crash interrupted,
    to be checked with the platform (or resent, counted uncertain) by the next batch."""
    expired = model.lease_until.is_(None) | (model.lease_until <= now)
    query = on_platform(select(func.count(model.id)), model, platform)
    return int(
        await session.scalar(query.where(model.status == DeliveryStatus.SENDING, expired)) or 0
    )


async def earliest_retry(
    session: AsyncSession, model: SentRow, platform: str, now: datetime
) -> datetime | None:
    """The next time a claimed row put back for later becomes ready, or a lease expires
    (then its rows are taken over, if the worker that held them died).

    Times already past count too (the alarm then rings at once): a survivor whose own
    share ended just before a dead worker's lease ran out must come back for those rows
    now, and so must a send put back for a Retry-After of a few milliseconds, not at the
    next safety wake-up minutes later. Both kinds of row are exactly what `lease_ready`
    takes, and settled rows carry neither time, so this never keeps a process waking for
    nothing."""
    unleased = model.lease_until.is_(None) | (model.lease_until <= now)
    retry = on_platform(select(func.min(model.retry_at)), model, platform).where(
        model.status == DeliveryStatus.CLAIMED, model.retry_at.is_not(None), unleased
    )
    lease = on_platform(select(func.min(model.lease_until)), model, platform).where(
        model.status.in_([DeliveryStatus.CLAIMED, DeliveryStatus.SENDING]),
        model.lease_until.is_not(None),
    )
    times = [await session.scalar(retry), await session.scalar(lease)]
    return min((time for time in times if time is not None), default=None)


async def uncertain_resends(
    session: AsyncSession, community_id: int, since: datetime | None = None
) -> int:
    """How many sends of a community were resent after a crash without a way to check the
    first attempt (the member may have it twice): for moderators (`/pln stats`)."""
    total = 0
    models: tuple[SentRow, ...] = (
        Delivery,
        ChannelPost,
        DigestSend,
        DiscussionPost,
        DiscussionRecap,
        CheckinMessage,
        MentorNotice,
    )
    for model in models:
        query = on_platform(select(func.count(model.id)), model, None).where(
            model.uncertain_resend.is_(True), Community.id == community_id
        )
        if since is not None:
            query = query.where(model.claimed_at >= since)
        total += int(await session.scalar(query) or 0)
    return total
