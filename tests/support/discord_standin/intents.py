"""What the intents a client sent in IDENTIFY change in what Discord sends it: events
dropped, message content trimmed, and GUILD_CREATE without the member list."""

from __future__ import annotations

import copy

from tests.support.discord_standin.constants import (
    INTENT_DIRECT_MESSAGE_REACTIONS,
    INTENT_DIRECT_MESSAGE_TYPING,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGE_REACTIONS,
    INTENT_GUILD_MESSAGE_TYPING,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILD_PRESENCES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    JsonDict,
)
from tests.support.discord_standin.model import _Session
from tests.support.discord_standin.state import DiscordState


class IntentShaping(DiscordState):
    """Discord's intent filtering, applied to every dispatch when `enforce_intents`."""

    enforce_intents: bool
    _session: _Session | None

    # -- gateway: intents ------------------------------------------------------------------

    def _guild_create_payload(self, guild_id: str) -> JsonDict:
        """GUILD_CREATE as Discord sends it; without GUILD_MEMBERS only the bot's own member."""
        guild = self._guild(guild_id)
        intents = self._session.intents if self._session is not None else 0
        with_members = not self.enforce_intents or bool(intents & INTENT_GUILD_MEMBERS)
        member_ids = guild.member_ids if with_members else [self.bot_user_id]
        payload = self._guild_object(guild)
        payload.update(
            {
                "joined_at": guild.joined_at,
                "large": False,
                "unavailable": False,
                "member_count": len(guild.member_ids),
                "members": [self._member_payload(guild.id, uid) for uid in member_ids],
                "channels": [copy.deepcopy(self._channels[cid]) for cid in guild.channel_ids],
                "threads": [],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
                "lazy": True,
            }
        )
        return payload

    def _allowed_for_intents(self, intents: int, event: str, data: JsonDict) -> JsonDict | None:
        """Discord's intent filtering: drop gated events, trim content without MESSAGE_CONTENT."""
        if not self.enforce_intents:
            return data
        in_guild = data.get("guild_id") is not None
        needed = {
            "GUILD_CREATE": INTENT_GUILDS,
            "GUILD_UPDATE": INTENT_GUILDS,
            "GUILD_DELETE": INTENT_GUILDS,
            "CHANNEL_CREATE": INTENT_GUILDS,
            "CHANNEL_UPDATE": INTENT_GUILDS,
            "CHANNEL_DELETE": INTENT_GUILDS,
            "GUILD_MEMBER_ADD": INTENT_GUILD_MEMBERS,
            "GUILD_MEMBER_UPDATE": INTENT_GUILD_MEMBERS,
            "GUILD_MEMBER_REMOVE": INTENT_GUILD_MEMBERS,
            "PRESENCE_UPDATE": INTENT_GUILD_PRESENCES,
            "MESSAGE_CREATE": INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES,
            "MESSAGE_UPDATE": INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES,
            "MESSAGE_DELETE": INTENT_GUILD_MESSAGES if in_guild else INTENT_DIRECT_MESSAGES,
            "MESSAGE_REACTION_ADD": (
                INTENT_GUILD_MESSAGE_REACTIONS if in_guild else INTENT_DIRECT_MESSAGE_REACTIONS
            ),
            "MESSAGE_REACTION_REMOVE": (
                INTENT_GUILD_MESSAGE_REACTIONS if in_guild else INTENT_DIRECT_MESSAGE_REACTIONS
            ),
            "TYPING_START": (
                INTENT_GUILD_MESSAGE_TYPING if in_guild else INTENT_DIRECT_MESSAGE_TYPING
            ),
        }.get(event, 0)
        if needed and not intents & needed:
            return None
        if event in {"MESSAGE_CREATE", "MESSAGE_UPDATE"} and in_guild:
            author = (data.get("author") or {}).get("id")
            mentioned = any(m.get("id") == self.bot_user_id for m in data.get("mentions", []))
            if (
                not intents & INTENT_MESSAGE_CONTENT
                and author != self.bot_user_id
                and not mentioned
            ):
                data = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
                data.pop("poll", None)
        return data
