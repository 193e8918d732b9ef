"""Answering a prompt on Slack: DM replies, threads, edits, deletes, the modal and the buttons.

Every request goes over real HTTP, signed, to the real SlackService on a real database; what
was stored is read back from the database, and members' text is never printed (`same`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.store.models import Answer, AnswerPart, Delivery, FreeNote
from tests.integration.slack.conftest import (
    SlackBot,
    button_value,
    deliveries_of,
    prompts_to,
    replies_to,
    same,
    texts,
)
from tests.support.slack_standin import RecordedCall

ANSWER = "We piloted the new LMS with two grade 7 classes and the teachers want more training."


@pytest.fixture
async def prompted(bot: SlackBot) -> SlackBot:
    """Alice, Bob and Carol have joined and each has this week's prompt."""
    await bot.join("UALICE", "UBOB", "UCAROL")
    await bot.prompt_now()
    return bot


async def dm(bot: SlackBot, user_id: str, text: str, **event: Any) -> dict[str, Any]:
    """`user_id` writes `text` in the bot's DM; returns the event once its listener is done."""
    message = bot.requests.message_im_event(user_id, text, **event)
    response = await bot.requests.event(message)
    assert response.status == 200
    await bot.settle()
    return message


async def stored_parts(bot: SlackBot) -> list[AnswerPart]:
    return await bot.rows(AnswerPart)


def reply_texts(calls: list[RecordedCall]) -> list[str]:
    return [call.params["text"] for call in calls]


async def test_a_dm_reply_is_stored_once_however_often_slack_delivers_it(
    prompted: SlackBot,
) -> None:
    bot = prompted
    (delivery,) = await deliveries_of(bot, "UALICE")
    message = bot.requests.message_im_event("UALICE", ANSWER)

    first = await bot.requests.event(message, event_id="EvANSWER1")
    assert first.status == 200
    await bot.settle()
    (answer,) = await bot.rows(Answer)
    assert answer.delivery_id == delivery.id
    (saved,) = replies_to(bot.slack, "UALICE")
    assert saved.params["text"].startswith("Saved as your answer to this week's reflection")

    # Slack's retries of the same event, and the same message under a new event id, at once
    redeliveries = [
        bot.requests.event(message, event_id="EvANSWER1", retry_num=retry) for retry in (1, 2, 3)
    ]
    redeliveries.append(bot.requests.event(message, event_id="EvANSWER2"))
    assert [r.status for r in await asyncio.gather(*redeliveries)] == [200, 200, 200, 200]
    await bot.settle()

    (part,) = await stored_parts(bot)
    assert same(part.text, ANSWER)
    assert part.platform_message_ref == f"DUALICE:{message['ts']}"
    assert await bot.count(Answer) == 1
    assert await bot.count(FreeNote) == 0
    assert len(replies_to(bot.slack, "UALICE")) == 1  # duplicates get no second "Saved"

    # a second message arriving twice at the same moment (two event ids) adds one part
    more = bot.requests.message_im_event("UALICE", "They also asked for a shared rubric.")
    await asyncio.gather(
        bot.requests.event(more, event_id="EvMORE1"), bot.requests.event(more, event_id="EvMORE2")
    )
    await bot.settle()
    assert [part.position for part in await stored_parts(bot)] == [0, 1]
    assert reply_texts(replies_to(bot.slack, "UALICE"))[1].startswith("Added to your answer")
    assert len(replies_to(bot.slack, "UALICE")) == 2


async def test_a_thread_reply_answers_the_prompt_of_that_thread(bot: SlackBot) -> None:
    await bot.join("UALICE")
    await bot.prompt_now()
    await bot.prompt_now()
    first, second = await deliveries_of(bot, "UALICE")
    first_prompt, second_prompt = prompts_to(bot.slack, "UALICE")
    assert first.platform_message_ref == f"DUALICE:{first_prompt.response['ts']}"

    await dm(bot, "UALICE", ANSWER, thread_ts=first_prompt.response["ts"])
    (answer,) = await bot.rows(Answer)
    assert answer.delivery_id == first.id
    (saved,) = replies_to(bot.slack, "UALICE")
    assert saved.params["thread_ts"] == first_prompt.response["ts"]  # answered in the thread

    await dm(bot, "UALICE", "And this week: we kept the rubric.")  # not in a thread
    answers = await bot.rows(Answer)
    assert [a.delivery_id for a in answers] == [first.id, second.id]
    assert second_prompt.response["ts"] != first_prompt.response["ts"]


