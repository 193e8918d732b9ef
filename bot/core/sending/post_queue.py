"""Channel posts (channel mode): the week's prompt, posted once in the community's channel."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.ports import SendResult, SendStatus
from bot.core.prompt_messages import channel_post_message
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, ChannelTarget, Outcome
from bot.store import channel_posts as post_store
from bot.store.models import ChannelPost, Community

log = logging.getLogger(__name__)

PostRow = tuple[ChannelPost, Community]


class PostQueue(ClaimedRowQueue[PostRow]):
    name = "channel post"
    model = ChannelPost

    async def load(self, session: AsyncSession, row_id: int) -> PostRow | None:
        return await post_store.post_to_send(session, row_id)

    async def build(self, row: PostRow) -> Built:
        post, community = row
        if not community.channel_id:
            return SendResult.unreachable("this community has no PLN channel")
        target = ChannelTarget(community.external_id, community.channel_id)
        return target, channel_post_message(post.id, post.prompt_text)

    async def record(self, session: AsyncSession, row_id: int, outcome: Outcome) -> None:
        if outcome.result.status == SendStatus.UNREACHABLE:  # a moderator must fix the channel
            reason = outcome.result.reason
            log.warning("channel post failed", extra={"fields": {"reason": reason}})
        await super().record(session, row_id, outcome)
