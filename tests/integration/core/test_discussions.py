"""Discussions fire through the exactly-once send pipeline: posted once per fire time in
their channel, across restarts and a second process, and never after a cancel, pause or
skip that came between the claim and the send."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.clock import SimulatedClock
from bot.core.runner import Runner
from bot.core.service import PlnCore
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

MOD = member("mod")
TRUST = (
    'schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London '
    'text "Who do your families trust with their data?"'
)


async def _schedule(core: PlnCore, words: str) -> str:
    (saved,) = await core.handle_command(MOD, f"{words} confirm")
    assert saved.text.startswith("Saved as schedule "), saved.text
    return saved.text.split()[3].rstrip(":")


def _posts(messenger: RecordingMessenger) -> list[tuple[str, str]]:
    """The discussions posted in the channel (their recaps, in threads, left out)."""
    return [
        (post.channel_id, post.message.text.splitlines()[0])
        for post in messenger.channel_posts
        if post.thread_ref is None
    ]


async def test_a_fortnightly_discussion_is_posted_once_at_each_fire_time(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    await _schedule(core, TRUST)
    runner = Runner(core)
    await runner.start()
    times: list[str] = []
    for _ in range(5 * 7 * 4):  # five weeks, six hours at a time
        before = len(messenger.channel_posts)
        await runner.advance(timedelta(hours=6))
        for post in messenger.channel_posts[before:]:
            kind = "recap" if post.thread_ref else "post"
            times.append(f"{kind} {clock.now():%a %d %b %H:%M}")

    assert times == [
        "post Tue 24 Nov 16:00",  # 16:00 in London is 16:00 UTC in winter
        "recap Fri 27 Nov 16:00",  # three days later, in its thread
        "post Tue 08 Dec 16:00",
        "recap Fri 11 Dec 16:00",
        "post Tue 22 Dec 16:00",  # its recap comes on Fri 25 Dec, after the five weeks
    ]
    first = messenger.channel_posts[0].message
    assert first.text == (
        "Discussion: Trust and data\nWho do your families trust with their data?\n"
        "Reply in the thread of this post."
    )
    assert not first.private


async def test_a_restart_and_a_second_process_never_post_it_twice(
    make_core: Callable[..., PlnCore], clock: SimulatedClock
) -> None:
    first_messenger, second_messenger = RecordingMessenger(), RecordingMessenger()
    first, second = make_core(first_messenger), make_core(second_messenger)
    await _schedule(first, 'schedule discussion "Budget season" in #pln once 2026-11-24 15:00 UTC')
    clock.set(clock.now() + timedelta(days=4, hours=5))  # Tue 24 Nov 15:00

    await first.deliveries.claim_due()  # claimed; then this process dies before sending
    await second.run_due_work()
    await first.run_due_work()  # restarted: finds nothing left to send
    await Runner(second).advance(timedelta(days=20))

    assert _posts(second_messenger) == [("pln", "Discussion: Budget season")]
    recaps = [post for post in second_messenger.channel_posts if post.thread_ref]
    assert [post.message.heading for post in recaps] == ["Recap: Budget season"]
    assert first_messenger.channel_posts == []


async def test_a_discussion_cancelled_between_claim_and_send_is_not_posted(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    schedule_id = await _schedule(core, TRUST)
    clock.set(clock.now() + timedelta(days=4, hours=6))  # Tue 24 Nov 16:00

    await core.deliveries.claim_due()
    (cancelled,) = await core.handle_command(MOD, f"schedule cancel {schedule_id}")
    await core.deliveries.send()
    await Runner(core).advance(timedelta(weeks=4))

    assert cancelled.text.startswith(f"Cancelled schedule {schedule_id}")
    assert messenger.channel_posts == []


async def test_a_paused_or_skipped_discussion_posts_nothing_that_day(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    schedule_id = await _schedule(core, TRUST)
    await core.handle_command(MOD, f"schedule skip {schedule_id} 2026-11-24")
    runner = Runner(core)
    await runner.advance(timedelta(days=5))  # past Tue 24 Nov: skipped
    await core.handle_command(MOD, f"schedule pause {schedule_id}")
    await runner.advance(timedelta(days=14))  # past Tue 8 Dec: paused
    await core.handle_command(MOD, f"schedule resume {schedule_id}")
    await runner.advance(timedelta(days=14))  # Tue 22 Dec: posted

    assert len(_posts(messenger)) == 1
    assert clock.now() > datetime.fromisoformat("2026-12-22T16:00:00+00:00")
