"""Events API payloads: what members do in DMs and App Home, and the event_callback
envelope Slack wraps around each event."""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.support.slack_requests.constants import BOT_USER_ID, VERIFICATION_TOKEN
from tests.support.slack_requests.ids import next_ts, unique_id


class EventPayloads:
    """Builders of Events API events and their envelope."""

    team_id: str
    api_app_id: str

    # -- event builders --------------------------------------------------------------------

    def message_im_event(
        self,
        user_id: str,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        channel: str | None = None,
        files: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A user's DM to the bot, as a `message` event with channel_type "im" (subtype
        `file_share` with the `files` the message carries)."""
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
        if files:
            event["subtype"] = "file_share"
            event["files"] = files
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


def _rich_text_block(text: str) -> dict[str, Any]:
    """Messages typed in the Slack client carry their text again as a rich_text block."""
    return {
        "type": "rich_text",
        "block_id": unique_id("rt"),
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }
