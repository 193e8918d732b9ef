"""`/pln forget-me`: after confirming, nothing of the member is left anywhere: no table, no
column, no byte of the SQLite file or its WAL, no channel post, no log line; an audit row
says only that an erasure happened, and the member can join again and start fresh.

Every test runs on a real SQLite file and on the real PostgreSQL server (the `db` fixture);
the raw-bytes test is SQLite's, where deleted text could otherwise linger in free pages.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import String, Text, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actions import answer_number
from bot.core.actors import CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.data_rights import FORGET_CONFIRM_ACTION
from bot.core.events import DirectUser, MessageDeleted, MessageEdited
from bot.core.messages import ButtonStyle
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.logging_setup import NOISY_LOGGERS, KeyValueFormatter
from bot.prompts.library import default_library
from bot.store.analysis_models import AnswerAnalysis
from bot.store.database import Database
from bot.store.models import (
    Answer,
    AuditEvent,
    Base,
    Community,
    CommunityPrompt,
    Member,
    Schedule,
    ScheduleKind,
)
from bot.store.moderator_models import CommunityModerator
from bot.store.slack_models import SlackInstallation
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger


def _number(value: str) -> int:
    """The member's answer number a button carries (`n3`)."""
    found = answer_number(value)
    assert found is not None, value
    return found


# alice is a moderator too (platform admin), so schedules and prompts name her as creator
ALICE = dataclasses.replace(
    member("u-alinta-7"), display_name="Alinta Wexcombe", platform_admin=True, channel_id="C-PLN"
)
ALICE_ON_DISCORD = dataclasses.replace(
    member("d-alinta-9", CommunityRef("discord", "guild-1", "Guild")),
    display_name="Alinta Wexcombe",
)
BOB = member("bob")

ANSWER = "The Quokkaville district cut our iPad refresh budget by forty percent."
MORE = "I worry the zygomorphic timetable change will hurt the pilot."
SHARED = "Our xylophagous audit finally landed and it went well."
NOTE = "Note to self: call the Brindabella vendor about projectors."
BOB_ANSWER = "Bob's Marrickville carts are labelled and charged."
SECRETS = [
    "Quokkaville",
    "zygomorphic",
    "xylophagous",
    "Brindabella",
    "Alinta",
    "Wexcombe",
    "u-alinta-7",
    "d-alinta-9",
]
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def texts(replies: object) -> str:
    result = await replies  # type: ignore[misc]
    return "\n".join(message.text for message in result)


async def answer(core: PlnCore, actor: object, text: str) -> int:
    (saved,) = await core.handle_message(actor, text)  # type: ignore[arg-type]
    return _number(saved.buttons[0].value)


async def a_term_of_alice(core: PlnCore, clock: SimulatedClock) -> None:
    """alice does everything that leaves a trace: answers (two parts, one to a prompt with a
    revisit), shares one, skips, snoozes, writes a note, asks for a link code, creates a
    `prompt now` and a community prompt; bob answers too."""
    for actor in (ALICE, BOB):
        await core.handle_command(actor, "join")
    await core.handle_command(ALICE, "channel here")
    await core.handle_command(ALICE, "tz Australia/Sydney")
    await core.handle_command(ALICE, "digest schedule termly")
    runner = Runner(core)
    await runner.advance(timedelta(days=7))
    await answer(core, ALICE, ANSWER)
    await core.handle_message(ALICE, MORE)
    await answer(core, BOB, BOB_ANSWER)
    await send_revisit_prompt(core, clock)
    shared = await answer(core, ALICE, SHARED)
    await core.handle_command(ALICE, f"share #{shared}")
    await runner.advance(timedelta(days=7))
    await core.handle_command(ALICE, "skip")
    await core.handle_message(ALICE, NOTE)
    await core.handle_command(ALICE, "link")
    await core.handle_command(ALICE, "prompt now")
    await core.handle_command(
        ALICE, "prompts add olf/vision | What did the week teach you? | What next?"
    )
    await runner.advance(timedelta(days=14))
    await core.handle_command(ALICE, "digest all")  # keeps her answers' key phrases


async def send_revisit_prompt(core: PlnCore, clock: SimulatedClock) -> None:
    prompt = next(p for p in default_library().prompts if p.revisit is not None)

    async def create(session: AsyncSession) -> None:
        community = (await session.scalars(select(Community))).one()
        session.add(
            Schedule(
                community_id=community.id,
                kind=ScheduleKind.PROMPT_NOW,
                fire_at=clock.now(),
                prompt_id=prompt.id,
                active=True,
                created_at=clock.now(),
            )
        )

    await core.db.run(create)
    await core.run_due_work()


