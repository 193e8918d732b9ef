"""After the app is uninstalled: a community's data is kept PLN_UNINSTALLED_KEEP_DAYS, then
purged whole by the daily job; a reinstall in time keeps it.

Real SQLite and PostgreSQL (the `db` fixture); time moves only on the simulated clock,
through `Runner.advance`. What members wrote is checked in the store, never printed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SettingsError, load_settings
from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store import link_guesses, pending_dms
from bot.store.database import Database
from bot.store.guard_models import LinkFailure, PendingDirectMessage
from bot.store.models import (
    Answer,
    AnswerPart,
    AuditEvent,
    Community,
    Delivery,
    DigestSend,
    FreeNote,
    LinkCode,
    Member,
    Schedule,
)
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

OTHER = CommunityRef("console", "other", "Another school")
ALICE = member("alice")
BOB = member("bob")
CAROL_ELSEWHERE = member("carol", OTHER)
BOB_ELSEWHERE = member("bob", OTHER)
NOTE = "A note before any prompt: the Quokkaville budget is short."
ANSWER = "We agreed the zygomorphic device policy with heads of department."
OTHER_ANSWER = "Carol's answer in the other community stays where it is."
WAITING = "A DM waiting for its community: Alinta Wexcombe's plan."
FIRST_PROMPT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def rows_of(db: Database, model: Any, *where: Any) -> int:
    async def count(session: AsyncSession) -> int:
        statement = select(func.count()).select_from(model).where(*where)
        return int(await session.scalar(statement) or 0)

    return await db.run(count)


async def texts(db: Database) -> set[str]:
    """Every stored answer part, note and waiting DM (checked in the store, never printed)."""

    async def read(session: AsyncSession) -> set[str]:
        parts = await session.scalars(select(AnswerPart.text))
        notes = await session.scalars(select(FreeNote.text))
        waiting = await session.scalars(select(PendingDirectMessage.text))
        return {*parts, *notes, *waiting}

    return await db.run(read)


async def community_ids(db: Database) -> set[str]:
    async def read(session: AsyncSession) -> set[str]:
        return set(await session.scalars(select(Community.external_id)))

    return await db.run(read)


async def two_communities(core: PlnCore, clock: SimulatedClock, runner: Runner) -> None:
    """Alice and Bob in the console's community; Carol and Bob in another. Alice keeps a
    note, answers the first prompt, asks for a link code, and has a DM waiting and a wrong
    link code counted; so has Bob, who stays a member elsewhere."""
    for actor in (ALICE, BOB, CAROL_ELSEWHERE, BOB_ELSEWHERE):
        await core.handle_command(actor, "join")
    await core.handle_message(ALICE, NOTE)
    await runner.advance(FIRST_PROMPT + timedelta(minutes=5) - clock.now())
    await core.handle_message(ALICE, ANSWER)
    await core.handle_message(CAROL_ELSEWHERE, OTHER_ANSWER)
    await core.handle_command(ALICE, "link")

    async def guard_rows(session: AsyncSession) -> None:
        for user in ("alice", "bob"):
            await pending_dms.hold(
                session,
                platform="console",
                user_id=user,
                message_ref=None,
                text=f"{WAITING} ({user})",
                now=clock.now(),
            )
            await link_guesses.record(
                session,
                [link_guesses.user_key("console", user)],
                clock.now(),
                max_failures=5,
                window=DAY,
                lockout=DAY,
            )

    await core.db.run(guard_rows)


async def test_data_is_kept_for_the_stated_period_then_purged_whole(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    runner = Runner(core)
    await two_communities(core, clock, runner)
    uninstalled_on = clock.now()
    assert await core.uninstalls.uninstalled("console", ["local"]) == 1
    await runner.advance(timedelta(days=5))
    assert await core.uninstalls.uninstalled("console", ["local"]) == 0, "the first date holds"

    await runner.advance(uninstalled_on + 29 * DAY - clock.now())
    assert {NOTE, ANSWER, OTHER_ANSWER} <= await texts(db), "day 29: all kept"
    assert await community_ids(db) == {"local", "other"}
    assert await rows_of(db, Member) == 4

    await runner.advance(2 * DAY)  # day 31
    assert await community_ids(db) == {"other"}
    assert await texts(db) == {OTHER_ANSWER, f"{WAITING} (bob)"}, "bob waits elsewhere"
    members = await db.run(
        lambda s: s.execute(select(Member.platform_user_id, Member.community_id))
    )
    (other_id,) = await db.run(lambda s: s.scalars(select(Community.id)))
    assert sorted(members.tuples()) == [("bob", other_id), ("carol", other_id)]
    assert await rows_of(db, LinkCode) == 0
    assert await rows_of(db, Answer) == 1
    assert await rows_of(db, FreeNote) == 0
    assert await rows_of(db, Schedule, Schedule.community_id != other_id) == 0
    others = select(Member.id).where(Member.community_id == other_id)
    assert await rows_of(db, Delivery, Delivery.member_id.not_in(others)) == 0
    assert await rows_of(db, DigestSend, DigestSend.member_id.not_in(others)) == 0
    guessers = await db.run(lambda s: s.scalars(select(LinkFailure.guesser)))
    assert list(guessers) == [link_guesses.user_key("console", "bob")]

    audit = await db.run(
        lambda s: s.scalars(select(AuditEvent).where(AuditEvent.kind.like("uninstalled%")))
    )
    assert sorted((e.kind, e.count, e.community_id) for e in audit) == [
        ("uninstalled_purge_answers", 1, None),
        ("uninstalled_purge_members", 2, None),
        ("uninstalled_purge_notes", 1, None),
    ]


async def test_a_reinstall_keeps_the_data(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    runner = Runner(core)
    await two_communities(core, clock, runner)
    await core.uninstalls.uninstalled("console", ["local"])
    await runner.advance(10 * DAY)
    assert await core.uninstalls.reinstalled("console", ["local"]) == 1

    await runner.advance(40 * DAY)
    assert {NOTE, ANSWER, OTHER_ANSWER} <= await texts(db)
    assert await community_ids(db) == {"local", "other"}
    uninstalled = await db.run(lambda s: s.scalars(select(Community.uninstalled_at)))
    assert list(uninstalled) == [None, None]


async def test_a_purged_community_starts_fresh_when_it_comes_back(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    runner = Runner(core)
    await two_communities(core, clock, runner)
    await core.uninstalls.uninstalled("console", ["local"])
    await runner.advance(31 * DAY)
    assert await community_ids(core.db) == {"other"}

    (welcome, *_) = await core.handle_command(ALICE, "join")
    assert welcome.text.startswith("Welcome to the PLN"), "a new member of a new community"
    (history,) = await core.handle_command(ALICE, "history")
    assert history.text.startswith("You haven't answered a prompt yet")
    before = len(messenger.texts_to("alice"))
    await runner.advance(7 * DAY)
    assert len(messenger.texts_to("alice")) > before, "the weekly prompt comes again"


async def test_the_sqlite_file_and_its_wal_keep_no_bytes_of_a_purged_community(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL keeps dead rows until vacuum; no query can see them")
    path = Path(str(make_url(db.url).database))

    def raw() -> bytes:
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    runner = Runner(core)
    await two_communities(core, clock, runner)
    assert ANSWER.encode() in raw(), "the check can see text in the file"
    await core.uninstalls.uninstalled("console", ["local"])
    await runner.advance(31 * DAY)
    everything = raw()
    for secret in (ANSWER, NOTE, f"{WAITING} (alice)"):
        assert secret.encode() not in everything, "purged text left a copy on disk"
    assert OTHER_ANSWER.encode() in everything, "the other community's answer is stored"


async def test_the_keeping_period_is_the_setting(
    db: Database, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().uninstalled_keep_days == 30
    monkeypatch.setenv("PLN_UNINSTALLED_KEEP_DAYS", "3")
    assert load_settings().uninstalled_keep_days == 3
    monkeypatch.setenv("PLN_UNINSTALLED_KEEP_DAYS", "0")
    with pytest.raises(SettingsError, match="PLN_UNINSTALLED_KEEP_DAYS"):
        load_settings()

    core = PlnCore(db, clock, RecordingMessenger(), CoreConfig(uninstalled_keep_days=3))
    runner = Runner(core)
    await core.handle_command(ALICE, "join")
    await core.handle_message(ALICE, NOTE)
    await core.uninstalls.uninstalled("console", ["local"])
    await runner.advance(2 * DAY)
    assert await texts(db) == {NOTE}
    await runner.advance(2 * DAY)
    assert await texts(db) == set()
    assert await community_ids(db) == set()


async def test_nothing_is_sent_to_a_community_without_the_app_and_a_reinstall_resumes_it(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    """While the app is gone the community is kept, not served: no weekly prompt, reminder
    or digest goes to its members (on Discord they would still arrive by DM); the other
    community is served as before, and a reinstall brings the prompts back."""
    runner = Runner(core)
    await two_communities(core, clock, runner)
    await core.uninstalls.uninstalled("console", ["local"])
    sent_before = len(messenger.sent)

    await runner.advance(14 * DAY)
    to_local = [r for r, _ in messenger.sent[sent_before:] if r.community_external_id == "local"]
    to_other = [r for r, _ in messenger.sent[sent_before:] if r.community_external_id == "other"]
    assert to_local == []
    assert len(to_other) >= 2, "the other community still gets its weekly prompts"

    await core.uninstalls.reinstalled("console", ["local"])
    await runner.advance(7 * DAY)
    back = [r for r, _ in messenger.sent[sent_before:] if r.community_external_id == "local"]
    assert {r.platform_user_id for r in back} >= {"alice", "bob"}
