"""A discussion on Discord: previewed, confirmed with the button, posted once in the channel
named by its mention (`<#id>`), with a thread opened on the post; members reply in the
thread; three days later the recap is posted in the thread, read from the thread's
messages, with counts and phrases and nobody's name."""

from __future__ import annotations

from tests.integration.discord.conftest import (
    ALICE,
    BOB,
    CAROL,
    GUILD,
    MANAGE_GUILD,
    MODERATOR,
    DiscordBot,
)

REPLIES = [
    (ALICE, "Our consent forms only mention photos, nothing about learning apps."),
    (BOB, "Same here: we rewrote the consent forms with the parent council. @everyone"),
    (ALICE, "The parent council was the turning point for trust, honestly."),
    (CAROL, "A data map for parents helped: every app, what it keeps and for how long."),
]


async def test_a_discussion_opens_a_thread_and_its_recap_comes_in_it(
    discord_bot: DiscordBot,
) -> None:
    server = discord_bot.server
    channel = server.add_channel(GUILD, "pln")
    plan = (
        f'"Trust and data" in <#{channel}> once 2026-11-24 16:00 UTC '
        'text "Who do your families trust with their data?"'
    )
    asked = await server.slash_command_interaction(
        GUILD, MODERATOR, "pln", "schedule discussion", {"plan": plan}, permissions=MANAGE_GUILD
    )
    _defer, preview = await server.wait_for_responses(asked, 2, timeout=30.0)
    buttons = [c for row in preview.data["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == ["Confirm", "Cancel"]
    press = await server.component_interaction(
        MODERATOR, buttons[0]["custom_id"], str(preview.message_id), guild_id=GUILD
    )
    confirmed = await server.wait_for_responses(press, 2, timeout=30.0)
    assert "Saved as schedule" in str(confirmed[-1].data.get("content"))

    await discord_bot.advance(days=5)  # Tue 24 Nov 16:00 has passed
    (post,) = server.channel_messages(channel)
    assert "Discussion: Trust and data" in post["content"]
    thread = server.thread_of(post["id"])
    assert thread is not None and thread["name"] == "Trust and data"
    for user, text in REPLIES:
        await server.message_create(user, channel_id=thread["id"], content=text)

    await discord_bot.advance(days=4)
    (recap,) = [m for m in server.channel_messages(thread["id"]) if m["author"].get("bot")]
    text = recap["content"] + "".join(
        f"{e.get('title', '')} {e.get('description', '')}" for e in recap.get("embeds", [])
    )
    assert "Recap: Trust and data" in text and "4 replies from 3 people." in text
    assert "consent forms" in text and "parent council" in text
    for name in ("alice", "bob", "carol", ALICE, BOB, CAROL):
        assert name not in text
    assert server.channel_messages(channel) == [post], "the recap is in the thread only"
