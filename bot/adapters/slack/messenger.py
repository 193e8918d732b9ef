"""Sends the core's prompts to Slack members as DMs, paced, mapping Slack's answers to outcomes.

The Messenger contract (bot.core.ports) is what keeps delivery exactly-once: SENT only when
Slack accepted the message, RETRY_LATER only when it certainly did not (a 429 or an error
answer), UNREACHABLE when the member can never be messaged. A DM is posted to the member's
user id directly (no conversations.open first); the DM channel id from the answer is kept,
for the per-channel pace and for `was_delivered`. Every scheduled send carries its marker in
the message's metadata, so after a crash `was_delivered` can look in the DM's history.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import timedelta
from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.file_notes import not_attached_note
from bot.adapters.slack import threads
from bot.adapters.slack.files import upload_files
from bot.adapters.slack.limits import SlackLimits
from bot.adapters.slack.render import message_payload
from bot.adapters.slack.retries import retry_after_seconds_of
from bot.adapters.slack.workspaces import BotTokens
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Recipient, SendResult, ThreadReply, marker_of

log = logging.getLogger(__name__)

# Slack errors that mean this member cannot be sent a DM, now or on a retry.
UNREACHABLE_ERRORS: Final = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "messages_tab_disabled",
        "restricted_action",
    }
)


# chat.delete errors that mean the post is not there any more: what unsharing wants.
ALREADY_GONE_ERRORS: Final = frozenset({"message_not_found", "channel_not_found"})


METADATA_EVENT: Final = "pln_send"  # the message metadata event type of scheduled sends
HISTORY_LOOKBACK: Final = 50  # messages of the DM read to find an interrupted send
KNOWN_DM_CHANNELS: Final = 20_000  # user id → DM channel id, most recent kept


def metadata_of(message: OutgoingMessage) -> dict[str, Any] | None:
    """Slack message metadata naming the send (`chat.postMessage`'s `metadata`)."""
    marker = marker_of(message)
    if marker is None:
        return None
    return {"event_type": METADATA_EVENT, "event_payload": {"marker": marker}}


def message_ref(channel: str, ts: str) -> str:
    """How pln-bot names a Slack message: unique, and rebuilt from any event about it."""
    return f"{channel}:{ts}"


class SlackMessenger:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, tokens: BotTokens, limits: SlackLimits) -> None:
        self._client = client
        self._tokens = tokens
        self._limits = limits
        self._dm_channels: OrderedDict[tuple[str, str], str] = OrderedDict()

    async def wait_turn(
        self, community_external_id: str, destination: str, *, direct: bool
    ) -> None:
        """The DM's (or channel's) second, then the workspace's turn."""
        channel = destination
        if direct:
            channel = self._dm_channels.get((community_external_id, destination), destination)
        await self._limits.wait_turn(community_external_id, channel)

    def _remember_dm(self, workspace: str, user_id: str, channel: str) -> None:
        key = (workspace, user_id)
        self._dm_channels[key] = channel
        self._dm_channels.move_to_end(key)
        while len(self._dm_channels) > KNOWN_DM_CHANNELS:
            self._dm_channels.popitem(last=False)

    async def forget_user(self, community_external_id: str, platform_user_id: str) -> None:
        """`/pln forget-me`: the workspace's installation keeps no trace of the person."""
        await self._tokens.forget_user(community_external_id, platform_user_id)

    async def send_direct(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        token = await self._tokens.bot_token(recipient.community_external_id)
        if token is None:
            return SendResult.unreachable("the app is not installed in this workspace")
        workspace = recipient.community_external_id
        extra: dict[str, Any] = {}
        metadata = metadata_of(message)
        if metadata is not None:
            extra["metadata"] = metadata
        try:
            with self._limits.calling_for(workspace):
                response = await self._client.chat_postMessage(
                    token=token,
                    channel=recipient.platform_user_id,  # a user id posts to the app's DM
                    unfurl_links=False,
                    unfurl_media=False,
                    **message_payload(message),
                    **extra,
                )
        except SlackApiError as error:
            return self._refused(recipient, error)
        channel = str(response.get("channel") or recipient.platform_user_id)
        self._remember_dm(workspace, recipient.platform_user_id, channel)
        if message.files:
            try:
                await self._send_files(token, workspace, channel, message)
            except Exception as error:  # the text is out: raising would make the loop resend it
                log.warning(
                    "could not send a message's files",
                    extra={"fields": {"error": type(error).__name__}},
                )
        known = (recipient.dm_channel_id, recipient.platform_user_id)
        opened = channel if channel not in known else None  # kept on the member
        return SendResult.sent(message_ref(channel, str(response.get("ts"))), dm_channel_id=opened)

    async def _send_files(
        self, token: str, workspace: str, channel: str, message: OutgoingMessage
    ) -> None:
        """The files after the text, in the same DM. The text is already delivered, so the
        send counts as SENT whatever happens here: a resend would repeat the text."""
        refused = await upload_files(
            self._client,
            message.files,
            channel=channel,
            token=token,
            pacer=self._limits.scope(workspace, channel),
        )
        if not refused:
            return
        try:
            await self._client.chat_postMessage(
                token=token, channel=channel, **message_payload(plain(not_attached_note(refused)))
            )
        except SlackApiError as error:
            log.warning(
                "could not say that a file was refused",
                extra={"fields": {"error": error.response.get("error")}},
            )

    async def send_to_channel(
        self,
        community_external_id: str,
        channel_id: str,
        message: OutgoingMessage,
        thread_ref: str | None = None,
    ) -> SendResult:
        """A post in the PLN channel (channel mode's prompt, a shared answer, a discussion),
        or in a post's thread (a discussion's recap). Any post can take a thread on Slack,
        so a discussion's `thread_title` needs nothing more."""
        token = await self._tokens.bot_token(community_external_id)
        if token is None:
            return SendResult.unreachable("the app is not installed in this workspace")
        extra: dict[str, Any] = {}
        metadata = metadata_of(message)
        if metadata is not None:
            extra["metadata"] = metadata
        try:
            thread_ts: str | None = None
            if thread_ref is not None:
                channel_id, thread_ts = threads.split_ref(thread_ref, channel_id)
            with self._limits.calling_for(community_external_id):
                response = await self._client.chat_postMessage(
                    token=token,
                    channel=channel_id,
                    thread_ts=thread_ts,
                    unfurl_links=False,
                    **message_payload(message),
                    **extra,
                )
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            if error.response.status_code == 429 or code == "ratelimited":
                wait = retry_after_seconds_of(error.response.headers)
                self._limits.slow_down_workspace(community_external_id, wait)
                return SendResult.retry_later(code, after=timedelta(seconds=wait))
            if code in UNREACHABLE_ERRORS:
                return SendResult.unreachable(code)
            return SendResult.retry_later(code)
        return SendResult.sent(message_ref(str(response.get("channel")), str(response.get("ts"))))

    async def delete_in_channel(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> bool:
        """Take a post down (an unshared answer). A post already gone counts as deleted."""
        token = await self._tokens.bot_token(community_external_id)
        if token is None:
            return False
        channel, _, ts = platform_message_ref.rpartition(":")
        try:
            await self._client.chat_delete(token=token, channel=channel or channel_id, ts=ts)
        except SlackApiError as error:
            code = str(error.response.get("error"))
            if code in ALREADY_GONE_ERRORS:
                return True
            log.warning("slack refused to delete a post", extra={"fields": {"error": code}})
            return False
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning(
                "could not reach slack to delete a post",
                extra={"fields": {"error": type(error).__name__}},
            )
            return False
        return True

    async def send_to_group(
        self,
        community_external_id: str,
        platform_user_ids: tuple[str, ...],
        message: OutgoingMessage,
    ) -> SendResult:
        """A check-in group's introduction: one group DM (conversations.open with every
        member, then one message in it)."""
        token = await self._tokens.bot_token(community_external_id)
        if token is None:
            return SendResult.unreachable("the app is not installed in this workspace")
        try:  # the send pipeline took the workspace's turn
            with self._limits.calling_for(community_external_id):
                opened = await self._client.conversations_open(
                    token=token, users=",".join(platform_user_ids)
                )
                channel = str((opened.get("channel") or {}).get("id"))
                response = await self._client.chat_postMessage(
                    token=token, channel=channel, unfurl_links=False, **message_payload(message)
                )
        except SlackApiError as error:
            code = str(error.response.get("error") or f"http_{error.response.status_code}")
            if error.response.status_code == 429 or code == "ratelimited":
                wait = retry_after_seconds_of(error.response.headers)
                return SendResult.retry_later(code, after=timedelta(seconds=wait))
            if code in UNREACHABLE_ERRORS:
                return SendResult.unreachable(code)
            return SendResult.retry_later(code)
        return SendResult.sent(message_ref(channel, str(response.get("ts"))))

    async def thread_replies(
        self, community_external_id: str, channel_id: str, thread_ref: str
    ) -> list[ThreadReply] | None:
        token = await self._tokens.bot_token(community_external_id)
        if token is None:
            return None
        channel, ts = threads.split_ref(thread_ref, channel_id)
        await self._limits.wait_turn(community_external_id, channel)
        with self._limits.calling_for(community_external_id):
            return await threads.thread_replies(self._client, token, channel, ts)

    def link_to(
        self, community_external_id: str, channel_id: str, platform_message_ref: str
    ) -> str:
        return threads.archive_link(*threads.split_ref(platform_message_ref, channel_id))

    def _refused(self, recipient: Recipient, error: SlackApiError) -> SendResult:
        code = str(error.response.get("error") or f"http_{error.response.status_code}")
        log.warning(
            "slack refused a DM",
            extra={"fields": {"member_id": recipient.member_id, "error": code}},
        )
        if error.response.status_code == 429 or code == "ratelimited":
            wait = retry_after_seconds_of(error.response.headers)
            self._limits.slow_down_workspace(recipient.community_external_id, wait)
            return SendResult.retry_later(code, after=timedelta(seconds=wait))
        if code in UNREACHABLE_ERRORS:
            return SendResult.unreachable(code)
        return SendResult.retry_later(code)

    async def was_delivered(self, recipient: Recipient, marker: str) -> bool | None:
        """Look in the DM's recent history for the bot's message carrying `marker`.

        None when Slack cannot be asked (no token, no DM channel, an error): the caller then
        resends and counts the send as uncertain."""
        workspace = recipient.community_external_id
        token = await self._tokens.bot_token(workspace)
        if token is None:
            return None
        try:
            channel = recipient.dm_channel_id or self._dm_channels.get(
                (workspace, recipient.platform_user_id)
            )
            if channel is None:
                opened = await self._client.conversations_open(
                    token=token, users=recipient.platform_user_id
                )
                channel = str((opened.get("channel") or {}).get("id") or "")
                if not channel:
                    return None
                self._remember_dm(workspace, recipient.platform_user_id, channel)
            history = await self._client.conversations_history(
                token=token, channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            log.warning(
                "could not read a DM's history to check an interrupted send",
                extra={"fields": {"member_id": recipient.member_id, "error": type(error).__name__}},
            )
            return None
        for found in history.get("messages") or []:
            metadata = found.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("marker") == marker:
                return True
        return False
