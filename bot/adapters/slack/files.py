"""Uploads a message's files into a Slack conversation with `files_upload_v2`.

Slack takes files through its external upload flow (files.getUploadURLExternal, a POST of
the bytes, files.completeUploadExternal), which slack_sdk's `files_upload_v2` runs with our
retry handlers. A message's text is always posted first, so an upload that fails only
costs the file: the caller says so in the chat.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.pacing import Pacer
from bot.core.messages import Attachment

log = logging.getLogger(__name__)


async def upload_files(
    client: AsyncWebClient,
    files: Sequence[Attachment],
    *,
    channel: str,
    token: str | None = None,
    thread_ts: str | None = None,
    pacer: Pacer | None = None,
) -> list[Attachment]:
    """Share each file in `channel` (a DM id); returns the files Slack did not take."""
    refused: list[Attachment] = []
    for attachment in files:
        if pacer is not None:
            await pacer.wait_turn()
        try:
            await client.files_upload_v2(
                channel=channel,
                content=attachment.content,
                filename=attachment.filename,
                title=attachment.title or attachment.filename,
                initial_comment=attachment.title or None,
                thread_ts=thread_ts,
                token=token,  # None: the client's own token
            )
        except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
            # The kind and Slack's code only: an SDK error's text can quote the file's bytes.
            code = error.response.get("error") if isinstance(error, SlackApiError) else None
            log.warning(
                "slack refused a file upload",
                extra={"fields": {"error": code or type(error).__name__}},
            )
            refused.append(attachment)
    return refused
