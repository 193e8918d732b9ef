"""The scheduled digest: each member's own digest by DM when their month or term ends.

A digest goes out on the 1st of each month (monthly, the default) or of January, April,
July and October (termly), at the community's prompt time in the member's own zone. It is
claimed and sent exactly once, like a prompt: a `digest_send` row per member and period is
the claim, `sending` is committed before the platform call, and a send a crash interrupted
becomes `uncertain` and is never repeated. A period in which the member was sent no prompt
brings no digest: nothing to reflect on, so no message.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import digest as digest_module
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import Clock
from bot.core.context import Context, CoreConfig
from bot.core.digest_calendar import (
    MONTHLY,
    MONTHS_IN,
    DigestPeriod,
    boundary,
    ended_period,
    next_period,
)
from bot.core.formatting import local_datetime
from bot.core.messages import OutgoingMessage, Section, plain
from bot.core.ports import Messenger, Recipient, SendResult, SendStatus
from bot.store import digest_sends as store
from bot.store.database import Database
from bot.store.identities import linked_member_ids
from bot.store.models import Community, DeliveryStatus, Member

log = logging.getLogger(__name__)

OFF = store.OFF
BATCH_SIZE = 200
MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=1)


# -- the command ----------------------------------------------------------------------------


async def digest_schedule(ctx: Context, cadence: str | None) -> list[OutgoingMessage]:
    """`/pln digest schedule [monthly|termly|off]`: show or choose how often it comes."""
    member = ctx.require_member()
    if cadence is not None:
        await store.set_cadence(ctx.session, await linked_member_ids(ctx.session, member), cadence)
        member.digest_cadence = cadence
    current = member.digest_cadence
    if current == OFF:
        return [
            plain(
                "Your scheduled digest is off: I won't send it by DM. `/pln digest` still shows "
                "it whenever you like, and `/pln digest schedule monthly` (or `termly`) turns "
                "it back on."
            )
        ]
    zone = ctx.zone
    period = next_period(current, zone, ctx.config.prompt_time, ctx.now)
    when = local_datetime(boundary(period.end, ctx.config.prompt_time, zone), zone)
    how = (
        "on the 1st of each month"
        if current == MONTHLY
        else "each term: on 1 January, 1 April, 1 July and 1 October"
    )
    lead = "Done: your" if cadence is not None else "Your"
    paused = " (not while you're paused)" if member.paused_at is not None else ""
    return [
        plain(
            f"{lead} digest comes by DM {how}, at {ctx.config.prompt_time:%H:%M} your time"
            f"{paused}. The next one, for {period.label}, arrives {when} "
            f"({member.timezone or ctx.config.default_timezone}), if you had prompts then. "
            "Change it with `/pln digest schedule monthly`, `termly` or `off`."
        )
    ]


# -- the job --------------------------------------------------------------------------------


class DigestScheduler:
    """Sends each member's digest once when their period ends (a DueJob)."""

    name = "digest"

    def __init__(
        self, db: Database, clock: Clock, messenger: Messenger, config: CoreConfig
    ) -> None:
        self._db = db
        self._clock = clock
        self._messenger = messenger
        self._config = config

    @property
    def platform(self) -> str:
        return self._messenger.platform

    def _zone(self, name: str | None) -> ZoneInfo:
        """The member's zone; one the zone database no longer knows falls back to the
        default rather than stopping everyone's digests."""
        try:
            return ZoneInfo(name or self._config.default_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(self._config.default_timezone)

    async def recover(self) -> int:
        """Start-up: digests a crash interrupted become 'uncertain' and are never resent."""
        count = await self._db.run(lambda s: store.mark_interrupted_uncertain(s, self.platform))
        if count:
            log.warning(
                "digests interrupted by a restart marked uncertain (not resent)",
                extra={"fields": {"count": count}},
            )
        return count

    async def run_due(self, now: datetime) -> int:
        """Claim the digests of every period that has ended, then send what is claimed."""
        claimed = await self._db.run(partial(self._claim, now=now))
        sent = await self._send_claimed()
        if claimed or sent:
            log.info("digests", extra={"fields": {"claimed": claimed, "handled": sent}})
        return sent

    async def next_due(self, now: datetime) -> datetime | None:
        """The next period end over the zones and cadences in use, or the next retry."""

        async def find(session: AsyncSession) -> datetime | None:
            at = self._config.prompt_time
            times = [
                boundary(next_period(cadence, zone, at, now).end, at, zone)
                for zone, cadence in await self._groups(session)
            ]
            retry = await store.earliest_retry(session, self.platform, now)
            if retry is not None:
                times.append(retry)
            return min(times, default=None)

        return await self._db.run(find)

    # -- claiming -----------------------------------------------------------------------

    async def _groups(self, session: AsyncSession) -> dict[tuple[ZoneInfo, str], list[str | None]]:
        """Receivers grouped by (zone, cadence): everyone in a group shares a period."""
        groups: dict[tuple[ZoneInfo, str], list[str | None]] = defaultdict(list)
        for zone_name, cadence in await store.cadence_zones(session, self.platform):
            if cadence not in MONTHS_IN:
                continue
            groups[(self._zone(zone_name), cadence)].append(zone_name)
        return groups

    async def _claim(self, session: AsyncSession, now: datetime) -> int:
        at = self._config.prompt_time
        rows: list[dict[str, object]] = []
        for (zone, cadence), zone_names in (await self._groups(session)).items():
            period = ended_period(cadence, zone, at, now)
            since, until = period.window(at, zone)
            members = await store.unsettled_members(
                session,
                self.platform,
                zones=zone_names,
                cadence=cadence,
                period_key=period.key,
                joined_before=until,
            )
            if members:
                rows += await self._rows(session, members, period, since, until, now)
        await store.insert_sends(session, rows)
        return sum(1 for row in rows if row["status"] == DeliveryStatus.CLAIMED)

    async def _rows(
        self,
        session: AsyncSession,
        members: list[Member],
        period: DigestPeriod,
        since: datetime,
        until: datetime,
        now: datetime,
    ) -> list[dict[str, object]]:
        """One row per member: claimed, or settled without a send (and why)."""
        people = await store.linked_identities(
            session, [m.person_id for m in members if m.person_id is not None]
        )
        identities = {m.id: people.get(m.person_id, [m]) if m.person_id else [m] for m in members}
        received = await store.members_sent_prompts(
            session, [i.id for ids in identities.values() for i in ids], since, until
        )
        rows: list[dict[str, object]] = []
        for member in members:
            linked = identities[member.id]
            first = next((i for i in linked if store.receives_digests(i)), member)
            status: str = DeliveryStatus.CLAIMED
            reason: str | None = None
            if now - until > self._config.grace:
                status, reason = DeliveryStatus.MISSED, "fell due while the bot was down"
            elif first.id != member.id:
                status, reason = store.SKIPPED, "sent to a linked identity"
            elif not any(i.id in received for i in linked):
                status, reason = store.SKIPPED, "no prompts in the period"
            rows.append(
                {
                    "member_id": member.id,
                    "period_key": period.key,
                    "cadence": period.cadence,
                    "due_at": until,
                    "status": status,
                    "claimed_at": now,
                    "attempts": 0,
                    "last_error": reason,
                }
            )
        return rows

    # -- sending ------------------------------------------------------------------------

    async def _send_claimed(self) -> int:
        handled = 0
        while True:
            ids = await self._db.run(
                partial(
                    store.claimed_ids,
                    platform=self.platform,
                    now=self._clock.now(),
                    limit=BATCH_SIZE,
                )
            )
            progressed = False
            for send_id in ids:
                if not await self._db.run(partial(store.mark_sending, send_id=send_id)):
                    continue  # another worker is sending this one
                progressed = True
                handled += 1
                await self._send_one(send_id)
            if not progressed:
                return handled

    async def _send_one(self, send_id: int) -> None:
        """Build the digest, send it (no transaction open), record the outcome."""
        try:
            built = await self._build(send_id)
        except Exception as error:  # never log the digest: it holds the member's words
            log.warning(
                "digest could not be built; will retry",
                extra={"fields": {"send_id": send_id, "error": type(error).__name__}},
            )
            built = SendResult.retry_later(f"digest not built: {type(error).__name__}")
        if isinstance(built, SendResult):
            result, member_id = built, None
        else:
            recipient, message = built
            result, member_id = await self._send(recipient, message), recipient.member_id
        await self._db.run(
            partial(self._record, send_id=send_id, member_id=member_id, result=result)
        )

    async def _build(self, send_id: int) -> tuple[Recipient, OutgoingMessage] | SendResult:
        """Read in one unit of work, then compose outside it (CPU work, maybe an LLM call)."""
        prepared = await self._db.run(partial(self._prepare, send_id=send_id))
        if isinstance(prepared, SendResult):
            return prepared
        recipient, period, request = prepared
        messages = await digest_module.compose(request)
        return recipient, _scheduled_message(send_id, period, messages)

    async def _prepare(
        self, session: AsyncSession, send_id: int
    ) -> tuple[Recipient, DigestPeriod, digest_module.DigestRequest] | SendResult:
        """Everything the digest needs from the store; the member must still want it."""
        found = await store.send_with_member(session, send_id)
        if found is None:
            return SendResult.unreachable("gone")
        send, member, community = found
        if not store.receives_digests(member):
            return SendResult.unreachable("left, paused or turned digests off before it was sent")
        period = DigestPeriod.from_key(send.cadence, send.period_key)
        zone = self._zone(member.timezone)
        since, until = period.window(self._config.prompt_time, zone)
        ctx = Context(
            session, _actor(member, community), community, member, self._clock.now(), self._config
        )
        request = await digest_module.gather(ctx, since, until, period.label, period.key)
        return _recipient(member, community), period, request

    async def _send(self, recipient: Recipient, message: OutgoingMessage) -> SendResult:
        try:
            return await self._messenger.send_direct(recipient, message)
        except Exception as error:  # the Messenger contract: raising means "not delivered"
            return SendResult.retry_later(type(error).__name__)

    async def _record(
        self, session: AsyncSession, send_id: int, member_id: int | None, result: SendResult
    ) -> None:
        now = self._clock.now()
        reason = result.reason[:200] if result.reason else None
        if result.status == SendStatus.SENT:
            await store.set_state(
                session,
                send_id,
                status=DeliveryStatus.SENT,
                sent_at=now,
                platform_message_ref=result.platform_message_ref,
                retry_at=None,
                last_error=None,
            )
            return
        if result.status == SendStatus.UNREACHABLE:
            await store.set_state(session, send_id, status=DeliveryStatus.FAILED, last_error=reason)
            member = await session.get(Member, member_id) if member_id is not None else None
            if member is not None:  # as for prompts: skipped until they next talk to the bot
                member.unreachable_at = now
                member.unreachable_reason = reason
            return
        attempts = await store.attempts_of(session, send_id)
        if attempts >= MAX_ATTEMPTS:
            await store.set_state(session, send_id, status=DeliveryStatus.FAILED, last_error=reason)
            return
        await store.set_state(
            session,
            send_id,
            status=DeliveryStatus.CLAIMED,
            retry_at=now + (result.retry_after or RETRY_DELAY * attempts),
            last_error=reason,
        )


def _scheduled_message(
    send_id: int, period: DigestPeriod, messages: list[OutgoingMessage]
) -> OutgoingMessage:
    """The digest as one message, so one send is the whole digest (no half-sent digests)."""
    ended = period.label if period.cadence == MONTHLY else f"The term {period.label}"
    intro = f"{ended} is over: here is your {period.cadence} reflection digest."
    outro = "Change how often it comes with `/pln digest schedule monthly`, `termly` or `off`."
    return OutgoingMessage(
        text="\n\n".join([intro, *(m.text for m in messages), outro]),
        heading=f"Your digest: {period.label}",
        sections=(
            Section(body=intro),
            *(section for m in messages for section in (m.sections or (Section(body=m.text),))),
            Section(body=outro),
        ),
        kind="digest",
        metadata={"digest_send_id": str(send_id), "digest_period": period.key},
        files=tuple(file for m in messages for file in m.files),
    )


def _actor(member: Member, community: Community) -> Actor:
    """The member as the core sees them in a request, for a digest built outside one."""
    return Actor(
        community=CommunityRef(community.platform, community.external_id, community.name),
        user_id=member.platform_user_id,
        display_name=member.display_name,
    )


def _recipient(member: Member, community: Community) -> Recipient:
    return Recipient(
        member_id=member.id,
        platform=member.platform,
        community_external_id=community.external_id,
        platform_user_id=member.platform_user_id,
        display_name=member.display_name,
    )
