"""The core's front door: adapters hand in events (`handle`), the alarm runs due work.

Each event is turned into units of work (one transaction each, retried whole on a
transient database fault) by the dispatcher, and answered with an `Outcome` of
platform-neutral messages for the adapter to render. Errors become friendly replies.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import commands as cmd
from bot.core import digest_schedule, registry, retention, uninstalled
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import Clock
from bot.core.context import Context, ContextRunner, CoreConfig
from bot.core.delivery import prompt_job
from bot.core.dispatch import Dispatcher, SayFirst
from bot.core.events import (
    ButtonPressed,
    CommandEntered,
    Event,
    FormSubmitted,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Outcome,
)
from bot.core.jobs import DueJob, DueReport
from bot.core.messages import OutgoingMessage
from bot.core.metrics import NO_METRICS, Metrics
from bot.core.ports import Messenger
from bot.core.replies import (  # re-exported: adapters and tests name them from here
    DATABASE_DOWN,
    INTERNAL_ERROR,
    MODERATORS_ONLY,
    NOT_JOINED,
)
from bot.core.sending.notice_queue import notice_job
from bot.core.sending.pipeline import STOP_GRACE_SECONDS, SendPipeline
from bot.core.sending.queue import SendPolicy
from bot.store import communities as community_store
from bot.store import moderators as moderator_store
from bot.store.database import Database, DatabaseUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

__all__ = ["DATABASE_DOWN", "INTERNAL_ERROR", "MODERATORS_ONLY", "NOT_JOINED", "PlnCore"]


class PlnCore:
    """Platform-agnostic behaviour of pln-bot."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        messenger: Messenger,
        config: CoreConfig,
        metrics: Metrics = NO_METRICS,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.metrics = metrics  # adapters report event latency here; sends report progress
        self._messenger = messenger
        # every kind of scheduled work; sends go through one pipeline. The prompts come
        # first (members wait for them); `deliveries` is their job, and its messenger is
        # the adapter's (`messenger` below)
        policy = SendPolicy(
            in_flight=config.send_in_flight, lease=config.send_lease, retry_delay=config.send_retry
        )
        pipeline = SendPipeline(db, clock, messenger, policy, metrics=metrics)
        self._pipeline = pipeline
        self.deliveries = prompt_job(pipeline, config)
        self.notices = notice_job(pipeline)
        self._schedule_listeners: list[Callable[[], None]] = []
        self._dispatcher = Dispatcher(self)
        self.jobs: list[DueJob] = [
            self.deliveries,
            digest_schedule.digest_job(pipeline, config),
            self.notices,
            retention.RetentionJob(db, messenger),
            uninstalled.UninstalledPurgeJob(
                db, messenger.platform, timedelta(days=config.uninstalled_keep_days)
            ),
        ]
        # adapters report an uninstall (and a reinstall) here
        self.uninstalls = uninstalled.Uninstalls(db, clock, self._notify_schedule_change)

    # -- scheduled work -------------------------------------------------------------------

    def on_schedule_change(self, listener: Callable[[], None]) -> None:
        """Be told when the next due time may have moved (a join, a time zone change)."""
        self._schedule_listeners.append(listener)

    async def start(self) -> DueReport:
        """Recover from a crash and catch up on what fell due while the bot was down."""
        for job in self.jobs:
            await job.recover()
        return await self.run_due_work()

    async def send_notices(self) -> DueReport:
        """Send the notices owed now (a mentor's introduction) without waiting for the
        alarm: the pipeline sends them, and puts back for later any the platform refuses."""
        return await self.notices.send()

    async def stop_sending(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Graceful stop (SIGTERM): take nothing more, give back rows not yet at the
        platform, let sends at the platform finish within `grace` seconds."""
        await self._pipeline.stop(grace)

    async def run_due_work(self) -> DueReport:
        """Prompts first (members wait for them), then the other jobs; the prompts' report."""
        prompts, *others = self.jobs
        report = await prompts.run_due(self.clock.now())
        for job in others:
            try:
                await job.run_due(self.clock.now())
            except DatabaseUnavailable:
                log.warning("database unavailable for a job", extra={"fields": {"job": job.name}})
        return report

    async def next_due_time(self) -> datetime | None:
        now = self.clock.now()
        times = [await job.next_due(now) for job in self.jobs]
        return min((t for t in times if t is not None), default=None)

    # -- what members do: one entry point ---------------------------------------------------

    async def handle(self, event: Event, say_first: SayFirst | None = None) -> Outcome:
        """The one entry point for adapters: an event in, what to say and do out.

        `say_first` lets a long command (a `prompt now` fan-out) say that it has started
        before it finishes, where the platform can show two replies.
        """
        return await self._dispatcher.handle(event, say_first)

    def form_errors(self, action_id: str, fields: Mapping[str, str]) -> dict[str, str]:
        """A form's errors before anything runs, for platforms that show them inside the
        still-open form (Slack); the same errors come back as replies from `handle`."""
        return self._dispatcher.form_errors(action_id, dict(fields))

    @staticmethod
    def opens_form(action_id: str) -> bool:
        """Whether a button answers with a form (Discord must answer with it at once)."""
        return registry.opens_form(action_id)

    @staticmethod
    def command_opens_form(text: str) -> bool:
        """Whether `/pln <text>` answers with a form (Discord must answer with it at once)."""
        try:
            command = cmd.parse_command(text)
        except cmd.CommandError:
            return False
        opens = cmd.spec_of(command).opens_form
        return opens is not None and opens(command)

    # Shorthands over `handle` for the console and tests: each returns the replies only.

    async def handle_command(self, actor: Actor, text: str) -> list[OutgoingMessage]:
        """`text` is what followed `/pln`."""
        return list((await self.handle(CommandEntered(actor, text))).replies)

    async def run_command(self, actor: Actor, command: object) -> list[OutgoingMessage]:
        """An already parsed command."""
        return list((await self._dispatcher.run_command(actor, command)).replies)

    async def handle_message(
        self,
        actor: Actor,
        text: str,
        message_ref: str | None = None,
        reply_to: str | None = None,
    ) -> list[OutgoingMessage]:
        event = MessagePosted(actor, text, message_ref, reply_to)
        return list((await self.handle(event)).replies)

    async def handle_message_edit(
        self, actor: Actor, message_ref: str, text: str
    ) -> list[OutgoingMessage]:
        return list((await self.handle(MessageEdited(actor, message_ref, text))).replies)

    async def handle_message_delete(self, actor: Actor, message_ref: str) -> list[OutgoingMessage]:
        return list((await self.handle(MessageDeleted(actor, message_ref))).replies)

    async def handle_action(
        self, actor: Actor, action_id: str, value: str
    ) -> list[OutgoingMessage]:
        return list((await self.handle(ButtonPressed(actor, action_id, value))).replies)

    async def handle_form(
        self, actor: Actor, action_id: str, value: str, fields: Mapping[str, str]
    ) -> list[OutgoingMessage]:
        event = FormSubmitted(actor, action_id, value, dict(fields))
        return list((await self.handle(event)).replies)

    async def home(self, actor: Actor) -> OutgoingMessage | None:
        """The member's home view (Slack's App Home); None when the database is down."""
        return await self._dispatcher.home_view(actor)

    async def communities_of(self, platform: str, user_id: str) -> list[CommunityRef]:
        """Where a user is a member, most recent first: for messages that carry no community
        (a Discord DM). Raises DatabaseUnavailable when the store is down."""

        async def find(session: AsyncSession) -> list[CommunityRef]:
            found = await community_store.communities_of_user(session, platform, user_id)
            return [CommunityRef(c.platform, c.external_id, c.name) for c in found]

        return await self.db.run(find)

    # -- what handlers may use (CoreServices) ---------------------------------------------

    @property
    def messenger(self) -> Messenger:
        """The adapter's sender, for handlers that post or take down outside a send queue."""
        return self._messenger

    @property
    def with_context(self) -> ContextRunner:
        return self._with_context

    async def run_due_prompts(self) -> DueReport:
        """Claim and send the prompts due now (a moderator's `prompt now`), nothing else."""
        return await self.deliveries.run_due(self.clock.now())

    def notify_schedule_change(self) -> None:
        self._notify_schedule_change()

    async def guarded(self, work: Awaitable[list[OutgoingMessage]]) -> list[OutgoingMessage]:
        return await self._guarded(work)

    # -- plumbing -------------------------------------------------------------------------

    async def _with_context(self, actor: Actor, work: Callable[[Context], Awaitable[T]]) -> T:
        """Run `work` as one unit of work, with the actor's community and member loaded."""

        async def unit(session: AsyncSession) -> T:
            return await work(await self._context(session, actor))

        return await self.db.run(unit)

    async def _context(self, session: AsyncSession, actor: Actor) -> Context:
        now = self.clock.now()
        community = await community_store.get_or_create_community(
            session,
            platform=actor.community.platform,
            external_id=actor.community.external_id,
            name=actor.community.name,
            now=now,
            weekday=self.config.prompt_weekday,
            local_time=self.config.prompt_time,
        )
        member = await community_store.find_member(session, community.id, actor.user_id)
        if member is not None:
            if actor.display_name and member.display_name != actor.display_name:
                member.display_name = actor.display_name
            if member.unreachable_at is not None:
                member.unreachable_at = None  # they are talking to us: reachable again
                member.unreachable_reason = None
        listed = await moderator_store.is_listed(session, community.id, actor.user_id)
        return Context(session, actor, community, member, now, self.config, listed)

    async def _guarded(self, work: Awaitable[list[OutgoingMessage]]) -> list[OutgoingMessage]:
        try:
            return await work
        except DatabaseUnavailable:
            log.warning("database unavailable for a member's request")
            return [DATABASE_DOWN]
        except Exception:
            log.exception("unexpected error while handling a member's request")
            return [INTERNAL_ERROR]

    def _notify_schedule_change(self) -> None:
        for listener in self._schedule_listeners:
            listener()
