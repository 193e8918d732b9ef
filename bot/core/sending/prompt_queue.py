"""Deliveries: weekly prompts, `prompt now` and revisits, each to one member by DM."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import quiet_members
from bot.core.goal_outcomes import outcome_buttons
from bot.core.messages import OutgoingMessage
from bot.core.ports import SendResult
from bot.core.prompt_messages import prompt_message
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, SendPolicy, recipient
from bot.prompts.library import Library
from bot.store import deliveries as delivery_store
from bot.store.deliveries import DeliveryRow
from bot.store.models import Delivery, Member, ScheduleKind


class PromptQueue(ClaimedRowQueue[DeliveryRow]):
    name = "prompt"
    model = Delivery

    def __init__(self, platform: str, policy: SendPolicy, library: Library) -> None:
        super().__init__(platform, policy)
        self._library = library

    async def load(self, session: AsyncSession, row_id: int) -> DeliveryRow | None:
        return await delivery_store.delivery_to_send(session, row_id)

    async def load_many(self, session: AsyncSession, row_ids: list[int]) -> dict[int, DeliveryRow]:
        return await delivery_store.deliveries_to_send(session, row_ids)

    async def build(self, row: DeliveryRow) -> Built:
        """Rows stay claimed while a member leaves or pauses: those are not sent."""
        delivery, member, community, kind = row
        if not member.active or member.paused_at is not None:
            return SendResult.unreachable("member left or paused before it was sent")
        revisit = kind == ScheduleKind.REVISIT
        return recipient(member, community), delivery_message(
            self._library, delivery, revisit=revisit, member=member
        )


def delivery_message(
    library: Library,
    delivery: Delivery,
    *,
    reminder: bool = False,
    revisit: bool = False,
    member: Member | None = None,
) -> OutgoingMessage:
    """The prompt as it reaches the member, naming its framework and element."""
    prompt = library.by_id(delivery.prompt_id)
    goal = revisit and delivery.goal_outcome is not None
    offer = member is not None and member.quiet_nudged_at == delivery.claimed_at
    return prompt_message(
        delivery.id,
        delivery.prompt_text,
        framework=f"{prompt.framework} · {prompt.element}" if prompt else None,
        reminder=reminder,
        revisit=revisit,
        goal_buttons=outcome_buttons(delivery.id) if goal else (),
        offer=quiet_members.OFFER if offer else None,
        offer_buttons=quiet_members.offer_buttons() if offer else (),
    )
