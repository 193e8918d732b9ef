"""The shared half of a queue over a claimed → sending → sent table.

Deliveries, channel posts and scheduled digests are all claimed by inserting a row and sent
through the same states (docs/ARCHITECTURE.md): this class is that state machine once. A
subclass says which table (`model`), what a send needs (`load`) and its message (`build`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Generic

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.ports import SendStatus
from bot.core.sending.queue import (
    Built,
    Outcome,
    RowT,
    SendPolicy,
    Taken,
    mark_unreachable,
    short,
)
from bot.store import send_states
from bot.store.models import DeliveryStatus
from bot.store.send_states import Lease, SentRow

RELEASED = {"lease_owner": None, "lease_until": None}  # a settled row is nobody's


class ClaimedRowQueue(ABC, Generic[RowT]):
    """A `SendQueue` over a table with the send state machine's columns."""

    name: str
    model: SentRow

    def __init__(self, platform: str, policy: SendPolicy) -> None:
        self.platform = platform
        self.policy = policy

    @abstractmethod
    async def load(self, session: AsyncSession, row_id: int) -> RowT | None:
        """What `build` needs, read in the unit of work that took the row."""

    @abstractmethod
    async def build(self, row: RowT) -> Built: ...

    async def take_batch(
        self, session: AsyncSession, now: datetime, limit: int, lease: Lease
    ) -> list[Taken[RowT]]:
        leased = await send_states.lease_ready(
            session, self.model, self.platform, now, limit, lease
        )
        rows = await self.load_many(session, [row_id for row_id, _ in leased])
        return [
            Taken(row_id, rows[row_id], resumed) for row_id, resumed in leased if row_id in rows
        ]

    async def load_many(self, session: AsyncSession, row_ids: list[int]) -> dict[int, RowT]:
        """`load` for a batch; a queue whose rows one query can read overrides it."""
        loaded = {row_id: await self.load(session, row_id) for row_id in row_ids}
        return {row_id: row for row_id, row in loaded.items() if row is not None}

    async def start_sending(
        self, session: AsyncSession, taken: Taken[RowT], lease: Lease, now: datetime
    ) -> bool:
        return await send_states.start_sending(
            session, self.model, taken.row_id, lease, resumed=taken.resumed
        )

    async def start_sending_many(
        self, session: AsyncSession, taken: list[Taken[RowT]], lease: Lease, now: datetime
    ) -> list[bool]:
        """`start_sending` for rows whose turns came together: two statements, not one a row."""
        rows = [(t.row_id, t.resumed) for t in taken]
        started = await send_states.start_sending_many(session, self.model, rows, lease)
        return [t.row_id in started for t in taken]

    async def record_many(self, session: AsyncSession, items: list[tuple[int, Outcome]]) -> None:
        """`record` for a group of outcomes: the plain "sent" ones (most of a fan-out) in one
        executemany, the rest one by one. A queue that records more than the state
        (its own `record`) records everything its own way."""
        plain_record = type(self).record is ClaimedRowQueue.record
        sent = [
            (row_id, outcome.at, outcome.result.platform_message_ref)
            for row_id, outcome in items
            if plain_record and outcome.result.status == SendStatus.SENT and not outcome.uncertain
        ]
        await send_states.mark_sent_many(session, self.model, sent)
        done = {row_id for row_id, _, _ in sent}
        for row_id, outcome in items:
            if row_id not in done:
                await self.record(session, row_id, outcome)

    async def renew(self, session: AsyncSession, row_ids: list[int], lease: Lease) -> None:
        await send_states.renew(session, self.model, row_ids, lease)

    async def release(self, session: AsyncSession, worker: str) -> int:
        return await send_states.release(session, self.model, worker)

    async def interrupted(self, session: AsyncSession, now: datetime) -> int:
        return await send_states.count_interrupted(session, self.model, self.platform, now)

    def marker(self, row_id: int) -> str:
        return f"{self.model.__tablename__}:{row_id}"

    async def backlog(self, session: AsyncSession) -> int:
        return await send_states.count_claimed(session, self.model, self.platform)

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """sent; failed (unreachable, or out of attempts); or claimed again for later."""
        result, now = outcome.result, outcome.at
        reason = short(result.reason)
        if outcome.uncertain:  # whatever this attempt did, the first may have arrived
            await self._set(session, row_id, uncertain_resend=True)
        if result.status == SendStatus.SENT:
            await self._set(
                session,
                row_id,
                status=DeliveryStatus.SENT,
                sent_at=now,
                platform_message_ref=result.platform_message_ref,
                retry_at=None,
                last_error=None,
            )
            return
        if result.status == SendStatus.UNREACHABLE:
            await self._set(session, row_id, status=DeliveryStatus.FAILED, last_error=reason)
            if outcome.member_id is not None:
                await mark_unreachable(session, outcome.member_id, result.reason, now)
            return
        attempts = await send_states.attempts_of(session, self.model, row_id)
        if attempts >= self.policy.max_attempts:
            await self._set(session, row_id, status=DeliveryStatus.FAILED, last_error=reason)
            return
        await self._set(
            session,
            row_id,
            status=DeliveryStatus.CLAIMED,
            retry_at=now + (result.retry_after or self.policy.retry_delay * attempts),
            last_error=reason,
        )

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        return await send_states.earliest_retry(session, self.model, self.platform, now)

    async def _set(self, session: AsyncSession, row_id: int, **values: object) -> None:
        """Settle the row; a status change also ends the lease on it."""
        if "status" in values:
            values = {**values, **RELEASED}
        await send_states.set_state(session, self.model, row_id, **values)
