"""Interactivity payloads: button clicks in messages and views, and modal submissions."""

from __future__ import annotations

from typing import Any

from tests.support.slack_requests.constants import BOT_USER_ID, VERIFICATION_TOKEN
from tests.support.slack_requests.ids import next_ts, unique_id


class InteractivityPayloads:
    """Builders of block_actions and view_submission payloads."""

    team_id: str
    api_app_id: str
    response_url: str

    # -- payload builders (also what Socket Mode envelopes carry) --------------------------

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
