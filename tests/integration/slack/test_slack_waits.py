"""The stand-in's event-driven waits: woken by Slack traffic, never by a polling timer."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.slack_standin import SlackStandIn


async def test_wait_for_hook_posts_wakes_on_the_post(slack: SlackStandIn) -> None:
    async def post() -> None:
        url = slack.response_url("later")
        async with aiohttp.ClientSession() as session, session.post(url, json={"text": "hi"}) as r:
            assert r.status == 200

    poster = asyncio.create_task(post())  # runs once the waiter below is waiting
    posts = await slack.wait_for_hook_posts(1, name="later", timeout=5.0)
    await poster
    assert posts == [{"text": "hi"}]
    assert slack.hook_bodies("other") == []


async def test_wait_for_messages_counts_only_accepted_dms_to_that_user(
    slack: SlackStandIn,
) -> None:
    client = AsyncWebClient(base_url=slack.base_url, token="xoxb-test", retry_handlers=[])
    slack.fail_user("UBOB", "account_inactive")
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="UBOB", text="refused")
    waiter = asyncio.create_task(slack.wait_for_messages("UALICE", 2, timeout=5.0))
    await client.chat_postMessage(channel="UCAROL", text="to Carol")
    await client.chat_postMessage(channel="UALICE", text="one")
    assert not waiter.done()
    await client.chat_postMessage(channel="UALICE", text="two")
    sent = await waiter
    assert [call.params["text"] for call in sent] == ["one", "two"]


async def test_wait_for_times_out_naming_what_it_waited_for(slack: SlackStandIn) -> None:
    with pytest.raises(TimeoutError, match=r"^3 DM\(s\) to UALICE did not happen within 0.05s$"):
        await slack.wait_for_messages("UALICE", 3, timeout=0.05)
