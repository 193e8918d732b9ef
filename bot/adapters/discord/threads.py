"""A discussion's thread on Discord: opened from the post, read for the recap, linked to.

A thread started from a message has the message's id, so the post's reference is also the
thread's channel id. Reading replies' text needs the Message Content intent switched on for
the application (docs/DISCORD.md); without it Discord sends empty text, and the recap
counts replies and people but finds no phrases.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Final

import aiohttp
import discord

from bot.core.ports import ThreadReply

log = logging.getLogger(__name__)

ARCHIVE_AFTER_MINUTES: Final = 4320  # three days of quiet, Discord's own choice of values
PAGE: Final = 100
MAX_PAGES: Final = 50
# members' own messages: default and replies (not joins, pins or the thread's starter)
PERSON_MESSAGE_TYPES: Final = frozenset({0, 19})


async def open_thread(client: discord.Client, channel_id: int, message_id: int, title: str) -> None:
    """Start the replies' thread on the post. The post is out whatever happens here, so a
    refusal is logged, never raised (raising would make the send pipeline post it again)."""
    try:
        await client.http.start_thread_with_message(
            channel_id, message_id, name=title[:100], auto_archive_duration=ARCHIVE_AFTER_MINUTES
        )
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
        log.warning(
            "discord refused to open a discussion thread",
            extra={"fields": {"status": getattr(error, "status", None)}},
        )


def _reply(message: Any) -> ThreadReply | None:
    author = message.get("author") or {}
    if author.get("bot") or message.get("type", 0) not in PERSON_MESSAGE_TYPES:
        return None
    at = datetime.fromisoformat(str(message["timestamp"]))
    return ThreadReply(str(author.get("id")), str(message.get("content") or ""), at)


async def thread_replies(client: discord.Client, thread_id: int) -> list[ThreadReply] | None:
    """Every person's reply in the thread, oldest first; None when Discord will not say."""
    found: list[ThreadReply] = []
    before: int | None = None
    try:
        for _ in range(MAX_PAGES):
            page = await client.http.logs_from(thread_id, PAGE, before=before)
            found += [reply for reply in map(_reply, page) if reply is not None]
            if len(page) < PAGE:
                break
            before = min(int(message["id"]) for message in page)
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
        log.warning(
            "discord would not show a discussion thread",
            extra={"fields": {"status": getattr(error, "status", None)}},
        )
        return None
    return sorted(found, key=lambda reply: reply.posted_at)


def message_link(guild_id: str, channel_id: str, message_id: str) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
