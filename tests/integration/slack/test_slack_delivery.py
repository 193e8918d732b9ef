"""Prompt DMs when Slack pushes back: 429 with Retry-After, 5xx, and members who cannot be reached.

Slack's answers come from the stand-in through slack_sdk's real HTTP and retry code; the
pacer's and retry handlers' sleeps are recorded (`bot.sleeps`), never waited, and later
retries happen by moving the simulated clock.
"""

from __future__ import annotations

from datetime import timedelta

from bot.store.models import Delivery, DeliveryStatus
from tests.integration.slack.conftest import (
    MEMBERS,
    SlackBot,
    deliveries_of,
    member_row,
    prompts_to,
)


def prompt_counts(bot: SlackBot) -> list[int]:
    return [len(prompts_to(bot.slack, user_id)) for user_id in MEMBERS]


def post_statuses(bot: SlackBot) -> list[int]:
    return [call.status for call in bot.slack.calls_to("chat.postMessage")]


async def test_a_short_retry_after_is_waited_inline_and_everyone_gets_one_dm(
    bot: SlackBot,
) -> None:
    await bot.join(*MEMBERS)
    bot.slack.rate_limit_next("chat.postMessage", 2, retry_after=1)

    posts = await bot.prompt_now()

    assert posts[-1]["text"] == "Sent this week's prompt to 3 members."
    assert prompt_counts(bot) == [1, 1, 1]
    assert post_statuses(bot) == [429, 429, 200, 200, 200]
    assert bot.sleeps.waited.count(1.0) == 2  # the retry handler honoured Retry-After twice
    assert all(wait <= 1.0 for wait in bot.sleeps.waited)  # the rest: the pacer's cool-down
    assert {d.status for u in MEMBERS for d in await deliveries_of(bot, u)} == {"sent"}


async def test_a_long_retry_after_defers_that_dm_to_the_delivery_loop(bot: SlackBot) -> None:
    await bot.join(*MEMBERS)
    bot.slack.rate_limit_next("chat.postMessage", 1, retry_after=120)

    posts = await bot.prompt_now()

    assert posts[-1]["text"] == (
        "Sent this week's prompt to 2 members. "
        "1 more will get it shortly (the platform asked me to slow down)."
    )
    refused = bot.slack.calls_to("chat.postMessage")[0]
    assert refused.status == 429
    deferred_user = refused.params["channel"]
    others = [user_id for user_id in MEMBERS if user_id != deferred_user]
    assert len(prompts_to(bot.slack, deferred_user)) == 0
    assert [len(prompts_to(bot.slack, user_id)) for user_id in others] == [1, 1]
    assert 120.0 not in bot.sleeps.waited  # not waited inline by the retry handler
    (deferred,) = await deliveries_of(bot, deferred_user)
    assert deferred.status == DeliveryStatus.CLAIMED
    assert deferred.retry_at is not None
    assert abs(deferred.retry_at - (bot.clock.now() + timedelta(seconds=120))) <= timedelta(
        seconds=1
    )

    await bot.advance(seconds=119)
    assert len(prompts_to(bot.slack, deferred_user)) == 0  # not before Slack's Retry-After

    await bot.advance(seconds=2)
    assert prompt_counts(bot) == [1, 1, 1]
    assert post_statuses(bot) == [429, 200, 200, 200]
    (deferred,) = await deliveries_of(bot, deferred_user)
    assert deferred.status == DeliveryStatus.SENT

    await bot.advance(minutes=30)
    assert prompt_counts(bot) == [1, 1, 1]  # sent exactly once


async def test_server_errors_are_retried_and_everyone_gets_one_dm(bot: SlackBot) -> None:
    await bot.join(*MEMBERS)
    bot.slack.server_error_next("chat.postMessage", 2, status=503)

    posts = await bot.prompt_now()

    assert posts[-1]["text"] == "Sent this week's prompt to 3 members."
    assert prompt_counts(bot) == [1, 1, 1]
    assert post_statuses(bot) == [503, 503, 200, 200, 200]
    backoffs = [wait for wait in bot.sleeps.waited if wait >= 0.1]  # the rest: 1,000/s spacing
    assert len(backoffs) == 2  # the two back-offs, recorded, not waited
    assert await bot.count(Delivery, Delivery.status == DeliveryStatus.SENT) == 3


async def test_an_unreachable_member_is_marked_and_not_messaged_again(bot: SlackBot) -> None:
    await bot.join(*MEMBERS)
    bot.slack.fail_user("UBOB", "account_inactive")

    posts = await bot.prompt_now()

    assert posts[-1]["text"] == "Sent this week's prompt to 2 members. 1 couldn't be reached."
    assert prompt_counts(bot) == [1, 0, 1]
    (bob_delivery,) = await deliveries_of(bot, "UBOB")
    assert bob_delivery.status == DeliveryStatus.FAILED
    assert bob_delivery.last_error == "account_inactive"
    bob = await member_row(bot, "UBOB")
    assert bob.unreachable_at == bot.clock.now()

    posts = await bot.prompt_now()

    assert posts[-1]["text"] == "Sent this week's prompt to 2 members."
    assert prompt_counts(bot) == [2, 0, 2]
    to_bob = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == "UBOB"]
    assert len(to_bob) == 1  # only the first attempt
    assert len(await deliveries_of(bot, "UBOB")) == 1
