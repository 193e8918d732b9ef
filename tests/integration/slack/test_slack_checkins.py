"""Check-in rounds on Slack: planned with the preview's Confirm over signed requests; each
group introduced in one group DM (conversations.open with all its members); "Did you
meet?" in each member's DM five days later, answered with its button through bolt."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins.messages import MET_ACTIONS
from bot.core.scheduling.preview import CONFIRM_ACTION
from bot.store.checkin_models import CheckinSeat
from tests.integration.slack.conftest import MODERATOR, SlackBot, button_value
from tests.support.checkins import opt_in

SCHOOLS = {"UANA": "northside", "UBEN": "saint marys", "UCARA": "northside", "UDEV": "riverside"}


async def test_rounds_introduce_each_group_in_one_group_dm_and_ask_did_you_meet(
    bot: SlackBot,
) -> None:
    await bot.join(MODERATOR, *SCHOOLS)
    for user, school in SCHOOLS.items():
        await opt_in(bot.db, user, school_key=school, at=bot.clock.now())
    _, posts = await bot.command(MODERATOR, "schedule checkins every 2 weeks on mon 10:00 UTC")
    await bot.requests.block_action(
        MODERATOR, CONFIRM_ACTION, button_value(posts[0], CONFIRM_ACTION), channel_id="C1"
    )
    await bot.settle()

    await bot.advance(days=4)  # Mon 23 Nov 10:00 has passed
    opened = [
        c for c in bot.slack.calls_to("conversations.open") if "," in str(c.params.get("users"))
    ]
    groups = [set(str(c.params["users"]).split(",")) for c in opened]
    assert sorted(len(g) for g in groups) == [2, 2]
    assert set().union(*groups) == set(SCHOOLS)
    for group in groups:
        assert len({SCHOOLS[user] for user in group}) == 2, "never two from one school"
    intros = [
        c for c in bot.slack.sent_messages() if str(c.params.get("channel", "")).startswith("G")
    ]
    assert len(intros) == 2
    for call in intros:
        assert "this round's group" in str(call.params.get("text"))

    await bot.advance(days=5)
    asked = [
        c for c in bot.slack.sent_messages("UANA") if "Did you meet" in str(c.params.get("text"))
    ]
    (question,) = asked
    pressed = await bot.requests.block_action(
        "UANA", MET_ACTIONS["yes"], button_value(question.params, MET_ACTIONS["yes"])
    )
    await bot.settle()

    async def met(session: AsyncSession) -> list[str | None]:
        return list(await session.scalars(select(CheckinSeat.met).order_by(CheckinSeat.id)))

    assert pressed.status == 200
    assert (await bot.query(met)).count("yes") == 1
