"""Signed HTTP requests to a bolt app's `POST /slack/events`, in Slack's real payload shapes.

Bolt verifies `X-Slack-Signature` against the real wall clock, so the signature here is computed
the way Slack does (v0 HMAC-SHA256 over "v0:{timestamp}:{body}") with `time.time()`. `signing`
selects a broken variant to prove the app refuses it: "forged" (wrong secret), "stale" (valid
signature over a timestamp 10 minutes old) or "missing" (no signature headers at all).

The payload builders are public so the same shapes can be delivered over Socket Mode
(`SlackStandIn.socket_send`), where Slack sends exactly these bodies inside an envelope.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import urlencode

import aiohttp

Signing = Literal["valid", "forged", "stale", "missing"]

VERIFICATION_TOKEN = "legacy-verification-token"  # deprecated by Slack but still sent in bodies
BOT_USER_ID = "UBOT"
STALE_SECONDS = 600
FORM = "application/x-www-form-urlencoded"

_TS_BASE_SECONDS = int(time.time())
_ts_counter = itertools.count(1)
_id_counter = itertools.count(1)


def next_ts() -> str:
    """A unique, strictly increasing Slack-style ts ("seconds.micros") near the current time."""
    micros = next(_ts_counter)
    return f"{_TS_BASE_SECONDS + micros // 1_000_000}.{micros % 1_000_000:06d}"


def unique_id(prefix: str) -> str:
    """A fresh id like Slack's (e.g. "Ev0001A2B3C4"); unique within the test run."""
    return f"{prefix}{next(_id_counter):04d}{uuid.uuid4().hex[:8].upper()}"


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{body}"))."""
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SlackResponse:
    """What the app answered Slack, and how long it took (Slack gives up after 3 seconds)."""

    status: int
    text: str
    json: Any | None
    elapsed: float


