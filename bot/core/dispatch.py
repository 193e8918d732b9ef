"""From an event to an Outcome: the registry decides what runs, with which checks.

Nothing here knows a command or a button by name. A command's flags (moderators only,
works before joining, outside the unit of work, changes the schedule, refreshes the home
view) and an action's declaration say everything; see bot/core/registry.py.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import actions, audit, direct_messages, pending_dms, reflections, registry, sharing
from bot.core import commands as cmd
from bot.core import home as home_module
from bot.core.actions import ActionSpec, delivery_id
from bot.core.actors import Actor, CommunityRef
from bot.core.context import Context
from bot.core.events import (
    ButtonPressed,
    CommandEntered,
    DirectUser,
    Event,
    FormSubmitted,
    HomeOpened,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Outcome,
)
from bot.core.messages import OutgoingMessage, plain
from bot.core.replies import (
    DATABASE_DOWN,
    DM_WELCOME,
    INTERNAL_ERROR,
    MODERATORS_ONLY,
    NO_COMMUNITY,
    NOT_JOINED,
    STALE_BUTTON,
    STALE_FORM,
)
from bot.store import erasure as erasure_store
from bot.store.database import DatabaseUnavailable

if TYPE_CHECKING:
    from bot.core.service import PlnCore

log = logging.getLogger(__name__)

SayFirst = Callable[[OutgoingMessage], Awaitable[None]]
Replies = list[OutgoingMessage]


class Dispatcher:
    """Routes each event through the registry; PlnCore provides the units of work."""

    def __init__(self, core: PlnCore) -> None:
        self._core = core

    async def handle(self, event: Event, say_first: SayFirst | None = None) -> Outcome:
        try:
            if isinstance(event, CommandEntered):
                return await self._command(event, say_first)
            placed = await self.resolve(event)
        except DatabaseUnavailable:
            return Outcome((DATABASE_DOWN,))
        if isinstance(placed, Outcome):
            return placed
        actor = placed
        if actor is None:
            # someone who is in no community (or has just erased themselves) editing or
            # deleting a DM of theirs needs no reply: there is nothing of theirs to change
            quiet = isinstance(event, MessageEdited | MessageDeleted)
            return Outcome(() if quiet else (NO_COMMUNITY,))
        match event:
            case ButtonPressed(action_id=action_id, value=value):
                return await self.press(actor, action_id, value)
            case FormSubmitted(action_id=action_id, value=value, fields=fields):
                return await self.submit(actor, action_id, value, dict(fields))
            case MessagePosted(text=text, message_ref=ref, reply_to=reply_to):
                return Outcome(tuple(await self._message(actor, text, ref, reply_to)))
            case MessageEdited(message_ref=ref, text=text):
                return Outcome(tuple(await self._edit(actor, ref, text)))
            case MessageDeleted(message_ref=ref):
                return Outcome(tuple(await self._delete(actor, ref)))
            case HomeOpened():
                view = await self.home_view(actor)
                return Outcome(() if view is None else (view,))
        raise AssertionError(f"unknown event {type(event).__name__}")

    async def resolve(self, event: Event) -> Actor | Outcome | None:
        """The acting member with their community. A DM that carries none (Discord) belongs
        to the community of what it refers to: the row a button names, the prompt a reply
        answers, the answer an edit changes; a plain reply goes to the latest prompt's
        community. A message with nothing to go by, from a member of several communities,
        is not guessed: it waits, and the Outcome asks which community it is for (an edit
        or deletion of a waiting message is applied to it). Otherwise the member's only (or
        most recent) community; None when they are in none."""
        who = event.who
        if isinstance(who, Actor):
            return who
        assert isinstance(who, DirectUser)

        async def route(session: AsyncSession) -> CommunityRef | Outcome | None:
            found = await direct_messages.community_referred_to(session, who, event)
            if found is not None:
                return CommunityRef(*direct_messages.community_ref(found))
            return await direct_messages.waiting_message_changed(session, who, event)

        routed = await self._core.db.run(route)
        if isinstance(routed, Outcome):
            return routed
        community = routed
        if community is None:
            communities = await self._core.communities_of(who.platform, who.user_id)
            if not communities:
                return None
            if isinstance(event, MessagePosted) and len(communities) > 1:
                return await self._hold(who, event, communities)
            community = communities[0]
        return direct_messages.dm_actor(who, community)

    async def _hold(
        self, who: DirectUser, event: MessagePosted, communities: list[CommunityRef]
    ) -> Outcome:
        refusal = reflections.check_text(event.text)
        if refusal is not None:
            return Outcome((refusal,))
        question = await pending_dms.hold(
            self._core.db,
            who,
            reflections.storable(event.text),
            event.message_ref,
            communities,
            self._core.clock.now(),
        )
        return Outcome((question,))

    async def _command(self, event: CommandEntered, say_first: SayFirst | None) -> Outcome:
        """`/pln <text>`. Typed in a DM that carries no community by a member of several, a
        command that would act differently in each is not guessed: the bot asks where to
        type it."""
        try:
            command = cmd.parse_command(event.text)
        except cmd.CommandError as error:
            return Outcome((plain(str(error)),))
        if event.files and "files" in {field.name for field in fields(command)}:
            command = replace(command, files=event.files)  # a command that takes a file
        who = event.who
        if isinstance(who, Actor):
            return await self.run_command(who, command, say_first)
        communities = await self._core.communities_of(who.platform, who.user_id)
        if not communities:
            return Outcome((NO_COMMUNITY,))
        if len(communities) > 1 and not cmd.spec_of(command).any_community:
            names = ", ".join(c.name or c.external_id for c in communities)
            return Outcome(
                (
                    plain(
                        f"You're in {len(communities)} PLNs here ({names}), and that command "
                        "acts in one of them: type it in the server it is for. In this DM, "
                        "replies to a prompt go to that prompt's PLN."
                    ),
                )
            )
        actor = direct_messages.dm_actor(who, communities[0])
        return await self.run_command(actor, command, say_first)

    # -- commands ---------------------------------------------------------------------------

    async def run_command(
        self, actor: Actor, command: Any, say_first: SayFirst | None = None
    ) -> Outcome:
        spec = cmd.spec_of(command)
        if spec.outside is not None:
            replies = await self._core.guarded(self._outside(spec, actor, command, say_first))
        else:
            handler = spec.handler
            assert handler is not None

            async def unit(ctx: Context) -> Replies:
                if spec.moderator_only and not ctx.is_moderator:
                    return [MODERATORS_ONLY]
                if not spec.before_joining and not ctx.is_active_member:
                    return [NOT_JOINED]
                acting = spec.moderator_action is not None and spec.moderator_action(command)
                if spec.moderator_only or (acting and ctx.is_moderator):
                    audit.record(ctx, spec.name)
                return await handler(ctx, command)

            replies = await self._core.guarded(self._core.with_context(actor, unit))
        if spec.changes_schedule:
            self._core.notify_schedule_change()
        opens_dm = actor.dms_may_be_closed and not actor.in_direct_message
        welcome = DM_WELCOME if spec.name == "join" and opens_dm else None
        return Outcome(tuple(replies), welcome=welcome, refresh_home=spec.refreshes_home)

    # -- buttons and forms ------------------------------------------------------------------

    async def press(self, actor: Actor, action_id: str, value: str) -> Outcome:
        found = registry.action(action_id)
        if isinstance(found, cmd.ButtonAction):
            command = found.make(value)
            if command is None:
                return Outcome((STALE_BUTTON,))
            return await self.run_command(actor, command)
        if not isinstance(found, ActionSpec):
            return Outcome((STALE_BUTTON,))
        if found.opens_form is not None:
            form = found.opens_form(value)
            return Outcome((form or STALE_BUTTON,))
        row_id = actions.row_id(value, found.routes_by)
        if row_id is None or found.handler is None:
            return Outcome((STALE_BUTTON,))
        handler = found.handler
        replies = await self._members_only(actor, lambda ctx: handler(ctx, row_id))
        if found.changes_schedule:
            self._core.notify_schedule_change()
        return Outcome(tuple(replies), refresh_home=found.refreshes_home)

    async def submit(
        self, actor: Actor, action_id: str, value: str, fields: dict[str, str]
    ) -> Outcome:
        spec = registry.form(action_id)
        if spec is None:
            return Outcome((STALE_FORM,))
        errors = spec.check(fields)
        if errors:
            return Outcome(tuple(plain(error) for error in errors.values()))
        if spec.command is not None:
            outcome = await self.handle(CommandEntered(actor, spec.command(fields)))
            return Outcome(
                outcome.replies,
                welcome=outcome.welcome,
                refresh_home=outcome.refresh_home or spec.refreshes_home,
            )
        row_id = delivery_id(value)
        handler = spec.handler
        if row_id is None or handler is None:
            return Outcome((STALE_FORM,))
        replies = await self._members_only(actor, lambda ctx: handler(ctx, row_id, fields))
        return Outcome(tuple(replies), refresh_home=spec.refreshes_home)

    def form_errors(self, action_id: str, fields: dict[str, str]) -> dict[str, str]:
        """A form's errors before anything runs (Slack shows them in the open modal)."""
        spec = registry.form(action_id)
        return {} if spec is None else spec.check(fields)

    # -- messages ---------------------------------------------------------------------------

    async def _message(
        self, actor: Actor, text: str, message_ref: str | None, reply_to: str | None
    ) -> Replies:
        return await self._members_only(
            actor, lambda ctx: reflections.record_message(ctx, text, message_ref, reply_to)
        )

    async def _edit(self, actor: Actor, message_ref: str, text: str) -> Replies:
        """A stored answer or note follows the edit; a PLN channel post of that answer
        (showing the old words) is taken down first."""
        core = self._core

        async def changes(ctx: Context) -> bool:
            return await reflections.edit_changes_text(ctx, message_ref, text)

        # an over-long edit is refused and an unchanged one (a link unfurling) is no edit
        try:
            changed = len(text) <= reflections.MAX_MESSAGE_CHARS and await core.with_context(
                actor, changes
            )
        except DatabaseUnavailable:
            changed = False  # the edit below answers that the database is down
        taken_down: Replies = []
        if changed:
            taken_down = await core.guarded(
                sharing.unshare_deleted_message(
                    core.with_context, core.messenger, actor, message_ref, edited=True
                )
            )

        async def edit(ctx: Context) -> Replies:
            return await reflections.edit_message(ctx, message_ref, text)

        return taken_down + await core.guarded(core.with_context(actor, edit))

    async def _delete(self, actor: Actor, message_ref: str) -> Replies:
        """The stored copy goes too; a PLN channel post of that answer is taken down first."""
        core = self._core
        taken_down = await core.guarded(
            sharing.unshare_deleted_message(core.with_context, core.messenger, actor, message_ref)
        )

        async def delete(ctx: Context) -> Replies:
            return await reflections.delete_message(ctx, message_ref)

        deleted = await core.guarded(core.with_context(actor, delete))
        if deleted and deleted[0] not in (DATABASE_DOWN, INTERNAL_ERROR):
            # after the commit: no old page image of the deleted text stays in SQLite's WAL
            await erasure_store.truncate_sqlite_wal(core.db.engine)
        return taken_down + deleted

    async def home_view(self, actor: Actor) -> OutgoingMessage | None:
        """The member's home view; None when the database is down."""

        async def view(ctx: Context) -> Replies:
            return [await home_module.home_view(ctx)]

        replies = await self._core.guarded(self._core.with_context(actor, view))
        return replies[0] if replies and replies[0].kind == "home" else None

    # -- plumbing ---------------------------------------------------------------------------

    async def _outside(
        self, spec: cmd.CommandSpec, actor: Actor, command: Any, say_first: SayFirst | None
    ) -> Replies:
        """A command that talks to the platform: checked and audited in a short unit of work
        of its own, then run outside one."""
        if spec.moderator_only:

            async def check(ctx: Context) -> bool:
                if ctx.is_moderator:
                    audit.record(ctx, spec.name)
                return ctx.is_moderator

            if not await self._core.with_context(actor, check):
                return [MODERATORS_ONLY]
        if spec.started_note and say_first is not None:
            await say_first(plain(spec.started_note))
        assert spec.outside is not None
        return await spec.outside(self._core, actor, command)

    async def _members_only(
        self, actor: Actor, work: Callable[[Context], Awaitable[Replies]]
    ) -> Replies:
        async def unit(ctx: Context) -> Replies:
            if not ctx.is_active_member:
                return [NOT_JOINED]
            return await work(ctx)

        return await self._core.guarded(self._core.with_context(actor, unit))
