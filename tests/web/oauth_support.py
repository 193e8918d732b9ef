"""What the sign-in tests share: an app registered at a stand-in, and following the
authorize redirect the way a browser would (without one, for the tests of the clients)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import aiohttp
from pydantic import SecretStr

from bot.web.oauth.settings import DiscordEndpoints, SlackEndpoints

CLIENT_ID = "1234.5678"
CLIENT_SECRET = "s3cret-for-tests"
REDIRECT_BASE = "http://127.0.0.1:9/signin"


def slack_endpoints(api_url: str, secret: str = CLIENT_SECRET) -> SlackEndpoints:
    return SlackEndpoints(CLIENT_ID, SecretStr(secret), api_url)


def discord_endpoints(
    api_url: str, secret: str = CLIENT_SECRET, bot_token: str | None = "bot-token"
) -> DiscordEndpoints:
    token = SecretStr(bot_token) if bot_token is not None else None
    return DiscordEndpoints(CLIENT_ID, SecretStr(secret), api_url, token)


async def follow_authorize(url: str) -> dict[str, str]:
    """The query the platform redirects back with (code and state, or error)."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, allow_redirects=False) as response,
    ):
        assert response.status == 302, await response.text()
        location = response.headers["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