async def test_editing_and_deleting_the_dm_follow_the_stored_answer(prompted: SlackBot) -> None:
    bot = prompted
    message = await dm(bot, "UALICE", ANSWER)
    replies_before = len(replies_to(bot.slack, "UALICE"))

    edited = "We piloted the LMS with R&amp;D funds &lt;not the IT budget&gt;."
    changed = bot.requests.message_changed_event("UALICE", message["ts"], edited)
    assert (await bot.requests.event(changed)).status == 200
    await bot.settle()
    (part,) = await stored_parts(bot)
    assert same(part.text, "We piloted the LMS with R&D funds <not the IT budget>.")
    assert part.edited_at == bot.clock.now()
    assert len(replies_to(bot.slack, "UALICE")) == replies_before  # edits are silent

    deleted = bot.requests.message_deleted_event("UALICE", message["ts"])
    assert (await bot.requests.event(deleted)).status == 200
    await bot.settle()
    assert await bot.count(Answer) == 0
    assert await bot.count(AnswerPart) == 0
    assert reply_texts(replies_to(bot.slack, "UALICE"))[-1] == (
        "You deleted your answer, so I deleted my copy too."
    )


def modal_values(text: str) -> dict[str, dict[str, dict[str, Any]]]:
    return {"answer": {"answer": {"type": "plain_text_input", "value": text}}}


async def test_the_answer_button_opens_a_modal_whose_submission_is_stored(
    prompted: SlackBot,
) -> None:
    bot, slack = prompted, prompted.slack
    (prompt,) = prompts_to(slack, "UALICE")
    delivery_id = button_value(prompt.params, "pln.prompt.answer")

    pressed = await bot.requests.block_action(
        "UALICE",
        "pln.prompt.answer",
        delivery_id,
        message_ts=prompt.response["ts"],
        trigger_id="trigger-answer-1",
    )
    assert pressed.status == 200
    await bot.settle()
    (opened,) = slack.calls_to("views.open")
    assert opened.ok
    assert opened.params["trigger_id"] == "trigger-answer-1"
    view = opened.params["view"]
    assert view["type"] == "modal"
    assert view["callback_id"] == "pln.form.answer"
    assert view["private_metadata"] == delivery_id
    inputs = [block for block in view["blocks"] if block["type"] == "input"]
    assert [(block["block_id"], block["element"]["action_id"]) for block in inputs] == [
        ("answer", "answer")
    ]

    for empty in ("", "   \n\u200b"):
        refused = await bot.requests.view_submission(
            "UALICE", "pln.form.answer", delivery_id, modal_values(empty)
        )
        assert refused.status == 200
        assert refused.json is not None
        assert refused.json["response_action"] == "errors"
        assert list(refused.json["errors"]) == ["answer"]
        await bot.settle()
    assert await bot.count(Answer) == 0

    submitted = await bot.requests.view_submission(
        "UALICE", "pln.form.answer", delivery_id, modal_values(ANSWER)
    )
    assert submitted.status == 200
    assert submitted.text == ""  # the modal closes
    await bot.settle()
    (answer,) = await bot.rows(Answer)
    assert answer.delivery_id == int(delivery_id)
    (part,) = await stored_parts(bot)
    assert same(part.text, ANSWER)
    assert part.platform_message_ref is None
    (saved,) = replies_to(slack, "UALICE")
    assert saved.params["text"].startswith("Saved as your answer")


