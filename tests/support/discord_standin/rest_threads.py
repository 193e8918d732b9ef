"""REST: a thread started from a message (a discussion's replies), as Discord makes it.

The thread is a channel of type 11 whose id is the starter message's id; members' replies
are posted in it with `message_create(user, channel_id=thread_id)`.
"""

from __future__ import annotations

import copy

from tests.support.discord_standin.constants import CODE_UNKNOWN_MESSAGE, JsonDict
from tests.support.discord_standin.model import _Answer, _Call
from tests.support.discord_standin.rest import Rest

PUBLIC_THREAD = 11
ARCHIVE_DURATIONS = frozenset({60, 1440, 4320, 10080})


class ThreadsRest(Rest):
    """POST /channels/{channel_id}/messages/{message_id}/threads."""

    threads_refused: bool = False  # answer 403 (no Create Public Threads permission)

    async def _start_thread(self, call: _Call) -> _Answer:
        parent = self._channels.get(call.params["channel_id"])
        message = self._messages.get(call.params["message_id"])
        if parent is None or message is None or message["channel_id"] != parent["id"]:
            return self._error(404, CODE_UNKNOWN_MESSAGE, "Unknown Message")
        if self.threads_refused:
            return self._error(403, 50013, "Missing Permissions")
        body = call.json if isinstance(call.json, dict) else {}
        name = body.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            return self._error(400, 50035, "Invalid Form Body (name)")
        if body.get("auto_archive_duration") not in ARCHIVE_DURATIONS:
            return self._error(400, 50035, "Invalid Form Body (auto_archive_duration)")
        if message["id"] in self._channels:
            return self._error(400, 160004, "A thread has already been created for this message")
        thread: JsonDict = {
            "id": message["id"],
            "type": PUBLIC_THREAD,
            "guild_id": parent.get("guild_id"),
            "parent_id": parent["id"],
            "name": name,
            "owner_id": self.bot_user["id"],
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body["auto_archive_duration"],
                "archive_timestamp": message["timestamp"],
                "locked": False,
            },
        }
        self._channels[thread["id"]] = thread
        return _Answer(201, copy.deepcopy(thread))

    def thread_of(self, message_id: str) -> JsonDict | None:
        """The thread started from a message, if one was."""
        channel = self._channels.get(str(message_id))
        return channel if channel and channel.get("type") == PUBLIC_THREAD else None
