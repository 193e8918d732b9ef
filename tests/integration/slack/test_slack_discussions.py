"""A discussion on Slack: a moderator previews it and presses Confirm; at its time the bot
posts it once in the channel named by its escaped mention (`<#C…|pln>`); members reply in
the post's thread; three days later the recap comes in that thread, read with
conversations.replies, with counts and phrases and nobody's name."""

from __future__ import annotations

from bot.core.scheduling.preview import CONFIRM_ACTION, DISMISS_ACTION
from tests.integration.slack.conftest import MODERATOR, SlackBot, action_ids, button_value

CHANNEL = "CPLN0042"
THREAD = [
    ("UDANA", "Our consent forms only mention photos, nothing about learning apps."),
    ("UELI", "Same here &amp; we rewrote the consent forms with the parent council."),
    ("UDANA", "The parent council was the turning point, honestly. <!channel> take note"),
    ("UFAY", "A data map for parents helped: every app, what it keeps and for how long."),
]


async def test_a_discussion_is_confirmed_posted_in_its_channel_and_recapped_in_its_thread(
    bot: SlackBot,
) -> None:
    await bot.join("UALICE")
    words = (
        f'schedule discussion "Trust and data" in <#{CHANNEL}|pln> once 2026-11-24 16:00 UTC '
        'text "Who do your families trust with their data?"'
    )
    response, posts = await bot.command(MODERATOR, words)
    assert response.status == 200 and action_ids(posts[0]) == [CONFIRM_ACTION, DISMISS_ACTION]
    assert f"in #{CHANNEL}, once, on Tue 24 Nov 2026 at 16:00" in posts[0]["text"]
    await bot.requests.block_action(
        MODERATOR, CONFIRM_ACTION, button_value(posts[0], CONFIRM_ACTION), channel_id="C1"
    )
    await bot.settle()

    await bot.advance(days=5)  # Tue 24 Nov 16:00 has passed
    posted = [c for c in bot.slack.sent_messages() if c.params.get("channel") == CHANNEL]
    assert len(posted) == 1
    assert "Discussion: Trust and data" in str(posted[0].params.get("text"))
    ts = str(posted[0].response["ts"])
    for user, text in THREAD:
        bot.slack.reply_in_thread(CHANNEL, ts, user, text)

    await bot.advance(days=4)
    recaps = [c for c in bot.slack.sent_messages() if c.params.get("thread_ts") == ts]
    (recap,) = recaps
    text = str(recap.params.get("text"))
    assert recap.params.get("channel") == CHANNEL
    assert "Recap: Trust and data" in text and "4 replies from 3 people." in text
    assert "consent forms" in text and "parent council" in text
    for name in ("UDANA", "UELI", "UFAY", "UALICE"):
        assert name not in text
    (read,) = bot.slack.calls_to("conversations.replies")
    assert read.params.get("channel") == CHANNEL and read.params.get("ts") == ts
    assert [c for c in bot.slack.sent_messages() if c.params.get("channel") == CHANNEL] == [
        posted[0],
        recap,
    ]
