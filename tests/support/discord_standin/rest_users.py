"""REST: the bot user, its guilds, users, DM channels, gateway lookup and the application."""

from __future__ import annotations

import copy

from tests.support.discord_standin.constants import (
    ALL_PERMISSIONS,
    CODE_INVALID_FORM_BODY,
    CODE_UNKNOWN_USER,
    DEFAULT_OWNER_ID,
    JsonDict,
)
from tests.support.discord_standin.model import _Answer, _Call
from tests.support.discord_standin.rest import Rest


class UsersRest(Rest):
    """Handlers for what discord.py asks at login and when it opens DMs."""

    application_id: str
    application_flags: int

    # -- REST: users, gateway, application -------------------------------------------------

    async def _get_me(self, call: _Call) -> _Answer:
        me = self.bot_user
        me.update({"verified": True, "mfa_enabled": False, "flags": 0, "email": None})
        return _Answer(200, me)

    async def _get_my_guilds(self, call: _Call) -> _Answer:
        guilds: list[JsonDict] = [
            {
                "id": g.id,
                "name": g.name,
                "icon": None,
                "owner": False,
                "permissions": str(ALL_PERMISSIONS),
                "features": [],
            }
            for g in self._guilds.values()
        ]
        return _Answer(200, guilds)

    async def _get_user(self, call: _Call) -> _Answer:
        user = self._users.get(call.params["user_id"])
        if user is None:
            return self._error(404, CODE_UNKNOWN_USER, "Unknown User")
        return _Answer(200, copy.deepcopy(user))

    async def _create_dm(self, call: _Call) -> _Answer:
        recipient = (call.json or {}).get("recipient_id")
        if recipient is None:
            return self._error(
                400,
                CODE_INVALID_FORM_BODY,
                "Invalid Form Body",
                {"recipient_id": {"_errors": [{"code": "BASE_TYPE_REQUIRED"}]}},
            )
        channel_id = self.dm_channel_id(str(recipient))
        return _Answer(200, copy.deepcopy(self._channels[channel_id]))

    async def _get_gateway(self, call: _Call) -> _Answer:
        return _Answer(200, {"url": self.gateway_url})

    async def _get_gateway_bot(self, call: _Call) -> _Answer:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return _Answer(200, {"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _get_application(self, call: _Call) -> _Answer:
        return _Answer(
            200,
            {
                "id": self.application_id,
                "name": self._users[self.bot_user_id]["username"],
                "icon": None,
                "description": "",
                "summary": "",
                "rpc_origins": [],
                "bot_public": False,
                "bot_require_code_grant": False,
                "bot": self.bot_user,
                "owner": self.user(DEFAULT_OWNER_ID),
                "team": None,
                "verify_key": "0" * 64,
                "flags": self.application_flags,
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
                "approximate_guild_count": len(self._guilds),
            },
        )
