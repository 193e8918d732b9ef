"""`SlackRequests`: posts signed requests to a bolt app's `POST /slack/events` and reads
its answers, composed of the payload builders and signing of this package."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import aiohttp

from tests.support.slack_requests.constants import FORM, VERIFICATION_TOKEN
from tests.support.slack_requests.events import EventPayloads
from tests.support.slack_requests.interactivity import InteractivityPayloads
from tests.support.slack_requests.signing import RequestSigning, Signing
from tests.support.slack_requests.slash_commands import SlashCommandPayloads


@dataclass(frozen=True)
class SlackResponse:
    """What the app answered Slack, and how long it took (Slack gives up after 3 seconds)."""

    status: int
    text: str
    json: Any | None
    elapsed: float


class SlackRequests(SlashCommandPayloads, EventPayloads, InteractivityPayloads, RequestSigning):
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


def _json_or_none(text: str) -> Any | None:
    try:
        return json.loads(text)
    except ValueError:
        return None
