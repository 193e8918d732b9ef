"""Every member gets each prompt exactly once: through restarts, crashes, downtime and races."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.sending.queue import SendPolicy
from bot.core.service import PlnCore
from bot.store import send_states
from bot.store.database import Database
from bot.store.models import Community, Delivery, DeliveryStatus
from bot.store.send_states import Lease
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger, SimulatedCrash

MEMBERS = [f"m{number:02d}" for number in range(12)]
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = SendPolicy().lease + timedelta(seconds=1)


class GatedMessenger(RecordingMessenger):
    """A platform whose turn never comes until `gate` opens."""

    def __init__(self, gate: asyncio.Event) -> None:
        super().__init__()
        self.gate = gate
        self.waiting = asyncio.Event()

    async def wait_turn(
        self, community_external_id: str, destination: str, *, direct: bool
    ) -> None:
        self.waiting.set()
        await self.gate.wait()


async def uncertain_resends(db: Database) -> int:
    async def count(session: AsyncSession) -> int:
        community = (await session.scalars(select(Community))).one()
        return await send_states.uncertain_resends(session, community.id)

    return await db.run(count)


async def join_all(core: PlnCore, names: list[str] = MEMBERS) -> None:
    for name in names:
        await core.handle_command(member(name), "join")


async def statuses(db: Database) -> dict[str, int]:
    async def count(session: AsyncSession) -> dict[str, int]:
        rows = await session.execute(
            select(Delivery.status, func.count()).group_by(Delivery.status)
        )
        return {status: number for status, number in rows.tuples()}

    return await db.run(count)


async def test_weekly_prompt_reaches_every_member_once(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await join_all(core)
    await Runner(core).advance(timedelta(days=14))
    assert messenger.counts() == {name: 2 for name in MEMBERS}  # two Mondays passed


async def test_restart_mid_fanout_never_sends_twice_and_drops_none(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    first = RecordingMessenger(crash_after=5, can_check=True)
    core = make_core(first)
    await join_all(core)
    clock.set(MONDAY_9)
    with pytest.raises(SimulatedCrash):
        await core.run_due_work()  # the process "dies" while sending to the sixth member
    in_doubt = (await statuses(core.db)).get(DeliveryStatus.SENDING, 0)
    assert in_doubt >= 1

    # the same platform (one record of what arrived), which can say what arrived
    second = RecordingMessenger(sent=first.sent, can_check=True)
    restarted = make_core(second, database=Database(database_url))
    await restarted.start()
    assert len(second.sent) == 5, "the dead worker's rows wait for its lease to expire"
    clock.advance(LEASE)
    await restarted.run_due_work()

    assert second.counts() == {name: 1 for name in MEMBERS}, "everyone once, nobody twice"
    assert len(second.checked) == in_doubt, "each send in doubt was checked, no other"
    assert await statuses(restarted.db) == {DeliveryStatus.SENT: len(MEMBERS)}
    assert await uncertain_resends(restarted.db) == 0
    await restarted.db.dispose()


async def test_a_send_that_arrived_before_the_crash_is_found_and_not_resent(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    first = RecordingMessenger(crash_after_delivering=5, can_check=True)
    core = make_core(first)
    await join_all(core)
    clock.set(MONDAY_9)
    with pytest.raises(SimulatedCrash):
        await core.run_due_work()  # the sixth DM arrived; the process died before recording

    second = RecordingMessenger(sent=first.sent, can_check=True)
    restarted = make_core(second, database=Database(database_url))
    clock.advance(LEASE)
    await restarted.start()
    assert second.counts() == {name: 1 for name in MEMBERS}
    assert await statuses(restarted.db) == {DeliveryStatus.SENT: len(MEMBERS)}
    await restarted.db.dispose()


async def test_where_the_platform_cannot_tell_an_interrupted_send_is_resent_and_counted(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    first = RecordingMessenger(crash_after_delivering=5)  # can_check=False: None
    core = make_core(first)
    await join_all(core)
    clock.set(MONDAY_9)
    with pytest.raises(SimulatedCrash):
        await core.run_due_work()
    in_doubt = (await statuses(core.db)).get(DeliveryStatus.SENDING, 0)

    second = RecordingMessenger(sent=first.sent)
    restarted = make_core(second, database=Database(database_url))
    clock.advance(LEASE)
    await restarted.start()
    counts = second.counts()
    assert set(counts) == set(MEMBERS), "nobody lost"
    twice = [name for name, number in counts.items() if number > 1]
    assert max(counts.values()) <= 2 and "m05" in twice, "the sixth arrived, then resent"
    # every possible double is among the sends in doubt, and moderators are told of each
    assert len(twice) <= in_doubt == await uncertain_resends(restarted.db)
    (stats,) = await restarted.handle_command(member("mod"), "stats")
    assert f"Resent after a restart: {in_doubt} message(s)" in stats.text
    await restarted.db.dispose()


async def test_a_live_lease_is_left_alone_and_an_expired_one_taken_over(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    messenger = RecordingMessenger()
    core = make_core(messenger)
    await join_all(core)
    clock.set(MONDAY_9)
    await core.deliveries.claim_due()
    lease = Lease("another-process", clock.now() + LEASE)

    async def lease_all(session: AsyncSession) -> list[tuple[int, bool]]:
        return await send_states.lease_ready(session, Delivery, "console", clock.now(), 100, lease)

    held = await core.db.run(lease_all)  # a second process took every row, and lives on
    assert len(held) == len(MEMBERS)
    other = make_core(messenger, database=Database(database_url))
    await other.run_due_work()
    assert messenger.sent == [], "a live lease is another worker's: not touched"
    clock.advance(LEASE)
    await other.run_due_work()  # it died: its rows are taken over
    assert messenger.counts() == {name: 1 for name in MEMBERS}
    await other.db.dispose()


async def test_a_graceful_stop_gives_unstarted_rows_back_at_once(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    gate = asyncio.Event()
    messenger = GatedMessenger(gate)
    core = make_core(messenger)
    await join_all(core)
    clock.set(MONDAY_9)
    fanout = asyncio.create_task(core.run_due_work())
    await messenger.waiting.wait()  # sends are waiting for the platform's turn
    await core.stop_sending(grace=1.0)
    await fanout
    assert await statuses(core.db) == {DeliveryStatus.CLAIMED: len(MEMBERS)}

    restarted = RecordingMessenger()
    other = make_core(restarted, database=Database(database_url))
    await other.run_due_work()  # no lease to wait for: given back
    assert restarted.counts() == {name: 1 for name in MEMBERS}
    await other.db.dispose()


async def test_crash_between_claim_and_send_is_recovered_on_start(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    first = RecordingMessenger()
    core = make_core(first)
    await join_all(core)
    clock.set(MONDAY_9)
    await core.deliveries.claim_due()  # claimed, then the process dies before any send
    assert first.sent == []

    second = RecordingMessenger()
    restarted = make_core(second, database=Database(database_url))
    await restarted.start()
    assert second.counts() == {name: 1 for name in MEMBERS}
    await restarted.start()  # and a second restart sends nothing more
    assert second.counts() == {name: 1 for name in MEMBERS}
    await restarted.db.dispose()


async def test_restart_after_a_finished_fanout_sends_nothing(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    core = make_core(messenger)
    await join_all(core)
    clock.set(MONDAY_9)
    await core.start()
    for _ in range(3):
        await make_core(messenger).start()
    assert messenger.counts() == {name: 1 for name in MEMBERS}


async def test_downtime_within_grace_is_caught_up_on_start(
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    messenger: RecordingMessenger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await join_all(make_core(messenger))
    clock.set(MONDAY_9 + timedelta(hours=11))  # the bot was down across Monday 09:00
    with caplog.at_level(logging.INFO):
        report = await make_core(messenger).start()
    assert report.caught_up == len(MEMBERS)
    assert messenger.counts() == {name: 1 for name in MEMBERS}
    assert any("catch-up" in record.getMessage() for record in caplog.records)


async def test_downtime_beyond_grace_is_recorded_as_missed_not_sent(
    make_core: Callable[..., PlnCore],
    clock: SimulatedClock,
    messenger: RecordingMessenger,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await join_all(make_core(messenger))
    clock.set(MONDAY_9 + timedelta(hours=13))
    with caplog.at_level(logging.INFO):
        core = make_core(messenger)
        report = await core.start()
    assert messenger.sent == []
    assert report.missed == len(MEMBERS)
    assert await statuses(core.db) == {DeliveryStatus.MISSED: len(MEMBERS)}
    caught = [r for r in caplog.records if "catch-up" in r.getMessage()]
    assert caught and caught[0].fields["missed"] == len(MEMBERS)  # type: ignore[attr-defined]
    # the week after, everyone is back on rhythm
    await Runner(core).advance(timedelta(days=7))
    assert messenger.counts() == {name: 1 for name in MEMBERS}


async def test_two_due_work_loops_at_once_send_each_prompt_once(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    left, right = RecordingMessenger(), RecordingMessenger()
    core_a = make_core(left)
    core_b = make_core(right, database=Database(database_url))
    await join_all(core_a)
    clock.set(MONDAY_9)
    await asyncio.gather(core_a.run_due_work(), core_b.run_due_work(), core_a.run_due_work())
    both = left.counts() + right.counts()
    assert both == {name: 1 for name in MEMBERS}
    await core_b.db.dispose()


async def test_prompt_now_is_an_occurrence_of_its_own(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock
) -> None:
    await join_all(core, ["alice", "bob"])
    replies = await core.handle_command(member("mod"), "prompt now")
    assert "2 members" in replies[0].text
    clock.advance(timedelta(minutes=5))
    await core.handle_command(member("mod"), "prompt now")
    await core.start()  # a restart does not repeat either occurrence
    assert messenger.counts() == {"alice": 2, "bob": 2}


async def test_platform_refusal_is_retried_later_and_sent_once(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock
) -> None:
    await join_all(core, ["alice", "bob"])
    messenger.refuse_next = 1  # the platform answers 429 once
    clock.set(MONDAY_9)
    report = await core.run_due_work()
    assert report.deferred == 1 and report.sent == 1
    await Runner(core).advance(timedelta(minutes=2))
    assert messenger.counts() == {"alice": 1, "bob": 1}


async def test_unreachable_member_is_marked_and_skipped_without_stopping_others(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock
) -> None:
    await join_all(core, ["alice", "bob", "carol"])
    messenger.unreachable = {"bob"}
    await Runner(core).advance(timedelta(days=14))
    assert messenger.counts() == {"alice": 2, "carol": 2}
    assert (await statuses(core.db))[DeliveryStatus.FAILED] == 1  # tried once, then left alone
    messenger.unreachable = set()
    await core.handle_command(member("bob"), "help")  # bob talks to the bot again
    await Runner(core).advance(timedelta(days=7))
    assert messenger.counts()["bob"] == 1


async def test_a_member_who_joins_after_the_fire_time_waits_for_next_week(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock
) -> None:
    clock.set(MONDAY_9 + timedelta(hours=1))
    await join_all(core, ["late"])
    await core.start()
    assert messenger.sent == []
    await Runner(core).advance(timedelta(days=7))
    assert messenger.counts() == {"late": 1}


async def test_members_who_left_get_nothing(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock
) -> None:
    await join_all(core, ["alice", "bob"])
    await core.handle_command(member("bob"), "leave")
    await Runner(core).advance(timedelta(days=7))
    assert messenger.counts() == {"alice": 1}


async def test_a_member_who_leaves_between_claim_and_send_is_not_sent_to(
    core: PlnCore, messenger: RecordingMessenger, clock: SimulatedClock
) -> None:
    await join_all(core, ["alice", "bob"])
    clock.set(MONDAY_9)
    await core.deliveries.claim_due()
    await core.handle_command(member("bob"), "leave")
    await core.deliveries.send()
    assert messenger.counts() == {"alice": 1}
    assert await statuses(core.db) == {DeliveryStatus.SENT: 1, DeliveryStatus.FAILED: 1}


async def test_two_workers_leasing_at_once_get_disjoint_batches(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, database_url: str
) -> None:
    core = make_core(RecordingMessenger())
    await join_all(core)
    clock.set(MONDAY_9)
    await core.deliveries.claim_due()
    other = Database(database_url)  # a second process on the same database

    def lease_for(worker: str) -> Callable[[AsyncSession], Awaitable[list[tuple[int, bool]]]]:
        lease = Lease(worker, clock.now() + LEASE)

        async def take(session: AsyncSession) -> list[tuple[int, bool]]:
            return await send_states.lease_ready(
                session, Delivery, "console", clock.now(), 8, lease
            )

        return take

    first, second = await asyncio.gather(core.db.run(lease_for("a")), other.run(lease_for("b")))
    ids_a, ids_b = {row for row, _ in first}, {row for row, _ in second}
    assert not ids_a & ids_b, "no row leased twice"
    assert len(ids_a | ids_b) == len(MEMBERS)  # 8 + 4: every row, each to one worker
    await other.dispose()
