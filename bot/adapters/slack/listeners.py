"""bolt listeners: Slack's slash command, events, buttons and modals, handed to the core.

Slack wants every request answered within 3 seconds. Slash commands are acked at once and
the work runs after the ack (a lazy listener), so `/pln prompt now` can fan out to a whole
workspace while other members' requests are still answered promptly. Events are acked by
bolt before their listener runs.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from dataclasses import replace
from typing import Any, Final

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.file_notes import not_attached_note, sent_to_dm_note
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.files import download_file, upload_files
from bot.adapters.slack.messenger import message_ref
from bot.adapters.slack.render import form_values, home_view, message_payload, modal_view
from bot.core.actions import ACTION_ID_PATTERN
from bot.core.actors import Actor
from bot.core.events import (
    ButtonPressed,
    CommandEntered,
    FormSubmitted,
    HomeOpened,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Outcome,
)
from bot.core.messages import OutgoingMessage, plain
from bot.core.service import PlnCore

log = logging.getLogger(__name__)

NEW_MESSAGE_SUBTYPES: Final = frozenset({None, "file_share", "thread_broadcast"})
MAX_FORM_ERROR: Final = 150  # Slack cuts longer errors inside a modal
SEEN_EVENTS: Final = 5_000
MODAL_FAILED: Final = (
    "Slack didn't let me open the form just now. Reply to the prompt here instead: your "
    "message is saved as your answer, privately."
)
COMMAND_MODAL_FAILED: Final = (
    "Slack didn't let me open the form just now. Type the command again, or see "
    "`/pln help` for how to type what it asks."
)


def unescape(text: str) -> str:
    """Slack sends &, < and > escaped; members' words are stored as they typed them."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# a link in an escaped slash command: `<https://x.org|x.org>` or `<https://x.org>`
_COMMAND_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>")


def command_text(text: str) -> str:
    """A slash command's text as the core reads it. The command is escaped
    (`should_escape: true` in the manifest), so `@sam` and `#pln` arrive as ids the core
    can use (`<@U123|sam>`, `<#C123|pln>`); links come back to what was typed."""
    return unescape(_COMMAND_LINK.sub(lambda found: found.group(1), text))


