"""The core's front door: adapters hand in commands, messages, button presses and forms here.

Each call is one unit of work (one transaction, retried whole on a transient database
fault) and answers with platform-neutral messages for the adapter to render.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import commands as cmd
from bot.core import (
    data_rights,
    digest_schedule,
    home,
    linking,
    membership,
    moderation,
    reflections,
    retention,
    sharing,
)
from bot.core import digest as digest_module
from bot.core.actors import Actor, CommunityRef
from bot.core.clock import Clock
from bot.core.context import Context, CoreConfig
from bot.core.delivery import DeliveryPolicy, DeliveryService, DueReport
from bot.core.frameworks import frameworks_reply
from bot.core.jobs import DueJob
from bot.core.messages import OutgoingMessage, plain
from bot.core.ports import Messenger
from bot.core.prompting import (
    ANSWER_ACTION,
    ANSWER_FORM_ACTION,
    POST_ANSWER_ACTION,
    SKIP_ACTION,
    SNOOZE_ACTION,
)
from bot.prompts.library import default_library
from bot.store import channel_posts as post_store
from bot.store import communities as community_store
from bot.store.database import Database, DatabaseUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

Handler = Callable[[Context], Awaitable[list[OutgoingMessage]]]

NOT_JOINED = plain(
    "Hi! I'm pln-bot: once a week I send a short leadership reflection prompt to members of "
    "this PLN. Type `/pln join` to take part, or `/pln help` to see what I can do."
)
DATABASE_DOWN = plain(
    "I couldn't reach my database just now, so nothing was done or saved. "
    "Please try again in a minute."
)
INTERNAL_ERROR = plain(
    "Sorry, something went wrong on my side and I couldn't finish that. Please try again; "
    "if it keeps happening, tell a moderator."
)
MODERATORS_ONLY = plain(
    "Only moderators can do that: ask one of your PLN's moderators. `/pln help` lists what "
    "you can do."
)

BUTTON_COMMANDS: dict[str, cmd.Command] = {
    home.JOIN_ACTION: cmd.Join(),
    home.DIGEST_ACTION: cmd.Digest("month"),
    home.PAUSE_ACTION: cmd.Pause(),
    home.RESUME_ACTION: cmd.Resume(),
    data_rights.FORGET_CONFIRM_ACTION: cmd.ForgetMe(confirmed=True),
}
# buttons whose value is an answer id
ANSWER_BUTTON_COMMANDS: dict[str, Callable[[int], cmd.Command]] = {
    sharing.SHARE_ACTION: cmd.Share,
    sharing.UNSHARE_ACTION: cmd.Unshare,
    data_rights.DELETE_CONFIRM_ACTION: lambda answer_id: cmd.DeleteAnswer(answer_id, True),
}


class PlnCore:
    """Platform-agnostic behaviour of pln-bot."""

    def __init__(
        self, db: Database, clock: Clock, messenger: Messenger, config: CoreConfig
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.deliveries = DeliveryService(
            db,
            clock,
            messenger,
            DeliveryPolicy(grace=config.grace, default_timezone=config.default_timezone),
        )
        self._schedule_listeners: list[Callable[[], None]] = []
        # periodic work beside the prompts, run after them on every wake
        self.jobs: list[DueJob] = [
            digest_schedule.DigestScheduler(db, clock, messenger, config),
            retention.RetentionJob(db, messenger),
        ]

    # -- scheduled work -------------------------------------------------------------------

    def on_schedule_change(self, listener: Callable[[], None]) -> None:
        """Be told when the next due time may have moved (a join, a time zone change)."""
        self._schedule_listeners.append(listener)

    async def start(self) -> DueReport:
        """Recover from a crash and catch up on what fell due while the bot was down."""
        await self.deliveries.recover()
        for job in self.jobs:
            await job.recover()
        return await self.run_due_work()

    async def run_due_work(self) -> DueReport:
        """Prompts first (members wait for them), then the periodic jobs."""
        report = await self.deliveries.run_due_work()
        now = self.clock.now()
        for job in self.jobs:
            try:
                await job.run_due(now)
            except DatabaseUnavailable:
                log.warning("database unavailable for a job", extra={"fields": {"job": job.name}})
        return report

    async def next_due_time(self) -> datetime | None:
        now = self.clock.now()
        times = [await self.deliveries.next_due_time()]
        times += [await job.next_due(now) for job in self.jobs]
        return min((t for t in times if t is not None), default=None)

    # -- what members do ------------------------------------------------------------------

    async def handle_command(self, actor: Actor, text: str) -> list[OutgoingMessage]:
        """`text` is what followed `/pln`."""
        try:
            command = cmd.parse_command(text)
        except cmd.CommandError as error:
            return [plain(str(error))]
        return await self.run_command(actor, command)

    async def run_command(self, actor: Actor, command: cmd.Command) -> list[OutgoingMessage]:
        """An already parsed command, e.g. from a platform's typed options or a button."""
        if isinstance(command, cmd.PromptNow):
            return await self._guarded(self._prompt_now(actor))
        # these talk to the platform (channel posts) outside the unit of work
        messenger = self.deliveries.messenger
        match command:
            case cmd.Share(answer_id=answer_id):
                return await self._guarded(
                    sharing.share(self._with_context, messenger, actor, answer_id)
                )
            case cmd.Unshare(answer_id=answer_id):
                return await self._guarded(
                    sharing.unshare(self._with_context, messenger, actor, answer_id)
                )
            case cmd.DeleteAnswer(answer_id=answer_id, confirmed=confirmed):
                return await self._guarded(
                    data_rights.delete_answer(
                        self._with_context, messenger, actor, answer_id, confirmed
                    )
                )
            case cmd.Digest(period=period):
                # read in the unit of work; draw the chart and call any LLM after it
                return await self._guarded(self._digest(actor, period))
            case cmd.ForgetMe(confirmed=confirmed):
                replies = await self._guarded(
                    data_rights.forget_me(self._with_context, messenger, actor, confirmed)
                )
                self._notify_schedule_change()
                return replies
        replies = await self._guarded(self._in_unit_of_work(actor, _command_handler(command)))
        schedule_changing = (
            cmd.Join,
            cmd.Leave,
            cmd.SetTimezone,
            cmd.Pause,
            cmd.Resume,
            cmd.DigestSchedule,
            cmd.Retention,
            cmd.Link,
            cmd.Unlink,
        )
        if isinstance(command, schedule_changing):
            self._notify_schedule_change()
        return replies

    async def handle_message(
        self,
        actor: Actor,
        text: str,
        message_ref: str | None = None,
        reply_to: str | None = None,
    ) -> list[OutgoingMessage]:
        """A plain message from a member to the bot: an answer or a free note.

        `message_ref` identifies the platform message (a duplicate delivery of it is stored
        once); `reply_to` is the message it replies to, e.g. the prompt of a thread.
        """

        async def handler(ctx: Context) -> list[OutgoingMessage]:
            return await reflections.record_message(ctx, text, message_ref, reply_to)

        return await self._guarded(self._in_unit_of_work(actor, handler, members_only=True))

    async def handle_message_edit(
        self, actor: Actor, message_ref: str, text: str
    ) -> list[OutgoingMessage]:
        """The member edited a message: a stored answer or note follows the edit, and a PLN
        channel post of that answer (showing the old words) is taken down first."""
        taken_down: list[OutgoingMessage] = []

        async def changes(ctx: Context) -> bool:
            return await reflections.edit_changes_text(ctx, message_ref, text)

        # an over-long edit is refused and an unchanged one (a link unfurling) is no edit
        try:
            changed = len(text) <= reflections.MAX_MESSAGE_CHARS and await self._with_context(
                actor, changes
            )
        except DatabaseUnavailable:
            changed = False  # the edit below answers that the database is down
        if changed:
            taken_down = await self._guarded(
                sharing.unshare_deleted_message(
                    self._with_context, self.deliveries.messenger, actor, message_ref, edited=True
                )
            )

        async def handler(ctx: Context) -> list[OutgoingMessage]:
            return await reflections.edit_message(ctx, message_ref, text)

        return taken_down + await self._guarded(self._with_context(actor, handler))

    async def handle_message_delete(self, actor: Actor, message_ref: str) -> list[OutgoingMessage]:
        """The member deleted a message: the stored copy goes too, and a PLN channel post
        of that answer is taken down first."""
        taken_down = await self._guarded(
            sharing.unshare_deleted_message(
                self._with_context, self.deliveries.messenger, actor, message_ref
            )
        )

        async def handler(ctx: Context) -> list[OutgoingMessage]:
            return await reflections.delete_message(ctx, message_ref)

        return taken_down + await self._guarded(self._with_context(actor, handler))

    async def communities_of(self, platform: str, user_id: str) -> list[CommunityRef]:
        """Where a user is a member, most recent first: for messages that carry no community
        (a Discord DM). Raises DatabaseUnavailable when the store is down."""

        async def find(session: AsyncSession) -> list[CommunityRef]:
            found = await community_store.communities_of_user(session, platform, user_id)
            return [CommunityRef(c.platform, c.external_id, c.name) for c in found]

        return await self.db.run(find)

    async def home(self, actor: Actor) -> OutgoingMessage | None:
        """The member's home view (Slack's App Home); None when the database is down."""
        replies = await self._guarded(
            self._with_context(actor, lambda ctx: _as_list(home.home_view(ctx)))
        )
        return replies[0] if replies and replies[0].kind == "home" else None

    async def handle_action(
        self, actor: Actor, action_id: str, value: str
    ) -> list[OutgoingMessage]:
        """A button press."""
        command = BUTTON_COMMANDS.get(action_id)
        if command is not None:
            return await self.run_command(actor, command)
        make_answer_command = ANSWER_BUTTON_COMMANDS.get(action_id)
        answer_id = _int_or_none(value)
        if make_answer_command is not None and answer_id is not None:
            return await self.run_command(actor, make_answer_command(answer_id))
        if action_id == home.TIMEZONE_ACTION:
            return [home.timezone_form(None)]
        delivery_id = _int_or_none(value)
        if action_id == SNOOZE_ACTION and delivery_id is not None:

            async def snooze(ctx: Context) -> list[OutgoingMessage]:
                return await reflections.snooze(ctx, delivery_id)

            replies = await self._guarded(self._in_unit_of_work(actor, snooze, members_only=True))
            self._notify_schedule_change()
            return replies
        if action_id == POST_ANSWER_ACTION and delivery_id is not None:
            post_id = delivery_id  # the value of a channel post's button is the post's id

            async def answer_post(ctx: Context) -> list[OutgoingMessage]:
                return await reflections.answer_channel_post(ctx, post_id)

            return await self._guarded(self._in_unit_of_work(actor, answer_post, members_only=True))
        if action_id == SKIP_ACTION and delivery_id is not None:

            async def skip(ctx: Context) -> list[OutgoingMessage]:
                return await reflections.skip(ctx, delivery_id)

            return await self._guarded(self._in_unit_of_work(actor, skip, members_only=True))
        if action_id == ANSWER_ACTION and delivery_id is not None:
            return [reflections.answer_form(delivery_id)]
        return [
            plain("That button doesn't work any more. Type `/pln help` to see what you can do.")
        ]

    async def handle_form(
        self, actor: Actor, action_id: str, value: str, fields: Mapping[str, str]
    ) -> list[OutgoingMessage]:
        """A submitted form (a modal on Slack and Discord)."""
        if action_id == home.TIMEZONE_FORM_ACTION:
            return await self.handle_command(actor, "tz " + fields.get("zone", "").strip())
        delivery_id = _int_or_none(value)
        if action_id != ANSWER_FORM_ACTION or delivery_id is None:
            return [plain("That form doesn't work any more. Reply to your latest prompt instead.")]
        text = fields.get("answer", "")

        async def answer(ctx: Context) -> list[OutgoingMessage]:
            return await reflections.answer_with_form(ctx, delivery_id, text)

        return await self._guarded(self._in_unit_of_work(actor, answer, members_only=True))

    # -- plumbing -------------------------------------------------------------------------

    async def _prompt_now(self, actor: Actor) -> list[OutgoingMessage]:
        async def create(ctx: Context) -> int | None:
            return await moderation.create_prompt_now(ctx) if ctx.is_moderator else None

        schedule_id = await self._with_context(actor, create)
        if schedule_id is None:
            return [MODERATORS_ONLY]
        log.info("prompt now requested", extra={"fields": {"schedule_id": schedule_id}})
        await self.deliveries.run_due_work()
        post = await self.db.run(lambda s: post_store.post_of_schedule(s, schedule_id))
        if post is not None:
            return [moderation.channel_post_reply(post.status)]
        outcome = await self.db.run(lambda s: moderation.occurrence_outcome(s, schedule_id))
        return [moderation.prompt_now_reply(outcome)]

    async def _digest(self, actor: Actor, period: str) -> list[OutgoingMessage]:
        """No transaction stays open while the chart is drawn or an LLM endpoint answers."""

        async def read(ctx: Context) -> digest_module.DigestRequest | None:
            if not ctx.is_active_member:
                return None
            return await digest_module.gather_period(ctx, period)

        request = await self._with_context(actor, read)
        return [NOT_JOINED] if request is None else await digest_module.compose(request)

    async def _in_unit_of_work(
        self, actor: Actor, handler: Handler, *, members_only: bool = False
    ) -> list[OutgoingMessage]:
        async def guarded(ctx: Context) -> list[OutgoingMessage]:
            if members_only and not ctx.is_active_member:
                return [NOT_JOINED]
            return await handler(ctx)

        return await self._with_context(actor, guarded)

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
        return Context(session, actor, community, member, now, self.config)

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


