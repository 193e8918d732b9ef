"""The moderators' calendar page's figures: the next 12 weeks as the claimers will see them
(SQLite file and PostgreSQL; the clock starts Friday 20 November 2026, 10:00 UTC, and the
community's weekly prompt is Monday 09:00 in each member's zone)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core import community_calendar
from bot.core.community_calendar import CalendarEvent, CommunityCalendar
from bot.core.context import Context
from bot.core.page_access import ModeratorsOnly
from bot.core.scheduling.preview import CONFIRM_ACTION
from bot.core.service import PlnCore
from tests.support.actors import member

MOD = member("mod")  # console:mod is a moderator in the `config` fixture
TOPIC = 'discussion "Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London'


async def _calendar(core: PlnCore, who: object = MOD) -> CommunityCalendar:
    async def read(ctx: Context) -> CommunityCalendar:
        return await community_calendar.gather(ctx)

    return await core.with_context(who, read)  # type: ignore[arg-type]


def _on(calendar: CommunityCalendar, kind: str) -> list[tuple[date, str | None]]:
    events: list[CalendarEvent] = [e for w in calendar.weeks for e in w.events if e.kind == kind]
    return [(e.day, e.held_back) for e in events]


async def _plan_discussion(core: PlnCore) -> None:
    """Through the chat's preview and its Confirm button, as the page does."""
    (preview,) = await core.handle_command(MOD, f"schedule {TOPIC}")
    confirm = next(b for b in preview.buttons if b.action_id == CONFIRM_ACTION)
    (saved,) = await core.handle_action(MOD, CONFIRM_ACTION, confirm.value)
    assert saved.text.startswith("Saved as schedule "), saved.text


async def test_twelve_weeks_from_this_monday_with_the_weekly_prompt(core: PlnCore) -> None:
    calendar = await _calendar(core)

    assert [w.start for w in calendar.weeks][:2] == [date(2026, 11, 16), date(2026, 11, 23)]
    assert len(calendar.weeks) == 12 and calendar.today == date(2026, 11, 20)
    prompts = _on(calendar, "prompt")
    assert prompts[0] == (date(2026, 11, 23), None)
    assert len(prompts) == 11, "no prompt left this week; one each of the next 11"
    (weekly,) = calendar.schedules
    assert weekly.label == "Weekly prompt" and not weekly.paused
    assert weekly.next_at is not None and weekly.next_at.date() == date(2026, 11, 23)


async def test_a_fortnightly_discussion_and_a_holiday_show_where_they_fall(
    core: PlnCore,
) -> None:
    await _plan_discussion(core)
    await core.handle_command(MOD, 'holidays add 2026-12-21..2027-01-03 "Winter break"')

    calendar = await _calendar(core)

    winter = "holiday: Winter break"
    assert _on(calendar, "discussion")[:3] == [
        (date(2026, 11, 24), None),
        (date(2026, 12, 8), None),
        (date(2026, 12, 22), winter),
    ]
    prompts = dict(_on(calendar, "prompt"))
    assert prompts[date(2026, 12, 21)] == winter and prompts[date(2026, 12, 28)] == winter
    assert prompts[date(2027, 1, 4)] is None
    (holiday,) = calendar.holidays
    assert (holiday.first_day, holiday.last_day, holiday.name) == (
        date(2026, 12, 21),
        date(2027, 1, 3),
        "Winter break",
    )
    in_weeks = {w.start for w in calendar.weeks if w.holidays}
    assert in_weeks == {date(2026, 12, 21), date(2026, 12, 28)}
    discussion = next(s for s in calendar.schedules if s.kind == "discussion")
    assert discussion.label == 'Discussion "Trust and data" in #pln'
    assert discussion.rule == "every 2 weeks on Tuesday at 16:00 (Europe/London time)"


async def test_paused_and_skipped_fires_stay_on_the_calendar_with_why(core: PlnCore) -> None:
    await _plan_discussion(core)
    discussion = next(s for s in (await _calendar(core)).schedules if s.kind == "discussion")
    weekly = next(s for s in (await _calendar(core)).schedules if s.kind == "prompt")
    await core.handle_command(MOD, f"schedule pause {discussion.schedule_id}")
    await core.handle_command(MOD, f"schedule skip {weekly.schedule_id} 2026-11-30")

    calendar = await _calendar(core)

    assert {held for _, held in _on(calendar, "discussion")} == {"paused"}
    assert dict(_on(calendar, "prompt"))[date(2026, 11, 30)] == "skipped"
    paused = next(s for s in calendar.schedules if s.kind == "discussion")
    assert paused.paused and paused.next_at is None


async def test_check_in_rounds_are_on_the_calendar(core: PlnCore) -> None:
    await core.handle_command(
        MOD, "schedule checkins every 2 weeks on mon 10:00 Europe/London confirm"
    )

    calendar = await _calendar(core)

    assert _on(calendar, "checkins")[:2] == [(date(2026, 11, 23), None), (date(2026, 12, 7), None)]
    assert any(s.label == "Check-in round" for s in calendar.schedules)


async def test_a_cancelled_schedule_leaves_the_calendar(core: PlnCore) -> None:
    await _plan_discussion(core)
    discussion = next(s for s in (await _calendar(core)).schedules if s.kind == "discussion")
    await core.handle_command(MOD, f"schedule cancel {discussion.schedule_id}")

    calendar = await _calendar(core)

    assert _on(calendar, "discussion") == []
    assert [s.kind for s in calendar.schedules] == ["prompt"]


async def test_a_member_is_refused_the_calendar(core: PlnCore) -> None:
    await core.handle_command(member("alice"), "join")

    with pytest.raises(ModeratorsOnly):
        await _calendar(core, member("alice"))
