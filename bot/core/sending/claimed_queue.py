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
from bot.core.sending.queue import Built, Outcome, RowT, SendPolicy, mark_unreachable, short
from bot.store import send_states
from bot.store.models import DeliveryStatus
from bot.store.send_states import SentRow


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

    async def ready_ids(self, session: AsyncSession, now: datetime, limit: int) -> list[int]:
        return await send_states.ready_ids(session, self.model, self.platform, now, limit)

    async def backlog(self, session: AsyncSession) -> int:
        return await send_states.count_claimed(session, self.model, self.platform)

    async def take(self, session: AsyncSession, row_id: int, now: datetime) -> RowT | None:
        """claimed → sending (counting the attempt), then what the send needs."""
        if not await send_states.mark_sending(session, self.model, row_id):
            return None  # another worker is sending this one
        return await self.load(session, row_id)

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """sent; failed (unreachable, or out of attempts); or claimed again for later."""
        result, now = outcome.result, outcome.at
        reason = short(result.reason)
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

    async def recover(self, session: AsyncSession) -> int:
        return await send_states.mark_interrupted_uncertain(session, self.model, self.platform)

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        return await send_states.earliest_retry(session, self.model, self.platform, now)

    async def _set(self, session: AsyncSession, row_id: int, **values: object) -> None:
        await send_states.set_state(session, self.model, row_id, **values)
