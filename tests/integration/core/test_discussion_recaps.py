"""A discussion's recap: posted once in its thread three days after the discussion, with the
thread's counts and recurring phrases and links to answers shared on its element; never a
private answer's words, never the name of someone who did not share; its counts in
`/pln stats`.

The thread's replies are what the platform holds (RecordingMessenger.threads); the recap
reads them when it is built, as the adapters read Slack and Discord threads.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.context import CoreConfig
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.models import Delivery, Member
from tests.support.actors import member
from tests.support.messenger import ChannelPost, RecordingMessenger

ALICE, BOB, CARA = member("alice"), member("bob"), member("cara")
MOD = dataclasses.replace(member("mod"), channel_id="C-PLN")

ALICE_SHARED = (
    "Parents asked who sees the reading-app data. We published a one-page data map and "
    "the questions stopped."
)
BOB_PRIVATE = "Privately: the Xylophagous vendor contract lets them keep pupil data forever."
CARA_PRIVATE = "Quietly worried the Zygomorphic consent audit will find gaps in Year 9."

THREAD = [  # author, text: what members wrote in the discussion's thread
    ("U-dana", "Our consent forms only mention photos, nothing about learning apps."),
    ("U-eli", "Same here. We rewrote the consent forms with the parent council."),
    ("U-dana", "The parent council was the turning point for trust, honestly."),
    ("U-fay", "A data map for parents helped us: every app, what it keeps, for how long."),
    ("U-eli", "Consent forms plus a data map is what we are aiming for by spring."),
]


def rendered(message: OutgoingMessage) -> str:
    parts = [message.text, message.heading or ""]
    parts += [f"{s.heading or ''} {s.body}" for s in message.sections]
    return "\n".join(parts)


def discussions(messenger: RecordingMessenger) -> list[ChannelPost]:
    return [p for p in messenger.channel_posts if p.message.kind == "discussion"]


def recaps(messenger: RecordingMessenger) -> list[ChannelPost]:
    return [p for p in messenger.channel_posts if p.message.kind == "recap"]


async def prompt_id_of(db: Database, name: str) -> str:
    async def load(session: AsyncSession) -> str:
        found = await session.scalar(
            select(Delivery.prompt_id)
            .join(Member, Member.id == Delivery.member_id)
            .where(Member.platform_user_id == name)
        )
        assert found is not None
        return found

    return await db.run(load)


async def a_week_of_answers(core: PlnCore, db: Database) -> str:
    """Everyone joins and answers Monday's prompt; Alice shares hers. Returns its prompt id."""
    for actor in (ALICE, BOB, CARA, MOD):
        await core.handle_command(actor, "join")
    await core.handle_command(MOD, "channel here")
    await Runner(core).advance(timedelta(days=3))  # Mon 23 Nov 09:00 has passed
    await core.handle_message(ALICE, ALICE_SHARED)
    await core.handle_message(BOB, BOB_PRIVATE)
    await core.handle_message(CARA, CARA_PRIVATE)
    (shared,) = await core.handle_command(ALICE, "share #1")
    assert "shared" in shared.text.lower(), shared.text
    return await prompt_id_of(db, "alice")


async def schedule_discussion(core: PlnCore, prompt_id: str) -> None:
    words = (
        'schedule discussion "Trust and data" in #pln once 2026-11-24 16:00 UTC '
        f"prompt {prompt_id} confirm"
    )
    (saved,) = await core.handle_command(MOD, words)
    assert saved.text.startswith("Saved as schedule "), saved.text


