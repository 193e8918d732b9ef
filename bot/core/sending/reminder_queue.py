"""Snooze reminders: a snoozed prompt sent again, at most once.

Not a claimed table: the reminder is taken by a compare-and-set on `delivery.remind_at`
(→ NULL) right before the call (after the platform's turn), so it is never sent twice. A
refused send puts it back for later; there is nothing to recover after a crash (an
interrupted reminder is not resent).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.ports import SendResult, SendStatus
from bot.core.sending.prompt_queue import delivery_message
from bot.core.sending.queue import (
    Built,
    Outcome,
    SendPolicy,
    Taken,
    mark_unreachable,
    recipient,
)
from bot.prompts.library import Library
from bot.store import deliveries as delivery_store
from bot.store import send_states
from bot.store.deliveries import DeliveryRow
from bot.store.models import Delivery
from bot.store.send_states import Lease


class ReminderQueue:
    """A `SendQueue` over deliveries whose `remind_at` has come."""

    name = "reminder"

    def __init__(self, platform: str, policy: SendPolicy, library: Library) -> None:
        self.platform = platform
        self.policy = policy
        self._library = library

    async def take_batch(
        self, session: AsyncSession, now: datetime, limit: int, lease: Lease
    ) -> list[Taken[DeliveryRow]]:
        """Due reminders, read only: the take is `start_sending`'s compare-and-set."""
        taken: list[Taken[DeliveryRow]] = []
        for row_id in await delivery_store.due_reminder_ids(session, self.platform, now, limit):
            row = await delivery_store.delivery_to_send(session, row_id)
            if row is not None:
                taken.append(Taken(row_id, row))
        return taken

    async def start_sending(
        self, session: AsyncSession, taken: Taken[DeliveryRow], lease: Lease, now: datetime
    ) -> bool:
        return await delivery_store.take_reminder(session, taken.row_id, now) is not None

    async def backlog(self, session: AsyncSession) -> int:
        return await delivery_store.count_reminders(session, self.platform)

    async def build(self, row: DeliveryRow) -> Built:
        delivery, member, community, _ = row
        if not member.active or member.paused_at is not None:
            return SendResult.unreachable("member left or paused")  # dropped, not recorded
        return recipient(member, community), delivery_message(
            self._library, delivery, reminder=True
        )

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        """Sent: its ref, so a reply to it answers; refused: put back for later."""
        result = outcome.result
        if result.status == SendStatus.SENT:
            if result.platform_message_ref:
                await self._set(session, row_id, reminder_message_ref=result.platform_message_ref)
        elif result.status == SendStatus.UNREACHABLE:
            if outcome.member_id is not None:
                await mark_unreachable(session, outcome.member_id, result.reason, outcome.at)
        else:
            later = outcome.at + (result.retry_after or self.policy.retry_delay)
            await self._set(session, row_id, remind_at=later)

    async def renew(self, session: AsyncSession, row_ids: list[int], lease: Lease) -> None:
        return None  # no lease: a reminder is taken by its compare-and-set alone

    async def release(self, session: AsyncSession, worker: str) -> int:
        return 0  # nothing is held before `start_sending`

    async def interrupted(self, session: AsyncSession, now: datetime) -> int:
        return 0  # taken right before the call: an interrupted reminder is not resent

    def marker(self, row_id: int) -> str:
        return f"reminder:{row_id}"

    async def earliest_retry(self, session: AsyncSession, now: datetime) -> datetime | None:
        reminder = await delivery_store.earliest_reminder(session, self.platform)
        return None if reminder is None else max(reminder, now)

    async def _set(self, session: AsyncSession, row_id: int, **values: object) -> None:
        await send_states.set_state(session, Delivery, row_id, **values)
