"""Discussions: one post in the discussion's channel per fire time, sent exactly once.

The schedule is read again when the row is taken: a discussion paused, cancelled or told
to skip that date after it was claimed is not posted (the row is settled as failed with
the reason), so the old version never fires.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import OutgoingMessage
from bot.core.ports import SendResult
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, ChannelTarget
from bot.store import discussion_posts as post_store
from bot.store import schedules as schedule_store
from bot.store.discussion_posts import PostToSend
from bot.store.schedule_models import DiscussionPost

WITHDRAWN = "the schedule was paused, cancelled or told to skip this date after it fell due"


class DiscussionQueue(ClaimedRowQueue[tuple[PostToSend, bool]]):
    name = "discussion"
    model = DiscussionPost

    async def load(self, session: AsyncSession, row_id: int) -> tuple[PostToSend, bool] | None:
        found = await post_store.post_to_send(session, row_id)
        if found is None:
            return None
        post, schedule, _, _ = found
        skipped = post.due_local_date in await schedule_store.skipped_dates(session, schedule.id)
        return found, not schedule.active or schedule.paused or skipped

    async def build(self, row: tuple[PostToSend, bool]) -> Built:
        (post, _, discussion, community), withdrawn = row
        if withdrawn:
            return SendResult.unreachable(WITHDRAWN)
        target = ChannelTarget(community.external_id, discussion.channel_id)
        return target, discussion_message(discussion.title, post.question, post.element)


def discussion_message(title: str, question: str, element: str | None) -> OutgoingMessage:
    lines = [f"Discussion: {title}", question]
    if element:
        lines.append(f"Framework element: {element}")
    lines.append("Reply in the thread of this post.")
    return OutgoingMessage(
        text="\n".join(lines), private=False, kind="discussion", thread_title=title
    )
