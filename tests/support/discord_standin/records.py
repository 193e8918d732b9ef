"""What the stand-in records for tests to read: REST calls, the files they carried, and
the responses the bot made to interactions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.support.discord_standin.constants import API_VERSION, FLAG_EPHEMERAL, JsonDict


def _compile_path_pattern(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    """Turn "/channels/*/messages" or "/channels/{id}/messages" into a full-match regex.

    `*` and `{name}` each stand for one path segment; a compiled regex is used as it is.
    A leading "/api/v10" is dropped, since recorded paths are relative to the API base.
    """
    if isinstance(pattern, re.Pattern):
        return pattern
    prefix = f"/api/v{API_VERSION}"
    if pattern.startswith(prefix):
        pattern = pattern[len(prefix) :]
    pieces = re.split(r"(\{[^}]*\}|\*)", pattern)
    regex = "".join(
        "[^/]+" if piece.startswith("{") else "[^/]*" if piece == "*" else re.escape(piece)
        for piece in pieces
    )
    return re.compile(regex)


@dataclass
class RecordedFile:
    """One file part of a multipart request (discord.py sends files as `files[n]`)."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST call as the stand-in received it, with what it answered.

    `path` is relative to the API base ("/channels/1/messages"), `json` is the decoded body
    (or the `payload_json` part of a multipart body), and `headers` never holds Authorization:
    `authorized` says whether it carried an acceptable bot token, `token` which one.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    authorized: bool
    token: str | None
    files: list[RecordedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None

    def matches(self, method: str, path_pattern: str | re.Pattern[str]) -> bool:
        """True when `method` ("*" for any) and the path pattern both match this call."""
        method_ok = method == "*" or method.upper() == self.method
        return method_ok and _compile_path_pattern(path_pattern).fullmatch(self.path) is not None


@dataclass
class InteractionResponse:
    """What the bot did with one interaction, in order: the callback, then followups/edits.

    `kind` is "callback", "followup", "edit_original", "delete_original", "edit_followup" or
    "delete_followup"; `type` is the callback type for callbacks (4 message, 5 deferred,
    6 deferred update, 7 update, 8 autocomplete, 9 modal), else None.
    """

    kind: str
    type: int | None
    data: JsonDict
    message_id: str | None = None
    files: list[RecordedFile] = field(default_factory=list)

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def content(self) -> str | None:
        content = self.data.get("content")
        return None if content is None else str(content)
