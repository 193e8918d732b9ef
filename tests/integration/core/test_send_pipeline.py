"""The one send pipeline's shared rules, whatever the queue: a message that cannot be built,
or a send the platform refuses, is retried later with backoff, up to five attempts.

Real SQLite and PostgreSQL (the `db` fixture); time moves only on the simulated clock.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import SimulatedClock
from bot.core.messages import OutgoingMessage
from bot.core.runner import Runner
from bot.core.sending import prompt_queue
from bot.core.service import PlnCore
from bot.store.database import Database
from bot.store.models import ChannelPost, Delivery, DeliveryStatus
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ALICE = member("alice")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")  # console:mod moderates


async def only_row(db: Database, model: type[Delivery] | type[ChannelPost]) -> Any:
    async def read(session: AsyncSession) -> Any:
        return (await session.scalars(select(model))).one()

    return await db.run(read)


async def test_a_prompt_that_cannot_be_built_is_retried_and_sent_once(
    core: PlnCore,
    clock: SimulatedClock,
    messenger: RecordingMessenger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await core.handle_command(ALICE, "join")
    real = prompt_queue.prompt_message
    failures = [RuntimeError("the library could not be read")]

    def flaky(*args: Any, **kwargs: Any) -> OutgoingMessage:
        if failures:
            raise failures.pop()
        return real(*args, **kwargs)

    monkeypatch.setattr(prompt_queue, "prompt_message", flaky)
    clock.set(MONDAY_9)
    await core.run_due_work()

    row = await only_row(core.db, Delivery)
    assert messenger.counts() == {}
    assert row.status == DeliveryStatus.CLAIMED and row.attempts == 1
    assert row.last_error == "prompt not built: RuntimeError"
    assert row.retry_at == MONDAY_9 + timedelta(minutes=1)
    await Runner(core).advance(timedelta(hours=1))
    assert messenger.counts() == {"alice": 1}
    assert (await only_row(core.db, Delivery)).status == DeliveryStatus.SENT


async def test_a_channel_post_the_platform_keeps_refusing_fails_after_five_attempts(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await core.handle_command(MODERATOR, "join")
    await core.handle_command(MODERATOR, "channel here")
    await core.handle_command(MODERATOR, "mode channel")
    messenger.raise_on_channel_post = True  # the platform call blows up every time

    await Runner(core).advance(timedelta(days=4))

    post = await only_row(core.db, ChannelPost)
    assert messenger.channel_posts == []
    assert post.status == DeliveryStatus.FAILED and post.attempts == 5
    assert post.last_error == "ConnectionError"
