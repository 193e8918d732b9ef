"""The school year and the member's audience over Slack's real transport: signed slash
commands through bolt on a real port, answers on the response_url, buttons on the welcome."""

from __future__ import annotations

from datetime import date

from bot.core.audience import AUDIENCE_ACTION
from bot.store.models import Community
from tests.integration.slack.conftest import MODERATOR, SlackBot, action_ids, member_row


async def test_a_moderator_sets_the_school_year_and_members_see_it(bot: SlackBot) -> None:
    _, posts = await bot.command("UALICE", "term starts 2026-09-07")
    assert "Only moderators" in posts[0]["text"]
    _, posts = await bot.command(MODERATOR, "term starts 2026-09-07")
    assert "The school year now starts on Mon 07 Sep 2026" in posts[0]["text"]
    (community,) = await bot.rows(Community)
    assert community.term_start == date(2026, 9, 7)

    _, posts = await bot.command("UALICE", "term")
    assert "week of Mon 07 Sep 2026 (set by a moderator" in posts[0]["text"]
    assert posts[0]["response_type"] == "ephemeral"


async def test_the_welcome_asks_new_or_experienced_and_the_answer_shapes_the_profile(
    bot: SlackBot,
) -> None:
    _, posts = await bot.command("UBOB", "join")
    assert len(posts) == 1, "the question rides on the welcome: one reply"
    assert "new to leading technology in a school, or experienced" in posts[0]["text"]
    assert set(action_ids(posts[0])) == {AUDIENCE_ACTION}
    assert (await member_row(bot, "UBOB")).audience is None, "optional: nothing chosen yet"

    _, posts = await bot.command("UBOB", "prompts for experienced")
    assert "experienced in the role" in posts[0]["text"]
    assert (await member_row(bot, "UBOB")).audience == "experienced"

    _, posts = await bot.command("UBOB", "prompts for")
    assert "Your prompts are chosen for: experienced in the role" in posts[0]["text"]
    _, posts = await bot.command("UBOB", "prompts for everyone")
    assert (await member_row(bot, "UBOB")).audience == "any"
