"""The moderator pages' forms run the chat's commands: the same preview, Confirm, errors and
moderator check (SQLite file and PostgreSQL; no browser)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.core import community_calendar, community_members
from bot.core.community_calendar import CommunityCalendar
from bot.core.context import Context
from bot.core.page_access import ModeratorsOnly
from bot.core.replies import MODERATORS_ONLY
from bot.core.scheduling.preview import CONFIRM_ACTION, DISMISS_ACTION
from bot.core.service import PlnCore
from bot.web.moderator import chat, settings
from tests.support.actors import member

MOD = member("mod")
PLAN = '"Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London'
CALENDAR = Path(__file__).parents[2] / "fixtures" / "calendars" / "school-year.ics"


async def _calendar(core: PlnCore) -> CommunityCalendar:
    async def read(ctx: Context) -> CommunityCalendar:
        return await community_calendar.gather(ctx)

    return await core.with_context(MOD, read)


async def test_a_plan_is_previewed_then_saved_by_its_confirm_button(core: PlnCore) -> None:
    (preview,) = await chat.run(core, MOD, chat.schedule_text("discussion", PLAN + " confirm"))

    assert preview.text.startswith("Here is how I understood it:"), "confirm is dropped"
    assert [b.action_id for b in preview.buttons] == [CONFIRM_ACTION, DISMISS_ACTION]
    assert not [s for s in (await _calendar(core)).schedules if s.kind == "discussion"]

    (saved,) = await chat.press(core, MOD, CONFIRM_ACTION, preview.buttons[0].value)

    assert saved.text.startswith("Saved as schedule ")
    days = [e.day for w in (await _calendar(core)).weeks for e in w.events]
    assert date(2026, 11, 24) in days and date(2026, 12, 8) in days


async def test_a_wrong_plan_gets_the_chats_error(core: PlnCore) -> None:
    typed = await core.handle_command(MOD, "schedule discussion in #pln someday")

    shown = await chat.run(core, MOD, chat.schedule_text("discussion", "in #pln someday"))

    assert [r.text for r in shown] == [r.text for r in typed]
    assert shown[0].buttons == ()


async def test_a_member_gets_the_chats_refusal(core: PlnCore) -> None:
    alice = member("alice")
    await core.handle_command(alice, "join")

    (refused,) = await chat.run(core, alice, chat.schedule_text("discussion", PLAN))

    assert refused.text == MODERATORS_ONLY.text


async def test_pause_resume_and_cancel_by_the_schedules_buttons(core: PlnCore) -> None:
    (weekly,) = (await _calendar(core)).schedules
    sid = str(weekly.schedule_id)

    (paused,) = await chat.run(core, MOD, chat.change_text("pause", sid))
    assert paused.text.startswith(f"Paused schedule {sid}")
    assert (await _calendar(core)).schedules[0].paused
    (resumed,) = await chat.run(core, MOD, chat.change_text("resume", sid))
    assert resumed.text.startswith(f"Resumed schedule {sid}")
    (cancelled,) = await chat.run(core, MOD, chat.change_text("cancel", sid))
    assert cancelled.text.startswith(f"Cancelled schedule {sid}")
    assert (await _calendar(core)).schedules == ()


async def test_a_holiday_from_the_forms_dates(core: PlnCore) -> None:
    (added,) = await chat.run(
        core, MOD, chat.holiday_text("2026-12-21", "2027-01-03", ' Winter  "big" break ')
    )

    assert added.text.startswith("Holiday #"), added.text
    (holiday,) = (await _calendar(core)).holidays
    assert (holiday.first_day, holiday.last_day, holiday.name) == (
        date(2026, 12, 21),
        date(2027, 1, 3),
        "Winter 'big' break",
    )


async def test_an_uploaded_calendar_is_previewed_then_imported(core: PlnCore) -> None:
    upload = chat.calendar_file("C:\\Users\\me\\school-year.ics", CALENDAR.read_bytes())

    (preview,) = await chat.run(core, MOD, "holidays import", [upload])

    assert "`school-year.ics` has" in preview.text
    assert (await _calendar(core)).holidays == (), "nothing before Confirm"
    (done,) = await chat.press(core, MOD, preview.buttons[0].action_id, preview.buttons[0].value)
    assert done.text.startswith("Imported ")
    assert "Winter break" in {h.name for h in (await _calendar(core)).holidays}


@pytest.mark.parametrize(
    ("make", "args"),
    [
        (chat.schedule_text, ("meeting", PLAN)),
        (chat.schedule_text, ("discussion", "  ")),
        (chat.change_text, ("delete", "3")),
        (chat.change_text, ("pause", "3 or 1=1")),
        (chat.holiday_text, ("21/12/2026", "", "Winter")),
    ],
)
def test_forms_that_are_not_the_pages_are_refused(make: object, args: tuple[str, ...]) -> None:
    with pytest.raises(chat.PageInputError):
        make(*args)  # type: ignore[operator]


async def test_only_the_previews_buttons_can_be_pressed(core: PlnCore) -> None:
    with pytest.raises(chat.PageInputError):
        await chat.press(core, MOD, "pln.data.forget.confirm", "1")


async def test_settings_are_shown_and_changed_by_the_chats_commands(core: PlnCore) -> None:
    shown = {view.setting.key: view.current for view in await settings.show(core, MOD)}
    assert shown["mode"][0].text.startswith("Prompts go out by direct message")
    assert shown["channel"][0].text.startswith("No PLN channel yet")

    (track,) = await chat.run(core, MOD, settings.change_text("track", "school-year"))
    assert track.text.startswith("This community's prompts now come from: A school year.")
    (done,) = await chat.run(core, MOD, settings.change_text("channel", " #pln "))
    assert done.text.startswith("This is now the PLN channel.")
    (done,) = await chat.run(core, MOD, settings.change_text("mode", "channel"))
    assert done.text.startswith("Done: prompts now go out by")
    (preview,) = await chat.run(core, MOD, settings.change_text("retention", "400"))
    assert [b.action_id for b in preview.buttons] == ["pln.retention.confirm"]
    (kept,) = await chat.press(core, MOD, "pln.retention.confirm", preview.buttons[0].value)
    assert "400" in kept.text


@pytest.mark.parametrize(
    ("key", "value"),
    [("moderators", "@sam"), ("secret", "x"), ("mode", "pigeon"), ("track", "no-such-track")],
)
def test_settings_the_page_does_not_offer_are_refused(key: str, value: str) -> None:
    with pytest.raises(chat.PageInputError):
        settings.change_text(key, value)


@pytest.mark.parametrize(
    ("platform", "said"),
    [("console", "moderators add @sam"), ("slack", "moderators add <@U0SAM>")],
)
def test_a_chosen_member_is_named_as_chat_names_them(platform: str, said: str) -> None:
    user_id = "sam" if platform == "console" else "U0SAM"
    assert settings.moderator_text("add", platform, user_id) == said


async def test_the_member_picker_lists_active_members_to_moderators_only(core: PlnCore) -> None:
    for name in ("zoe", "alice", "bob"):
        await core.handle_command(member(name), "join")
    await core.handle_command(member("bob"), "leave")

    async def choices(ctx: Context) -> list[str]:
        return [c.display_name for c in await community_members.member_choices(ctx)]

    assert await core.with_context(MOD, choices) == ["alice", "zoe"]
    with pytest.raises(ModeratorsOnly):
        await core.with_context(member("alice"), choices)
