"""A revisit prompt quotes the answer it looks back at: when that answer changes or goes,
so does the quote.

The quote lives in the revisit delivery's `prompt_text` (what was sent), so deleting an
answer (by command, by deleting the platform message, or by the retention purge) must
rewrite those copies too, and editing or deleting one message of it must requote it, or
the member's old words would outlive their edit or deletion.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.prompt_picker import revisit_question
from bot.prompts.library import default_library
from bot.store import erasure as erasure_store
from bot.store import reflections as reflection_store

DELETED_QUOTE = "(an answer you have since deleted)"


async def forget_quotes(session: AsyncSession, member_ids: Sequence[int], delivery_id: int) -> None:
    """Stop revisits of the answer to `delivery_id` and blank the quote in those already sent."""
    schedules, deliveries = await erasure_store.revisits_of(session, member_ids, delivery_id)
    for schedule in schedules:
        schedule.active = False
    for revisit in deliveries:
        prompt = default_library().by_id(revisit.prompt_id)
        revisit.prompt_text = (
            prompt.revisit.question.replace("{answer}", DELETED_QUOTE)
            if prompt is not None and prompt.revisit is not None
            else f"Looking back at {DELETED_QUOTE}."
        )


async def requote(session: AsyncSession, member_ids: Sequence[int], delivery_id: int) -> None:
    """A message of the answer to `delivery_id` was edited or deleted: revisits already sent
    quote the answer as it stands now (or nothing, when nothing of it is left)."""
    _schedules, sent = await erasure_store.revisits_of(session, member_ids, delivery_id)
    if not sent:
        return
    await session.flush()
    answer = await reflection_store.answer_for_delivery(session, delivery_id)
    if answer is not None:
        await session.refresh(answer, ["parts"])
    question = await revisit_question(session, delivery_id, default_library())
    if question is None:
        await forget_quotes(session, member_ids, delivery_id)
        return
    for revisit in sent:
        revisit.prompt_text = question