class SlackListeners:
    """Turns Slack requests into core calls and core replies into Slack messages."""

    def __init__(self, core: PlnCore, directory: SlackDirectory) -> None:
        self._core = core
        self._directory = directory
        self._seen_events: OrderedDict[str, None] = OrderedDict()

    def register(self, app: AsyncApp) -> None:
        app.command("/pln")(ack=self._ack_command, lazy=[self._run_command])
        app.event("message")(self._on_message)
        app.event("app_home_opened")(self._on_home_opened)
        # every id in the core's namespace, whole: the core knows which actions exist
        app.action(ACTION_ID_PATTERN)(self._on_action)
        app.view(ACTION_ID_PATTERN)(self._on_view)
        # Anything else Slack sends (an event we did not subscribe to, a new event type) is
        # acknowledged and ignored: a non-2xx answer would only make Slack retry it.
        app.event(re.compile(r".*"))(self._ignore)
        app.error(self._on_error)

    # -- slash command ------------------------------------------------------------------

    async def _ack_command(self, ack: AsyncAck) -> None:
        await ack()

    async def _run_command(
        self, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
    ) -> None:
        team_id, user_id = str(context.team_id), str(body.get("user_id", ""))
        token = context.bot_token
        channel_id = str(body.get("channel_id", ""))
        in_bot_dm = await self._directory.is_bot_dm(team_id, user_id, channel_id, token)
        actor = replace(
            await self._directory.actor(team_id, user_id, token),
            channel_id=channel_id or None,
            in_direct_message=in_bot_dm,
        )
        response_type = "in_channel" if in_bot_dm else "ephemeral"
        text = command_text(str(body.get("text") or ""))

        async def say_first(reply: OutgoingMessage) -> None:
            await respond(response_type=response_type, **message_payload(reply))

        outcome = await self._core.handle(CommandEntered(actor, text), say_first)
        for reply in outcome.replies:
            if reply.form is not None:  # `/pln profile`: the form as a modal
                trigger_id = str(body.get("trigger_id", ""))
                if not await self._open_modal(context.client, trigger_id, reply):
                    await respond(response_type=response_type, text=COMMAND_MODAL_FAILED)
                continue
            await respond(response_type=response_type, **message_payload(reply))
            if reply.files:
                await self._files_to_dm(context, actor, reply, respond, response_type, in_bot_dm)
        await self._follow_outcome(context.client, actor, outcome)

    async def _files_to_dm(
        self,
        context: AsyncBoltContext,
        actor: Actor,
        reply: OutgoingMessage,
        respond: AsyncRespond,
        response_type: str,
        in_bot_dm: bool,
    ) -> None:
        """A response_url cannot carry files, so they go to the member's DM with the bot."""
        team_id = str(context.team_id)
        dm = await self._directory.dm_channel(team_id, actor.user_id, context.bot_token)
        refused = (
            list(reply.files)
            if dm is None
            else await upload_files(context.client, reply.files, channel=dm)
        )
        delivered = [attachment for attachment in reply.files if attachment not in refused]
        if delivered and not in_bot_dm:
            await respond(text=sent_to_dm_note(delivered), response_type=response_type)
        if refused:
            await respond(text=not_attached_note(refused), response_type=response_type)

    # -- messages in the bot's DM ---------------------------------------------------------

    async def _on_message(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if event.get("channel_type") != "im" or self._seen(body.get("event_id")):
            return
        subtype = event.get("subtype")
        channel = str(event.get("channel", ""))
        client = context.client
        if subtype in NEW_MESSAGE_SUBTYPES:
            await self._on_new_message(event, channel, context)
        elif subtype == "message_changed":
            message = event.get("message") or {}
            if message.get("bot_id") or not message.get("user") or not message.get("ts"):
                return
            actor = await self._actor(context, str(message["user"]))
            ref = message_ref(channel, str(message["ts"]))
            text = unescape(str(message.get("text") or ""))
            outcome = await self._core.handle(MessageEdited(actor, ref, text))
            await self._post(client, channel, list(outcome.replies))
        elif subtype == "message_deleted":
            previous = event.get("previous_message") or {}
            deleted_ts = event.get("deleted_ts") or previous.get("ts")
            if previous.get("bot_id") or not previous.get("user") or not deleted_ts:
                return
            actor = await self._actor(context, str(previous["user"]))
            ref = message_ref(channel, str(deleted_ts))
            outcome = await self._core.handle(MessageDeleted(actor, ref))
            await self._post(client, channel, list(outcome.replies))

    async def _on_new_message(
        self, event: dict[str, Any], channel: str, context: AsyncBoltContext
    ) -> None:
        if event.get("bot_id") or not event.get("user") or not event.get("ts"):
            return
        actor = await self._actor(context, str(event["user"]))
        ts = str(event["ts"])
        thread_ts = event.get("thread_ts")
        reply_to = message_ref(channel, str(thread_ts)) if thread_ts and thread_ts != ts else None
        text = unescape(str(event.get("text") or ""))
        command = command_with_file(text, event.get("files"))
        if command is not None:  # a file shared with `/pln ...` as its message
            files = [await download_file(context.client, f) for f in event.get("files") or []]
            attached = tuple(file for file in files if file is not None)
            outcome = await self._core.handle(CommandEntered(actor, command, files=attached))
        else:
            outcome = await self._core.handle(
                MessagePosted(actor, text, message_ref(channel, ts), reply_to)
            )
        await self._post(context.client, channel, list(outcome.replies), thread_ts=thread_ts)

    def _seen(self, event_id: object) -> bool:
        """A cheap first filter for Slack's retried deliveries; the store is the real guard."""
        if not isinstance(event_id, str) or not event_id:
            return False
        if event_id in self._seen_events:
            return True
        self._seen_events[event_id] = None
        if len(self._seen_events) > SEEN_EVENTS:
            self._seen_events.popitem(last=False)
        return False

    # -- App Home ---------------------------------------------------------------------------

    async def _on_home_opened(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        await self._publish_home(context.client, await self._actor(context, str(event["user"])))

    async def _publish_home(self, client: AsyncWebClient, actor: Actor) -> None:
        views = (await self._core.handle(HomeOpened(actor))).replies
        view = views[0] if views and views[0].kind == "home" else None
        if view is None:
            return
        try:
            await client.views_publish(user_id=actor.user_id, view=home_view(view))
        except SlackApiError as error:
            log.warning(
                "could not publish the App Home",
                extra={"fields": {"error": error.response.get("error")}},
            )

    # -- buttons and modals -----------------------------------------------------------------

    async def _on_action(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        actor = await self._actor(context, str((body.get("user") or {}).get("id", "")))
        action_id = str(action.get("action_id", ""))
        outcome = await self._core.handle(
            ButtonPressed(actor, action_id, str(action.get("value", "")))
        )
        client = context.client
        channel = str((body.get("channel") or {}).get("id") or "")
        if not channel.startswith("D"):
            channel = actor.user_id  # a press in a shared channel is answered in private
        for reply in outcome.replies:
            if reply.form is None:
                await self._post(client, channel, [reply])
            elif not await self._open_modal(client, str(body.get("trigger_id", "")), reply):
                await self._post(client, channel, [plain(MODAL_FAILED)])
        await self._follow_outcome(client, actor, outcome)
        if not outcome.refresh_home and (body.get("view") or {}).get("type") == "home":
            await self._publish_home(client, actor)  # pressed on the home tab itself

    async def _open_modal(
        self, client: AsyncWebClient, trigger_id: str, reply: OutgoingMessage
    ) -> bool:
        """Open the form as a modal; False when Slack refused (a trigger_id lives 3 s)."""
        assert reply.form is not None
        try:
            await client.views_open(trigger_id=trigger_id, view=modal_view(reply.form))
        except SlackApiError as error:
            log.warning(
                "could not open a modal", extra={"fields": {"error": error.response.get("error")}}
            )
            return False
        return True

    async def _on_view(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:
        callback_id = str(view.get("callback_id", ""))
        fields = {
            name: unescape(value)
            for name, value in form_values((view.get("state") or {}).get("values") or {}).items()
        }
        errors = self._core.form_errors(callback_id, fields)
        if errors:  # shown inside the still-open modal, so nothing typed is lost
            shown = {name: error[:MAX_FORM_ERROR] for name, error in errors.items()}
            await ack(response_action="errors", errors=shown)
            return
        await ack()
        actor = await self._actor(context, str((body.get("user") or {}).get("id", "")))
        outcome = await self._core.handle(
            FormSubmitted(actor, callback_id, str(view.get("private_metadata", "")), fields)
        )
        await self._post(context.client, actor.user_id, list(outcome.replies))
        await self._follow_outcome(context.client, actor, outcome)

    # -- plumbing ---------------------------------------------------------------------------

    async def _follow_outcome(self, client: AsyncWebClient, actor: Actor, outcome: Outcome) -> None:
        """What the core asked for besides replies: a welcome in the DM, a fresh App Home."""
        if outcome.welcome is not None:
            await self._post(client, actor.user_id, [outcome.welcome])
        if outcome.refresh_home:
            await self._publish_home(client, actor)

    async def _actor(self, context: AsyncBoltContext, user_id: str) -> Actor:
        return await self._directory.actor(str(context.team_id), user_id, context.bot_token)

    async def _post(
        self,
        client: AsyncWebClient,
        channel: str,
        replies: list[OutgoingMessage],
        *,
        thread_ts: object = None,
    ) -> None:
        thread = str(thread_ts) if thread_ts else None
        for reply in replies:
            try:
                response = await client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread,
                    unfurl_links=False,
                    unfurl_media=False,
                    **message_payload(reply),
                )
            except SlackApiError as error:
                log.warning(
                    "could not post a reply",
                    extra={"fields": {"error": error.response.get("error")}},
                )
                continue
            if reply.files:
                dm = str(response.get("channel") or channel)  # a user id posts to the D channel
                refused = await upload_files(client, reply.files, channel=dm, thread_ts=thread)
                if refused:
                    await self._post(
                        client, dm, [plain(not_attached_note(refused))], thread_ts=thread
                    )

    async def _ignore(self) -> None:
        return None

    async def _on_error(self, error: Exception) -> None:
        # The type only: an exception's text may quote a request, and requests carry answers.
        log.error("slack listener failed", extra={"fields": {"error": type(error).__name__}})


def command_with_file(text: str, files: object) -> str | None:
    """The command a file share carries: a slash command cannot take a file, so a file
    posted in the bot's DM with `/pln <command>` (or `pln <command>`) as its message runs
    that command with the file. None: an ordinary message."""
    if not files:
        return None
    words = text.strip().split(maxsplit=1)
    if not words or words[0].casefold() not in ("/pln", "pln"):
        return None
    return words[1] if len(words) > 1 else ""
