"""The scheduled digest: each member's own digest by DM when their month or term ends.

A digest goes out on the 1st of each month (monthly, the default) or of January, April,
July and October (termly), at the community's prompt time in the member's own zone. It is
claimed and sent exactly once, like a prompt: a `digest_send` row per member and period is
the claim, `sending` is committed before the platform call, and a send a crash interrupted
becomes `uncertain` and is never repeated. A period in which the member was sent no prompt
brings no digest: nothing to reflect on, so no message.

This module claims (`DigestClaimer`) and answers `/pln digest schedule`; the digest's
message and send are `bot.core.sending.digest_queue`'s.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

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
from bot.core.jobs import DueReport
from bot.core.messages import OutgoingMessage, plain
from bot.core.sending.digest_queue import DigestQueue, member_zone
from bot.core.sending.job import QueueJob
from bot.core.sending.pipeline import SendPipeline
from bot.store import digest_sends as store
from bot.store.identities import linked_member_ids
from bot.store.models import DeliveryStatus, Member

OFF = store.OFF


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


def digest_job(pipeline: SendPipeline, config: CoreConfig) -> QueueJob:
    """Scheduled digests: claim each period that ended, then send through the digest queue."""
    platform = pipeline.messenger.platform
    queue = DigestQueue(platform, pipeline.policy, pipeline.db, pipeline.clock, config)
    return QueueJob("digest", DigestClaimer(platform, config), [queue], pipeline)


class DigestClaimer:
    """Claims one `digest_send` per member and ended period (a `Claimer`)."""

    def __init__(self, platform: str, config: CoreConfig) -> None:
        self._platform = platform
        self._config = config

    async def next_due(self, session: AsyncSession, now: datetime) -> datetime | None:
        """The next period end over the zones and cadences in use."""
        at = self._config.prompt_time
        times = [
            boundary(next_period(cadence, zone, at, now).end, at, zone)
            for zone, cadence in await self._groups(session)
        ]
        return min(times, default=None)

    async def _groups(self, session: AsyncSession) -> dict[tuple[ZoneInfo, str], list[str | None]]:
        """Receivers grouped by (zone, cadence): everyone in a group shares a period."""
        groups: dict[tuple[ZoneInfo, str], list[str | None]] = defaultdict(list)
        for zone_name, cadence in await store.cadence_zones(session, self._platform):
            if cadence not in MONTHS_IN:
                continue
            groups[(member_zone(zone_name, self._config), cadence)].append(zone_name)
        return groups

    async def claim(self, session: AsyncSession, now: datetime) -> DueReport:
        at = self._config.prompt_time
        rows: list[dict[str, object]] = []
        for (zone, cadence), zone_names in (await self._groups(session)).items():
            period = ended_period(cadence, zone, at, now)
            since, until = period.window(at, zone)
            members = await store.unsettled_members(
                session,
                self._platform,
                zones=zone_names,
                cadence=cadence,
                period_key=period.key,
                joined_before=until,
            )
            if members:
                rows += await self._rows(session, members, period, since, until, now)
        await store.insert_sends(session, rows)
        statuses = [row["status"] for row in rows]
        return DueReport(
            claimed=statuses.count(DeliveryStatus.CLAIMED),
            missed=statuses.count(DeliveryStatus.MISSED),
        )

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
