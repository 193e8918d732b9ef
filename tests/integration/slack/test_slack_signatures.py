"""Requests without Slack's valid signature are refused before anything happens.

Each refused request is then sent again, validly signed, to prove the same request would have
had an effect: the "nothing happened" assertions are not vacuous.
"""

from __future__ import annotations

import pytest

from bot.store.models import Answer, AnswerPart, FreeNote, Member
from tests.integration.slack.conftest import SlackBot, button_value, deliveries_of, prompts_to
from tests.support.slack_requests import Signing

REFUSED: list[Signing] = ["forged", "stale", "missing"]


@pytest.fixture
async def prompted(bot: SlackBot) -> SlackBot:
    """Alice and Bob have joined and have this week's prompt; Carol has not joined."""
    await bot.join("UALICE", "UBOB")
    await bot.prompt_now()
    return bot


async def test_unsigned_requests_are_refused_with_no_side_effect(prompted: SlackBot) -> None:
    bot, slack = prompted, prompted.slack
    (bob_prompt,) = prompts_to(slack, "UBOB")
    bob_delivery = button_value(bob_prompt.params, "pln.prompt.skip")
    bob_ts = bob_prompt.response["ts"]
    event = bot.requests.message_im_event("UALICE", "The east wing needs two more APs.")
    calls_before, hooks_before = len(slack.calls), len(slack.hook_posts)

    for signing in REFUSED:
        join = await bot.requests.slash_command(
            "UCAROL", "join", response_url=slack.response_url("carol"), signing=signing
        )
        answered = await bot.requests.event(event, signing=signing)
        skipped = await bot.requests.block_action(
            "UBOB", "pln.prompt.skip", bob_delivery, message_ts=bob_ts, signing=signing
        )
        assert [join.status, answered.status, skipped.status] == [401, 401, 401], signing
    await bot.settle()

    assert len(slack.calls) == calls_before  # no Web API call at all: no DM, no lookup
    assert len(slack.hook_posts) == hooks_before  # no response_url post
    assert await bot.count(Member, Member.platform_user_id == "UCAROL") == 0
    assert await bot.count(Answer) == await bot.count(AnswerPart) == await bot.count(FreeNote) == 0
    assert [d.skipped_at for d in await deliveries_of(bot, "UBOB")] == [None]

    # The same three requests, signed: each one does what the refused ones did not.
    await bot.requests.slash_command("UCAROL", "join", response_url=slack.response_url("carol"))
    await bot.requests.event(event)
    await bot.requests.block_action("UBOB", "pln.prompt.skip", bob_delivery, message_ts=bob_ts)
    await bot.settle()
    assert len(slack.hook_bodies("carol")) == 1
    assert await bot.count(Member, Member.platform_user_id == "UCAROL") == 1
    assert await bot.count(AnswerPart) == 1
    assert [d.skipped_at for d in await deliveries_of(bot, "UBOB")] == [bot.clock.now()]
