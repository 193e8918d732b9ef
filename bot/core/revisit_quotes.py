"""A revisit prompt quotes the answer it looks back at: when that answer goes, so does the quote.

The quote lives in the revisit delivery's `prompt_text` (what was sent), so deleting an
answer (by command, by deleting the platform message, or by the retention purge) must
rewrite those copies too, or the member's words would outlive their deletion.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.prompts.library import default_library
from bot.store import erasure as erasure_store

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
