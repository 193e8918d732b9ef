"""Slack's 3-second deadline holds while `/pln prompt now` fans out to a thousand members.

The one timing assertion in these tests: Slack shows the member an error if the HTTP answer
takes longer than 3 seconds, whatever the bot is doing meanwhile.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.adapters.slack.directory import PLATFORM
from bot.core.actors import Actor, CommunityRef
from bot.store.models import Member
from tests.integration.slack.conftest import MODERATOR, SlackBot
from tests.support.slack_standin import DEFAULT_TEAM_ID

CROWD = 1_000
SLACK_DEADLINE_SECONDS = 3.0


async def join_crowd(bot: SlackBot) -> list[str]:
    """A thousand members joined through the core, in the workspace the adapter serves."""
    community = CommunityRef(PLATFORM, DEFAULT_TEAM_ID)  # as SlackDirectory builds actors
    user_ids = [f"U{i:05d}" for i in range(CROWD)]
    for user_id in user_ids:
        actor = Actor(
            community=community,
            user_id=user_id,
            display_name=f"Member {user_id}",
            platform_timezone="Europe/Berlin",
        )
        (reply,) = await bot.service.app.core.handle_command(actor, "join")
        assert reply.text.startswith("Welcome to the PLN"), user_id
    return user_ids


@pytest.mark.sqlite_only  # PostgreSQL fan-outs are tested with real processes in tests/faults
async def test_commands_are_acked_in_time_during_a_thousand_member_fan_out(
    bot: SlackBot,
) -> None:
    slack = bot.slack
    crowd = await join_crowd(bot)
    await bot.join("UALICE")
    assert await bot.count(Member) == CROWD + 1

    fan_out = await bot.requests.slash_command(
        MODERATOR, "prompt now", response_url=slack.response_url("fan-out")
    )
    assert fan_out.status == 200
    await slack.wait_for(
        lambda: len(slack.sent_messages()) >= 50, description="the fan-out to get going"
    )

    help_request = await bot.requests.slash_command(
        "UALICE", "help", response_url=slack.response_url("help")
    )
    sent_when_answered = len(slack.sent_messages())

    assert help_request.status == 200
    assert help_request.elapsed < SLACK_DEADLINE_SECONDS
    assert sent_when_answered < CROWD  # it was answered in the middle of the fan-out
    (help_reply,) = await slack.wait_for_hook_posts(1, name="help", timeout=30.0)
    assert help_reply["text"].startswith("Commands:")
    assert len(slack.sent_messages()) < CROWD  # and its reply did not wait for the fan-out

    await bot.settle(timeout=120.0)
    reports = slack.hook_bodies("fan-out")
    assert reports[-1]["text"] == f"Sent this week's prompt to {CROWD + 1} members."
    per_channel = Counter(call.response["channel"] for call in slack.sent_messages())
    assert len(per_channel) == CROWD + 1
    assert set(per_channel.values()) == {1}
    assert set(per_channel) == {slack.dm_channel(user_id) for user_id in [*crowd, "UALICE"]}
