"""Discord events to core calls, and core replies back to Discord.

Interactions are answered exactly once and within 3 seconds: a button that opens a form
answers with the modal at once; everything else is deferred first (ephemeral in a guild)
and finished with a follow-up, so a slow database or a `prompt now` fan-out can never miss
Discord's deadline. DMs carry no guild, so the member's community is looked up.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Final

import discord

from bot.adapters.discord.files import MAX_UPLOAD_BYTES, incoming_file, send_with_files
from bot.adapters.discord.messenger import nonce_for, send_kwargs
from bot.adapters.discord.render import modal, parse_custom_id, payload
from bot.core.actions import is_ours
from bot.core.actors import Actor, CommunityRef
from bot.core.events import (
    ButtonPressed,
    CommandEntered,
    DirectUser,
    Event,
    FormSubmitted,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Who,
)
from bot.core.messages import OutgoingMessage
from bot.core.service import DATABASE_DOWN, PlnCore

log = logging.getLogger(__name__)

PLATFORM: Final = "discord"
FORM_DEADLINE_SECONDS: Final = 2.5
SLOW_FORM: Final = (
    "That took me longer than Discord allows, so I couldn't open the form. Please press the "
    "button again, or reply to the prompt in our DM."
)
DM_CLOSED: Final = (
    "I couldn't send you a direct message. To get prompts, allow direct messages from this "
    "server's members (Server menu → Privacy Settings), then type `/pln join` again."
)


class DiscordBridge:
    def __init__(self, core: PlnCore, client: discord.Client) -> None:
        self._core = core
        self._client = client

    # -- slash commands -------------------------------------------------------------------

    async def command(
        self,
        interaction: discord.Interaction,
        text: str,
        files: tuple[discord.Attachment, ...] = (),
    ) -> None:
        """Run `/pln <text>`: defer, hand the text (and any attached file) to the core
        grammar, follow up."""
        private = interaction.guild is not None
        if not files and self._core.command_opens_form(text):  # `/pln profile`: a modal
            await self._answer_with_form(
                interaction, CommandEntered(self._who(interaction), text), private
            )
            return
        await interaction.response.defer(ephemeral=private, thinking=True)
        attached = tuple([await incoming_file(attachment) for attachment in files])
        # no `say_first`: the deferred reply already shows Discord's "thinking" state
        outcome = await self._core.handle(
            CommandEntered(self._who(interaction), text, files=attached)
        )
        await self._follow_up(interaction, list(outcome.replies), private)
        if outcome.welcome is not None:
            await self._welcome_in_dm(interaction, outcome.welcome)

    async def _welcome_in_dm(
        self, interaction: discord.Interaction, welcome: OutgoingMessage
    ) -> None:
        """Open the DM with the core's welcome (no question): members opt in before any
        prompt, and learn at once when their DMs are closed to us."""
        try:
            await interaction.user.send(**send_kwargs(payload(welcome), nonce=nonce_for(welcome)))
        except discord.HTTPException:
            await interaction.followup.send(DM_CLOSED, ephemeral=True)

    # -- buttons and modals -----------------------------------------------------------------

    async def interaction(self, interaction: discord.Interaction) -> None:
        """Component presses and modal submits with our custom_ids (any age), whole."""
        data: dict[str, Any] = dict(interaction.data or {})
        action_id, value = parse_custom_id(str(data.get("custom_id", "")))
        if not is_ours(action_id):
            return
        if interaction.type is discord.InteractionType.component:
            await self._button(interaction, action_id, value)
        elif interaction.type is discord.InteractionType.modal_submit:
            await self._form(interaction, action_id, value, _modal_values(data))

    async def _button(self, interaction: discord.Interaction, action_id: str, value: str) -> None:
        private = interaction.guild is not None
        event = ButtonPressed(self._who(interaction), action_id, value)
        if not self._core.opens_form(action_id):
            await interaction.response.defer(ephemeral=private, thinking=True)
            outcome = await self._core.handle(event)
            await self._follow_up(interaction, list(outcome.replies), private)
            return
        await self._answer_with_form(interaction, event, private)

    async def _answer_with_form(
        self, interaction: discord.Interaction, event: Event, private: bool
    ) -> None:
        """A modal must be the interaction's first answer, so the core runs before it; a
        deadline keeps that inside Discord's 3 seconds even when the database is slow."""
        try:
            outcome = await asyncio.wait_for(self._core.handle(event), FORM_DEADLINE_SECONDS)
        except TimeoutError:
            await interaction.response.send_message(SLOW_FORM, ephemeral=True)
            return
        form = next((reply.form for reply in outcome.replies if reply.form is not None), None)
        if form is not None:
            await interaction.response.send_modal(modal(form))
            return
        await interaction.response.defer(ephemeral=private, thinking=True)
        await self._follow_up(interaction, list(outcome.replies), private)

    async def _form(
        self, interaction: discord.Interaction, action_id: str, value: str, fields: dict[str, str]
    ) -> None:
        private = interaction.guild is not None
        await interaction.response.defer(ephemeral=private, thinking=True)
        outcome = await self._core.handle(
            FormSubmitted(self._who(interaction), action_id, value, fields)
        )
        await self._follow_up(interaction, list(outcome.replies), private)

    # -- direct messages --------------------------------------------------------------------

    async def direct_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is not None:
            return
        reference = message.reference.message_id if message.reference else None
        who = DirectUser(PLATFORM, str(message.author.id), message.author.display_name)
        outcome = await self._core.handle(
            MessagePosted(
                who, message.content, str(message.id), str(reference) if reference else None
            )
        )
        await self._say(message.channel, list(outcome.replies))

    async def direct_message_edit(self, event: discord.RawMessageUpdateEvent) -> None:
        data = event.data
        author = data.get("author") or {}
        if event.guild_id is not None or author.get("bot") or "content" not in data:
            return
        who = DirectUser(PLATFORM, str(author.get("id", "")), str(author.get("global_name") or ""))
        outcome = await self._core.handle(
            MessageEdited(who, str(event.message_id), str(data.get("content") or ""))
        )
        channel = await self._channel(event.channel_id)
        if channel is not None:
            await self._say(channel, list(outcome.replies))

    async def direct_message_delete(self, event: discord.RawMessageDeleteEvent) -> None:
        """A member deleted a DM: the stored copy (and its PLN channel post) goes too.

        Discord's MESSAGE_DELETE carries only ids, so the member is the DM channel's
        recipient (the cached message's author when discord.py still has it).
        """
        if event.guild_id is not None:
            return
        cached = event.cached_message
        if cached is not None and cached.author.bot:
            return
        channel = await self._channel(event.channel_id)
        if cached is not None:
            user: discord.abc.User | None = cached.author
        elif isinstance(channel, discord.DMChannel):
            user = channel.recipient or await self._recipient(event.channel_id)
        else:
            user = None
        if user is None or user.bot:
            return
        who = DirectUser(PLATFORM, str(user.id), user.display_name)
        outcome = await self._core.handle(MessageDeleted(who, str(event.message_id)))
        if channel is not None:
            await self._say(channel, list(outcome.replies))

    # -- plumbing ---------------------------------------------------------------------------

    def _who(self, interaction: discord.Interaction) -> Who:
        """A guild member as an Actor; in a DM the core finds the community."""
        user = interaction.user
        guild = interaction.guild
        if guild is None:
            return DirectUser(PLATFORM, str(user.id), user.display_name)
        return Actor(
            community=CommunityRef(PLATFORM, str(guild.id), guild.name or ""),
            user_id=str(user.id),
            display_name=user.display_name[:200],
            platform_admin=bool(interaction.permissions.manage_guild),
            channel_id=str(interaction.channel_id) if interaction.channel_id else None,
            dms_may_be_closed=True,
        )

    async def _follow_up(
        self, interaction: discord.Interaction, replies: list[OutgoingMessage], private: bool
    ) -> None:
        send = functools.partial(interaction.followup.send, ephemeral=private)
        # Discord tells each interaction how large an attachment may be; never more than ours.
        limit = min(MAX_UPLOAD_BYTES, interaction.filesize_limit or MAX_UPLOAD_BYTES)
        for reply in replies or [DATABASE_DOWN]:
            await send_with_files(send, send_kwargs(payload(reply)), reply.files, max_bytes=limit)

    async def _say(self, channel: discord.abc.Messageable, replies: list[OutgoingMessage]) -> None:
        for reply in replies:
            try:
                await send_with_files(
                    channel.send, send_kwargs(payload(reply), nonce=nonce_for(reply)), reply.files
                )
            except discord.HTTPException as error:
                log.warning(
                    "could not send a reply",
                    extra={"fields": {"status": error.status, "code": error.code}},
                )

    async def _channel(self, channel_id: int) -> discord.abc.Messageable | None:
        channel = self._client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self._client.fetch_channel(channel_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def _recipient(self, channel_id: int) -> discord.User | None:
        """The other side of a DM channel, asked of Discord (a cached channel may lack it)."""
        try:
            channel = await self._client.fetch_channel(channel_id)
        except discord.HTTPException:
            return None
        return channel.recipient if isinstance(channel, discord.DMChannel) else None


def _modal_values(data: dict[str, Any]) -> dict[str, str]:
    """A modal submit's inputs as {custom_id: value}; rows hold the text inputs."""
    values: dict[str, str] = {}
    for row in data.get("components", []) or []:
        for component in row.get("components", []) or []:
            if "custom_id" in component:
                values[str(component["custom_id"])] = str(component.get("value") or "")
        if "component" in row and isinstance(row["component"], dict):  # label-wrapped inputs
            inner = row["component"]
            values[str(inner.get("custom_id"))] = str(inner.get("value") or "")
    return values
