"""A moderator moves the weekly prompt on Slack: the preview with its Confirm button over
the response_url, the signed press of Confirm, and a member refused the same command."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import MODERATORS_ONLY
from bot.core.scheduling.preview import CONFIRM_ACTION, DISMISS_ACTION
from bot.store.models import Schedule, ScheduleKind
from tests.integration.slack.conftest import MODERATOR, SlackBot, action_ids, button_value


async def _weekly_rules(bot: SlackBot) -> list[tuple[int | None, str | None, int]]:
    async def rules(session: AsyncSession) -> list[tuple[int | None, str | None, int]]:
        found = await session.scalars(
            select(Schedule).where(
                Schedule.kind == ScheduleKind.WEEKLY_PROMPT, Schedule.active.is_(True)
            )
        )
        return [(s.weekday, s.local_time, s.every_weeks) for s in found]

    return await bot.query(rules)


async def test_the_preview_comes_with_confirm_and_the_press_moves_the_weekly_prompt(
    bot: SlackBot,
) -> None:
    await bot.join("UALICE")
    before = await _weekly_rules(bot)

    refused, refused_posts = await bot.command(
        "UALICE", "schedule prompt every 2 weeks on thu 15:30"
    )
    response, posts = await bot.command(MODERATOR, "schedule prompt every 2 weeks on thu 15:30")

    assert refused.status == 200 and [p["text"] for p in refused_posts] == [MODERATORS_ONLY.text]
    assert response.status == 200 and len(posts) == 1
    assert posts[0]["text"].startswith(
        "Here is how I understood it: The weekly reflection prompt, every 2 weeks on Thursday "
        "at 15:30 (each member's own time zone)."
    )
    assert action_ids(posts[0]) == [CONFIRM_ACTION, DISMISS_ACTION]
    assert await _weekly_rules(bot) == before  # nothing saved by the preview

    pressed = await bot.requests.block_action(
        MODERATOR, CONFIRM_ACTION, button_value(posts[0], CONFIRM_ACTION), channel_id="C1"
    )
    await bot.settle()

    assert pressed.status == 200
    assert await _weekly_rules(bot) == [(3, "15:30", 2)]
