"""Slash command payloads: the form fields Slack posts for `/pln ...`."""

from __future__ import annotations

from tests.support.slack_requests.constants import VERIFICATION_TOKEN
from tests.support.slack_requests.ids import unique_id


class SlashCommandPayloads:
    """Builder of a slash command's form fields."""

    team_id: str
    api_app_id: str
    response_url: str

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
