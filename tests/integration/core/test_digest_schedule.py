"""The scheduled digest reaches each member once per month or term, at their own hour.

Real SQLite and PostgreSQL (the `db` fixture); time moves only on the simulated clock,
through `Runner.advance` (a stopped bot is the clock set forward with nothing running).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.digest_calendar import (
    MONTHLY,
    TERMLY,
    DigestPeriod,
    boundary,
    ended_period,
    next_period,
)
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.service import NOT_JOINED, PlnCore
from bot.store.database import Database
from bot.store.models import DeliveryStatus, DigestSend, Member
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger, SimulatedCrash

ALICE_WORDS = "I will pair each new teacher with a mentor before half term."
ALICE_DIGEST = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 09:00 in London (GMT)
BOB_DIGEST = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


async def join(core: PlnCore, name: str, zone: str = "Europe/London") -> None:
    await core.handle_command(member(name), "join")
    await core.handle_command(member(name), f"tz {zone}")


def digests_to(messenger: RecordingMessenger, name: str) -> list[OutgoingMessage]:
    return [
        message
        for recipient, message in messenger.sent
        if recipient.platform_user_id == name and message.kind == "digest"
    ]


async def advance_to(runner: Runner, clock: SimulatedClock, when: datetime) -> None:
    await runner.advance(when - clock.now())


async def sends(db: Database) -> dict[tuple[str, str], DigestSend]:
    """Every digest_send row by (member, period)."""

    async def read(session: AsyncSession) -> dict[tuple[str, str], DigestSend]:
        rows = await session.execute(
            select(Member.platform_user_id, DigestSend).join(
                Member, Member.id == DigestSend.member_id
            )
        )
        return {(name, send.period_key): send for name, send in rows.tuples()}

    return await db.run(read)


async def test_monthly_digest_arrives_once_on_the_first_at_each_members_hour(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice", "Europe/London")
    await join(core, "bob", "Asia/Tokyo")
    runner = Runner(core)
    await advance_to(runner, clock, datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    await core.handle_message(member("alice"), ALICE_WORDS)

    await advance_to(runner, clock, BOB_DIGEST - timedelta(minutes=1))
    assert digests_to(messenger, "bob") == [] and digests_to(messenger, "alice") == []
    await advance_to(runner, clock, ALICE_DIGEST - timedelta(minutes=1))
    assert len(digests_to(messenger, "bob")) == 1, "09:00 in Tokyo comes first"
    assert digests_to(messenger, "alice") == []
    await advance_to(runner, clock, datetime(2026, 12, 31, 12, 0, tzinfo=UTC))

    (alice_digest,) = digests_to(messenger, "alice")
    (bob_digest,) = digests_to(messenger, "bob")
    assert "November 2026" in alice_digest.text and alice_digest.metadata["digest_period"] == (
        "2026-11"
    )
    assert "pair each new teacher" in alice_digest.text, "her own words, to her"
    assert "pair each new teacher" not in bob_digest.text, "never someone else's"
    rows = await sends(core.db)
    assert rows[("alice", "2026-11")].sent_at == ALICE_DIGEST
    assert rows[("bob", "2026-11")].sent_at == BOB_DIGEST
    assert {row.status for row in rows.values()} == {DeliveryStatus.SENT}

    await advance_to(runner, clock, datetime(2027, 1, 1, 9, 1, tzinfo=UTC))
    assert [m.metadata["digest_period"] for m in digests_to(messenger, "alice")] == [
        "2026-11",
        "2026-12",
    ]


async def test_a_restart_after_the_first_catches_up_once(
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    messenger: RecordingMessenger,
) -> None:
    core = make_core(messenger)
    await join(core, "alice")
    await advance_to(Runner(core), clock, ALICE_DIGEST - timedelta(hours=1))
    clock.set(ALICE_DIGEST + timedelta(hours=6))  # the bot was down over 09:00 on the 1st

    for _ in range(3):  # started, and started again: still one digest
        await Runner(make_core(messenger)).start()
    assert len(digests_to(messenger, "alice")) == 1
    await advance_to(Runner(make_core(messenger)), clock, datetime(2026, 12, 30, tzinfo=UTC))
    assert len(digests_to(messenger, "alice")) == 1


async def test_downtime_beyond_the_grace_marks_the_digest_missed(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    core = make_core(messenger)
    await join(core, "alice")
    await advance_to(Runner(core), clock, ALICE_DIGEST - timedelta(hours=1))
    clock.set(ALICE_DIGEST + timedelta(days=1))  # beyond the 12-hour grace

    await Runner(make_core(messenger)).start()
    assert digests_to(messenger, "alice") == []
    assert (await sends(core.db))[("alice", "2026-11")].status == DeliveryStatus.MISSED


async def test_a_crash_mid_send_is_resent_once_its_lease_expires_and_counted_uncertain(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    first = RecordingMessenger()
    core = make_core(first)
    await join(core, "alice")
    runner = Runner(core)
    await advance_to(runner, clock, ALICE_DIGEST - timedelta(minutes=1))
    first.crash_after = len(first.sent)  # the process dies during the digest's send
    with pytest.raises(SimulatedCrash):
        await advance_to(runner, clock, ALICE_DIGEST + timedelta(minutes=1))

    second = RecordingMessenger()  # a platform that cannot say whether it arrived
    restarted = make_core(second, database=Database(database_url))
    restarted_runner = Runner(restarted)
    await restarted_runner.start()
    assert digests_to(second, "alice") == []  # the dead worker's lease still holds it
    await restarted_runner.advance(timedelta(days=2))
    assert digests_to(first, "alice") == [] and len(digests_to(second, "alice")) == 1
    row = (await sends(restarted.db))[("alice", "2026-11")]
    assert row.status == DeliveryStatus.SENT and row.uncertain_resend
    await restarted.db.dispose()


async def test_a_refused_send_is_delivered_later_exactly_once(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice")
    runner = Runner(core)
    await advance_to(runner, clock, ALICE_DIGEST - timedelta(minutes=1))
    messenger.refuse_next = 1  # a 429 at 09:00 on the 1st
    await advance_to(runner, clock, ALICE_DIGEST + timedelta(seconds=30))
    assert digests_to(messenger, "alice") == []
    row = (await sends(core.db))[("alice", "2026-11")]
    assert row.status == DeliveryStatus.CLAIMED and row.retry_at is not None

    await advance_to(runner, clock, ALICE_DIGEST + timedelta(days=3))
    assert len(digests_to(messenger, "alice")) == 1
    row = (await sends(core.db))[("alice", "2026-11")]
    assert row.sent_at == ALICE_DIGEST + timedelta(minutes=1) and row.attempts == 2


async def test_an_unreachable_member_is_marked_and_not_retried(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join(core, "alice")
    runner = Runner(core)
    await advance_to(runner, clock, ALICE_DIGEST - timedelta(minutes=1))
    messenger.unreachable.add("alice")  # she blocked the bot after her last prompt
    await advance_to(runner, clock, ALICE_DIGEST + timedelta(days=1))

    assert (await sends(core.db))[("alice", "2026-11")].status == DeliveryStatus.FAILED
    alice = await core.db.run(
        lambda s: s.scalar(select(Member).where(Member.platform_user_id == "alice"))
    )
    assert alice is not None and alice.unreachable_at == ALICE_DIGEST


async def test_termly_and_off_are_respected(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    for name in ("alice", "bob", "carol"):
        await join(core, name)
    await core.handle_command(member("alice"), "digest schedule termly")
    await core.handle_command(member("bob"), "digest schedule off")
    await advance_to(Runner(core), clock, datetime(2027, 1, 2, tzinfo=UTC))

    assert [m.metadata["digest_period"] for m in digests_to(messenger, "carol")] == [
        "2026-11",
        "2026-12",
    ]
    (termly,) = digests_to(messenger, "alice")
    assert termly.metadata["digest_period"] == "2026-T4"
    assert "October to December 2026" in termly.text
    assert digests_to(messenger, "bob") == []


async def test_a_month_without_prompts_brings_no_digest(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    runner = Runner(core)
    await advance_to(runner, clock, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    await join(core, "alice")  # after November's last prompt
    await advance_to(runner, clock, datetime(2027, 1, 1, 10, 0, tzinfo=UTC))

    assert [m.metadata["digest_period"] for m in digests_to(messenger, "alice")] == ["2026-12"]
    assert (await sends(core.db))[("alice", "2026-11")].status == "skipped"


async def test_digest_schedule_command_shows_and_sets_the_cadence(
    core: PlnCore, clock: SimulatedClock
) -> None:
    alice = member("alice")
    assert await core.handle_command(alice, "digest schedule") == [NOT_JOINED]
    await join(core, "alice", "Asia/Tokyo")

    (shown,) = await core.handle_command(alice, "digest schedule")
    assert "1st of each month" in shown.text and "Tue 01 Dec 09:00" in shown.text
    assert "November 2026" in shown.text and "Asia/Tokyo" in shown.text

    (termly,) = await core.handle_command(alice, "digest schedule termly")
    assert termly.text.startswith("Done") and "1 January, 1 April" in termly.text
    assert "Fri 01 Jan 09:00" in termly.text and "October to December 2026" in termly.text

    (off,) = await core.handle_command(alice, "digest schedule off")
    assert "off" in off.text and "/pln digest schedule monthly" in off.text

    (wrong,) = await core.handle_command(alice, "digest schedule weekly")
    assert "monthly, termly or off" in wrong.text
    cadence = await core.db.run(
        lambda s: s.scalar(select(Member.digest_cadence).where(Member.platform_user_id == "alice"))
    )
    assert cadence == "off", "a wrong word changes nothing"


@pytest.mark.parametrize(
    ("cadence", "now", "ended", "label", "next_key"),
    [
        (MONTHLY, datetime(2026, 12, 1, 8, 59, tzinfo=UTC), "2026-10", "October 2026", "2026-11"),
        (MONTHLY, datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "2026-11", "November 2026", "2026-12"),
        (
            TERMLY,
            datetime(2027, 1, 1, 9, 0, tzinfo=UTC),
            "2026-T4",
            "October to December 2026",
            "2027-T1",
        ),
        (
            TERMLY,
            datetime(2026, 12, 31, tzinfo=UTC),
            "2026-T3",
            "July to September 2026",
            "2026-T4",
        ),
    ],
)
def test_periods_end_on_the_first_at_the_prompt_hour(
    cadence: str, now: datetime, ended: str, label: str, next_key: str
) -> None:
    zone = ZoneInfo("Europe/London")
    period = ended_period(cadence, zone, time(9, 0), now)
    assert (period.key, period.label) == (ended, label)
    assert DigestPeriod.from_key(cadence, period.key) == period
    assert next_period(cadence, zone, time(9, 0), now).key == next_key


def test_period_ends_follow_summer_time() -> None:
    """1 April in London is in BST: 09:00 local is 08:00 UTC; 1 January is GMT."""
    zone = ZoneInfo("Europe/London")
    assert boundary(date(2027, 4, 1), time(9, 0), zone) == datetime(2027, 4, 1, 8, tzinfo=UTC)
    assert boundary(date(2027, 1, 1), time(9, 0), zone) == datetime(2027, 1, 1, 9, tzinfo=UTC)
    # a digest time inside a spring-forward gap moves forward by the gap, as prompts do
    gap = boundary(date(2027, 3, 14), time(2, 30), ZoneInfo("America/New_York"))
    assert gap == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # 03:30 EDT


async def test_a_person_linked_across_identities_gets_one_digest(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """Two identities of one person (as `/pln link` leaves them): one digest, one choice."""
    elsewhere = CommunityRef("console", "other", "Other")
    await join(core, "alice")
    await core.handle_command(member("alice-too", elsewhere), "join")

    async def link(session: AsyncSession) -> None:
        identities = list(await session.scalars(select(Member).order_by(Member.id)))
        for identity in identities:
            identity.person_id = identities[0].id

    await core.db.run(link)
    runner = Runner(core)
    await advance_to(runner, clock, ALICE_DIGEST + timedelta(hours=1))
    assert len(digests_to(messenger, "alice")) == 1
    assert digests_to(messenger, "alice-too") == []
    assert (await sends(core.db))[("alice-too", "2026-11")].status == "skipped"

    await core.handle_command(member("alice-too", elsewhere), "digest schedule off")
    await advance_to(runner, clock, datetime(2027, 1, 2, tzinfo=UTC))
    assert len(digests_to(messenger, "alice")) == 1, "off on one identity is off for the person"


@settings(max_examples=300, deadline=None)
@given(
    cadence=st.sampled_from([MONTHLY, TERMLY]),
    zone_name=st.sampled_from(
        ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Pacific/Apia"]
    ),
    at=st.sampled_from([time(9, 0), time(2, 30), time(0, 0), time(23, 45)]),
    now=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
)
def test_now_always_lies_between_the_last_digest_time_and_the_next(
    cadence: str, zone_name: str, at: time, now: datetime
) -> None:
    """Whatever the zone, hour or DST, each period ends once: the ended one is not after
    now, the next one is after now, and they follow each other."""
    zone = ZoneInfo(zone_name)
    now = now.replace(tzinfo=UTC)
    ended = ended_period(cadence, zone, at, now)
    coming = next_period(cadence, zone, at, now)
    assert boundary(ended.end, at, zone) <= now < boundary(coming.end, at, zone)
    assert coming == ended.following
    assert ended.end.day == 1 and (cadence == MONTHLY or ended.end.month in (1, 4, 7, 10))
