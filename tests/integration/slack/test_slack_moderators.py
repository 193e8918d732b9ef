"""`/pln stats` and `/pln moderators add` over signed requests to the real bolt stack.

UMOD is a workspace admin in the stand-in (a moderator by the platform's role); the chart
goes up through slack_sdk's real upload calls. SQLite file and PostgreSQL (the `bot`
fixture)."""

from __future__ import annotations

from tests.integration.slack.conftest import MODERATOR, SlackBot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def test_stats_arrive_with_the_chart_over_signed_requests(bot: SlackBot) -> None:
    await bot.join("UALICE", "UBOB")
    await bot.advance(days=4)  # Monday's weekly prompt reaches both, in their own zones

    response, posts = await bot.command(MODERATOR, "stats month", channel_id="C1")

    assert response.status == 200
    assert "Members: 2 active, 0 paused, 0 left." in posts[0]["text"]
    assert "Prompts: 2 sent, 0 answered, 0 skipped" in posts[0]["text"]
    (upload,) = bot.slack.uploads_to(MODERATOR)
    assert upload.filename == "pln-stats-month.png" and upload.content.startswith(PNG_SIGNATURE)
    assert posts[0]["response_type"] == "ephemeral"


async def test_a_member_added_by_mention_can_then_moderate(bot: SlackBot) -> None:
    await bot.join("UALICE", "UBOB")
    _, refused = await bot.command("UALICE", "stats")
    assert "moderators" in refused[0]["text"].casefold()
    assert bot.slack.uploads_to("UALICE") == []

    _, added = await bot.command(MODERATOR, "moderators add <@UALICE|alice>")

    assert "Alice (UALICE) is now a moderator" in added[0]["text"]
    _, stats = await bot.command("UALICE", "stats")
    assert stats[0]["text"].startswith("Community stats")
    _, listed = await bot.command("UALICE", "moderators list")
    assert "• Alice (UALICE) (added by UMOD," in listed[0]["text"]
    _, log = await bot.command("UALICE", "audit")
    assert "UMOD ran `/pln moderators add`" in log[0]["text"]
    _, named = await bot.command(MODERATOR, "moderators add bob")
    assert "Pick the member with @" in named[0]["text"]
