"""One member across platforms: `/pln link` codes, `/pln unlink`, and what linking joins.

A Slack workspace and a Discord guild are separate communities, each with its own core (as
the two bot processes are) on one shared database. Every test runs on a real SQLite file and
on the real PostgreSQL server; time moves only through the simulated clock.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor, CommunityRef
from bot.core.clock import SimulatedClock
from bot.core.data_rights import FORGET_CONFIRM_ACTION
from bot.core.linking import CODE_REFUSED, JOIN_FIRST, LOCKED_OUT
from bot.core.prompt_messages import ANSWER_FORM_ACTION
from bot.core.service import PlnCore
from bot.prompts.library import default_library
from bot.store import deliveries as delivery_store
from bot.store.database import Database
from bot.store.guard_models import LinkFailure
from bot.store.identities import linked_member_ids
from bot.store.models import Base, Community, Delivery, DeliveryStatus, LinkCode, Member, Schedule
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

SLACK = CommunityRef("slack", "T-school", "School leaders")
SLACK_OTHER = CommunityRef("slack", "T-district", "District leaders")
DISCORD = CommunityRef("discord", "G-pln", "PLN guild")
DISCORD_OTHER = CommunityRef("discord", "G-other", "Another guild")

ALICE_SLACK = member("U-alice", SLACK)
ALICE_DISCORD = member("D-alice", DISCORD)
ALICE_DISCORD_OTHER = member("D-alice-2", DISCORD_OTHER)
BOB_SLACK = member("U-bob", SLACK_OTHER)

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # both communities' weekly prompt
CODE_SHAPE = re.compile(r"`([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})`")


@pytest.fixture
def slack_messenger() -> RecordingMessenger:
    return RecordingMessenger(platform="slack")


@pytest.fixture
def discord_messenger() -> RecordingMessenger:
    return RecordingMessenger(platform="discord")


@pytest.fixture
def slack(make_core: Callable[..., PlnCore], slack_messenger: RecordingMessenger) -> PlnCore:
    return make_core(slack_messenger)


@pytest.fixture
def discord(make_core: Callable[..., PlnCore], discord_messenger: RecordingMessenger) -> PlnCore:
    return make_core(discord_messenger)


# --- helpers ---------------------------------------------------------------------------------


async def say(core: PlnCore, actor: Actor, text: str) -> str:
    replies = await core.handle_command(actor, text)
    assert len(replies) == 1
    return str(replies[0].text)


async def new_code(core: PlnCore, actor: Actor) -> str:
    reply = await say(core, actor, "link")
    found = CODE_SHAPE.search(reply)
    assert found, reply
    assert "10 minutes" in reply and "once" in reply and f"/pln link {found[1]}" in reply
    return found[1]


async def joined(core: PlnCore, *actors: Actor) -> None:
    for actor in actors:
        await core.handle_command(actor, "join")


async def linked(slack: PlnCore, discord: PlnCore) -> None:
    """Alice on Slack and Alice on Discord, joined and linked."""
    await joined(slack, ALICE_SLACK)
    await joined(discord, ALICE_DISCORD)
    code = await new_code(slack, ALICE_SLACK)
    assert (await say(discord, ALICE_DISCORD, f"link {code}")).startswith("Linked")


async def members(db: Database) -> dict[str, Member]:
    async def work(session: AsyncSession) -> dict[str, Member]:
        return {m.platform_user_id: m for m in await session.scalars(select(Member))}

    return await db.run(work)


async def person_of(db: Database, *actors: Actor) -> list[int | None]:
    found = await members(db)
    return [found[actor.user_id].person_id for actor in actors]


async def weekly_deliveries(db: Database) -> list[tuple[str, Delivery]]:
    """Every weekly prompt delivered (not missed), with its member's user id, oldest first."""

    async def work(session: AsyncSession) -> list[tuple[str, Delivery]]:
        rows = await session.execute(
            select(Member.platform_user_id, Delivery)
            .join(Member, Member.id == Delivery.member_id)
            .join(Schedule, Schedule.id == Delivery.schedule_id)
            .where(Schedule.kind == "weekly_prompt", Delivery.status != DeliveryStatus.MISSED)
            .order_by(Delivery.due_at, Delivery.id)
        )
        return [(user_id, delivery) for user_id, delivery in rows.tuples()]

    return await db.run(work)


