"""The stand-ins enforce the platforms' limits, so fault tests and benchmarks meet real rules.

Real clients over real sockets: slack_sdk's AsyncWebClient for Slack, aiohttp with a bot
token for Discord's REST API. Wall-clock time is what the limits are about; the latencies
and rates here are small so the tests take well under a second.
"""

from __future__ import annotations

import asyncio
from time import perf_counter

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.discord_standin import DiscordLimits, DiscordStandIn
from tests.support.slack_standin import DEFAULT_BOT_TOKEN, SlackLimits, SlackStandIn

USERS = [f"U{i:04d}" for i in range(10)]


async def _post(client: AsyncWebClient, channel: str) -> int | str:
    try:
        await client.chat_postMessage(channel=channel, text="hello")
    except SlackApiError as error:
        return error.response.status_code if error.response.status_code != 200 else "error"
    return 200


async def test_slack_refuses_beyond_the_workspace_rate_with_retry_after() -> None:
    limits = SlackLimits(latency=0.05, workspace=4.0, per_channel=None)
    async with SlackStandIn(limits=limits) as slack:
        client = AsyncWebClient(token=DEFAULT_BOT_TOKEN, base_url=slack.base_url)
        start = perf_counter()
        statuses = await asyncio.gather(*(_post(client, user) for user in USERS))
        elapsed = perf_counter() - start
        assert sorted(statuses, key=str).count(200) == 4  # a burst of one second's worth
        assert statuses.count(429) == 6
        refused = [call for call in slack.calls if call.status == 429]
        assert all(call.response == {"ok": False, "error": "ratelimited"} for call in refused)
        assert slack.limits is not None and slack.limits.rate_limited == 6
        assert sum(slack.dm_counts().values()) == 4
        assert elapsed >= 0.05  # every answer waits for the network


async def test_slack_limits_each_dm_channel_to_one_post_a_second() -> None:
    limits = SlackLimits(latency=0.0, workspace=None, per_channel=1.0)
    async with SlackStandIn(limits=limits) as slack:
        client = AsyncWebClient(token=DEFAULT_BOT_TOKEN, base_url=slack.base_url)
        assert await _post(client, "UALICE") == 200
        assert await _post(client, "UBOB") == 200  # another DM is another channel
        assert await _post(client, "UALICE") == 429
        refused = next(call for call in slack.calls if call.status == 429)
        assert refused.params["channel"] == "UALICE"
        assert slack.dm_counts() == {"UALICE": 1, "UBOB": 1}


async def test_slack_answers_a_share_of_posts_5xx_without_storing_them() -> None:
    limits = SlackLimits(latency=0.0, workspace=None, per_channel=None, server_error_rate=0.5)
    async with SlackStandIn(limits=limits) as slack:
        client = AsyncWebClient(token=DEFAULT_BOT_TOKEN, base_url=slack.base_url)
        statuses = [await _post(client, user) for user in USERS]
        assert slack.limits is not None
        assert statuses.count(503) == slack.limits.server_errors > 0
        assert sum(slack.dm_counts().values()) == statuses.count(200)


async def test_slack_history_shows_a_post_with_its_metadata() -> None:
    async with SlackStandIn() as slack:
        client = AsyncWebClient(token=DEFAULT_BOT_TOKEN, base_url=slack.base_url)
        marker = {"event_type": "pln_delivery", "event_payload": {"delivery": 7}}
        posted = await client.chat_postMessage(channel="UALICE", text="hi", metadata=marker)
        history = await client.conversations_history(
            channel=posted["channel"], include_all_metadata=True, limit=10
        )
        assert [m["metadata"] for m in history["messages"]] == [marker]
        plain = await client.conversations_history(channel=posted["channel"])
        assert "metadata" not in plain["messages"][0]


async def test_discord_global_limit_answers_429_as_discord_py_expects() -> None:
    limits = DiscordLimits(latency=0.0, global_per_second=3.0, dm_open_per_second=None)
    async with DiscordStandIn(limits=limits) as discord_server:
        discord_server.add_user("800000000000000001", "alice")
        headers = {"Authorization": "Bot token.abc.def"}
        async with aiohttp.ClientSession(headers=headers) as http:
            statuses, bodies = [], []
            for _ in range(5):
                async with http.get(f"{discord_server.api_url}/users/@me") as response:
                    statuses.append(response.status)
                    bodies.append((await response.json(), dict(response.headers)))
        assert statuses == [200, 200, 200, 429, 429]
        body, refused_headers = bodies[3]
        assert body["global"] is True and 0 < body["retry_after"] <= 1
        assert refused_headers["X-RateLimit-Global"] == "true"
        assert refused_headers["X-RateLimit-Scope"] == "global"
        assert "Via" in refused_headers  # else discord.py takes it for a Cloudflare ban


async def test_discord_limits_opening_dm_channels_more_strictly() -> None:
    limits = DiscordLimits(latency=0.0, global_per_second=50.0, dm_open_per_second=1.0)
    async with DiscordStandIn(limits=limits) as discord_server:
        for user in ("800000000000000001", "800000000000000002"):
            discord_server.add_user(user, "member")
        headers = {"Authorization": "Bot token.abc.def"}
        async with aiohttp.ClientSession(headers=headers) as http:
            statuses = []
            for user in ("800000000000000001", "800000000000000002"):
                url = f"{discord_server.api_url}/users/@me/channels"
                async with http.post(url, json={"recipient_id": user}) as response:
                    statuses.append(response.status)
                    answer = await response.json()
                    scope = response.headers.get("X-RateLimit-Scope")
        assert statuses == [200, 429]
        assert answer["global"] is False and scope == "user"
        assert discord_server.limits is not None
        assert discord_server.limits.refused_by_scope == {"dm_open": 1}
