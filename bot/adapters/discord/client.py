"""The discord.py client: minimal intents, no mentions ever, and the `/pln` command group.

Intents: guilds (to know the guilds and their names) and DM messages (members answer in
DMs, which carry their content without the privileged message-content intent; the same
intent brings DM edits and deletes). Every subcommand rebuilds the text after `/pln` and
hands it to the core grammar, so replies and errors read the same as on Slack and the
console.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.bridge import PLATFORM, DiscordBridge
from bot.adapters.discord.commands import pln_group, zone_matches
from bot.adapters.discord.metrics_hooks import DiscordMetricsHooks
from bot.core.metrics import timed_event

__all__ = ["PlnDiscordClient", "intents", "pln_group", "zone_matches"]
from bot.core.service import PlnCore

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.dm_messages = True
    return chosen


class PlnDiscordClient(discord.Client):
    def __init__(
        self, core: PlnCore, guild_ids: Sequence[int] = (), *, guild_ready_timeout: float = 2.0
    ) -> None:
        self.metrics_hooks = DiscordMetricsHooks(core.metrics)
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            http_trace=self.metrics_hooks.trace_config(),
        )
        self.bridge = DiscordBridge(core, self)
        self._uninstalls = core.uninstalls
        self._metrics = core.metrics
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(pln_group(self.bridge))
        self._guild_ids = tuple(guild_ids)

    async def setup_hook(self) -> None:
        """Sync `/pln` at start: to the configured guilds at once, else globally."""
        if self._guild_ids:
            for guild_id in self._guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()
        log.info("discord commands synced", extra={"fields": {"guilds": len(self._guild_ids)}})

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        """Note each interaction's arrival before any handler runs, for its ack latency."""
        if event == "interaction" and args and isinstance(args[0], discord.Interaction):
            self.metrics_hooks.received(args[0].id, args[0].type.name)
        super().dispatch(event, *args, **kwargs)

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return  # the bridge answers DMs only
        async with timed_event(self._metrics, PLATFORM, "direct_message"):
            await self.bridge.direct_message(message)

    async def on_raw_message_edit(self, event: discord.RawMessageUpdateEvent) -> None:
        await self.bridge.direct_message_edit(event)

    async def on_raw_message_delete(self, event: discord.RawMessageDeleteEvent) -> None:
        await self.bridge.direct_message_delete(event)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.bridge.interaction(interaction)

    async def on_ready(self) -> None:
        """Connected: `guilds` holds every guild the bot is in, outages included (Discord's
        READY lists unavailable guilds too). A guild missing from it removed the bot while
        it was offline, so its keeping period starts now."""
        await self._uninstalls.left_while_away(PLATFORM, [str(g.id) for g in self.guilds])

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a guild (kicked, or the guild deleted; not an outage): its members
        can no longer reach the bot, so their data is kept PLN_UNINSTALLED_KEEP_DAYS only."""
        await self._uninstalls.uninstalled(PLATFORM, [str(guild.id)])

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Added to a guild, perhaps again: whatever it had is kept after all."""
        await self._uninstalls.reinstalled(PLATFORM, [str(guild.id)])

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """A guild the bot is in (at start, after an outage, or invited back while the bot
        was offline, which Discord announces this way too): nothing of it is to be purged."""
        await self._uninstalls.reinstalled(PLATFORM, [str(guild.id)])
