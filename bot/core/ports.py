"""What the core needs from an adapter to reach members on its own (prompts, not replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
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

    @classmethod
    def sent(cls, ref: str | None = None) -> SendResult:
        return cls(SendStatus.SENT, platform_message_ref=ref)

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


class Messenger(Protocol):
    """The adapter side of a send.

    Contract: return SENT only when the platform accepted the message; return
    RETRY_LATER (or raise) only when it certainly did not. The core relies on this to
    resend a refused prompt without ever sending one twice.
    """

    platform: str

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult: ...


@runtime_checkable
class ChannelMessenger(Protocol):
    """An adapter that can also post in a community's channel (channel mode)."""

    async def send_to_channel(
        self, community_external_id: str, channel_id: str, message: OutgoingMessage
    ) -> SendResult: ...

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
