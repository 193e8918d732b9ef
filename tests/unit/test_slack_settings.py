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
    ("extra", "mode"),
    [
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}, SlackMode.HTTP),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x", "SLACK_APP_TOKEN": "xapp-1"},
            SlackMode.SOCKET,
        ),
    ],
)
def test_a_bot_token_with_the_client_id_and_secret_stays_single_workspace_with_sign_in(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, str], mode: SlackMode
) -> None:
    """With a bot token the app's credentials are for Sign in with Slack only: no OAuth
    install mode (no PLN_TOKEN_KEY asked for)."""
    chosen = settings(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", **SIGNED, **extra)
    assert chosen.check() is mode


@pytest.mark.parametrize("extra", [{"SLACK_CLIENT_ID": "1.2"}, {"SLACK_CLIENT_SECRET": "x"}])
def test_a_bot_token_with_half_of_the_client_credentials_is_refused_naming_both(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, str]
) -> None:
    chosen = settings(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", **SIGNED, **extra)
    with pytest.raises(SettingsError) as refused:
        chosen.check()
    assert "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together" in str(refused.value)
    assert "Sign in with Slack" in str(refused.value)


def test_one_workspace_and_many_workspaces_each_start_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", **SIGNED).check() is SlackMode.HTTP
    many = settings(
        monkeypatch, SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="x", PLN_TOKEN_KEY="k", **SIGNED
    )
    assert many.check() is SlackMode.OAUTH
