"""Where the sign-ins go, from the page's settings; half a Discord client stops the start."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.adapters.discord.settings import DiscordSettings
from bot.config import SettingsError
from bot.web.deps import WebSettings
from bot.web.oauth.settings import discord_endpoints, slack_endpoints


def test_no_client_ids_no_buttons() -> None:
    settings = WebSettings()
    assert not settings.slack_sign_in and not settings.discord_sign_in
    assert slack_endpoints(settings) is None and discord_endpoints(settings) is None


def test_endpoints_follow_the_api_urls() -> None:
    settings = WebSettings(
        slack_client_id="1.2",
        slack_client_secret="slack-secret",
        slack_api_url="http://127.0.0.1:9/api",
        discord_client_id="42",
        discord_client_secret="discord-secret",
        discord_bot_token="bot-token",
    )

    slack = slack_endpoints(settings)
    assert slack is not None
    assert slack.authorize_url == "http://127.0.0.1:9/openid/connect/authorize"
    assert slack.token_url == "http://127.0.0.1:9/api/openid.connect.token"
    assert slack.userinfo_url == "http://127.0.0.1:9/api/openid.connect.userInfo"
    assert slack.issuer == "http://127.0.0.1:9"
    discord = discord_endpoints(settings)
    assert discord is not None
    assert discord.authorize_url == "https://discord.com/oauth2/authorize"
    assert discord.token_url == "https://discord.com/api/v10/oauth2/token"
    assert discord.bot_token == SecretStr("bot-token")
    assert "secret" not in repr(settings) and "bot-token" not in repr(settings)


@pytest.mark.parametrize(
    "half", [{"discord_client_id": "42"}, {"discord_client_secret": "discord-secret"}]
)
def test_half_a_discord_client_is_one_line_naming_both(
    monkeypatch: pytest.MonkeyPatch, half: dict[str, str]
) -> None:
    for name in ("DISCORD_CLIENT_ID", "DISCORD_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings = DiscordSettings(discord_token="t", **half)
    with pytest.raises(SettingsError, match="DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET go"):
        settings.check()