class SlackRequests:
    """Plays Slack's side of the Events API / interactivity / slash command HTTP endpoint."""

    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        *,
        team_id: str = "T1",
        api_app_id: str = "A1",
        response_url: str = "http://127.0.0.1:9/hooks/default",
    ) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.response_url = response_url
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- senders ---------------------------------------------------------------------------

    async def slash_command(
        self,
        user_id: str,
        text: str,
        *,
        channel_id: str = "C1",
        channel_name: str = "general",
        user_name: str | None = None,
        team_id: str | None = None,
        response_url: str | None = None,
        command: str = "/pln",
        signing: Signing = "valid",
    ) -> SlackResponse:
        payload = self.slash_command_payload(
            user_id,
            text,
            channel_id=channel_id,
            channel_name=channel_name,
            user_name=user_name,
            team_id=team_id,
            response_url=response_url,
            command=command,
        )
        return await self.raw(urlencode(payload).encode(), FORM, signing=signing)

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        team_id: str | None = None,
        signing: Signing = "valid",
    ) -> SlackResponse:
        """Deliver an Events API callback; `retry_num` marks it as Slack's redelivery."""
        envelope = self.event_envelope(event, event_id=event_id, team_id=team_id)
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        body = json.dumps(envelope).encode()
        return await self.raw(body, "application/json", signing=signing, extra_headers=headers)

    async def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str,
        *,
        channel_id: str | None = None,
        message_ts: str = "1700000000.000100",
        trigger_id: str = "trigger-1",
        container_type: str = "message",
        view: dict[str, Any] | None = None,
        team_id: str | None = None,
        block_id: str = "actions",
        message_text: str = "",
        signing: Signing = "valid",
    ) -> SlackResponse:
        payload = self.block_action_payload(
            user_id,
            action_id,
            value,
            channel_id=channel_id,
            message_ts=message_ts,
            trigger_id=trigger_id,
            container_type=container_type,
            view=view,
            team_id=team_id,
            block_id=block_id,
            message_text=message_text,
        )
        return await self._send_interaction(payload, signing)

    async def view_submission(
        self,
        user_id: str,
        callback_id: str,
        private_metadata: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        team_id: str | None = None,
        view_id: str = "VMODAL1",
        signing: Signing = "valid",
    ) -> SlackResponse:
        payload = self.view_submission_payload(
            user_id, callback_id, private_metadata, values, team_id=team_id, view_id=view_id
        )
        return await self._send_interaction(payload, signing)

    async def url_verification(
        self, challenge: str, *, signing: Signing = "valid"
    ) -> SlackResponse:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return await self.raw(json.dumps(body).encode(), "application/json", signing=signing)

    async def raw(
        self,
        body: bytes,
        content_type: str,
        *,
        signing: Signing = "valid",
        extra_headers: dict[str, str] | None = None,
    ) -> SlackResponse:
        """POST exactly these bytes, signed as asked; the building block of every sender."""
        headers = {"Content-Type": content_type, **self.signature_headers(body, signing)}
        headers.update(extra_headers or {})
        session = self._client_session()
        started = time.perf_counter()
        async with session.post(self.events_url, data=body, headers=headers) as response:
            text = await response.text()
        elapsed = time.perf_counter() - started
        return SlackResponse(response.status, text, _json_or_none(text), elapsed)

    def signature_headers(self, body: bytes, signing: Signing = "valid") -> dict[str, str]:
        if signing == "missing":
            return {}
        timestamp = int(time.time()) - (STALE_SECONDS if signing == "stale" else 0)
        secret = self.signing_secret if signing != "forged" else "not-" + self.signing_secret
        return {
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": slack_signature(secret, str(timestamp), body),
        }

    # -- event builders --------------------------------------------------------------------

    def message_im_event(
        self,
        user_id: str,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """A user's DM to the bot, as a `message` event with channel_type "im"."""
        ts = ts or next_ts()
        event: dict[str, Any] = {
            "type": "message",
            "channel_type": "im",
            "channel": channel or "D" + user_id,
            "user": user_id,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "team": self.team_id,
            "client_msg_id": str(uuid.uuid4()),
            "blocks": [_rich_text_block(text)],
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return event

    def message_changed_event(
        self,
        user_id: str,
        ts: str,
        new_text: str,
        *,
        channel: str | None = None,
        previous_text: str = "",
    ) -> dict[str, Any]:
        """An edit: the event's own ts is new; the edited message keeps its ts in `message`."""
        event_ts = next_ts()
        return {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": channel or "D" + user_id,
            "channel_type": "im",
            "message": {
                "type": "message",
                "user": user_id,
                "text": new_text,
                "ts": ts,
                "edited": {"user": user_id, "ts": event_ts},
                "blocks": [_rich_text_block(new_text)],
            },
            "previous_message": {
                "type": "message",
                "user": user_id,
                "text": previous_text,
                "ts": ts,
            },
            "ts": event_ts,
            "event_ts": event_ts,
        }

    def message_deleted_event(
        self,
        user_id: str,
        ts: str,
        *,
        channel: str | None = None,
        previous_text: str = "",
    ) -> dict[str, Any]:
        """A deletion: no top-level user; bolt finds the author in previous_message."""
        event_ts = next_ts()
        return {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": channel or "D" + user_id,
            "channel_type": "im",
            "deleted_ts": ts,
            "previous_message": {
                "type": "message",
                "user": user_id,
                "text": previous_text,
                "ts": ts,
            },
            "ts": event_ts,
            "event_ts": event_ts,
        }

    def app_home_opened_event(self, user_id: str, *, tab: str = "home") -> dict[str, Any]:
        return {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id,
            "tab": tab,
            "event_ts": next_ts(),
        }

    # -- payload builders (also what Socket Mode envelopes carry) --------------------------

    def slash_command_payload(
        self,
        user_id: str,
        text: str,
        *,
        channel_id: str = "C1",
        channel_name: str = "general",
        user_name: str | None = None,
        team_id: str | None = None,
        response_url: str | None = None,
        command: str = "/pln",
    ) -> dict[str, str]:
        """The form fields of a slash command (all strings, as Slack sends them)."""
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id or self.team_id,
            "team_domain": "pln",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url,
            "trigger_id": unique_id("trigger."),
        }

    def event_envelope(
        self, event: dict[str, Any], *, event_id: str | None = None, team_id: str | None = None
    ) -> dict[str, Any]:
        """The event_callback body; bolt takes the team from authorizations[0]."""
        team = team_id or self.team_id
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": team,
            "context_team_id": team,
            "context_enterprise_id": None,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or unique_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }

    def block_action_payload(
        self,
        user_id: str,
        action_id: str,
        value: str,
        *,
        channel_id: str | None = None,
        message_ts: str = "1700000000.000100",
        trigger_id: str = "trigger-1",
        container_type: str = "message",
        view: dict[str, Any] | None = None,
        team_id: str | None = None,
        block_id: str = "actions",
        message_text: str = "",
    ) -> dict[str, Any]:
        """A button click; in a message it carries channel+message+response_url, in a view
        (App Home or modal) it carries the view instead and Slack sends no response_url."""
        team = team_id or self.team_id
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": team, "domain": "pln"},
            "user": _user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": trigger_id,
            "is_enterprise_install": False,
            "enterprise": None,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "text": {"type": "plain_text", "text": value, "emoji": True},
                    "value": value,
                    "type": "button",
                    "action_ts": next_ts(),
                }
            ],
        }
        if container_type == "view":
            view = view or _home_view(user_id, team)
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = view
            return payload
        channel = channel_id or "D" + user_id
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
        }
        payload["channel"] = {"id": channel, "name": "directmessage"}
        payload["message"] = {
            "type": "message",
            "user": BOT_USER_ID,
            "ts": message_ts,
            "text": message_text,
        }
        payload["response_url"] = self.response_url
        payload["state"] = {"values": {}}
        return payload

    def view_submission_payload(
        self,
        user_id: str,
        callback_id: str,
        private_metadata: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        team_id: str | None = None,
        view_id: str = "VMODAL1",
    ) -> dict[str, Any]:
        """A modal's submit: inputs arrive as view.state.values[block_id][action_id]."""
        team = team_id or self.team_id
        return {
            "type": "view_submission",
            "team": {"id": team, "domain": "pln"},
            "user": _user(user_id, team),
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": unique_id("trigger."),
            "view": {
                "id": view_id,
                "team_id": team,
                "type": "modal",
                "blocks": [],
                "private_metadata": private_metadata,
                "callback_id": callback_id,
                "state": {"values": values},
                "hash": f"{next_ts()}.standin",
                "title": {"type": "plain_text", "text": "PLN"},
                "app_id": self.api_app_id,
                "external_id": "",
                "root_view_id": view_id,
                "previous_view_id": None,
                "app_installed_team_id": team,
                "bot_id": "BBOT",
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    # -- internals -------------------------------------------------------------------------

    async def _send_interaction(self, payload: dict[str, Any], signing: Signing) -> SlackResponse:
        """Interactivity arrives form-encoded with the JSON in a single `payload` field."""
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.raw(body, FORM, signing=signing)

    def _client_session(self) -> aiohttp.ClientSession:
        """Created on first use: aiohttp wants a running event loop."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session


def _user(user_id: str, team_id: str) -> dict[str, str]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _home_view(user_id: str, team_id: str) -> dict[str, Any]:
    return {
        "id": "VHOME" + user_id,
        "team_id": team_id,
        "type": "home",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": f"{next_ts()}.standin",
        "external_id": "",
    }


def _rich_text_block(text: str) -> dict[str, Any]:
    """Messages typed in the Slack client carry their text again as a rich_text block."""
    return {
        "type": "rich_text",
        "block_id": unique_id("rt"),
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def _json_or_none(text: str) -> Any | None:
    try:
        return json.loads(text)
    except ValueError:
        return None
