"""Moderators plan the term through the core: preview, confirm, the schedules list, pause,
resume, cancel and skip, and a simulated term whose prompts fire exactly as planned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.commands import command_specs
from bot.core.replies import MODERATORS_ONLY
from bot.core.runner import Runner
from bot.core.scheduling.preview import CONFIRM_ACTION, DISMISS_ACTION
from bot.core.service import PlnCore
from bot.store.models import Delivery, Member, Schedule, ScheduleKind
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

MOD = member("mod")
ALICE = member("alice")


async def _say(core: PlnCore, actor: object, text: str) -> str:
    replies = await core.handle_command(actor, text)  # type: ignore[arg-type]
    return "\n".join(reply.text for reply in replies)


async def _weekly_rules(core: PlnCore) -> list[tuple[int | None, str | None, int, str | None]]:
    async def rules(session: AsyncSession) -> list[tuple[int | None, str | None, int, str | None]]:
        found = await session.scalars(
            select(Schedule).where(
                Schedule.kind == ScheduleKind.WEEKLY_PROMPT, Schedule.active.is_(True)
            )
        )
        return [(s.weekday, s.local_time, s.every_weeks, s.zone) for s in found]

    return await core.db.run(rules)


async def test_the_preview_says_the_rule_and_its_next_three_times_and_saves_nothing(
    core: PlnCore,
) -> None:
    await core.handle_command(MOD, "join")
    await core.handle_command(MOD, "tz America/Toronto")
    before = await _weekly_rules(core)

    (preview,) = await core.handle_command(MOD, "schedule prompt weekly wed 09:00 Europe/London")

    assert preview.text.splitlines()[:5] == [
        "Here is how I understood it: The weekly reflection prompt, every week on Wednesday "
        "at 09:00 (Europe/London time).",
        "Its next 3 fire times:",
        "• Wed 25 Nov 04:00 your time (America/Toronto) = Wed 25 Nov 09:00 Europe/London",
        "• Wed 02 Dec 04:00 your time (America/Toronto) = Wed 02 Dec 09:00 Europe/London",
        "• Wed 09 Dec 04:00 your time (America/Toronto) = Wed 09 Dec 09:00 Europe/London",
    ]
    assert [b.action_id for b in preview.buttons] == [CONFIRM_ACTION, DISMISS_ACTION]
    assert "`/pln schedule prompt weekly wed 09:00 Europe/London confirm`" in preview.text
    assert await _weekly_rules(core) == before


async def test_confirm_typed_moves_the_weekly_prompt_and_the_list_shows_it(
    core: PlnCore,
) -> None:
    await core.handle_command(ALICE, "join")

    saved = await _say(core, MOD, "schedule prompt every 2 weeks on thu 15:30 confirm")
    listed = await _say(core, MOD, "schedules")
    members_view = await _say(core, ALICE, "schedules")

    assert saved.startswith("Saved as schedule ")
    assert await _weekly_rules(core) == [(3, "15:30", 2, None)]
    assert (
        "every 2 weeks on Thursday at 15:30 (each member's own time zone). Next Thu 26 Nov "
        "15:30 your time." in listed
    )
    assert members_view == "Your next prompt: Thu 26 Nov 15:30 (UTC)."


async def test_a_pressed_preview_cannot_be_confirmed_twice(core: PlnCore) -> None:
    (preview,) = await core.handle_command(MOD, "schedule prompt weekly tue 08:00")
    confirm, cancel = preview.buttons

    first = await core.handle_action(MOD, confirm.action_id, confirm.value)
    again = await core.handle_action(MOD, cancel.action_id, cancel.value)

    assert first[0].text.startswith("Saved as schedule ")
    assert again[0].text.startswith("That preview was already confirmed or cancelled")
    assert await _weekly_rules(core) == [(1, "08:00", 1, None)]


async def test_a_discussion_in_the_past_or_in_a_skipped_hour_is_refused(core: PlnCore) -> None:
    past = await _say(
        core, MOD, 'schedule discussion "Budget" in #pln once 2026-11-01 15:00 America/Toronto'
    )
    gap = await _say(
        core, MOD, 'schedule discussion "Budget" in #pln once 2027-03-14 02:30 America/Toronto'
    )
    unknown = await _say(
        core, MOD, 'schedule discussion "Budget" in #pln weekly mon 09:00 UTC prompt nope-1'
    )

    assert past.startswith(
        "2026-11-01 15:00 America/Toronto is in the past (it is Fri 20 Nov 05:00 there now): "
        "choose a later date."
    )
    assert gap.startswith("02:30 does not exist on 2027-03-14 in America/Toronto")
    assert unknown.startswith("There is no prompt nope-1")


async def test_a_discussion_is_listed_and_can_be_paused_resumed_skipped_and_cancelled(
    core: PlnCore,
) -> None:
    saved = await _say(
        core,
        MOD,
        'schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 '
        "Europe/London confirm",
    )
    schedule_id = saved.split()[3].rstrip(":")

    listed = await _say(core, MOD, "schedules")
    skip_wrong_day = await _say(core, MOD, f"schedule skip {schedule_id} 2026-11-25")
    skipped = await _say(core, MOD, f"schedule skip {schedule_id} 2026-11-24")
    after_skip = await _say(core, MOD, "schedules")
    paused = await _say(core, MOD, f"schedule pause {schedule_id}")
    while_paused = await _say(core, MOD, "schedules")
    resumed = await _say(core, MOD, f"schedule resume {schedule_id}")
    cancelled = await _say(core, MOD, f"schedule cancel {schedule_id}")
    gone = await _say(core, MOD, f"schedule pause {schedule_id}")

    assert (
        f'• {schedule_id}: Discussion "Trust and data" in #pln, every 2 weeks on Tuesday at '
        "16:00 (Europe/London time). Next Tue 24 Nov 16:00 your time." in listed
    )
    assert "does not fire on Wed 25 Nov 2026" in skip_wrong_day
    assert skipped == f"Schedule {schedule_id} will not fire on Tue 24 Nov 2026."
    assert "Next Tue 08 Dec 16:00 your time." in after_skip
    assert paused.startswith(f"Paused schedule {schedule_id}")
    assert "16:00 (Europe/London time). Paused." in while_paused
    assert resumed == f"Resumed schedule {schedule_id}. Next: Tue 08 Dec 16:00 your time."
    assert cancelled == f"Cancelled schedule {schedule_id}: it will not fire again."
    assert gone.startswith(f"There is no schedule {schedule_id} here")


MODERATOR_SCHEDULE_SPECS = [spec for spec in command_specs() if spec.name.startswith("schedule ")]


@pytest.mark.parametrize("spec", MODERATOR_SCHEDULE_SPECS, ids=lambda spec: spec.name)
async def test_members_are_refused_every_scheduling_command_politely(
    core: PlnCore, spec: object
) -> None:
    await core.handle_command(ALICE, "join")
    before = await _weekly_rules(core)

    replies = await core.handle_command(ALICE, spec.example)  # type: ignore[attr-defined]

    assert spec.moderator_only  # type: ignore[attr-defined]
    assert replies == [MODERATORS_ONLY]
    assert await _weekly_rules(core) == before


async def test_a_member_pressing_a_moderators_confirm_is_refused(core: PlnCore) -> None:
    await core.handle_command(ALICE, "join")
    (preview,) = await core.handle_command(MOD, "schedule prompt weekly tue 08:00")
    confirm = preview.buttons[0]

    replies = await core.handle_action(ALICE, confirm.action_id, confirm.value)

    assert replies == [MODERATORS_ONLY]
    assert await _weekly_rules(core) != [(1, "08:00", 1, None)]


async def test_a_term_moved_to_thursday_1530_in_october_fires_exactly_then(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """Mondays 09:00 until the moderator moves the prompt on 1 October; then Thursdays at
    15:30 in each member's zone, across London's and Toronto's fall-back, one date skipped."""
    clock.set(datetime(2027, 9, 20, 10, 0, tzinfo=UTC))
    bob = member("bob")
    for actor, zone in ((ALICE, "Europe/London"), (bob, "America/Toronto")):
        await core.handle_command(actor, "join")
        await core.handle_command(actor, f"tz {zone}")
    runner = Runner(core)
    await runner.start()
    await runner.advance(timedelta(days=11, hours=2))  # Fri 1 Oct, 12:00 UTC
    saved = await _say(core, MOD, "schedule prompt weekly thu 15:30 confirm")
    schedule_id = saved.split()[3].rstrip(":")
    assert (await _say(core, MOD, f"schedule skip {schedule_id} 2027-10-21")).startswith(
        f"Schedule {schedule_id} will not fire"
    )
    await runner.advance(timedelta(days=42))  # to Fri 12 Nov

    async def sent(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.execute(
            select(Member.platform_user_id, Delivery.due_at, Delivery.status)
            .join(Member, Member.id == Delivery.member_id)
            .order_by(Member.platform_user_id, Delivery.due_at)
        )
        return [(who, f"{due:%Y-%m-%d %H:%M} {status}") for who, due, status in rows.tuples()]

    assert await core.db.run(sent) == [
        ("alice", "2027-09-27 08:00 sent"),  # Monday 09:00 BST
        ("alice", "2027-10-07 14:30 sent"),  # Thursday 15:30 BST
        ("alice", "2027-10-14 14:30 sent"),
        ("alice", "2027-10-28 14:30 sent"),  # 21 October skipped
        ("alice", "2027-11-04 15:30 sent"),  # GMT after 31 October
        ("alice", "2027-11-11 15:30 sent"),
        ("bob", "2027-09-20 13:00 sent"),  # Monday 09:00 EDT: after bob joined at 06:00
        ("bob", "2027-09-27 13:00 sent"),
        ("bob", "2027-10-07 19:30 sent"),
        ("bob", "2027-10-14 19:30 sent"),
        ("bob", "2027-10-28 19:30 sent"),
        ("bob", "2027-11-04 19:30 sent"),  # still EDT until 7 November
        ("bob", "2027-11-11 20:30 sent"),  # EST
    ]
    assert messenger.counts() == {"alice": 6, "bob": 7}


async def test_every_two_weeks_in_one_zone_reaches_every_member_at_that_moment(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """A zone in the rule means one moment for all: 09:00 London is 04:00 in Toronto."""
    await core.handle_command(ALICE, "join")
    await core.handle_command(ALICE, "tz America/Toronto")
    await _say(core, MOD, "schedule prompt every 2 weeks on mon 09:00 Europe/London confirm")
    runner = Runner(core)
    await runner.start()
    await runner.advance(timedelta(weeks=5))

    async def due(session: AsyncSession) -> list[str]:
        found = await session.scalars(select(Delivery.due_at).order_by(Delivery.due_at))
        return [f"{at:%Y-%m-%d %H:%M}" for at in found]

    assert await core.db.run(due) == ["2026-11-23 09:00", "2026-12-07 09:00", "2026-12-21 09:00"]
    assert messenger.counts() == {"alice": 3}


async def test_a_members_next_prompt_follows_the_rules_zone_interval_and_pause(
    core: PlnCore,
) -> None:
    await core.handle_command(ALICE, "join")
    saved = await _say(
        core, MOD, "schedule prompt every 2 weeks on thu 15:30 Europe/London confirm"
    )
    schedule_id = saved.split()[3].rstrip(":")
    await _say(core, MOD, f"schedule skip {schedule_id} 2026-11-26")

    zone_reply = await _say(core, ALICE, "tz America/Toronto")
    await _say(core, MOD, f"schedule pause {schedule_id}")
    while_paused = await _say(core, ALICE, "schedules")

    # 15:30 in London on Thu 10 Dec (26 Nov skipped, 3 Dec off the fortnight) is 10:30 here
    assert "Your next prompt: Thu 10 Dec 10:30." in zone_reply
    assert while_paused == "No weekly prompt is planned right now; your moderators will say when."
