"""A Messenger that records what the core sends, and can fail or crash on cue.

It is also a ChannelMessenger: channel posts (prompts in channel mode, shared answers) and
their deletions are recorded apart from the DMs, so a test can see what the PLN channel
shows, and a channel post can be refused on cue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult, ThreadReply, marker_of


class SimulatedCrash(BaseException):
    """Raised mid fan-out to stand for the process dying (not an Exception: nothing catches it)."""


@dataclass(frozen=True)
class ChannelPost:
    """A post the bot made in a community's channel, as the platform would hold it."""

    community_external_id: str
    channel_id: str
    message: OutgoingMessage
    ref: str
    thread_ref: str | None = None  # posted in the thread of this post


@dataclass
class RecordingMessenger:
    platform: str = "console"
    sent: list[tuple[Recipient, OutgoingMessage]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    refuse_next: int = 0  # answer RETRY_LATER this many times (a platform 429)
    crash_after: int | None = None  # crash on the send after this many sends
    # deliver the send after this many, then crash before the core hears of it
    crash_after_delivering: int | None = None
    # `was_delivered` looks in `sent` (share `sent` between two messengers: one platform);
    # False: the platform cannot tell (None)
    can_check: bool = False
    checked: list[str] = field(default_factory=list)  # markers asked about
    # the channel: every post ever made (in order) and the refs of those deleted since
    channel_posts: list[ChannelPost] = field(default_factory=list)
    deleted_refs: list[str] = field(default_factory=list)
    fail_channel_posts: int = 0  # refuse this many channel posts (the channel is gone)
    raise_on_channel_post: bool = False  # the platform call itself blows up
    fail_channel_deletes: int = 0  # refuse this many deletions (the platform is down)
    # replies people wrote in each post's thread, by the post's ref (tests add them)
    threads: dict[str, list[ThreadReply]] = field(default_factory=dict)
    unreadable_threads: bool = False  # the platform will not let the bot read threads

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            self.crash_after = None
            raise SimulatedCrash
        if recipient.platform_user_id in self.unreachable:
            return SendResult.unreachable("cannot_dm")
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return SendResult.retry_later("rate limited")
        self.sent.append((recipient, message))
        if self.crash_after_delivering is not None and len(self.sent) > self.crash_after_delivering:
            self.crash_after_delivering = None
            raise SimulatedCrash
        return SendResult.sent(f"msg-{len(self.sent)}")

    async def was_delivered(self, recipient: Recipient, marker: str) -> bool | None:
        self.checked.append(marker)
        if not self.can_check:
            return None
        return any(
            to.platform_user_id == recipient.platform_user_id and marker_of(message) == marker
            for to, message in self.sent
        )

    async def send_to_channel(
        self,
        community_external_id: str,
        channel_id: str,
        message: OutgoingMessage,
        thread_ref: str | None = None,
    ) -> SendResult:
        if self.raise_on_channel_post:
            raise ConnectionError("the platform dropped the connection")
        if self.fail_channel_posts > 0:
            self.fail_channel_posts -= 1
            return SendResult.unreachable("channel_not_found")
        ref = f"post-{len(self.channel_posts) + 1}"
        self.channel_posts.append(
            ChannelPost(community_external_id, channel_id, message, ref, thread_ref)
        )
        return SendResult.sent(ref)

    def reply_in_thread(self, ref: str, author_id: str, text: str, at: datetime) -> None:
        """Someone replies in the thread of the post `ref`."""
        self.threads.setdefault(ref, []).append(ThreadReply(author_id, text, at))

    async def thread_replies(
        self, community_external_id: str, channel_id: str, thread_ref: str
    ) -> list[ThreadReply] | None:
        if self.unreadable_threads:
            return None
        return list(self.threads.get(thread_ref, []))

    def link_to(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> str:
        return f"https://chat.example/{channel_id}/{platform_message_ref}"

    async def delete_in_channel(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> bool:
        if self.fail_channel_deletes > 0:
            self.fail_channel_deletes -= 1
            return False
        if platform_message_ref not in self.deleted_refs:
            self.deleted_refs.append(platform_message_ref)
        return True

    def visible_channel_posts(self) -> list[ChannelPost]:
        """What the channel shows now: every post not deleted since."""
        return [post for post in self.channel_posts if post.ref not in self.deleted_refs]

    def counts(self) -> Counter[str]:
        """Messages per member, scheduled digests aside (test_digest_schedule counts those)."""
        return Counter(
            recipient.platform_user_id
            for recipient, message in self.sent
            if message.kind != "digest"
        )

    def texts_to(self, user_id: str) -> list[str]:
        return [
            message.text
            for recipient, message in self.sent
            if recipient.platform_user_id == user_id
        ]
