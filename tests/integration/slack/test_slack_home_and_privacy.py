"""The App Home tab, and privacy across everything Slack shows or the bot logs.

A member's answer must never reach another member or a moderator (command replies, App Home
views, DMs), nor any log line; secrets never reach a log line either.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot.logging_setup import NOISY_LOGGERS, KeyValueFormatter
from bot.store.models import Answer
from tests.integration.slack.conftest import (
    BOT_TOKEN,
    MODERATOR,
    SIGNING_SECRET,
    SlackBot,
    action_ids,
    button_value,
    member_row,
    prompts_to,
    replies_to,
    texts,
)


def published_homes(bot: SlackBot, user_id: str) -> list[dict[str, Any]]:
    """The views published as `user_id`'s App Home, oldest first."""
    return [
        call.params["view"]
        for call in bot.slack.calls_to("views.publish")
        if call.ok and call.params.get("user_id") == user_id
    ]


async def open_home(bot: SlackBot, user_id: str) -> dict[str, Any]:
    before = len(published_homes(bot, user_id))
    event = bot.requests.app_home_opened_event(user_id)
    assert (await bot.requests.event(event)).status == 200
    await bot.settle()
    homes = published_homes(bot, user_id)
    assert len(homes) == before + 1
    return homes[-1]


async def test_app_home_shows_a_members_standing_and_pause_republishes_it(
    bot: SlackBot,
) -> None:
    await bot.join("UALICE")
    assert len(published_homes(bot, "UALICE")) == 1  # joining refreshes the home

    home = await open_home(bot, "UALICE")
    assert home["type"] == "home"
    shown = "\n".join(texts(home))
    assert "Next prompt" in shown
    assert "Mon 23 Nov 09:00" in shown  # Monday 09:00 in Alice's zone (Europe/Berlin)
    assert action_ids(home) == ["pln.home.digest", "pln.home.timezone", "pln.home.pause"]

    pressed = await bot.requests.block_action(
        "UALICE", "pln.home.pause", "pln.home.pause", container_type="view"
    )
    assert pressed.status == 200
    await bot.settle()

    assert (await member_row(bot, "UALICE")).paused_at == bot.clock.now()
    homes = published_homes(bot, "UALICE")
    assert len(homes) == 3  # re-published once, after the press
    assert action_ids(homes[-1]) == ["pln.home.digest", "pln.home.timezone", "pln.home.resume"]
    assert "Paused" in "\n".join(texts(homes[-1]))
    (reply,) = replies_to(bot.slack, "UALICE")
    assert reply.params["text"].startswith("Paused: no prompts")

    await bot.prompt_now()
    assert prompts_to(bot.slack, "UALICE") == []  # paused members get no prompt

    not_joined = await open_home(bot, "UCAROL")
    assert action_ids(not_joined) == ["pln.home.join"]
    assert "Next prompt" not in "\n".join(texts(not_joined))


# -- privacy ------------------------------------------------------------------------------------

MARKER = "Quokkaville"  # a word no one but Alice ever writes
FORM_MARKER = "Xylophagous"
MARKERS = (MARKER, FORM_MARKER)


@contextmanager
def production_debug_logging(caplog: pytest.LogCaptureFixture) -> Iterator[list[str]]:
    """Everything the bot logs with PLN_LOG_LEVEL=DEBUG, rendered as it writes it: every logger
    at DEBUG except the libraries configure_logging holds at WARNING (slack_sdk and slack_bolt
    log whole request bodies at DEBUG)."""
    for noisy in NOISY_LOGGERS:
        caplog.set_level(logging.WARNING, logger=noisy)
    caplog.set_level(logging.DEBUG)  # last: also sets the capturing handler's level
    caplog.clear()
    rendered: list[str] = []
    yield rendered
    formatter = KeyValueFormatter()
    rendered.extend(formatter.format(record) for record in caplog.records)


def leaked(payload: Any) -> bool:
    shown = "\n".join(texts(payload)).casefold()
    return any(marker.casefold() in shown for marker in MARKERS)


async def test_no_one_else_ever_sees_an_answer_and_logs_carry_no_secrets(
    bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    slack = bot.slack
    with production_debug_logging(caplog) as log_lines:
        await bot.join("UALICE", "UBOB", MODERATOR)
        await bot.prompt_now()
        alice_text = f"{MARKER} district cut the device budget; I have not told staff yet."
        event = bot.requests.message_im_event("UALICE", alice_text)
        await bot.requests.event(event)
        (alice_prompt,) = prompts_to(slack, "UALICE")
        delivery_id = button_value(alice_prompt.params, "pln.prompt.answer")
        values = {"answer": {"answer": {"type": "plain_text_input", "value": FORM_MARKER}}}
        await bot.requests.view_submission("UALICE", "pln.form.answer", delivery_id, values)
        await bot.requests.event(bot.requests.message_im_event("UBOB", "Carts are labelled."))
        await bot.settle()
        assert await bot.count(Answer) == 2

        others: list[dict[str, Any]] = []
        for user_id, commands in (
            ("UBOB", ("history", "digest", "digest all")),
            (MODERATOR, ("history", "digest all", "schedules", "help", "prompt now")),
        ):
            for command in commands:
                _, posts = await bot.command(user_id, command)
                assert posts, command
                others.extend(posts)
            others.append(await open_home(bot, user_id))
        _, alice_sees = await bot.command("UALICE", "history")

    assert leaked(alice_sees)  # the control: Alice does see her own answer
    assert not any(leaked(payload) for payload in others)
    for call in slack.calls:
        if call.params.get("channel") not in ("UALICE", "DUALICE"):
            assert not leaked(call.params), call.method  # nothing sent anywhere else
    assert log_lines  # the flow did log
    for line in log_lines:
        folded = line.casefold()
        assert not any(marker.casefold() in folded for marker in MARKERS)
        assert SIGNING_SECRET not in line
        assert BOT_TOKEN not in line
