"""What the stand-in records for tests to read: Web API calls and the files shared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedCall:
    """One Web API call as the stand-in received it, with what it answered."""

    method: str
    params: dict[str, Any]
    token: str | None
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when Slack would have accepted the call (HTTP 200 and `"ok": true`)."""
        return self.status == 200 and self.response.get("ok") is True


@dataclass
class UploadedFile:
    """A file shared by files.completeUploadExternal: what arrived, and where it went."""

    file_id: str
    filename: str
    title: str
    content: bytes
    channel: str
    initial_comment: str | None = None
    thread_ts: str | None = None
