"""REST: guilds, their channels, roles and members."""

from __future__ import annotations

import copy

from tests.support.discord_standin.constants import CODE_UNKNOWN_GUILD, CODE_UNKNOWN_MEMBER
from tests.support.discord_standin.model import _Answer, _Call
from tests.support.discord_standin.oauth import permission_roles
from tests.support.discord_standin.rest import Rest


class GuildsRest(Rest):
    """Handlers that read guilds; the guilds themselves are set up in `state`."""

    # -- REST: guilds ----------------------------------------------------------------------

    async def _get_guild(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        payload = self._guild_object(guild)
        if call.query.get("with_counts") in {"true", "1"}:
            payload["approximate_member_count"] = len(guild.member_ids)
            payload["approximate_presence_count"] = 0
        return _Answer(200, payload)

    async def _get_guild_channels(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        return _Answer(200, [copy.deepcopy(self._channels[c]) for c in guild.channel_ids])

    async def _get_guild_roles(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        return _Answer(200, [self._everyone_role(guild), *permission_roles(guild)])

    async def _list_members(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        after = int(call.query.get("after", "0"))
        limit = int(call.query.get("limit", "1"))
        ids = sorted(int(u) for u in guild.member_ids if int(u) > after)[:limit]
        return _Answer(200, [self._member_payload(guild.id, str(u)) for u in ids])

    async def _get_member(self, call: _Call) -> _Answer:
        guild = self._guilds.get(call.params["guild_id"])
        if guild is None:
            return self._error(404, CODE_UNKNOWN_GUILD, "Unknown Guild")
        if call.params["user_id"] not in guild.member_ids:
            return self._error(404, CODE_UNKNOWN_MEMBER, "Unknown Member")
        return _Answer(200, self._member_payload(guild.id, call.params["user_id"]))