async def test_an_expired_trigger_still_tells_the_member_how_to_answer(
    prompted: SlackBot,
) -> None:
    bot, slack = prompted, prompted.slack
    (prompt,) = prompts_to(slack, "UALICE")
    slack.fail_next("views.open", "expired_trigger_id")

    await bot.requests.block_action(
        "UALICE",
        "pln.prompt.answer",
        button_value(prompt.params, "pln.prompt.answer"),
        message_ts=prompt.response["ts"],
    )
    await bot.settle()

    (refused,) = slack.calls_to("views.open")
    assert refused.response == {"ok": False, "error": "expired_trigger_id"}
    (fallback,) = replies_to(slack, "UALICE")
    assert "Reply to the prompt here instead" in fallback.params["text"]


async def test_skip_marks_the_week_skipped_and_snooze_reminds_once_a_day_later(
    prompted: SlackBot,
) -> None:
    bot, slack = prompted, prompted.slack
    (alice_prompt,) = prompts_to(slack, "UALICE")
    (bob_prompt,) = prompts_to(slack, "UBOB")

    await bot.requests.block_action(
        "UALICE",
        "pln.prompt.skip",
        button_value(alice_prompt.params, "pln.prompt.skip"),
        message_ts=alice_prompt.response["ts"],
    )
    await bot.requests.block_action(
        "UBOB",
        "pln.prompt.snooze",
        button_value(bob_prompt.params, "pln.prompt.snooze"),
        message_ts=bob_prompt.response["ts"],
    )
    await bot.settle()

    (alice_delivery,) = await deliveries_of(bot, "UALICE")
    (bob_delivery,) = await deliveries_of(bot, "UBOB")
    assert alice_delivery.skipped_at == bot.clock.now()
    assert bob_delivery.skipped_at is None
    assert reply_texts(replies_to(slack, "UALICE")) == [
        "Skipped this week's prompt. No worries: see you next week!"
    ]
    assert reply_texts(replies_to(slack, "UBOB"))[0].startswith("Snoozed: I'll send this prompt")

    await bot.advance(hours=23)
    assert [len(prompts_to(slack, user)) for user in ("UALICE", "UBOB", "UCAROL")] == [1, 1, 1]

    await bot.advance(hours=1, minutes=1)  # a day and a minute after the snooze
    assert [len(prompts_to(slack, user)) for user in ("UALICE", "UBOB", "UCAROL")] == [1, 2, 1]
    reminder = prompts_to(slack, "UBOB")[1]
    assert reminder.params["blocks"][0]["text"]["text"] == "Reminder: this week's reflection"
    assert button_value(reminder.params, "pln.prompt.answer") == str(bob_delivery.id)

    await bot.advance(days=1)
    assert len(prompts_to(slack, "UBOB")) == 2  # reminded once, not every day
    assert await bot.count(Delivery) == 3


MENTIONS_AS_SLACK_SENDS_THEM = (
    # what Slack puts in the event for real mentions (and `&` typed as text)
    "<!channel> <!everyone> <!here> <@UBOB> &amp; co",
    # what Slack puts in the event when the member types the characters literally
    "&lt;!channel&gt; &lt;!everyone&gt; &lt;!here&gt; &lt;@UBOB&gt; &amp; co",
)
RAW_MENTIONS = ("<!channel>", "<!everyone>", "<!here>", "<@UBOB>")


@pytest.mark.parametrize("event_text", MENTIONS_AS_SLACK_SENDS_THEM, ids=["mentions", "typed"])
async def test_mentions_in_an_answer_are_shown_as_text_and_ping_no_one(
    prompted: SlackBot, event_text: str
) -> None:
    bot = prompted
    await dm(bot, "UALICE", event_text)
    (part,) = await stored_parts(bot)
    assert same(part.text, "<!channel> <!everyone> <!here> <@UBOB> & co")  # as the member wrote

    escaped = "&lt;!channel&gt; &lt;!everyone&gt; &lt;!here&gt; &lt;@UBOB&gt; &amp; co"
    for command in ("history", "digest"):
        _, (payload, *_file_notes) = await bot.command("UALICE", command)
        shown = texts(payload)  # the notification text, every block, field and button
        assert len(shown) >= 2
        for text in shown:
            assert not any(raw in text for raw in RAW_MENTIONS), command
            assert "&amp;amp;" not in text and "&amp;lt;" not in text  # escaped exactly once
        if command == "history":  # the digest quotes whole sentences only, not this one
            assert escaped in payload["text"], command
    _, (history,) = await bot.command("UALICE", "history")
    assert escaped in "\n".join(texts(history["blocks"]))  # shown, as text