async def test_the_recap_comes_three_days_later_in_the_thread_with_counts_phrases_and_links(
    core: PlnCore, db: Database, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    prompt_id = await a_week_of_answers(core, db)
    await schedule_discussion(core, prompt_id)
    runner = Runner(core)
    await runner.advance(timedelta(days=1, hours=7))  # Tue 24 Nov 17:00
    (post,) = discussions(messenger)
    for author, text in THREAD:
        messenger.reply_in_thread(post.ref, author, text, clock.now())

    await runner.advance(timedelta(days=2, hours=22))  # Fri 27 Nov 15:00
    assert recaps(messenger) == [], "not before three days have passed"
    await runner.advance(timedelta(hours=2))
    await runner.advance(timedelta(days=10))
    (recap,) = recaps(messenger)

    assert recap.thread_ref == post.ref and recap.channel_id == "pln"
    assert not recap.message.private
    text = rendered(recap.message)
    assert "Recap: Trust and data" in text
    assert "5 replies from 3 people." in text
    assert "“consent forms”" in text and "“parent council”" in text
    assert "data map" in text
    assert "• alice: https://chat.example/C-PLN/post-1" in text  # the one who shared
    for private in ("Xylophagous", "Zygomorphic", "bob", "cara"):
        assert private not in text


async def test_stats_show_each_discussions_counts_and_nothing_private(
    core: PlnCore, db: Database, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    prompt_id = await a_week_of_answers(core, db)
    await schedule_discussion(core, prompt_id)
    runner = Runner(core)
    await runner.advance(timedelta(days=1, hours=7))  # Tue 24 Nov 17:00
    (post,) = discussions(messenger)
    for author, text in THREAD[:3]:
        messenger.reply_in_thread(post.ref, author, text, clock.now())
    (before,) = await core.handle_command(MOD, "stats")
    await runner.advance(timedelta(days=4))
    (after,) = await core.handle_command(MOD, "stats")

    assert "Tue 24 Nov, Trust and data: recap still to come" in before.text
    assert "Discussions: 1 posted, 3 replies counted in their recaps." in after.text
    assert "Tue 24 Nov, Trust and data: 3 replies from 2 people" in after.text
    for private in ("Xylophagous", "Zygomorphic", "consent", "bob", "cara", "U-dana"):
        assert private not in after.text


async def test_an_unreadable_thread_or_an_empty_one_gets_an_honest_recap(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    prompt_id = await a_week_of_answers(core, db)
    await schedule_discussion(core, prompt_id)
    await core.handle_command(
        MOD, 'schedule discussion "Budget season" in #pln once 2026-11-25 16:00 UTC confirm'
    )
    runner = Runner(core)
    await runner.advance(timedelta(days=2, hours=7))  # Wed 25 Nov 17:00: both posted
    messenger.unreadable_threads = True
    await runner.advance(timedelta(days=1, hours=23, minutes=30))  # the first recap
    messenger.unreadable_threads = False
    await runner.advance(timedelta(days=1))  # the second: an empty thread
    first, second = recaps(messenger)
    (stats,) = await core.handle_command(MOD, "stats")

    assert "I could not read this thread" in first.message.text
    assert "No replies yet" in second.message.text
    assert "Trust and data: thread could not be read" in stats.text
    assert "Budget season: no replies" in stats.text


async def test_the_recap_time_is_a_setting_and_a_second_process_never_repeats_it(
    db: Database, clock: SimulatedClock
) -> None:
    config = CoreConfig(moderators=frozenset({"console:mod"}), recap_after=timedelta(hours=36))
    first_messenger, second_messenger = RecordingMessenger(), RecordingMessenger()
    second_messenger.threads = first_messenger.threads  # one platform holds the thread
    first = PlnCore(db, clock, first_messenger, config)
    second = PlnCore(db, clock, second_messenger, config)
    await first.handle_command(MOD, "join")
    await first.handle_command(
        MOD, 'schedule discussion "Budget season" in #pln once 2026-11-24 15:00 UTC confirm'
    )
    clock.set(datetime.fromisoformat("2026-11-24T15:00:00+00:00"))
    await first.run_due_work()
    (post,) = discussions(first_messenger)
    second_messenger.reply_in_thread(
        post.ref, "U-gil", "Budget bids are due in March.", clock.now()
    )

    clock.set(clock.now() + timedelta(hours=36))
    await second.deliveries.claim_due()  # the second process claims the recap, then dies
    await first.run_due_work()  # the first sends it, reading the thread the platform holds
    await Runner(second).advance(timedelta(days=5))

    (recap,) = recaps(first_messenger)
    assert recap.message.heading == "Recap: Budget season"
    assert "1 reply from 1 person." in recap.message.text
    assert recaps(second_messenger) == []
