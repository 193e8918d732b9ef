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
    prompts = app_commands.Group(
        name="prompts", description="Your community's own prompts (moderators)", parent=group
    )

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
    @app_commands.describe(
        period="week, month (default), term, year, all, or a number of weeks like 6w",
        schedule="How often your digest arrives by DM (instead of showing it now)",
    )
    async def digest(
        interaction: discord.Interaction,
        period: str | None = None,
        schedule: Literal["monthly", "termly", "off", "show"] | None = None,
    ) -> None:
        if schedule is not None:
            choice = "" if schedule == "show" else schedule
            await bridge.command(interaction, f"digest schedule {choice}".strip())
            return
        await bridge.command(interaction, f"digest {period or ''}".strip())

    @digest.autocomplete("period")
    async def digest_periods(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        periods = ["week", "month", "term", "year", "all", "6w", "12w"]
        typed = current.strip().casefold()
        return [app_commands.Choice(name=p, value=p) for p in periods if p.startswith(typed)]

    @group.command(name="share", description="Share one of your answers in the PLN channel.")
    @app_commands.describe(answer="The answer's id from /pln history, like 12")
    async def share(interaction: discord.Interaction, answer: str) -> None:
        await bridge.command(interaction, f"share {answer}")

    @group.command(name="unshare", description="Take a shared answer down from the PLN channel.")
    @app_commands.describe(answer="The answer's id from /pln history, like 12")
    async def unshare(interaction: discord.Interaction, answer: str) -> None:
        await bridge.command(interaction, f"unshare {answer}")

    @group.command(name="delete", description="Delete one of your answers (asks first).")
    @app_commands.describe(answer="The answer's id from /pln history, like 12")
    async def delete(interaction: discord.Interaction, answer: str) -> None:
        await bridge.command(interaction, f"delete {answer}")

    @group.command(name="export", description="Everything I hold about you, as files.")
    async def export(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "export")

    @group.command(name="forget-me", description="Erase everything I hold about you (asks first).")
    async def forget_me(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "forget-me")

    @group.command(name="link", description="Join your Slack and Discord identities.")
    @app_commands.describe(code="The code /pln link gave you on the other platform")
    async def link(interaction: discord.Interaction, code: str | None = None) -> None:
        await bridge.command(interaction, f"link {code or ''}".strip())

    @group.command(name="unlink", description="Separate this identity from your linked ones.")
    async def unlink(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "unlink")

    @group.command(name="frameworks", description="The leadership frameworks behind the prompts.")
    async def frameworks(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "frameworks")

    @group.command(name="track", description="Show the tracks, or choose one (moderators).")
    @app_commands.describe(name="A track id from /pln track, like school-year")
    async def track(interaction: discord.Interaction, name: str | None = None) -> None:
        await bridge.command(interaction, f"track {name or ''}".strip())

    @group.command(name="retention", description="How long answers are kept (moderators).")
    @app_commands.describe(days="A number of days, or off")
    async def retention(interaction: discord.Interaction, days: str | None = None) -> None:
        await bridge.command(interaction, f"retention {days or ''}".strip())

    @group.command(name="summaries", description="Digest summaries: local or llm (moderators).")
    async def summaries(
        interaction: discord.Interaction, setting: Literal["local", "llm"] | None = None
    ) -> None:
        await bridge.command(interaction, f"summaries {setting or ''}".strip())

    @prompts.command(name="add", description="Add your community's own prompt.")
    @app_commands.describe(
        element="framework/element, like olf/using-data (see /pln frameworks)",
        question="The question members get",
        follow_up="The follow-up question after they answer",
    )
    async def prompts_add(
        interaction: discord.Interaction, element: str, question: str, follow_up: str
    ) -> None:
        await bridge.command(interaction, f"prompts add {element} | {question} | {follow_up}")

    @prompts.command(name="list", description="Your community's own prompts.")
    async def prompts_list(interaction: discord.Interaction) -> None:
        await bridge.command(interaction, "prompts list")

    @prompts.command(name="retire", description="Retire one of your community's own prompts.")
    @app_commands.describe(prompt_id="Its id from /pln prompts list, like c1-2")
    async def prompts_retire(interaction: discord.Interaction, prompt_id: str) -> None:
        await bridge.command(interaction, f"prompts retire {prompt_id}")

    @group.command(name="mode", description="Prompts by DM, or one post in the PLN channel.")
    async def mode(
        interaction: discord.Interaction, mode: Literal["dm", "channel"] | None = None
    ) -> None:
        await bridge.command(interaction, f"mode {mode or ''}".strip())

    @group.command(name="channel", description="Choose the PLN channel (this one by default).")
    @app_commands.describe(channel="The PLN channel; leave empty for this channel")
    async def channel(
        interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        target = f"<#{channel.id}>" if channel is not None else "here"
        await bridge.command(interaction, f"channel {target}")

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
