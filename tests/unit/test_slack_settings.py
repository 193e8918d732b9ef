"""Slack settings: each mixture of variables runs in one clear mode, or is refused with a
line naming what to change."""

from __future__ import annotations

import pytest

from bot.adapters.slack.settings import SlackMode, SlackSettings
from bot.config import SettingsError

SIGNED = {"SLACK_SIGNING_SECRET": "s3cret"}


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> SlackSettings:
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return SlackSettings()


@pytest.mark.parametrize(
    "extra",
    [
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"},
        {"SLACK_CLIENT_ID": "1.2"},
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_APP_TOKEN": "xapp-1"},
    ],
)
def test_a_bot_token_with_oauth_client_settings_is_refused_naming_both_ways_out(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]
) -> None:
    """bolt would read the client id and secret itself and ignore the token."""
    chosen = settings(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", **SIGNED, **extra)
    with pytest.raises(SettingsError) as refused:
        chosen.check()
    assert "unset the client id and secret" in str(refused.value)
    assert "unset SLACK_BOT_TOKEN" in str(refused.value)


def test_one_workspace_and_many_workspaces_each_start_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", **SIGNED).check() is SlackMode.HTTP
    many = settings(
        monkeypatch, SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="x", PLN_TOKEN_KEY="k", **SIGNED
    )
    assert many.check() is SlackMode.OAUTH
