"""`/pln` over real HTTP: bolt acks at once, the answer arrives on the response_url.

Runs the real SlackService (bolt on a real port, the real database: a SQLite file and the
PostgreSQL server) against the Slack stand-in; every request is signed like Slack signs it.
"""

from __future__ import annotations

from bot.core.commands import command_specs
from bot.core.service import MODERATORS_ONLY
from bot.store.models import Delivery, Schedule
from tests.integration.slack.conftest import (
    MEMBERS,
    MODERATOR,
    SlackBot,
    action_ids,
    button_value,
    deliveries_of,
    member_row,
    prompts_to,
    texts,
)
from tests.support.slack_standin import RecordedCall

PROMPT_NOW_STARTED = next(
    spec.started_note for spec in command_specs() if spec.name == "prompt now"
)


async def test_url_verification_answers_the_challenge_only_when_signed(bot: SlackBot) -> None:
    response = await bot.requests.url_verification("challenge-3f9a")
    assert response.status == 200
    assert response.json == {"challenge": "challenge-3f9a"}

    for signing in ("missing", "forged", "stale"):
        refused = await bot.requests.url_verification("challenge-3f9a", signing=signing)
        assert refused.status == 401, signing
        assert "challenge-3f9a" not in refused.text


async def test_help_join_timezone_and_unknown_commands(bot: SlackBot) -> None:
    response, posts = await bot.command("UALICE", "help")
    assert response.status == 200
    assert response.text == ""  # the ack carries nothing: the answer goes to the response_url
    assert len(posts) == 1
    assert posts[0]["response_type"] == "ephemeral"
    for spec in command_specs():
        listed = f"`{spec.usage}`".replace("<", "&lt;").replace(">", "&gt;") in posts[0]["text"]
        assert listed is not spec.moderator_only, spec.name  # members never see `prompt now`
    assert posts[0]["text"] in texts(posts[0]["blocks"])

    response, posts = await bot.command("UBOB", "join")
    assert response.status == 200
    assert [post["text"][:27] for post in posts] == ["Welcome to the PLN, Bob! On"]
    assert (await member_row(bot, "UBOB")).timezone == "America/New_York"  # Slack profile tz

    _, posts = await bot.command("UBOB", "tz berlin")
    assert len(posts) == 1
    assert posts[0]["text"].startswith("Time zone set to Europe/Berlin")
    assert (await member_row(bot, "UBOB")).timezone == "Europe/Berlin"

    _, posts = await bot.command("UBOB", "tz Mars/Olympus")
    assert len(posts) == 1
    assert "I don't know the time zone 'Mars/Olympus'" in posts[0]["text"]
    assert "/pln help tz" in posts[0]["text"]
    assert (await member_row(bot, "UBOB")).timezone == "Europe/Berlin"  # unchanged

    _, posts = await bot.command("UBOB", "dance")
    assert len(posts) == 1
    assert posts[0]["text"].startswith("I don't know the command 'dance'.")
    assert "`/pln help`" in posts[0]["text"]
    assert posts[0]["response_type"] == "ephemeral"


async def test_replies_are_visible_in_the_bots_dm_and_ephemeral_elsewhere(bot: SlackBot) -> None:
    dm = bot.slack.dm_channel("UALICE")  # what conversations.open answers for Alice
    _, in_dm = await bot.command("UALICE", "help", channel_id=dm)
    _, in_channel = await bot.command("UALICE", "help", channel_id="C1")
    _, in_other_dm = await bot.command("UALICE", "help", channel_id="DUBOB")  # a DM with Bob

    assert [post["response_type"] for post in in_dm] == ["in_channel"]
    assert [post["response_type"] for post in in_channel] == ["ephemeral"]
    assert [post["response_type"] for post in in_other_dm] == ["ephemeral"]


def assert_whole_prompt(call: RecordedCall, delivery: Delivery) -> None:
    """One message: header, the whole question, and the three buttons for this delivery."""
    blocks = call.params["blocks"]
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"] == "This week's reflection"
    question = delivery.prompt_text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert sum(question in text for text in sections) == 1
    assert action_ids(call.params) == ["pln.prompt.answer", "pln.prompt.skip", "pln.prompt.snooze"]
    for action_id in action_ids(call.params):
        assert button_value(call.params, action_id) == str(delivery.id)
    assert call.params["channel"] == call.response["channel"][1:]  # sent to the user id


async def test_prompt_now_by_a_moderator_reaches_every_member_once_per_use(
    bot: SlackBot,
) -> None:
    await bot.join(*MEMBERS)

    posts = await bot.prompt_now(MODERATOR)
    assert [post["text"] for post in posts] == [
        PROMPT_NOW_STARTED,
        "Sent this week's prompt to 3 members.",
    ]
    assert {post["response_type"] for post in posts} == {"ephemeral"}
    assert len(bot.slack.calls_to("chat.postMessage")) == 3  # the moderator has not joined
    for user_id in MEMBERS:
        (delivery,) = await deliveries_of(bot, user_id)
        dms = bot.slack.sent_messages(user_id)
        assert len(dms) == 1, user_id
        assert_whole_prompt(dms[0], delivery)

    await bot.prompt_now(MODERATOR)
    for user_id in MEMBERS:
        first, second = await deliveries_of(bot, user_id)
        dms = bot.slack.sent_messages(user_id)
        assert len(dms) == 2, user_id
        assert_whole_prompt(dms[1], second)
        assert first.id != second.id

    calls_before = len(bot.slack.calls_to("chat.postMessage"))
    _, refused = await bot.command("UALICE", "prompt now")
    assert [post["text"] for post in refused] == [MODERATORS_ONLY.text]
    assert len(bot.slack.calls_to("chat.postMessage")) == calls_before
    assert [len(prompts_to(bot.slack, user_id)) for user_id in MEMBERS] == [2, 2, 2]
    assert await bot.count(Delivery) == 6
    assert await bot.count(Schedule, Schedule.kind == "prompt_now") == 2