async def answer(core: PlnCore, actor: Actor, delivery_id: int, text: str) -> None:
    await core.handle_form(actor, ANSWER_FORM_ACTION, str(delivery_id), {"answer": text})


async def week(slack: PlnCore, discord: PlnCore, clock: SimulatedClock, n: int) -> None:
    """Monday of week n: both processes run their due work, in turn (who goes first varies)."""
    clock.set(MONDAY_9 + timedelta(weeks=n))
    first, second = (slack, discord) if n % 2 == 0 else (discord, slack)
    await first.run_due_work()
    await second.run_due_work()


# --- linking ---------------------------------------------------------------------------------


async def test_a_code_from_slack_links_the_same_person_on_discord(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await linked(slack, discord)

    people = await members(db)
    slack_member, discord_member = people[ALICE_SLACK.user_id], people[ALICE_DISCORD.user_id]
    assert slack_member.person_id == discord_member.person_id == slack_member.id

    async def ids(session: AsyncSession) -> list[list[int]]:
        return [await linked_member_ids(session, m) for m in (slack_member, discord_member)]

    assert await db.run(ids) == [
        [slack_member.id, discord_member.id],
        [discord_member.id, slack_member.id],
    ]


async def test_history_is_one_across_the_two_identities(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    await linked(slack, discord)
    await week(slack, discord, clock, 0)  # Slack claims first this week
    await week(slack, discord, clock, 1)  # Discord first
    (slack_user, on_slack), (discord_user, on_discord) = await weekly_deliveries(db)
    assert (slack_user, discord_user) == (ALICE_SLACK.user_id, ALICE_DISCORD.user_id)
    await answer(slack, ALICE_SLACK, on_slack.id, "Written on Slack about our rollout.")
    await answer(discord, ALICE_DISCORD, on_discord.id, "Written on Discord about coaching.")

    for core, actor in ((slack, ALICE_SLACK), (discord, ALICE_DISCORD)):
        history = await say(core, actor, "history")
        assert "Written on Slack about our rollout." in history
        assert "Written on Discord about coaching." in history


async def test_rotation_is_one_person_one_prompt_a_week_never_repeated(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    await linked(slack, discord)
    library = default_library()
    elements = {p.element_id for p in library.prompts}
    actors = {
        ALICE_SLACK.user_id: (slack, ALICE_SLACK),
        ALICE_DISCORD.user_id: (discord, ALICE_DISCORD),
    }
    weeks = len(elements) + 4
    for n in range(weeks):
        await week(slack, discord, clock, n)
        this_week = [(u, d) for u, d in await weekly_deliveries(db) if d.due_at == clock.now()]
        assert len(this_week) == 1, f"week {n}: {len(this_week)} weekly prompts for one person"
        user_id, delivery = this_week[0]
        core, actor = actors[user_id]
        await answer(core, actor, delivery.id, f"Reflection of week {n}.")

    delivered = await weekly_deliveries(db)
    per_week = Counter(d.due_local_date.isocalendar()[:2] for _, d in delivered)
    assert len(per_week) == weeks and set(per_week.values()) == {1}, per_week
    assert {user_id for user_id, _ in delivered} == set(actors)  # both platforms took turns
    prompt_ids = [d.prompt_id for _, d in delivered]
    assert len(set(prompt_ids)) == len(prompt_ids)  # nothing repeated across platforms
    first = [library.by_id(prompt_id) for prompt_id in prompt_ids[: len(elements)]]
    # answers on both platforms count towards the balance: every element once, then again
    assert {prompt.element_id for prompt in first if prompt is not None} == elements


async def test_linking_asks_a_newcomer_to_join_first(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await joined(slack, ALICE_SLACK)
    code = await new_code(slack, ALICE_SLACK)
    assert await say(discord, ALICE_DISCORD, "link") == JOIN_FIRST.text
    assert await say(discord, ALICE_DISCORD, f"link {code}") == JOIN_FIRST.text
    await joined(discord, ALICE_DISCORD)
    assert (await say(discord, ALICE_DISCORD, f"link {code}")).startswith("Linked")


async def test_a_code_expires_after_ten_minutes(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    await joined(slack, ALICE_SLACK)
    await joined(discord, ALICE_DISCORD)
    code = await new_code(slack, ALICE_SLACK)
    clock.advance(timedelta(minutes=10, seconds=1))
    assert await say(discord, ALICE_DISCORD, f"link {code}") == CODE_REFUSED.text
    assert await person_of(db, ALICE_SLACK, ALICE_DISCORD) == [None, None]

    fresh = await new_code(slack, ALICE_SLACK)
    clock.advance(timedelta(minutes=9, seconds=59))
    assert (await say(discord, ALICE_DISCORD, f"link {fresh.lower()}")).startswith("Linked")


async def test_a_code_works_once_even_when_two_requests_race(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await joined(slack, ALICE_SLACK)
    await joined(discord, ALICE_DISCORD, ALICE_DISCORD_OTHER)
    code = await new_code(slack, ALICE_SLACK)

    replies = await asyncio.gather(
        say(discord, ALICE_DISCORD, f"link {code}"),
        say(discord, ALICE_DISCORD_OTHER, f"link {code}"),
    )

    assert sorted(reply.startswith("Linked") for reply in replies) == [False, True]
    people = await members(db)
    linked_ids = {m.platform_user_id for m in people.values() if m.person_id is not None}
    assert len(linked_ids) == 2 and ALICE_SLACK.user_id in linked_ids
    assert await say(discord, ALICE_DISCORD, f"link {code}") == CODE_REFUSED.text


async def test_a_new_code_replaces_the_older_one(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await joined(slack, ALICE_SLACK)
    await joined(discord, ALICE_DISCORD)
    old = await new_code(slack, ALICE_SLACK)
    new = await new_code(slack, ALICE_SLACK)
    assert await say(discord, ALICE_DISCORD, f"link {old}") == CODE_REFUSED.text
    assert (await say(discord, ALICE_DISCORD, f"link {new}")).startswith("Linked")


async def test_two_members_of_one_platform_cannot_link(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await joined(slack, ALICE_SLACK, BOB_SLACK)
    await joined(discord, ALICE_DISCORD)
    code = await new_code(slack, ALICE_SLACK)

    reply = await say(slack, BOB_SLACK, f"link {code}")
    assert "two Slack identities can't be linked" in reply
    assert await person_of(db, ALICE_SLACK, BOB_SLACK) == [None, None]
    # the code was not spent: Alice can still use it where it belongs
    assert (await say(discord, ALICE_DISCORD, f"link {code}")).startswith("Linked")


async def test_a_third_identity_on_a_platform_already_linked_is_refused(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await linked(slack, discord)
    await joined(discord, ALICE_DISCORD_OTHER)
    before = await person_of(db, ALICE_SLACK, ALICE_DISCORD, ALICE_DISCORD_OTHER)

    code = await new_code(slack, ALICE_SLACK)
    reply = await say(discord, ALICE_DISCORD_OTHER, f"link {code}")
    assert "already have a Discord identity linked" in reply
    # and the other way round: the Discord identity's code, used by the second guild
    code = await new_code(discord, ALICE_DISCORD)
    assert "two Discord identities" in await say(discord, ALICE_DISCORD_OTHER, f"link {code}")
    assert await person_of(db, ALICE_SLACK, ALICE_DISCORD, ALICE_DISCORD_OTHER) == before


async def test_a_third_platform_joins_the_same_person(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    await linked(slack, discord)
    console_alice = member("alice")  # the console is a platform too
    await joined(slack, console_alice)
    code = await new_code(slack, console_alice)
    assert (await say(discord, ALICE_DISCORD, f"link {code}")).startswith("Linked")
    slack_id = (await members(db))[ALICE_SLACK.user_id].id
    assert await person_of(db, ALICE_SLACK, ALICE_DISCORD, console_alice) == [slack_id] * 3


async def test_wrong_expired_and_used_codes_get_one_answer_and_guessing_is_locked_out(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    await joined(slack, ALICE_SLACK)
    await joined(discord, ALICE_DISCORD, ALICE_DISCORD_OTHER)
    expired = await new_code(slack, ALICE_SLACK)
    clock.advance(timedelta(minutes=11))
    used = await new_code(slack, ALICE_SLACK)
    assert (await say(discord, ALICE_DISCORD_OTHER, f"link {used}")).startswith("Linked")

    wrong = "ABCD-2345" if used != "ABCD-2345" else "WXYZ-6789"
    replies = {await say(discord, ALICE_DISCORD, f"link {c}") for c in (wrong, expired, used)}
    assert replies == {CODE_REFUSED.text}

    # two more wrong guesses make five within ten minutes: even a good code waits now
    await say(discord, ALICE_DISCORD, f"link {wrong}")
    await say(discord, ALICE_DISCORD, f"link {wrong}")
    await say(discord, ALICE_DISCORD_OTHER, "unlink")
    good = await new_code(slack, ALICE_SLACK)
    assert await say(discord, ALICE_DISCORD, f"link {good}") == LOCKED_OUT.text
    clock.advance(timedelta(minutes=9, seconds=59))
    good = await new_code(slack, ALICE_SLACK)
    assert await say(discord, ALICE_DISCORD, f"link {good}") == LOCKED_OUT.text
    clock.advance(timedelta(seconds=1))  # ten minutes after the fifth wrong code
    assert (await say(discord, ALICE_DISCORD, f"link {good}")).startswith("Linked")


async def test_a_member_of_three_guilds_gets_five_wrong_codes_in_all_not_fifteen(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    """Failures count per platform user, not per member row: joining more guilds buys no
    more guesses (issue 13)."""
    guilds = [CommunityRef("discord", f"G-{n}", f"Guild {n}") for n in range(3)]
    mallory = [member("D-mallory", guild) for guild in guilds]
    await joined(discord, *mallory)
    await joined(slack, ALICE_SLACK)
    good = await new_code(slack, ALICE_SLACK)
    wrong = "ABCD-2345" if good != "ABCD-2345" else "WXYZ-6789"
    for n in range(5):  # round the three guilds: 2 + 2 + 1 wrong codes
        assert await say(discord, mallory[n % 3], f"link {wrong}") == CODE_REFUSED.text
    for identity in mallory:  # locked in every guild, even with a good code
        assert await say(discord, identity, f"link {good}") == LOCKED_OUT.text
    clock.advance(timedelta(minutes=10))
    good = await new_code(slack, ALICE_SLACK)  # the first one has expired by now
    assert (await say(discord, mallory[2], f"link {good}")).startswith("Linked")


async def test_a_linked_persons_wrong_codes_count_together(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    """Failures also count per person: the identities of one linked person share 5 tries."""
    await linked(slack, discord)
    wrong = "ABCD-2345"
    for n in range(5):
        actor, core = (ALICE_SLACK, slack) if n % 2 == 0 else (ALICE_DISCORD, discord)
        assert await say(core, actor, f"link {wrong}") == CODE_REFUSED.text
    assert await say(slack, ALICE_SLACK, f"link {wrong}") == LOCKED_OUT.text
    assert await say(discord, ALICE_DISCORD, f"link {wrong}") == LOCKED_OUT.text


async def test_two_processes_count_one_persons_wrong_codes_together(
    database_url: str,
    make_core: Callable[..., PlnCore],
    slack: PlnCore,
    discord_messenger: RecordingMessenger,
) -> None:
    """The Slack and the Discord bot are two processes, each with its own connection pool:
    the count is in the database, so a linked person gets 5 wrong codes in all, not 5 on
    each platform (issue 13)."""
    other_process = Database(database_url)
    try:
        discord = make_core(discord_messenger, database=other_process)
        await linked(slack, discord)
        wrong = "ABCD-2345"
        for n in range(5):
            actor, core = (ALICE_SLACK, slack) if n % 2 == 0 else (ALICE_DISCORD, discord)
            assert await say(core, actor, f"link {wrong}") == CODE_REFUSED.text
        assert await say(discord, ALICE_DISCORD, f"link {wrong}") == LOCKED_OUT.text
        assert await say(slack, ALICE_SLACK, f"link {wrong}") == LOCKED_OUT.text
    finally:
        await other_process.dispose()


async def test_a_failure_count_holds_no_code_and_goes_with_an_erasure(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    """What is written down of a wrong guess is a count: no code, nothing typed; and
    forget-me removes it with the rest of the person."""
    await linked(slack, discord)
    await say(discord, ALICE_DISCORD, "link ABCD-2345")

    async def rows(session: AsyncSession) -> list[tuple[str, int]]:
        found = await session.execute(select(LinkFailure.guesser, LinkFailure.failures))
        return [(g, n) for g, n in found.tuples()]

    counted = await db.run(rows)
    assert sorted(n for _, n in counted) == [1, 1]  # the Discord user and the person
    assert not any("ABCD" in guesser for guesser, _ in counted)
    await say(discord, ALICE_DISCORD, "forget-me")
    erase = await discord.handle_action(ALICE_DISCORD, FORGET_CONFIRM_ACTION, "")
    assert "erased" in " ".join(r.text for r in erase)
    assert await db.run(rows) == []


async def test_unlink_separates_and_each_keeps_its_own_answers(
    db: Database, slack: PlnCore, discord: PlnCore, clock: SimulatedClock
) -> None:
    await linked(slack, discord)
    await week(slack, discord, clock, 0)
    await week(slack, discord, clock, 1)
    (_, on_slack), (_, on_discord) = await weekly_deliveries(db)
    await answer(slack, ALICE_SLACK, on_slack.id, "Slack thoughts.")
    await answer(discord, ALICE_DISCORD, on_discord.id, "Discord thoughts.")

    reply = await say(discord, ALICE_DISCORD, "unlink")
    assert "on its own again" in reply and "Slack" in reply
    assert await person_of(db, ALICE_SLACK, ALICE_DISCORD) == [None, None]
    assert await say(discord, ALICE_DISCORD, "unlink") == (
        "This identity isn't linked to another platform. `/pln link` links one."
    )
    slack_history = await say(slack, ALICE_SLACK, "history")
    discord_history = await say(discord, ALICE_DISCORD, "history")
    assert "Slack thoughts." in slack_history and "Discord thoughts." not in slack_history
    assert "Discord thoughts." in discord_history and "Slack thoughts." not in discord_history

    await week(slack, discord, clock, 2)  # separate again: each identity gets its prompt
    third_week = [u for u, d in await weekly_deliveries(db) if d.due_at == clock.now()]
    assert sorted(third_week) == sorted([ALICE_SLACK.user_id, ALICE_DISCORD.user_id])


async def test_the_code_is_never_stored_nor_logged(
    db: Database, slack: PlnCore, discord: PlnCore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await joined(slack, ALICE_SLACK)
    await joined(discord, ALICE_DISCORD)
    code = await new_code(slack, ALICE_SLACK)
    await say(discord, ALICE_DISCORD, f"link {code}")
    await say(discord, ALICE_DISCORD, "link ZZZZ-9999")
    plain_forms = {code, code.replace("-", ""), code.lower()}

    async def every_value(session: AsyncSession) -> list[str]:
        values: list[str] = []
        for table in Base.metadata.sorted_tables:
            for row in await session.execute(select(table)):
                values.extend(str(value) for value in row)
        return values

    stored = await db.run(every_value)
    assert not [v for v in stored for form in plain_forms if form in v]
    hashes = await db.run(lambda s: _scalars(s, select(LinkCode.code_hash)))
    assert len(hashes) == 1 and len(hashes[0]) == 64  # only the SHA-256 of the code
    logged = [repr(record.__dict__) for record in caplog.records]
    assert logged and not [line for line in logged for form in plain_forms if form in line]


async def test_the_store_refuses_a_second_weekly_prompt_for_one_person_week(
    db: Database, slack: PlnCore, discord: PlnCore
) -> None:
    """Two processes claiming at the same moment: the unique key lets one insert land."""
    await linked(slack, discord)
    people = await members(db)
    week_key = delivery_store.person_week(people[ALICE_SLACK.user_id].id, date(2026, 11, 23))

    async def claim_both(session: AsyncSession) -> None:
        schedules = [
            await session.scalar(
                select(Schedule).join(Community).where(Community.platform == platform)
            )
            for platform in ("slack", "discord")
        ]
        rows = [
            {
                "schedule_id": schedule.id,
                "member_id": people[actor.user_id].id,
                "due_local_date": date(2026, 11, 23),
                "due_at": MONDAY_9,
                "prompt_id": "p",
                "prompt_text": "q",
                "status": DeliveryStatus.CLAIMED,
                "claimed_at": MONDAY_9,
                "attempts": 0,
                "person_week": week_key,
            }
            for schedule, actor in zip(schedules, (ALICE_SLACK, ALICE_DISCORD), strict=True)
            if schedule is not None
        ]
        await delivery_store.insert_deliveries(session, rows)

    with pytest.raises(IntegrityError):
        await db.run(claim_both)


async def _scalars(session: AsyncSession, query: object) -> list[str]:
    return list(await session.scalars(query))  # type: ignore[call-overload]