async def every_string_in_the_database(db: Database) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text or string column of every row of every table."""

    async def work(session: AsyncSession) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if not columns:
                continue
            for row in await session.execute(select(*columns)):
                found += [
                    (table.name, column.name, value)
                    for column, value in zip(columns, row, strict=True)
                    if value is not None
                ]
        return found

    return await db.run(work)


def traces(values: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    folded = [secret.casefold() for secret in SECRETS]
    return [v for v in values if any(secret in v[2].casefold() for secret in folded)]


async def analysed_answers_of(db: Database, user_id: str) -> int:
    """How many of the member's answers have their key phrases kept."""

    async def work(session: AsyncSession) -> int:
        found = await session.scalar(
            select(func.count())
            .select_from(AnswerAnalysis)
            .join(Answer, Answer.id == AnswerAnalysis.answer_id)
            .join(Member, Member.id == Answer.member_id)
            .where(Member.platform_user_id == user_id)
        )
        return int(found or 0)

    return await db.run(work)


async def rows_of(db: Database, model: type[Base]) -> int:
    async def work(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)

    return await db.run(work)


# --- asking first --------------------------------------------------------------------------------


async def test_forget_me_first_says_exactly_what_will_be_deleted_and_asks(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    await a_term_of_alice(core, clock)

    (ask,) = await core.handle_command(ALICE, "forget-me")

    for what in ("answer", "note", "prompt", "profile", "linked identity", "shared post"):
        assert what in ask.text, what
    assert "/pln forget-me confirm" in ask.text and "/pln export" in ask.text
    (button,) = ask.buttons
    assert (button.action_id, button.style) == (FORGET_CONFIRM_ACTION, ButtonStyle.DANGER)
    assert await rows_of(db, Answer) == 3, "nothing is deleted before confirming"


# --- erasing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["button", "typed"])
async def test_after_erasure_no_table_holds_the_members_text_or_name(
    core: PlnCore, clock: SimulatedClock, db: Database, messenger: RecordingMessenger, how: str
) -> None:
    await a_term_of_alice(core, clock)
    assert traces(await every_string_in_the_database(db)), "the check sees her data before"
    assert await analysed_answers_of(db, ALICE.user_id), "her kept phrases are checked too"

    if how == "button":
        reply = await texts(core.handle_action(ALICE, FORGET_CONFIRM_ACTION, ""))
    else:
        reply = await texts(core.handle_command(ALICE, "forget-me confirm"))

    assert reply.startswith("Done: everything I held about you is erased")
    assert traces(await every_string_in_the_database(db)) == []
    values = [value for _, _, value in await every_string_in_the_database(db)]
    assert BOB_ANSWER in values, "bob's answer is untouched"
    assert await rows_of(db, Member) == 1
    assert await analysed_answers_of(db, ALICE.user_id) == 0
    assert await rows_of(db, AnswerAnalysis) == await analysed_answers_of(db, BOB.user_id)
    assert messenger.visible_channel_posts() == [
        post for post in messenger.channel_posts if post.message.kind != "shared_answer"
    ], "her shared post was taken down"

    async def created_by(session: AsyncSession) -> list[int | None]:
        schedules = await session.scalars(
            select(Schedule.created_by).where(Schedule.kind == ScheduleKind.PROMPT_NOW)
        )
        prompts = await session.scalars(select(CommunityPrompt.created_by))
        return [*schedules, *prompts]

    made = await db.run(created_by)
    assert len(made) >= 2 and set(made) == {None}, "what she created stays, with no creator"


async def test_an_audit_row_records_the_erasure_without_any_content(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    await a_term_of_alice(core, clock)

    await core.handle_command(ALICE, "forget-me confirm")

    async def audit(session: AsyncSession) -> list[AuditEvent]:
        return list(await session.scalars(select(AuditEvent)))

    (event,) = await db.run(audit)
    assert (event.kind, event.count, event.happened_at) == ("erasure", 1, clock.now())
    assert event.community_id is not None
    assert {c.name for c in AuditEvent.__table__.columns} == {
        "id",
        "community_id",
        "kind",
        "count",
        "happened_at",
    }, "no column could hold a member id, a name or a text"


async def test_the_sqlite_file_and_its_wal_keep_no_bytes_of_what_was_erased(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL keeps dead rows until vacuum; no query can see them")
    path = Path(str(make_url(db.url).database))
    await a_term_of_alice(core, clock)

    def raw() -> bytes:
        wal = path.with_name(path.name + "-wal")
        return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    assert ANSWER.encode() in raw(), "the check can see text in the file"
    async with db.engine.connect() as connection:
        pragma = await connection.exec_driver_sql("PRAGMA secure_delete")
        assert pragma.scalar() == 1, "deleted rows are overwritten with zeros"

    await core.handle_command(ALICE, "forget-me confirm")

    everything = raw()
    for secret in (ANSWER, MORE, SHARED, NOTE, "Quokkaville", "zygomorphic", "Alinta Wexcombe"):
        assert secret.encode() not in everything, secret
    assert BOB_ANSWER.encode() in everything, "bob's answer is still stored"


async def test_the_member_can_join_again_and_starts_fresh(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await a_term_of_alice(core, clock)
    await core.handle_command(ALICE, "forget-me confirm")

    welcome = await texts(core.handle_command(ALICE, "join"))
    history = await texts(core.handle_command(ALICE, "history 50"))
    (export,) = await core.handle_command(ALICE, "export")
    again = await texts(core.handle_command(ALICE, "forget-me"))

    assert welcome.startswith("Welcome to the PLN"), "a new member, not a returning one"
    assert history.startswith("You haven't answered a prompt yet")
    assert "0 answers" in export.text
    assert "0 answers" in again
    await Runner(core).advance(timedelta(days=7))
    assert any(
        r.platform_user_id == ALICE.user_id and m.kind == "prompt" for r, m in messenger.sent[-3:]
    ), "prompts start again"


async def test_erasure_covers_every_linked_identity(
    core: PlnCore, make_core: Callable[..., PlnCore], clock: SimulatedClock, db: Database
) -> None:
    discord_messenger = RecordingMessenger(platform="discord")
    discord = make_core(discord_messenger)
    await core.handle_command(ALICE, "join")
    await core.handle_command(BOB, "join")
    await discord.handle_command(ALICE_ON_DISCORD, "join")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await core.run_due_work()
    await discord.run_due_work()
    await answer(core, ALICE, ANSWER)
    await answer(discord, ALICE_ON_DISCORD, MORE)
    await answer(core, BOB, BOB_ANSWER)

    async def link(session: AsyncSession) -> None:
        ids = list(
            await session.scalars(
                select(Member.id).where(Member.platform_user_id.in_(["u-alinta-7", "d-alinta-9"]))
            )
        )
        await session.execute(update(Member).where(Member.id.in_(ids)).values(person_id=ids[0]))

    await db.run(link)

    await discord.handle_command(ALICE_ON_DISCORD, "forget-me confirm")

    assert traces(await every_string_in_the_database(db)) == []
    assert await rows_of(db, Member) == 1 and await rows_of(db, Answer) == 1
    assert await rows_of(db, AuditEvent) == 2, "one row per community, no names"


async def test_a_post_on_another_platform_must_be_unshared_there_first(
    core: PlnCore, make_core: Callable[..., PlnCore], clock: SimulatedClock, db: Database
) -> None:
    discord_messenger = RecordingMessenger(platform="discord")
    discord = make_core(discord_messenger)
    on_discord = dataclasses.replace(ALICE_ON_DISCORD, platform_admin=True, channel_id="G-PLN")
    await core.handle_command(ALICE, "join")
    await discord.handle_command(on_discord, "join")
    await discord.handle_command(on_discord, "channel here")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await discord.run_due_work()
    shared = await answer(discord, on_discord, SHARED)
    await discord.handle_command(on_discord, f"share #{shared}")

    async def link(session: AsyncSession) -> None:
        ids = list(await session.scalars(select(Member.id)))
        await session.execute(update(Member).values(person_id=min(ids)))

    await db.run(link)

    refused = await texts(core.handle_command(ALICE, "forget-me confirm"))
    assert "Discord" in refused and f"/pln unshare #{shared}" in refused
    assert await rows_of(db, Member) == 2, "nothing erased while a post would be left behind"

    await discord.handle_command(on_discord, f"unshare #{shared}")
    done = await texts(core.handle_command(ALICE, "forget-me confirm"))
    assert done.startswith("Done") and await rows_of(db, Member) == 0
    assert discord_messenger.visible_channel_posts() == []


async def test_a_post_the_platform_will_not_delete_is_named_and_the_erasure_goes_on(
    core: PlnCore, clock: SimulatedClock, db: Database, messenger: RecordingMessenger
) -> None:
    await a_term_of_alice(core, clock)
    messenger.fail_channel_deletes = 1

    reply = await texts(core.handle_command(ALICE, "forget-me confirm"))

    assert "couldn't take 1 of your shared posts down" in reply
    assert traces(await every_string_in_the_database(db)) == []


async def test_someone_who_never_joined_is_told_nothing_is_held(core: PlnCore) -> None:
    reply = await texts(core.handle_command(member("stranger"), "forget-me confirm"))
    assert "hold nothing about you" in reply


async def test_no_log_line_carries_what_was_erased(
    core: PlnCore, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    for noisy in NOISY_LOGGERS:
        caplog.set_level(logging.WARNING, logger=noisy)
    caplog.set_level(logging.DEBUG)
    await a_term_of_alice(core, clock)
    await core.handle_command(ALICE, "forget-me")
    await core.handle_command(ALICE, "forget-me confirm")

    formatter = KeyValueFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    assert any("erasure" in line for line in lines)
    assert [line for line in lines if any(s in line for s in SECRETS[:5])] == []


async def test_erasure_on_discord_covers_every_guild_of_the_member(
    make_core: Callable[..., PlnCore], clock: SimulatedClock, db: Database
) -> None:
    """One Discord user in two guilds (two communities): forget-me typed in one guild erases
    her in both, takes her post in the other guild's channel down, and says so."""
    discord_messenger = RecordingMessenger(platform="discord")
    discord = make_core(discord_messenger)
    in_guild_1 = dataclasses.replace(ALICE_ON_DISCORD, platform_admin=True, channel_id="G1-PLN")
    in_guild_2 = dataclasses.replace(
        in_guild_1,
        community=CommunityRef("discord", "guild-2", "District PLN"),
        channel_id="G2-PLN",
    )
    bob_in_guild_2 = member("d-bob-3", in_guild_2.community)
    for actor in (in_guild_1, in_guild_2, bob_in_guild_2):
        await discord.handle_command(actor, "join")
    await discord.handle_command(in_guild_2, "channel here")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await discord.run_due_work()
    await answer(discord, in_guild_1, ANSWER)
    shared = await answer(discord, in_guild_2, SHARED)
    await discord.handle_command(in_guild_2, f"share #{shared}")
    await answer(discord, bob_in_guild_2, BOB_ANSWER)
    assert len(discord_messenger.visible_channel_posts()) == 1

    ask = await texts(discord.handle_command(in_guild_1, "forget-me"))
    assert "2 communities" in ask and "2 answers" in ask, ask
    done = await texts(discord.handle_command(in_guild_1, "forget-me confirm"))

    assert done.startswith("Done: everything I held about you is erased")
    assert "2 communities" in done, done
    assert traces(await every_string_in_the_database(db)) == []
    assert await rows_of(db, Member) == 1 and await rows_of(db, Answer) == 1
    assert discord_messenger.visible_channel_posts() == [], "the other guild's post is down"
    assert await rows_of(db, AuditEvent) == 2, "one row per community, no names"


async def test_a_deleted_answer_leaves_no_bytes_in_the_sqlite_file_or_its_wal(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    """`/pln delete` says "for good": the text must not wait in the WAL for a checkpoint."""
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL keeps dead rows until vacuum; no query can see them")
    path = Path(str(make_url(db.url).database))
    wal = path.with_name(path.name + "-wal")

    def wal_bytes() -> bytes:
        return wal.read_bytes() if wal.exists() else b""

    def file_bytes() -> bytes:
        return path.read_bytes()

    for actor in (ALICE, BOB):
        await core.handle_command(actor, "join")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await core.run_due_work()
    gone = await answer(core, ALICE, ANSWER)
    await answer(core, BOB, BOB_ANSWER)
    assert ANSWER.encode() in wal_bytes(), "the check can see text in the WAL"

    reply = await texts(core.handle_command(ALICE, f"delete #{gone} confirm"))

    assert reply == f"Deleted #{gone} for good."
    assert ANSWER.encode() not in wal_bytes()
    assert ANSWER.encode() not in file_bytes()
    assert BOB_ANSWER.encode() in file_bytes(), "bob's answer is still stored"


async def test_a_deleted_dm_message_leaves_no_bytes_in_the_wal_and_strangers_get_no_reply(
    core: PlnCore, clock: SimulatedClock, db: Database
) -> None:
    """Deleting the platform message of an answer deletes the stored copy at once, WAL
    included; someone who holds nothing here deleting a message of theirs is not answered."""
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL keeps dead rows until vacuum; no query can see them")
    path = Path(str(make_url(db.url).database))
    wal = path.with_name(path.name + "-wal")

    def wal_bytes() -> bytes:
        return wal.read_bytes() if wal.exists() else b""

    def file_bytes() -> bytes:
        return path.read_bytes()

    for actor in (ALICE, BOB):
        await core.handle_command(actor, "join")
    clock.set(MONDAY_9 + timedelta(minutes=5))
    await core.run_due_work()
    await core.handle_message(ALICE, ANSWER, "dm-alice-1")
    await answer(core, BOB, BOB_ANSWER)
    assert ANSWER.encode() in wal_bytes(), "the check can see text in the WAL"

    await core.handle(MessageDeleted(ALICE, "dm-alice-1"))

    assert ANSWER.encode() not in wal_bytes()
    assert ANSWER.encode() not in file_bytes()
    assert BOB_ANSWER.encode() in file_bytes(), "bob's answer is still stored"
    stranger = DirectUser("console", "nobody", "nobody")
    assert (await core.handle(MessageDeleted(stranger, "dm-x"))).replies == ()
    assert (await core.handle(MessageEdited(stranger, "dm-x", "new words"))).replies == ()


async def test_forget_me_on_discord_takes_a_linked_slack_installers_name_out_of_the_installation(
    make_core: Callable[..., PlnCore], db: Database
) -> None:
    """Alinta installed the Slack app and is linked to Discord; she erases herself from
    Discord, where the Slack process is not running: the installation no longer names her
    (its sealed copy is cleaned by the Slack process when it next reads it; see
    integration/slack/test_slack_oauth.py)."""
    workspace = CommunityRef("slack", "T-NORTH", "Northside")
    on_slack = dataclasses.replace(member("U-ALINTA", workspace), display_name="Alinta")
    slack = make_core(RecordingMessenger(platform="slack"))
    discord = make_core(RecordingMessenger(platform="discord"))
    await slack.handle_command(on_slack, "join")
    await discord.handle_command(ALICE_ON_DISCORD, "join")

    async def installed_and_linked(session: AsyncSession) -> None:
        session.add(
            SlackInstallation(
                client_id="111.222",
                enterprise_id=None,
                team_id="T-NORTH",
                user_id="U-ALINTA",
                is_enterprise_install=False,
                installed_at=MONDAY_9,
                data="sealed",
            )
        )
        ids = list(
            await session.scalars(
                select(Member.id).where(Member.platform_user_id.in_(["U-ALINTA", "d-alinta-9"]))
            )
        )
        await session.execute(update(Member).where(Member.id.in_(ids)).values(person_id=ids[0]))

    await db.run(installed_and_linked)

    await discord.handle_command(ALICE_ON_DISCORD, "forget-me confirm")

    async def installers(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(SlackInstallation.user_id)))

    assert await db.run(installers) == [""]
    assert traces(await every_string_in_the_database(db)) == []


async def test_forget_me_takes_a_moderator_added_in_chat_out_of_the_moderators_list(
    core: PlnCore, db: Database
) -> None:
    """Alinta (a platform admin) adds Bob as a moderator, and was added herself by the
    operator's moderator; after her erasure she is no moderator, and Bob's row no longer
    names who added him."""
    operator = member("mod")  # PLN_MODERATORS in the test config
    await core.handle_command(ALICE, "join")
    await core.handle_command(BOB, "join")
    added = await texts(core.handle_command(operator, f"moderators add {ALICE.user_id}"))
    assert "is now a moderator" in added
    assert "is now a moderator" in await texts(core.handle_command(ALICE, "moderators add bob"))

    await core.handle_command(ALICE, "forget-me confirm")

    async def listed(session: AsyncSession) -> list[tuple[str, str]]:
        rows = await session.execute(
            select(CommunityModerator.platform_user_id, CommunityModerator.added_by)
        )
        return list(rows.tuples())

    assert await db.run(listed) == [("bob", "")]
    assert traces(await every_string_in_the_database(db)) == []
    said = await texts(core.handle_command(operator, "moderators list"))
    assert "added by a former member" in said and "u-alinta-7" not in said
