"""Scheduled digests: each member's own digest by DM when their month or term ends.

A digest is built in two steps, as `/pln digest` is: its reads in one unit of work
(`gather`), then its content outside any transaction (`compose`: CPU work, maybe an LLM
call), so no transaction stays open while the chart is drawn.
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import digest_analyses
from bot.core import digest_requests as digest_module
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import Clock
from bot.core.context import Context, CoreConfig
from bot.core.digest_calendar import MONTHLY, DigestPeriod
from bot.core.messages import OutgoingMessage, Section
from bot.core.ports import Recipient, SendResult
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, SendPolicy, recipient
from bot.digest import render
from bot.store import digest_sends as store
from bot.store.database import Database
from bot.store.models import DigestSend

Prepared = tuple[Recipient, DigestPeriod, digest_module.DigestRequest]


def member_zone(name: str | None, config: CoreConfig) -> ZoneInfo:
    """The member's zone; one the zone database no longer knows falls back to the default
    rather than stopping everyone's digests."""
    try:
        return ZoneInfo(name or config.default_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(config.default_timezone)


class DigestQueue(ClaimedRowQueue[int]):
    name = "digest"
    model = DigestSend

    def __init__(
        self, platform: str, policy: SendPolicy, db: Database, clock: Clock, config: CoreConfig
    ) -> None:
        super().__init__(platform, policy)
        self._db = db
        self._clock = clock
        self._config = config

    async def load(self, session: AsyncSession, row_id: int) -> int:
        return row_id  # the digest's reads come in `build`, after the take is committed

    async def build(self, row: int) -> Built:
        prepared = await self._db.run(partial(self._prepare, send_id=row))
        if isinstance(prepared, SendResult):
            return prepared
        to, period, request = prepared
        messages = await digest_module.compose(await digest_analyses.complete(self._db, request))
        return to, scheduled_message(row, period, messages)

    async def _prepare(self, session: AsyncSession, send_id: int) -> Prepared | SendResult:
        """Everything the digest needs from the store; the member must still want it."""
        found = await store.send_with_member(session, send_id)
        if found is None:
            return SendResult.unreachable("gone")
        send, member, community = found
        if not store.receives_digests(member):
            return SendResult.unreachable("left, paused or turned digests off before it was sent")
        period = DigestPeriod.from_key(send.cadence, send.period_key)
        zone = member_zone(member.timezone, self._config)
        since, until = period.window(self._config.prompt_time, zone)
        actor = Actor(
            community=CommunityRef(community.platform, community.external_id, community.name),
            user_id=member.platform_user_id,
            display_name=member.display_name,
        )
        ctx = Context(session, actor, community, member, self._clock.now(), self._config)
        request = await digest_module.gather(ctx, since, until, period.label, period.key)
        return recipient(member, community), period, request


def scheduled_message(
    send_id: int, period: DigestPeriod, messages: list[OutgoingMessage]
) -> OutgoingMessage:
    """The digest as one message, so one send is the whole digest (no half-sent digests)."""
    intro = render.scheduled_intro(period.label, period.cadence, term=period.cadence != MONTHLY)
    outro = render.SCHEDULE_HINT
    return OutgoingMessage(
        text="\n\n".join([intro, *(m.text for m in messages), outro]),
        heading=render.scheduled_heading(period.label),
        sections=(
            Section(body=intro),
            *(section for m in messages for section in (m.sections or (Section(body=m.text),))),
            Section(body=outro),
        ),
        kind="digest",
        metadata={"digest_send_id": str(send_id), "digest_period": period.key},
        files=tuple(file for m in messages for file in m.files),
    )
