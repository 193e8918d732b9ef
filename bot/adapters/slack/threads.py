"""Reading a discussion's thread on Slack (conversations.replies) and linking to a post.

Needs the `channels:history` scope (and `groups:history` for a private channel); without
it Slack answers `missing_scope` and the recap says it could not read the thread.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.ports import ThreadReply

log = logging.getLogger(__name__)

PAGE: Final = 200  # replies per conversations.replies call
MAX_PAGES: Final = 25  # a thread longer than 5,000 replies is counted up to there


def split_ref(platform_message_ref: str, channel_id: str) -> tuple[str, str]:
    """(channel, ts) of a post named `channel:ts` (see messenger.message_ref)."""
    channel, _, ts = platform_message_ref.rpartition(":")
    return channel or channel_id, ts


def archive_link(channel: str, ts: str) -> str:
    """Slack's permanent link form for a message: it opens in the member's own workspace."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def _reply(message: dict[str, Any], thread_ts: str) -> ThreadReply | None:
    """A person's reply; None for the post itself, the bot's own messages, and joins."""
    if message.get("ts") == thread_ts or message.get("bot_id") or message.get("subtype"):
        return None
    user = message.get("user")
    if not user:
        return None
    at = datetime.fromtimestamp(float(message.get("ts") or 0), tz=UTC)
    return ThreadReply(str(user), str(message.get("text") or ""), at)


async def thread_replies(
    client: AsyncWebClient, token: str, channel: str, thread_ts: str
) -> list[ThreadReply] | None:
    """Every reply in the thread, oldest first; None when Slack will not say."""
    found: list[ThreadReply] = []
    cursor: str | None = None
    try:
        for _ in range(MAX_PAGES):
            response = await client.conversations_replies(
                token=token, channel=channel, ts=thread_ts, limit=PAGE, cursor=cursor
            )
            for message in response.get("messages") or []:
                reply = _reply(message, thread_ts)
                if reply is not None:
                    found.append(reply)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
    except SlackApiError as error:
        code = error.response.get("error")
        log.warning("slack would not show a thread", extra={"fields": {"error": code}})
        return None
    except (aiohttp.ClientError, TimeoutError) as error:
        name = type(error).__name__
        log.warning("could not reach slack to read a thread", extra={"fields": {"error": name}})
        return None
    return found
