"""Messages members post, edit and delete, dispatched as MESSAGE_CREATE, MESSAGE_UPDATE and
MESSAGE_DELETE."""

from __future__ import annotations

import copy

from tests.support.discord_standin.constants import MESSAGE_TYPE_DEFAULT, JsonDict, Snowflake
from tests.support.discord_standin.gateway import Gateway
from tests.support.discord_standin.model import _now_iso


class MemberMessages(Gateway):
    """Test-side builders for what members write in DMs and guild channels."""

    _deleted_messages: set[str]

    # -- gateway: messages members post, edit and delete ----------------------------------

    async def message_create(
        self,
        user_id: Snowflake,
        channel_id: Snowflake | None = None,
        content: str = "",
        message_id: Snowflake | None = None,
        guild_id: Snowflake | None = None,
    ) -> str:
        """A member posts a message (a DM to the bot by default); returns the message id."""
        guild_key = None if guild_id is None else str(guild_id)
        if channel_id is not None:
            channel_key = str(channel_id)
        elif guild_key is not None:
            channel_key = self.default_channel_id(guild_key)
        else:
            channel_key = self.dm_channel_id(user_id)
        channel = self._channels.get(channel_key)
        if channel is not None and guild_key is None:
            guild_key = channel.get("guild_id")
        key = str(message_id) if message_id is not None else self._ids.next()
        message: JsonDict = {
            "id": key,
            "channel_id": channel_key,
            "author": self.user(user_id),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": self._mentions(content, guild_key),
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": MESSAGE_TYPE_DEFAULT,
            "flags": 0,
            "components": [],
        }
        if guild_key is not None:
            message["guild_id"] = guild_key
            message["member"] = self._member_payload(guild_key, str(user_id), with_user=False)
        self._store_message(message)
        await self.dispatch("MESSAGE_CREATE", message)
        return key

    async def message_update(
        self,
        message_id: Snowflake,
        content: str | None = None,
        *,
        embeds: list[JsonDict] | None = None,
    ) -> str:
        """A member edits a message: MESSAGE_UPDATE with the full new message."""
        message = self._messages[str(message_id)]
        if content is not None:
            message["content"] = content
            message["mentions"] = self._mentions(content, message.get("guild_id"))
        if embeds is not None:
            message["embeds"] = embeds
        message["edited_timestamp"] = _now_iso()
        await self.dispatch("MESSAGE_UPDATE", copy.deepcopy(message))
        return str(message_id)

    async def message_delete(self, message_id: Snowflake) -> str:
        """A member deletes a message: MESSAGE_DELETE carries only ids, never the author."""
        message = self._messages[str(message_id)]
        self._deleted_messages.add(str(message["id"]))
        data: JsonDict = {"id": message["id"], "channel_id": message["channel_id"]}
        if message.get("guild_id"):
            data["guild_id"] = message["guild_id"]
        await self.dispatch("MESSAGE_DELETE", data)
        return str(message_id)
