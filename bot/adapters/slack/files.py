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

from bot.adapters.pacing import Turns
from bot.core.messages import Attachment

log = logging.getLogger(__name__)


async def upload_files(
    client: AsyncWebClient,
    files: Sequence[Attachment],
    *,
    channel: str,
    token: str | None = None,
    thread_ts: str | None = None,
    pacer: Turns | None = None,
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


MAX_DOWNLOAD_BYTES = 2_000_000  # a file attached to a command is a calendar, not a video


async def download_file(client: AsyncWebClient, file: dict[str, object]) -> Attachment | None:
    """A file a member shared with a command (a calendar for `holidays import`), read from
    its `url_private` with the bot token; None when Slack would not give it (or it is far
    larger than anything a command takes): the core then says what it expected."""
    url = file.get("url_private_download") or file.get("url_private")
    size = file.get("size")
    if not isinstance(url, str) or (isinstance(size, int) and size > MAX_DOWNLOAD_BYTES):
        return None
    headers = {"Authorization": f"Bearer {client.token}"}
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, headers=headers, allow_redirects=False) as response,
        ):
            if response.status != 200:
                log.warning("shared file refused", extra={"fields": {"status": response.status}})
                return None
            content = await response.content.read(MAX_DOWNLOAD_BYTES + 1)
    except aiohttp.ClientError as error:
        log.warning("shared file unreadable", extra={"fields": {"error": type(error).__name__}})
        return None
    name = str(file.get("name") or "file")
    return Attachment(name, content, str(file.get("mimetype") or ""))
