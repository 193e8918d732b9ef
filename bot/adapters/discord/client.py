"""The discord.py client: minimal intents, no mentions ever, and the `/pln` command group.

Intents: guilds (to know the guilds and their names) and DM messages (members answer in
DMs, which carry their content without the privileged message-content intent). Every
subcommand rebuilds the text after `/pln` and hands it to the core grammar, so replies and
errors read the same as on Slack and the console.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal
from zoneinfo import available_timezones

import discord
from discord import app_commands

from bot.adapters.discord.bridge import DiscordBridge
from bot.core.service import PlnCore

log = logging.getLogger(__name__)

ZONES = sorted(available_timezones())
MAX_CHOICES = 25


def intents() -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.dm_messages = True
    return chosen


class PlnDiscordClient(discord.Client):
    def __init__(
        self, core: PlnCore, guild_ids: Sequence[int] = (), *, guild_ready_timeout: float = 2.0
    ) -> None:
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
        )
        self.bridge = DiscordBridge(core, self)
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

    async def on_message(self, message: discord.Message) -> None:
        await self.bridge.direct_message(message)

    async def on_raw_message_edit(self, event: discord.RawMessageUpdateEvent) -> None:
        await self.bridge.direct_message_edit(event)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.bridge.interaction(interaction)


def pln_group(bridge: DiscordBridge) -> app_commands.Group:
    """`/pln` and its subcommands, mirroring bot/core/commands.py."""
    group = app_commands.Group(name="pln", description="Weekly leadership reflections")
    prompt = app_commands.Group(name="prompt", description="Prompts (moderators)", parent=group)

    @group.command(name="help", description="List the commands, or explain one.")
    async def help_(interaction: discord.Interaction, command: str | None = None) -> None:
        await bridge.command(interaction, f"help {command or ''}".strip())

    @group.command(name="join", description="Join the PLN and get the weekly prompt.")
    async def join(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "join")

    @group.command(name="leave", description="Stop getting prompts.")
    async def leave(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "leave")

    @group.command(name="tz", description="Show your time zone, or set it.")
    @app_commands.describe(zone="An IANA zone such as Europe/Berlin, or a city")
    async def tz(interaction: discord.Interaction, zone: str | None = None) -> None:
        await bridge.command(interaction, f"tz {zone or ''}".strip())

    @tz.autocomplete("zone")
    async def tz_zones(
        _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in zone_matches(current)]

    @group.command(name="pause", description="Pause your prompts (holidays, a busy term).")
    async def pause(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "pause")

    @group.command(name="resume", description="Start your prompts again.")
    async def resume(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "resume")

    @group.command(name="skip", description="Skip this week's prompt.")
    async def skip(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "skip")

    @group.command(name="history", description="Your latest answers (only you see them).")
    async def history(
        interaction: discord.Interaction, n: app_commands.Range[int, 1, 50] | None = None
    ) -> None:
        await bridge.command(interaction, f"history {n or ''}".strip())

    @group.command(name="digest", description="Your reflection digest (only you see it).")
    async def digest(
        interaction: discord.Interaction, period: Literal["week", "month", "all"] | None = None
    ) -> None:
        await bridge.command(interaction, f"digest {period or ''}".strip())

    @group.command(name="mode", description="Prompts by DM, or one post in the PLN channel.")
    async def mode(
        interaction: discord.Interaction, mode: Literal["dm", "channel"] | None = None
    ) -> None:
        await bridge.command(interaction, f"mode {mode or ''}".strip())

    @group.command(name="channel", description="Make this channel the PLN channel.")
    async def channel(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "channel here")

    @group.command(name="schedules", description="When this community gets prompts.")
    async def schedules(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "schedules")

    @prompt.command(name="now", description="Send this week's prompt to every member now.")
    async def prompt_now(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "prompt now")

    return group


def zone_matches(current: str) -> list[str]:
    """Zone names containing what was typed (any case), best-known first, at most 25."""
    needle = current.strip().replace(" ", "_").casefold()
    if not needle:
        return ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Singapore"]
    starts = [zone for zone in ZONES if zone.casefold().startswith(needle)]
    inside = [zone for zone in ZONES if needle in zone.casefold() and zone not in starts]
    return (starts + inside)[:MAX_CHOICES]
