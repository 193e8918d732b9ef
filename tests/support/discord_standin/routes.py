"""The REST route table: which handler answers which method and path."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from tests.support.discord_standin.model import _Call, _Route
from tests.support.discord_standin.rest_commands import CommandsRest
from tests.support.discord_standin.rest_guilds import GuildsRest
from tests.support.discord_standin.rest_interactions import InteractionsRest
from tests.support.discord_standin.rest_threads import ThreadsRest
from tests.support.discord_standin.rest_users import UsersRest


class Routes(InteractionsRest, CommandsRest, UsersRest, GuildsRest, ThreadsRest):
    """Builds `_routes` from every REST handler mixin."""

    def _add_routes(self) -> None:
        """The routes discord.py uses at login, sync, sending and interaction handling."""
        table: list[tuple[str, str, Callable[[_Call], Any], bool]] = [
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/users/@me/guilds", self._get_my_guilds, True),
            ("POST", "/users/@me/channels", self._create_dm, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway_bot, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            ("GET", "/applications/{app_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{app_id}/commands", self._put_commands, True),
            ("POST", "/applications/{app_id}/commands", self._upsert_command, True),
            ("GET", "/applications/{app_id}/commands/{command_id}", self._get_command, True),
            ("PATCH", "/applications/{app_id}/commands/{command_id}", self._edit_command, True),
            ("DELETE", "/applications/{app_id}/commands/{command_id}", self._del_command, True),
            (
                "GET",
                "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
                self._command_permissions,
                True,
            ),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._list_commands, True),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands, True),
            (
                "POST",
                "/applications/{app_id}/guilds/{guild_id}/commands",
                self._upsert_command,
                True,
            ),
            (
                "GET",
                "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}",
                self._get_command,
                True,
            ),
            (
                "PATCH",
                "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}",
                self._edit_command,
                True,
            ),
            (
                "DELETE",
                "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}",
                self._del_command,
                True,
            ),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("GET", "/channels/{channel_id}/messages", self._list_messages, True),
            ("POST", "/channels/{channel_id}/messages", self._post_message, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message, True),
            ("POST", "/channels/{channel_id}/typing", self._typing, True),
            (
                "POST",
                "/channels/{channel_id}/messages/{message_id}/threads",
                self._start_thread,
                True,
            ),
            (
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._add_reaction,
                True,
            ),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self._remove_reaction,
                True,
            ),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels, True),
            ("GET", "/guilds/{guild_id}/roles", self._get_guild_roles, True),
            ("GET", "/guilds/{guild_id}/members", self._list_members, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, True),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback, False),
            ("POST", "/webhooks/{app_id}/{token}", self._followup, False),
            ("GET", "/webhooks/{app_id}/{token}/messages/@original", self._get_original, False),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/@original", self._edit_original, False),
            (
                "DELETE",
                "/webhooks/{app_id}/{token}/messages/@original",
                self._delete_original,
                False,
            ),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_followup, False),
            (
                "PATCH",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self._edit_followup,
                False,
            ),
            (
                "DELETE",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self._delete_followup,
                False,
            ),
        ]
        for method, template, handler, needs_auth in table:
            regex = re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)))
            bucket = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]
            self._routes.append(_Route(method, template, regex, handler, needs_auth, bucket))
