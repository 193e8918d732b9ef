"""Discussion recaps: read the thread, then post the recap in it, exactly once.

Built in three steps so no transaction stays open during a platform call: what the recap
needs is read in one unit of work, the thread is read from the platform with none open,
then the two counts are kept in another (for `/pln stats`); the thread's text is not kept.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import discussion_recap as recap
from bot.core.ports import Messenger, SendResult, ThreadReader, ThreadReply
from bot.core.prompt_picker import RotationPicker
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, ChannelTarget, SendPolicy
from bot.store import discussion_recaps as recap_store
from bot.store.database import Database
from bot.store.discussion_recaps import RecapToSend
from bot.store.schedule_models import DiscussionRecap

Gathered = tuple[RecapToSend, list[recap.SharedLink]]


class RecapQueue(ClaimedRowQueue[int]):
    name = "recap"
    model = DiscussionRecap

    def __init__(
        self,
        platform: str,
        policy: SendPolicy,
        db: Database,
        messenger: Messenger,
        picker: RotationPicker,
    ) -> None:
        super().__init__(platform, policy)
        self._db = db
        self._messenger = messenger
        self._picker = picker

    async def load(self, session: AsyncSession, row_id: int) -> int:
        return row_id  # the reads come in `build`, after the take is committed

    async def build(self, row: int) -> Built:
        gathered = await self._db.run(partial(self._gather, recap_id=row))
        if gathered is None:
            return SendResult.unreachable("the discussion is gone")
        found, shared = gathered
        post, discussion, community = found.post, found.discussion, found.community
        if post.platform_message_ref is None:
            return SendResult.unreachable("the discussion post has no reference to reply to")
        replies: list[ThreadReply] | None = None
        if isinstance(self._messenger, ThreadReader):
            replies = await self._messenger.thread_replies(
                community.external_id, discussion.channel_id, post.platform_message_ref
            )
        counts = recap.counts_of(replies)
        await self._db.run(
            partial(
                recap_store.save_counts,
                recap_id=row,
                participants=counts.participants if counts else None,
                replies=counts.replies if counts else None,
            )
        )
        phrases = recap.recurring_phrases(replies or [], post.question)
        message = recap.recap_message(discussion.title, post.element, counts, phrases, shared)
        target = ChannelTarget(
            community.external_id, discussion.channel_id, thread_ref=post.platform_message_ref
        )
        return target, message

    async def _gather(self, session: AsyncSession, recap_id: int) -> Gathered | None:
        found = await recap_store.recap_to_send(session, recap_id)
        if found is None:
            return None
        element = found.post.element
        links: list[recap.SharedLink] = []
        if element and isinstance(self._messenger, ThreadReader):
            for shared in await recap_store.shared_answers(session, found.community.id):
                prompt = await self._picker.lookup(session, shared.prompt_id)
                if prompt is None or f"{prompt.framework}: {prompt.element}" != element:
                    continue
                link = self._messenger.link_to(
                    found.community.external_id, shared.channel_id, shared.platform_message_ref
                )
                links.append(recap.SharedLink(shared.display_name, link))
                if len(links) == recap_store.SHARED_LINKS:
                    break
        return found, links
