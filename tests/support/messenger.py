"""A Messenger that records what the core sends, and can fail or crash on cue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult


class SimulatedCrash(BaseException):
    """Raised mid fan-out to stand for the process dying (not an Exception: nothing catches it)."""


@dataclass
class RecordingMessenger:
    platform: str = "console"
    sent: list[tuple[Recipient, OutgoingMessage]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    refuse_next: int = 0  # answer RETRY_LATER this many times (a platform 429)
    crash_after: int | None = None  # crash on the send after this many sends

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
        return SendResult.sent(f"msg-{len(self.sent)}")

    def counts(self) -> Counter[str]:
        return Counter(recipient.platform_user_id for recipient, _ in self.sent)

    def texts_to(self, user_id: str) -> list[str]:
        return [
            message.text
            for recipient, message in self.sent
            if recipient.platform_user_id == user_id
        ]
