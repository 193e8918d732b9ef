"""Sends the core's prompts to Discord members as DMs, paced, mapping Discord's errors.

Two paces (`bot.adapters.pacing`): Discord's global 50 requests a second for every send,
and a conservative one for opening a NEW DM channel (`PLN_DISCORD_DM_RATE`), since Discord
quarantines bots that open many DMs quickly; a 40003 ("opening direct messages too fast")
halves that pace, holds it for a cool-down and defers the delivery. A member's DM channel
id is kept once known, so a weekly fan-out to known members opens no new DM channel.
Sends carry a nonce with `enforce_nonce`, so when a send is repeated after a 5xx that
Discord had in fact accepted, Discord returns the first message instead of posting a second.
discord.py puts a fresh nonce on each request (covering its own retries); ours is stable
per prompt, so it also covers the delivery loop's later resend of the same prompt.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any, Final

import aiohttp
import discord

from bot.adapters.discord import threads
from bot.adapters.discord.files import send_with_files
from bot.adapters.discord.render import DiscordPayload, payload
from bot.adapters.pacing import Pacer, wait_turns
from bot.core.messages import OutgoingMessage
from bot.core.ports import Recipient, SendResult, ThreadReply, marker_of

log = logging.getLogger(__name__)

CANNOT_DM: Final = 50007  # the member closed DMs, blocked the bot, or left every shared guild
UNKNOWN_USER: Final = 10013
UNKNOWN_CHANNEL: Final = 10003
DM_TOO_FAST: Final = 40003
DM_COOL_DOWN: Final = timedelta(minutes=5)
GLOBAL_RATE: Final = 50.0  # Discord's global limit: requests per second per bot


def nonce_for(message: OutgoingMessage) -> str:
    """A nonce for a send (Discord allows 25 characters).

    Stable per prompt and kind, so even a resend by the delivery loop is deduplicated within
    Discord's window; any other message gets a fresh one, which still covers discord.py's
    own retry of the same request after a 5xx.
    """
    marker = marker_of(message)
    if marker:  # the pipeline's name for the send: stable across every resend of it
        return "pln-" + hashlib.blake2b(marker.encode(), digest_size=10).hexdigest()
    key = (
        message.metadata.get("delivery_id")
        or message.metadata.get("channel_post_id")
        or message.metadata.get("digest_send_id")
    )
    return f"pln-{message.kind[:8]}-{key}"[:25] if key else secrets.token_hex(12)


def send_kwargs(rendered: DiscordPayload, *, nonce: str | None = None) -> dict[str, Any]:
    """Keyword arguments for Messageable.send, leaving out what the message does not have."""
    kwargs: dict[str, Any] = {"content": rendered.content}
    if rendered.embed is not None:
        kwargs["embed"] = rendered.embed
    if rendered.view is not None:
        kwargs["view"] = rendered.view
    if nonce is not None:
        kwargs["nonce"] = nonce
    return kwargs


class DiscordMessenger:
    platform = "discord"

    def __init__(self, pacer: Pacer, global_pacer: Pacer | None = None) -> None:
        self._client: discord.Client | None = None
        self._pacer = pacer  # opening new DM channels
        self._global = global_pacer or Pacer(GLOBAL_RATE)
        self.dm_channels: dict[str, str] = {}  # member's user id → their DM channel's id
        self._channel_ids: set[str] = set()

    def bind(self, client: discord.Client) -> None:
        self._client = client

    async def wait_turn(
        self, community_external_id: str, destination: str, *, direct: bool
    ) -> None:
        """A DM to a member whose DM channel is not known yet opens one: the DM pace first."""
        if direct and not self._known(destination):
            await wait_turns(self._pacer, self._global)
        else:
            await self._global.wait_turn()

    def _known(self, destination: str) -> bool:
        """A DM channel id we know, or a member whose DM channel we know."""
        return destination in self.dm_channels or destination in self._channel_ids

    async def _dm_channel(self, recipient: Recipient) -> tuple[discord.abc.Messageable, bool]:
        """The member's DM channel, and whether this call opened it."""
        assert self._client is not None
        known = recipient.dm_channel_id or self.dm_channels.get(recipient.platform_user_id)
        if known is not None and known.isdigit():
            self._channel_ids.add(known)
            partial = self._client.get_partial_messageable(
                int(known), type=discord.ChannelType.private
            )
            return partial, False
        channel = await self._client.create_dm(discord.Object(int(recipient.platform_user_id)))
        self.dm_channels[recipient.platform_user_id] = str(channel.id)
        self._channel_ids.add(str(channel.id))
        return channel, True

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        if self._client is None:
            raise RuntimeError("DiscordMessenger.bind(client) was not called")
        rendered = payload(message)
        try:
            channel, opened = await self._dm_channel(recipient)
            sent = await send_with_files(
                channel.send, send_kwargs(rendered, nonce=nonce_for(message)), message.files
            )
        except discord.HTTPException as error:
            return self._refused(recipient, error)
        opened_id = self.dm_channels.get(recipient.platform_user_id) if opened else None
        return SendResult.sent(str(sent.id), dm_channel_id=opened_id)

    async def send_to_channel(
        self,
        community_external_id: str,
        channel_id: str,
        message: OutgoingMessage,
        thread_ref: str | None = None,
    ) -> SendResult:
        """A post in the PLN channel (channel mode's prompt, a shared answer, a discussion,
        which opens its thread), or in a discussion's thread (its recap)."""
        if self._client is None:
            raise RuntimeError("DiscordMessenger.bind(client) was not called")
        try:
            channel: object
            if thread_ref is not None and thread_ref.isdigit():
                channel = self._client.get_partial_messageable(int(thread_ref))
            else:
                channel = self._client.get_channel(
                    int(channel_id)
                ) or await self._client.fetch_channel(int(channel_id))
            if not isinstance(channel, discord.abc.Messageable | discord.PartialMessageable):
                return SendResult.unreachable("the PLN channel is not a text channel")
            sent = await send_with_files(
                channel.send,
                send_kwargs(payload(message), nonce=nonce_for(message)),
                message.files,
            )
        except discord.HTTPException as error:
            if error.status in (403, 404):
                return SendResult.unreachable(f"cannot post in the PLN channel ({error.code})")
            return SendResult.retry_later(f"discord {error.status} ({error.code})")
        if message.thread_title and thread_ref is None:
            await threads.open_thread(self._client, sent.channel.id, sent.id, message.thread_title)
        return SendResult.sent(str(sent.id))

    async def thread_replies(
        self, community_external_id: str, channel_id: str, thread_ref: str
    ) -> list[ThreadReply] | None:
        if self._client is None or not thread_ref.isdigit():
            return None
        await self._global.wait_turn()
        return await threads.thread_replies(self._client, int(thread_ref))

    def link_to(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> str:
        return threads.message_link(community_external_id, channel_id, platform_message_ref)

    async def delete_in_channel(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> bool:
        """Take a post down (an unshared answer). A post already gone counts as deleted."""
        if self._client is None:
            raise RuntimeError("DiscordMessenger.bind(client) was not called")
        if not (channel_id.isdigit() and platform_message_ref.isdigit()):
            return False  # not a Discord message id: nothing of ours to take down
        try:
            await self._client.http.delete_message(int(channel_id), int(platform_message_ref))
        except discord.NotFound:
            return True  # the message (or its channel) is already gone
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            log.warning(
                "discord refused to delete a post",
                extra={
                    "fields": {
                        "status": getattr(error, "status", None),
                        "code": getattr(error, "code", None),
                    }
                },
            )
            return False
        return True

    def _refused(self, recipient: Recipient, error: discord.HTTPException) -> SendResult:
        log.warning(
            "discord refused a DM",
            extra={
                "fields": {
                    "member_id": recipient.member_id,
                    "status": error.status,
                    "code": error.code,
                }
            },
        )
        if error.code == DM_TOO_FAST:
            self._pacer.slow_down(DM_COOL_DOWN.total_seconds())
            return SendResult.retry_later("dm_too_fast (40003)", after=DM_COOL_DOWN)
        if error.status == 429:  # past discord.py's own retries: halve the global pace
            self._global.slow_down(float(getattr(error, "retry_after", 1.0) or 1.0))
        if error.code == UNKNOWN_CHANNEL and recipient.dm_channel_id is not None:
            self.dm_channels.pop(recipient.platform_user_id, None)  # stale: open a new one
            self._channel_ids.discard(recipient.dm_channel_id)
            return SendResult.retry_later("dm channel gone (10003)")
        if error.code in (CANNOT_DM, UNKNOWN_USER) or error.status in (403, 404):
            return SendResult.unreachable(f"cannot DM this member ({error.code or error.status})")
        return SendResult.retry_later(f"discord {error.status} ({error.code})")
