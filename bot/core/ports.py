"""What the core needs from an adapter to reach members on its own (prompts, not replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.core.messages import OutgoingMessage


class SendStatus(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # permanent: the member cannot be messaged (blocked, gone)
    RETRY_LATER = "retry_later"  # the platform refused for now (429, 5xx) and did not deliver


@dataclass(frozen=True)
class SendResult:
    status: SendStatus
    platform_message_ref: str | None = None
    reason: str | None = None
    retry_after: timedelta | None = None
    dm_channel_id: str | None = None  # a DM channel the send opened, kept on the member

    @classmethod
    def sent(cls, ref: str | None = None, *, dm_channel_id: str | None = None) -> SendResult:
        return cls(SendStatus.SENT, platform_message_ref=ref, dm_channel_id=dm_channel_id)

    @classmethod
    def unreachable(cls, reason: str) -> SendResult:
        return cls(SendStatus.UNREACHABLE, reason=reason)

    @classmethod
    def retry_later(cls, reason: str, after: timedelta | None = None) -> SendResult:
        return cls(SendStatus.RETRY_LATER, reason=reason, retry_after=after)


@dataclass(frozen=True)
class Recipient:
    """Enough for an adapter to open a direct conversation with a member."""

    member_id: int
    platform: str
    community_external_id: str
    platform_user_id: str
    display_name: str
    # the member's DM channel, when the platform told us before (Discord): no new one opened
    dm_channel_id: str | None = None


class Messenger(Protocol):
    """The adapter side of a send.

    Contract: return SENT only when the platform accepted the message; return
    RETRY_LATER (or raise) only when it certainly did not. The core relies on this to
    resend a refused prompt without ever sending one twice.
    """

    platform: str

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult: ...


MARKER_KEY = "pln_marker"  # OutgoingMessage.metadata: names the send (table and row) it is


def marker_of(message: OutgoingMessage) -> str | None:
    """The send a scheduled message is, as the pipeline marked it (None for replies)."""
    return message.metadata.get(MARKER_KEY)


@runtime_checkable
class PacedMessenger(Protocol):
    """An adapter whose platform limits how fast it may send.

    The send pipeline takes the turn BEFORE a row becomes `sending` and calls `send_direct`
    / `send_to_channel` right after, so no row sits in `sending` while it waits (a crash then
    leaves only rows that were really at the platform in doubt)."""

    async def wait_turn(
        self, community_external_id: str, destination: str, *, direct: bool
    ) -> None:
        """Wait for the next allowed send to `destination`: a member's platform user id when
        `direct` and their DM channel is not known (the send opens one), the DM channel's id
        when it is known, else a channel id."""
        ...


@runtime_checkable
class ChecksDelivery(Protocol):
    """An adapter that can look whether a send interrupted by a crash reached the member."""

    async def was_delivered(self, recipient: Recipient, marker: str) -> bool | None:
        """True when the member has the bot's message carrying `marker` (`marker_of`),
        False when certainly not, None when the platform cannot tell."""
        ...


@runtime_checkable
class ChannelMessenger(Protocol):
    """An adapter that can also post in a community's channel (channel mode)."""

    async def send_to_channel(
        self,
        community_external_id: str,
        channel_id: str,
        message: OutgoingMessage,
        thread_ref: str | None = None,
    ) -> SendResult:
        """Post in the channel, or in the thread of the post `thread_ref` (a discussion's
        recap). A message with `thread_title` opens a thread for replies where the
        platform needs one opened (Discord)."""
        ...

    async def delete_in_channel(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> bool:
        """Delete a post the bot made (an unshared answer); True when it is gone, including
        when it was already deleted."""
        ...


@runtime_checkable
class ForgetsUsers(Protocol):
    """An adapter that keeps records of its own about people (Slack: the installer's id in
    a workspace's installation): `/pln forget-me` asks it to forget them too."""

    async def forget_user(self, community_external_id: str, platform_user_id: str) -> None: ...


@runtime_checkable
class GroupMessenger(Protocol):
    """An adapter that can open one conversation with several members (Slack's group DM)."""

    async def send_to_group(
        self,
        community_external_id: str,
        platform_user_ids: tuple[str, ...],
        message: OutgoingMessage,
    ) -> SendResult: ...


@dataclass(frozen=True)
class ThreadReply:
    """One reply in a discussion's thread, by a person (the bot's own posts are left out)."""

    author_id: str
    text: str  # empty when the platform does not let the bot read message content
    posted_at: datetime


@runtime_checkable
class ThreadReader(Protocol):
    """An adapter that can read a discussion post's thread and link to a channel post."""

    async def thread_replies(
        self, community_external_id: str, channel_id: str, thread_ref: str
    ) -> list[ThreadReply] | None:
        """The thread's replies, oldest first; None when the platform cannot say."""
        ...

    def link_to(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> str:
        """A link (or, on the console, a reference) members can follow to a channel post."""
        ...
