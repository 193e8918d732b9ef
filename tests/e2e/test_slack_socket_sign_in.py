"""Sign in with Slack from a single-workspace bot in Socket Mode, as an operator runs it:
the real `pln-bot run --adapter slack` process with SLACK_BOT_TOKEN, SLACK_APP_TOKEN and the
app's SLACK_CLIENT_ID / SLACK_CLIENT_SECRET in its environment (where slack-bolt looks for
them), the web page on PLN_HTTP_PORT. A member who joined over the websocket signs in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from tests.e2e.test_ops_http import SECRET, _env, running
from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import SlackStandIn

CLIENT_ID = "111.222"
CLIENT_SECRET = "socket-client-secret"
STARTED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()  # test_ops_http.START


async def _sign_in(base: str, at_slack_host: str) -> tuple[int, str]:
    """A browser's round trip; its cookie jar keeps the bot's cookies (an IP host: unsafe)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(base + "/signin/slack", allow_redirects=False) as start:
            to_slack = start.headers["Location"]
        assert urlsplit(to_slack).netloc == at_slack_host
        async with http.get(to_slack, allow_redirects=False) as back:
            callback = back.headers["Location"]
        async with http.get(callback, allow_redirects=False) as done:
            status = done.status
        async with http.get(base + "/") as home:
            return status, await home.text()


async def test_a_socket_mode_bot_with_a_bot_token_signs_in_the_member_who_joined(
    tmp_path: Path,
) -> None:
    async with SlackStandIn() as slack:
        slack.add_user("UALICE", "Alice", tz="UTC")
        env = _env(
            tmp_path,
            SLACK_API_URL=slack.base_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN=slack.app_token,
            SLACK_CLIENT_ID=CLIENT_ID,
            SLACK_CLIENT_SECRET=CLIENT_SECRET,
            PLN_WEB="on",
        )
        async with running(tmp_path, "slack", "Socket Mode; /healthz", env) as bot:
            shapes = SlackRequests("http://127.0.0.1:9/unused", SECRET)  # builds payloads only
            payload = shapes.slash_command_payload(
                "UALICE", "join", response_url=slack.response_url("join")
            )
            await slack.socket_send("slash_commands", payload)
            await slack.wait_for(lambda: any(name == "join" for name, _ in slack.hook_posts))
            base = f"http://127.0.0.1:{bot.port}"
            slack.openid.set_clock(lambda: STARTED)
            slack.openid.register_app(CLIENT_ID, CLIENT_SECRET, base + "/signin/slack/callback")
            slack.openid.sign_in_as("UALICE")

            status, home = await _sign_in(base, urlsplit(slack.base_url).netloc)

    assert status == 303
    assert "Signed in as" in home
