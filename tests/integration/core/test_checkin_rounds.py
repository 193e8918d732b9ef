"""Check-in rounds through the core: a moderator plans fortnightly rounds; at each round the
members who joined check-ins are grouped (never two from one school), introduced by DM
with why and when they overlap, asked five days later whether they met, reminded once after
"Not yet"; the moderator gets counts; the export lists the rounds; an erased partner
becomes "a former member"; a round is formed once across processes.

Members join check-ins and set their profiles through the store here (those commands have
tests of their own); everything after that goes through the core.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor
from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.checkin_models import CheckinOptIn, CheckinRound, CheckinSeat, MemberProfile
from bot.store.database import Database
from bot.store.models import Member
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

MOD = dataclasses.replace(member("mod"), channel_id="C-PLN")
PEOPLE = {  # name: (school, role, zone)
    "ana": ("Northside Academy", "it", "Europe/London"),
    "ben": ("St. Mary's", "teacher", "Europe/London"),
    "cara": ("Northside  academy", "leader", "Europe/Dublin"),
    "dev": ("Saint Mary's", "it", "America/Toronto"),
    "eli": ("Riverside High", "teacher", "Europe/Paris"),
}
SCHOOL_KEYS = {
    "Northside Academy": "northside academy",
    "Northside  academy": "northside academy",
    "St. Mary's": "saint marys",
    "Saint Mary's": "saint marys",
    "Riverside High": "riverside high",
}
RULE = "schedule checkins every 2 weeks on mon 10:00 Europe/London confirm"


@pytest.fixture
def clock() -> SimulatedClock:
    """Friday 20 November 2026, 12:00 UTC; the first round is Monday 23 November."""
    return SimulatedClock(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))


async def join_checkins(core: PlnCore, db: Database, name: str) -> Actor:
    school, role, zone = PEOPLE[name]
    actor = member(name)
    await core.handle_command(actor, "join")
    await core.handle_command(actor, f"tz {zone}")

    async def opt_in(session: AsyncSession) -> None:
        found = await session.scalar(select(Member).where(Member.platform_user_id == name))
        assert found is not None
        now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
        session.add(CheckinOptIn(member_id=found.id, joined_at=now))
        session.add(
            MemberProfile(
                member_id=found.id,
                school=school,
                school_key=SCHOOL_KEYS[school],
                role=role,
                interests="olf/building-relationships" if name in ("ana", "eli") else "",
                updated_at=now,
            )
        )

    await db.run(opt_in)
    return actor


async def everyone_in(core: PlnCore, db: Database) -> dict[str, Actor]:
    await core.handle_command(MOD, "join")
    return {name: await join_checkins(core, db, name) for name in PEOPLE}


def intros(messenger: RecordingMessenger) -> dict[str, str]:
    return {
        to.platform_user_id: message.text
        for to, message in messenger.sent
        if message.kind == "checkin" and message.text.startswith("Check-in:")
    }


def asked(messenger: RecordingMessenger) -> list[str]:
    return [
        to.platform_user_id
        for to, message in messenger.sent
        if message.kind == "checkin" and "Did you meet" in message.text
    ]


async def groups_of(db: Database) -> list[set[str]]:
    async def load(session: AsyncSession) -> list[set[str]]:
        rows = await session.execute(
            select(CheckinSeat.group_id, Member.platform_user_id)
            .join(Member, Member.id == CheckinSeat.member_id)
            .order_by(CheckinSeat.group_id)
        )
        groups: dict[int, set[str]] = {}
        for group_id, name in rows.tuples():
            groups.setdefault(group_id, set()).add(name)
        return list(groups.values())

    return await db.run(load)


async def test_a_round_groups_everyone_once_never_two_from_one_school_and_introduces_them(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await everyone_in(core, db)
    (saved,) = await core.handle_command(MOD, RULE)
    assert saved.text.startswith("Saved as schedule "), saved.text
    await Runner(core).advance(timedelta(days=3))  # Mon 23 Nov 10:00 London has passed

    groups = await groups_of(db)
    assert sorted(len(g) for g in groups) == [2, 3], "five members: a pair and a three"
    assert set().union(*groups) == set(PEOPLE), "everyone placed, once"
    assert sum(len(g) for g in groups) == len(PEOPLE)
    school = {name: SCHOOL_KEYS[PEOPLE[name][0]] for name in PEOPLE}
    for group in groups:
        assert len({school[name] for name in group}) == len(group), group
    sent = intros(messenger)
    assert set(sent) == set(PEOPLE)
    for group in groups:
        for name in group:
            for other in group - {name}:
                assert other in sent[name]
            assert "Find 20 minutes" in sent[name]
            assert "A conversation starter: “" in sent[name]
    summary = [m.text for to, m in messenger.sent if m.kind == "checkin_summary"]
    assert len(summary) == 1 and "2 group(s), 5 of 5 members" in summary[0]
    for name in PEOPLE:
        assert not re.search(rf"\b{name}\b", summary[0]), name


async def test_did_you_meet_comes_after_five_days_and_not_yet_gets_one_reminder(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    people = await everyone_in(core, db)
    await core.handle_command(MOD, RULE)
    runner = Runner(core)
    await runner.advance(timedelta(days=3))
    await runner.advance(timedelta(days=4))
    assert asked(messenger) == [], "not before five days"
    await runner.advance(timedelta(days=2))
    assert sorted(asked(messenger)) == sorted(PEOPLE)

    followups = {to.platform_user_id: m for to, m in messenger.sent if "Did you meet" in m.text}
    ana_yes = next(b for b in followups["ana"].buttons if b.label == "Yes")
    ben_not_yet = next(b for b in followups["ben"].buttons if b.label == "Not yet")
    (noted,) = await core.handle_action(people["ana"], ana_yes.action_id, ana_yes.value)
    (later,) = await core.handle_action(people["ben"], ben_not_yet.action_id, ben_not_yet.value)
    (forged,) = await core.handle_action(people["cara"], ana_yes.action_id, ana_yes.value)
    await runner.advance(timedelta(days=4))
    await runner.advance(timedelta(days=4))

    assert "noted that you met" in noted.text and "once more" in later.text
    assert "isn't about a check-in group of yours" in forged.text
    reminders = [to.platform_user_id for to, m in messenger.sent if m.text.startswith("A reminder")]
    assert reminders == ["ben"]
    (stats,) = await core.handle_command(MOD, "stats")
    # the second round (Mon 7 Dec) formed too; only the first's answers are in
    assert (
        "Check-ins: 5 members joined; 2 round(s) placed 10 in 4 group(s); 1 of the 2" in stats.text
    ), stats.text
    assert "(50%)" in stats.text
    summaries = [m.text for _, m in messenger.sent if m.kind == "checkin_summary"]
    assert len(summaries) == 2  # Mon 23 Nov and Mon 7 Dec
    assert "The round before" not in summaries[0]
    assert 'The round before: 1 of the 2 who answered "Did you meet?" met.' in summaries[1]
    for name in PEOPLE:
        assert not re.search(rf"\b{name}\b", stats.text), name


async def test_the_export_lists_rounds_and_an_erased_partner_is_a_former_member(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    people = await everyone_in(core, db)
    await core.handle_command(MOD, RULE)
    await Runner(core).advance(timedelta(days=3))
    (group,) = [g for g in await groups_of(db) if "ana" in g]
    partner = sorted(group - {"ana"})[0]

    (before,) = await core.handle_command(people["ana"], "export")
    await core.handle_command(people[partner], "forget-me confirm")
    (after,) = await core.handle_command(people["ana"], "export")

    def pairings(reply: object) -> list[dict[str, object]]:
        files = reply.files  # type: ignore[attr-defined]
        data = json.loads(files[1].content)
        return list(data["checkin_pairings"])

    assert partner in {p["partner_display_name"] for p in pairings(before)}
    assert None in {p["partner_display_name"] for p in pairings(after)}
    assert "with a former member" in after.files[0].content.decode()


async def test_a_round_is_formed_once_across_processes_and_the_next_comes_a_fortnight_later(
    make_core: Callable[..., PlnCore], db: Database, clock: SimulatedClock
) -> None:
    first_messenger, second_messenger = RecordingMessenger(), RecordingMessenger()
    first, second = make_core(first_messenger), make_core(second_messenger)
    await everyone_in(first, db)
    await first.handle_command(MOD, RULE)
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    await first.deliveries.claim_due()  # the first process forms the round, then dies
    await second.run_due_work()  # the second sends its introductions
    await first.run_due_work()
    round_one = await groups_of(db)
    await Runner(second).advance(timedelta(days=14))
    both = await groups_of(db)

    async def rounds(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count(CheckinRound.id))) or 0)

    assert await db.run(rounds) == 2
    assert len(intros(second_messenger)) == 5 and intros(first_messenger) == {}
    round_two = both[len(round_one) :]
    assert sorted(len(g) for g in round_one) == sorted(len(g) for g in round_two) == [2, 3]
    assert set().union(*round_two) == set(PEOPLE)


async def test_members_away_or_with_check_ins_paused_are_left_out_and_counted(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    people = await everyone_in(core, db)
    await core.handle_command(people["eli"], "pause 2w")
    await core.handle_command(people["dev"], "pause")  # prompts only: still in check-ins
    await core.handle_command(MOD, RULE)
    await Runner(core).advance(timedelta(days=3))

    assert set().union(*await groups_of(db)) == set(PEOPLE) - {"eli"}
    (summary,) = [m.text for _, m in messenger.sent if m.kind == "checkin_summary"]
    assert "4 of 5 members who joined check-ins placed" in summary
    assert "0 with check-ins paused, 1 away (a timed pause), 0 the bot cannot reach" in summary


async def test_with_sit_out_chosen_the_odd_one_out_is_told_and_placed_next_time(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await everyone_in(core, db)
    await core.handle_command(MOD, RULE.replace(" confirm", " odd sit-out confirm"))
    runner = Runner(core)
    await runner.advance(timedelta(days=3))
    first = await groups_of(db)
    told = [to.platform_user_id for to, m in messenger.sent if "first in line next round" in m.text]
    await runner.advance(timedelta(days=14))
    second = (await groups_of(db))[len(first) :]

    assert sorted(len(g) for g in first if len(g) > 1) == [2, 2]
    (left_out,) = told
    assert [g for g in first if len(g) == 1] == [{left_out}]
    assert any(left_out in g and len(g) == 2 for g in second), "first in line next round"
