"""The stand-in's world: users, guilds, channels and messages, and their payloads."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence

from tests.support.discord_standin.addresses import Addresses
from tests.support.discord_standin.constants import (
    ALL_PERMISSIONS,
    DEFAULT_OWNER_ID,
    EVERYONE_PERMISSIONS,
    JsonDict,
    Snowflake,
)
from tests.support.discord_standin.model import _Guild, _now_iso, _Snowflakes


class DiscordState(Addresses):
    """Users, guilds, channels and messages, as Discord knows them."""

    bot_user_id: str
    _ids: _Snowflakes
    _users: dict[str, JsonDict]
    _guilds: dict[str, _Guild]
    _channels: dict[str, JsonDict]
    _dm_by_user: dict[str, str]
    _messages: dict[str, JsonDict]
    _message_order: list[str]

    # -- the world: users, guilds, channels ------------------------------------------------

    @property
    def bot_user(self) -> JsonDict:
        return copy.deepcopy(self._users[self.bot_user_id])

    def add_user(
        self,
        user_id: Snowflake,
        username: str,
        *,
        global_name: str | None = None,
        bot: bool = False,
    ) -> JsonDict:
        """Register a Discord user (a member of the network) and return its user object."""
        payload = self._user_payload(str(user_id), username, global_name=global_name, bot=bot)
        self._users[str(user_id)] = payload
        return copy.deepcopy(payload)

    def user(self, user_id: Snowflake) -> JsonDict:
        """The user object for `user_id`, creating "user<id>" when a test never added it."""
        key = str(user_id)
        if key not in self._users:
            self._users[key] = self._user_payload(key, f"user{key}")
        return copy.deepcopy(self._users[key])

    def add_guild(
        self,
        guild_id: Snowflake,
        name: str = "Test Guild",
        owner_id: Snowflake | None = None,
        members: Iterable[Snowflake] = (),
        *,
        member_permissions: Mapping[Snowflake, int] | None = None,
        channels: Sequence[str] = ("general",),
    ) -> str:
        """Add a guild the bot is in, with its members and text channels.

        Guilds added before IDENTIFY arrive as READY's unavailable guilds then GUILD_CREATE;
        announce later ones with `await announce_guild(guild_id)` (the bot "joins").
        `member_permissions` are the permission bits interactions report for a member
        (the owner always has all of them).
        """
        key = str(guild_id)
        member_ids = [str(m) for m in members]
        for member_id in member_ids:
            self.user(member_id)
        owner = str(owner_id) if owner_id is not None else (member_ids or [DEFAULT_OWNER_ID])[0]
        self.user(owner)
        if owner not in member_ids:
            member_ids.insert(0, owner)
        if self.bot_user_id not in member_ids:
            member_ids.append(self.bot_user_id)
        perms = {str(k): int(v) for k, v in (member_permissions or {}).items()}
        self._guilds[key] = _Guild(key, name, owner, member_ids, perms, [], _now_iso())
        for channel_name in channels:
            self.add_channel(key, channel_name)
        return key

    def add_member(self, guild_id: Snowflake, user_id: Snowflake, permissions: int = 0) -> None:
        guild = self._guild(str(guild_id))
        self.user(user_id)
        if str(user_id) not in guild.member_ids:
            guild.member_ids.append(str(user_id))
        guild.member_permissions[str(user_id)] = permissions

    def add_channel(
        self, guild_id: Snowflake, name: str, channel_id: Snowflake | None = None
    ) -> str:
        """Add a text channel to a guild and return its id."""
        guild = self._guild(str(guild_id))
        key = str(channel_id) if channel_id is not None else self._ids.next()
        self._channels[key] = {
            "id": key,
            "type": 0,
            "guild_id": guild.id,
            "name": name,
            "position": len(guild.channel_ids),
            "permission_overwrites": [],
            "parent_id": None,
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        guild.channel_ids.append(key)
        return key

    def default_channel_id(self, guild_id: Snowflake) -> str:
        guild = self._guild(str(guild_id))
        if not guild.channel_ids:
            raise LookupError(f"guild {guild_id} has no channels")
        return guild.channel_ids[0]

    def dm_channel_id(self, user_id: Snowflake) -> str:
        """The bot's DM channel with `user_id`: one stable id per recipient, as on Discord."""
        key = str(user_id)
        if key not in self._dm_by_user:
            channel_id = self._ids.next()
            self._dm_by_user[key] = channel_id
            self._channels[channel_id] = {
                "id": channel_id,
                "type": 1,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.user(key)],
            }
        return self._dm_by_user[key]

    # -- guild and member payloads ---------------------------------------------------------

    def _guild(self, guild_id: str) -> _Guild:
        try:
            return self._guilds[guild_id]
        except KeyError:
            raise LookupError(f"unknown guild {guild_id}; add it with add_guild") from None

    def _everyone_role(self, guild: _Guild) -> JsonDict:
        return {
            "id": guild.id,
            "name": "@everyone",
            "permissions": str(EVERYONE_PERMISSIONS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }

    def _member_payload(self, guild_id: str, user_id: str, *, with_user: bool = True) -> JsonDict:
        guild = self._guild(guild_id)
        member: JsonDict = {
            "roles": [],
            "nick": None,
            "avatar": None,
            "joined_at": guild.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            member["user"] = self.user(user_id)
        return member

    def _member_permissions(self, guild_id: str, user_id: str) -> int:
        guild = self._guild(guild_id)
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        return guild.member_permissions.get(user_id, 0)

    def _guild_object(self, guild: _Guild) -> JsonDict:
        return {
            "id": guild.id,
            "name": guild.name,
            "owner_id": guild.owner_id,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "features": [],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": guild.channel_ids[0] if guild.channel_ids else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "application_id": None,
            "max_members": 500_000,
            "max_video_channel_users": 25,
            "roles": [self._everyone_role(guild)],
            "emojis": [],
            "stickers": [],
        }

    # -- messages, mentions and user payloads ----------------------------------------------

    def _store_message(self, message: JsonDict) -> None:
        self._messages[message["id"]] = message
        self._message_order.append(message["id"])
        channel = self._channels.get(message["channel_id"])
        if channel is not None:
            channel["last_message_id"] = message["id"]

    def _mentions(self, content: str, guild_id: str | None) -> list[JsonDict]:
        mentioned = []
        for user_id in dict.fromkeys(re.findall(r"<@!?(\d+)>", content)):
            user = self.user(user_id)
            if guild_id is not None and user_id in self._guild(guild_id).member_ids:
                user["member"] = self._member_payload(guild_id, user_id, with_user=False)
            mentioned.append(user)
        return mentioned

    @staticmethod
    def _user_payload(
        user_id: str, username: str, *, global_name: str | None = None, bot: bool = False
    ) -> JsonDict:
        payload: JsonDict = {
            "id": user_id,
            "username": username,
            "discriminator": "0",
            "global_name": global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if bot:
            payload["bot"] = True
        return payload
