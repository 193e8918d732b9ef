"""Holidays and timed pauses on the console, as moderators and members type them, with the
simulated clock moved by `Runner.advance` (SQLite file and PostgreSQL).

The clock starts on Friday 20 November 2026, 10:00 UTC; the community's weekly prompt is
Monday 09:00 in each member's zone.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.session import CONSOLE_COMMUNITY, ConsoleSession
from bot.core.actors import Actor
from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.holiday_models import Holiday
from bot.store.models import Delivery, Member

CALENDAR = Path(__file__).parents[2] / "fixtures" / "calendars" / "school-year.ics"
ALICE = Actor(CONSOLE_COMMUNITY, "alice", "alice", in_direct_message=True)
ANSWER = "We moved the device audit to Thursday so the technicians could join it."


class Console:
    """One console session with its transcript; `type` returns what it printed."""

    def __init__(self, core: PlnCore, messenger: ConsoleMessenger, out: io.StringIO) -> None:
        self.core, self.messenger, self.out = core, messenger, out
        self.runner = Runner(core)
        self.session = ConsoleSession(core, self.runner, messenger, "alice", out)

    async def type(self, line: str, who: str = "alice") -> str:
        self.session.member = who
        before = self.out.tell()
        assert await self.session.handle_line(line)
        return self.out.getvalue()[before:]

    async def advance(self, delta: timedelta) -> str:
        before = self.out.tell()
        await self.runner.advance(delta)
        return self.out.getvalue()[before:]


def _console(make_core: Callable[..., PlnCore], tmp_path: Path) -> Console:
    out = io.StringIO()
    messenger = ConsoleMessenger(out, tmp_path)  # type: ignore[arg-type]
    return Console(make_core(messenger), messenger, out)


async def _prompt_dates(db: Database, user: str) -> list[date]:
    async def read(session: AsyncSession) -> list[date]:
        rows = await session.scalars(
            select(Delivery.due_local_date)
            .join(Member, Member.id == Delivery.member_id)
            .where(Member.platform_user_id == user)
            .order_by(Delivery.due_local_date)
        )
        return list(rows)

    return await db.run(read)


async def _member(db: Database, user: str) -> Member:
    async def read(session: AsyncSession) -> Member:
        found = await session.scalar(select(Member).where(Member.platform_user_id == user))
        assert found is not None
        return found

    return await db.run(read)


async def _holidays(db: Database) -> list[tuple[date, date, str, str | None]]:
    async def read(session: AsyncSession) -> list[tuple[date, date, str, str | None]]:
        rows = await session.scalars(select(Holiday).order_by(Holiday.first_day))
        return [(h.first_day, h.last_day, h.name, h.import_batch) for h in rows]

    return await db.run(read)


async def test_no_prompt_in_the_winter_break_and_the_streak_runs_across_it(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database, clock: SimulatedClock
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")
    await console.type("/pln join")
    added = await console.type('/pln holidays add 2026-12-21..2027-01-03 "Winter break"', "mod")
    assert "Holiday #1 added: Mon 21 Dec 2026 to Sun 03 Jan 2027, Winter break" in added
    answered = 0

    await console.advance(timedelta(days=3))  # Monday 23 November, 10:00
    for week in range(8):  # Mondays 23 Nov to 11 Jan; answered whenever one comes
        if week:
            await console.advance(timedelta(days=7))
        if len(await _prompt_dates(db, "alice")) > answered:
            assert "Saved as your answer" in await console.type(ANSWER)
            answered += 1

    assert await _prompt_dates(db, "alice") == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
        date(2026, 12, 14),
        date(2027, 1, 4),
        date(2027, 1, 11),
    ], "no prompt on the two Mondays of the break"
    home = await console.core.home(ALICE)
    assert home is not None
    assert "Streak: 6" in home.text, "the break breaks no streak"
    listed = await console.type("/pln holidays")
    assert "No holidays are planned" in listed, "a holiday that is over is not listed"


async def test_members_see_the_holidays_and_are_refused_the_moderators_commands(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")
    await console.type("/pln join")
    await console.type('/pln holidays add 2026-12-21..2027-01-03 "Winter break"', "mod")

    listed = await console.type("/pln holidays")
    assert "#1 Mon 21 Dec 2026 to Sun 03 Jan 2027: Winter break" in listed
    for line in (
        '/pln holidays add 2027-02-15..2027-02-19 "Half term"',
        "/pln holidays remove 1",
        f"/pln holidays import < {CALENDAR}",
    ):
        assert "Only moderators can do that" in await console.type(line)
    assert len(await _holidays(db)) == 1, "nothing a member typed changed the holidays"

    removed = await console.type("/pln holidays remove 1", "mod")
    assert "Holiday #1 removed" in removed
    assert await _holidays(db) == []


async def test_bad_holiday_dates_get_one_clear_error(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")
    backwards = await console.type("/pln holidays add 2027-01-03..2026-12-21 Oops", "mod")
    assert "ends (2026-12-21) before it starts (2027-01-03)" in backwards
    not_a_date = await console.type("/pln holidays add 21/12/2026 Winter", "mod")
    assert "YYYY-MM-DD" in not_a_date
    over = await console.type("/pln holidays add 2026-11-02..2026-11-06 Gone", "mod")
    assert "already over" in over
    assert "no holiday #9" in await console.type("/pln holidays remove 9", "mod")
    assert await _holidays(db) == []


async def test_a_school_calendar_is_previewed_and_saved_only_on_confirm(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")

    preview = await console.type(f"/pln holidays import < {CALENDAR}", "mod")

    assert "`school-year.ics` has 3 holiday(s) to import" in preview
    assert "1 timed event(s) within one day left out" in preview
    assert "1 holiday(s) already over left out" in preview
    assert "Mon 21 Dec 2026 to Sun 03 Jan 2027: Winter break" in preview
    assert "Mon 11 Jan 2027: Staff training day" in preview
    assert "Mon 01 Feb 2027 to Wed 03 Feb 2027: Residential trip" in preview
    assert "[1] Confirm   [2] Cancel" in preview
    assert "No holidays are planned" in await console.type("/pln holidays", "mod"), "not yet"

    confirmed = await console.type(":1", "mod")

    assert "Imported 3 holiday(s)" in confirmed
    assert [(first, last, batch) for first, last, _, batch in await _holidays(db)] == [
        (date(2026, 12, 21), date(2027, 1, 3), None),
        (date(2027, 1, 11), date(2027, 1, 11), None),
        (date(2027, 2, 1), date(2027, 2, 3), None),
    ]
    assert "Winter break" in await console.type("/pln holidays", "mod")


async def test_a_cancelled_import_saves_nothing(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")
    await console.type(f"/pln holidays import < {CALENDAR}", "mod")

    assert "no holidays were saved" in await console.type(":2", "mod")
    assert await _holidays(db) == []


async def test_a_bad_calendar_file_gets_one_clear_error(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")
    not_ics = tmp_path / "minutes.ics"
    not_ics.write_text("Minutes of the governors' meeting\nItem 1: budgets\n")
    meetings = tmp_path / "meetings.ics"
    meetings.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\n"
        "UID:m1@example.org\r\nSUMMARY:Governors\r\nDTSTART:20261210T170000Z\r\n"
        "DTEND:20261210T190000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    unreadable = await console.type(f"/pln holidays import < {not_ics}", "mod")
    no_breaks = await console.type(f"/pln holidays import < {meetings}", "mod")
    missing = await console.type(f"/pln holidays import < {tmp_path / 'nowhere.ics'}", "mod")
    no_file = await console.type("/pln holidays import", "mod")

    assert "`minutes.ics` is not a calendar I can read. Send an iCalendar file" in unreadable
    assert "has no all-day or multi-day events" in no_breaks
    assert "Attach your school calendar (.ics)" in missing, "a mistyped path attaches nothing"
    assert "Attach your school calendar (.ics)" in no_file
    assert await _holidays(db) == []


async def test_pause_2w_resumes_by_itself(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join")

    paused = await console.type("/pln pause 2w")
    home = await console.core.home(ALICE)
    assert home is not None and "Next prompt: Paused until Fri 04 Dec 2026" in home.text
    await console.advance(timedelta(days=18))  # to Tuesday 8 December

    assert paused.startswith("[bot -> alice] Paused until Fri 04 Dec 2026")
    assert await _prompt_dates(db, "alice") == [date(2026, 12, 7)]
    member = await _member(db, "alice")
    assert member.paused_at is None and member.paused_until is None


async def test_pause_until_a_date_starts_again_on_that_date_in_the_members_zone(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join")
    await console.type("/pln tz Asia/Tokyo")

    paused = await console.type("/pln pause until 2026-12-07")
    await console.advance(timedelta(days=18))

    assert "Paused until Mon 07 Dec 2026" in paused
    assert await _prompt_dates(db, "alice") == [date(2026, 12, 7)]
    assert (await _member(db, "alice")).resumed_at == datetime.fromisoformat(
        "2026-12-06T15:00:00+00:00"
    ), "midnight of the 7th in Tokyo"


async def test_bad_pause_lengths_say_what_to_write(
    make_core: Callable[..., PlnCore], tmp_path: Path, db: Database
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join")
    assert "`/pln pause 2w`" in await console.type("/pln pause soon")
    assert "YYYY-MM-DD" in await console.type("/pln pause until next week")
    assert "already begun" in await console.type("/pln pause until 2026-11-01")
    assert "from a day to a year" in await console.type("/pln pause 80w")
    assert (await _member(db, "alice")).paused_at is None


async def test_the_next_prompt_a_member_is_told_of_skips_the_holiday(
    make_core: Callable[..., PlnCore], tmp_path: Path, clock: SimulatedClock
) -> None:
    console = _console(make_core, tmp_path)
    await console.type("/pln join", "mod")
    await console.type('/pln holidays add 2026-11-23..2026-12-06 "Two weeks off"', "mod")

    joined = await console.type("/pln join")
    zone_set = await console.type("/pln tz Europe/London")

    assert "Your first one arrives Mon 07 Dec 09:00" in joined
    assert "Your next prompt: Mon 07 Dec 09:00" in zone_set
