"""Who a Slack user is, for the core: name, time zone, and whether they administer the workspace.

users.info is the one source for all three (the profile's `tz`, `is_admin`, `is_owner`), and
it is rate limited (Tier 4), so answers are kept a few minutes: a member pressing three
buttons costs one call, and a promotion to admin shows up within the TTL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.actors import Actor, CommunityRef

log = logging.getLogger(__name__)

PLATFORM = "slack"
TTL_SECONDS = 300.0
MAX_ENTRIES = 10_000


class SlackDirectory:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl: float = TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._monotonic = monotonic
        self._users: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._dm_channels: dict[tuple[str, str], str] = {}

    async def actor(self, team_id: str, user_id: str, token: str | None) -> Actor:
        """The Actor for a request; a failed lookup still yields a (non-admin) Actor."""
        user = await self._user(team_id, user_id, token)
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or user_id
        )
        return Actor(
            community=CommunityRef(PLATFORM, team_id),
            user_id=user_id,
            display_name=str(name)[:200],
            platform_admin=bool(user.get("is_admin") or user.get("is_owner")),
            platform_timezone=user.get("tz") or None,
        )

    async def is_bot_dm(
        self, team_id: str, user_id: str, channel_id: str, token: str | None
    ) -> bool:
        """Whether `channel_id` is this user's DM with the bot (not a DM between two people)."""
        if not channel_id.startswith("D"):
            return False
        return await self.dm_channel(team_id, user_id, token) == channel_id

    async def dm_channel(self, team_id: str, user_id: str, token: str | None) -> str | None:
        """The user's DM with the bot (conversations.open, remembered), or None when refused."""
        key = (team_id, user_id)
        if key not in self._dm_channels:
            try:
                response = await self._client.conversations_open(token=token, users=user_id)
            except SlackApiError as error:
                log.warning(
                    "could not look up the bot's DM channel",
                    extra={"fields": {"error": error.response.get("error")}},
                )
                return None
            channel = str((response.get("channel") or {}).get("id", ""))
            if not channel:
                return None
            self._dm_channels[key] = channel
        return self._dm_channels[key]

    def forget(self, team_id: str) -> None:
        """Drop what is known about a workspace (it uninstalled the app)."""
        for key in [key for key in self._users if key[0] == team_id]:
            del self._users[key]

    async def _user(self, team_id: str, user_id: str, token: str | None) -> dict[str, Any]:
        key = (team_id, user_id)
        now = self._monotonic()
        cached = self._users.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await self._client.users_info(token=token, user=user_id)
            user: dict[str, Any] = dict(response.get("user") or {})
        except SlackApiError as error:
            log.warning(
                "users.info failed; treating the user as a non-admin",
                extra={"fields": {"error": error.response.get("error")}},
            )
            return {}
        if len(self._users) >= MAX_ENTRIES:
            self._users.clear()
        self._users[key] = (now + self._ttl, user)
        return user
