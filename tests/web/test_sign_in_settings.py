"""The sign-in buttons follow the platforms' own variables; half a pair stops the start."""

from __future__ import annotations

import pytest

from bot.config import SettingsError
from bot.web.deps import WebSettings
from bot.web.oauth.environment import with_sign_in
from bot.web.oauth.settings import discord_endpoints, slack_endpoints

NAMES = (
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "DISCORD_CLIENT_ID",
    "DISCORD_CLIENT_SECRET",
    "DISCORD_API_URL",
    "DISCORD_TOKEN",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_no_client_ids_no_buttons() -> None:
    settings = with_sign_in(WebSettings())
    assert not settings.slack_sign_in and not settings.discord_sign_in
    assert slack_endpoints(settings) is None and discord_endpoints(settings) is None


def test_both_platforms_from_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "slack-secret")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("DISCORD_CLIENT_ID", "42")
    monkeypatch.setenv("DISCORD_CLIENT_SECRET", "discord-secret")
    monkeypatch.setenv("DISCORD_TOKEN", "bot-token")

    settings = with_sign_in(WebSettings(base_url="https://pln.example.org"))

    slack = slack_endpoints(settings)
    assert slack is not None
    assert slack.authorize_url == "http://127.0.0.1:9/openid/connect/authorize"
    assert slack.token_url == "http://127.0.0.1:9/api/openid.connect.token"
    assert slack.issuer == "http://127.0.0.1:9"
    discord = discord_endpoints(settings)
    assert discord is not None
    assert discord.authorize_url == "https://discord.com/oauth2/authorize"
    assert discord.token_url == "https://discord.com/api/v10/oauth2/token"
    assert discord.bot_token is not None
    assert "secret" not in repr(settings) and "bot-token" not in repr(settings)


@pytest.mark.parametrize("name", ["SLACK_CLIENT_ID", "DISCORD_CLIENT_SECRET"])
def test_half_a_pair_is_one_line_naming_both(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "x")
    with pytest.raises(SettingsError, match=r"_CLIENT_ID and .*_CLIENT_SECRET go together"):
        with_sign_in(WebSettings())