def _command_handler(command: cmd.Command) -> Handler:
    """The handler of each command; commands other than help, join and schedules need a member."""

    async def handle(ctx: Context) -> list[OutgoingMessage]:
        if cmd.is_moderator_only(command) and not ctx.is_moderator:
            return [MODERATORS_ONLY]
        match command:
            case cmd.Help(topic=topic):
                return [plain(cmd.help_text(moderator=ctx.is_moderator, topic=topic))]
            case cmd.Join():
                return await membership.join(ctx)
            case cmd.Schedules():
                return await moderation.schedules(ctx)
            case cmd.Mode(mode=mode):
                return await moderation.delivery_mode(ctx, mode or "show")
            case cmd.SetChannel(target=target):
                return await moderation.set_channel(ctx, target)
            case cmd.ChooseTrack(name=name):
                return await moderation.choose_track(ctx, name)
            case cmd.AddPrompt():
                return await moderation.add_prompt(ctx, command)
            case cmd.ListPrompts():
                return await moderation.list_prompts(ctx)
            case cmd.RetirePrompt(prompt_id=prompt_id):
                return await moderation.retire_prompt(ctx, prompt_id)
            case cmd.Retention(setting=setting):
                return await retention.retention_setting(ctx, setting)
            case cmd.Summaries(setting=setting):
                return await digest_module.summaries_setting(ctx, setting)
            case cmd.Frameworks():
                return [frameworks_reply(default_library())]
            case cmd.Export():  # members who left may still take their data with them
                return await data_rights.export(ctx)
            case cmd.Link(code=code):
                return await linking.link(ctx, code)
            case cmd.Unlink():
                return await linking.unlink(ctx)
        if not ctx.is_active_member:
            return [NOT_JOINED]
        match command:
            case cmd.Leave():
                return await membership.leave(ctx)
            case cmd.SetTimezone(zone=zone):
                return await membership.set_timezone(ctx, zone)
            case cmd.ShowTimezone():
                return await membership.show_timezone(ctx)
            case cmd.Pause():
                return await membership.pause(ctx)
            case cmd.Resume():
                return await membership.resume(ctx)
            case cmd.Skip():
                return await reflections.skip(ctx)
            case cmd.History(limit=limit):
                return await reflections.history(ctx, limit)
            case cmd.DigestSchedule(cadence=cadence):
                return await digest_schedule.digest_schedule(ctx, cadence)
        raise AssertionError(f"no handler for {type(command).__name__}")

    return handle


async def _as_list(message: Awaitable[OutgoingMessage]) -> list[OutgoingMessage]:
    return [await message]


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None