async def test_the_digest_shows_the_members_answers_in_the_message(prompted: SlackBot) -> None:
    bot = prompted
    await dm(bot, "UALICE", "Kestrelwood pilot went well.")
    _, (payload, *_file_notes) = await bot.command("UALICE", "digest")
    # the digest's themes show her words (lower-cased): in the notification text...
    assert "kestrelwood" in payload["text"]
    assert "kestrelwood" in "\n".join(texts(payload["blocks"]))  # ...and in what Slack shows


async def test_a_very_long_answer_fits_slacks_limits_when_shown(prompted: SlackBot) -> None:
    bot = prompted
    line = "Budget R&D <draft> for the 1:1 devices, year {n:04d}; we need a plan."
    long_answer = "\n".join(line.format(n=n) for n in range(600))[:35_000]
    long_answer = long_answer + "x" * (35_000 - len(long_answer))
    assert len(long_answer) == 35_000
    await dm(bot, "UALICE", long_answer.replace("&", "&amp;").replace("<", "&lt;"))
    (part,) = await stored_parts(bot)
    assert len(part.text) == 35_000  # kept whole

    for command in ("history", "digest all"):
        _, (payload, *_file_notes) = await bot.command("UALICE", command)
        blocks = payload["blocks"]
        assert 1 <= len(blocks) <= 50
        assert len(payload["text"]) <= 40_000
        for block in blocks:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= 3_000
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2_000
        if command == "history":  # the digest quotes sentences, never a whole long answer
            assert "not shown" in "\n".join(texts(payload)), command

    too_long = "y" * 40_001
    await dm(bot, "UALICE", too_long)
    assert await bot.count(AnswerPart) == 1  # refused, not stored
    assert "40,000" in reply_texts(replies_to(bot.slack, "UALICE"))[-1]


async def test_odd_events_are_acknowledged_and_store_nothing(prompted: SlackBot) -> None:
    bot, requests = prompted, prompted.requests
    empty = requests.message_im_event("UALICE", "")
    no_blocks = requests.message_im_event("UALICE", "")
    del no_blocks["blocks"], no_blocks["text"]
    channel_join = {
        "type": "message",
        "subtype": "channel_join",
        "channel": "C1",
        "channel_type": "channel",
        "user": "UALICE",
        "text": "<@UALICE> has joined the channel",
        "ts": "1700000001.000100",
        "event_ts": "1700000001.000100",
    }
    reaction = {
        "type": "reaction_added",
        "user": "UALICE",
        "reaction": "thumbsup",
        "item": {"type": "message", "channel": "DUALICE", "ts": "1700000000.000100"},
        "item_user": "UBOT",
        "event_ts": "1700000002.000100",
    }
    own_echo = requests.message_im_event("UALICE", "This week's reflection")
    own_echo.update(user="UBOT", bot_id="BBOT")

    for event in (empty, no_blocks, channel_join, reaction, own_echo):
        response = await requests.event(event)
        assert response.status == 200, event["type"]
    await bot.settle()

    assert await bot.count(Answer) == 0
    assert await bot.count(AnswerPart) == 0
    assert await bot.count(FreeNote) == 0
    posted_to = {call.response["channel"] for call in bot.slack.sent_messages()}
    assert posted_to == {"DUALICE", "DUBOB", "DUCAROL"}  # nothing posted in the channel
    assert not any("Saved" in text for text in reply_texts(replies_to(bot.slack, "UALICE")))
    assert replies_to(bot.slack, "UBOB") == replies_to(bot.slack, "UCAROL") == []
