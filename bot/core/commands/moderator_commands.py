"""Commands that run the community: prompt now, delivery mode, channel, track, the
community's own prompts, retention and digest summaries. Most are for moderators."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.core import digest_requests as digest_module
from bot.core import moderation, retention, term
from bot.core.commands import values
from bot.core.commands.shapes import (
    Option,
    OptionKind,
    no_arguments,
    optional_choice,
    rest_of_line,
)
from bot.core.commands.spec import ButtonAction, CommandSpec, CoreServices
from bot.core.context import Context
from bot.core.messages import OutgoingMessage
from bot.core.replies import MODERATORS_ONLY
from bot.core.scheduling import commands as scheduling_commands
from bot.store import channel_posts as post_store

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.core.actors import Actor


@dataclass(frozen=True)
class PromptNow:
    """Send the next prompt right away instead of waiting for the schedule (moderators)."""


@dataclass(frozen=True)
class Mode:
    """How prompts reach members: "dm" (each by DM) or "channel" (one post); None shows it."""

    mode: str | None


@dataclass(frozen=True)
class SetChannel:
    """Choose the PLN channel: `here`, or a channel id taken from a platform's mention."""

    target: str | None


@dataclass(frozen=True)
class ChooseTrack:
    """Show the tracks (None), or choose one by id (moderators)."""

    name: str | None


@dataclass(frozen=True)
class ShowTerm:
    """Show where the community's school year is (anyone)."""


@dataclass(frozen=True)
class SetTermStart:
    """The first day of the community's school year (moderators)."""

    first_day: date


@dataclass(frozen=True)
class AddPrompt:
    """A moderator's own prompt: `framework/element | question | follow-up`, validated.

    `parts` is (framework id, element id, question, follow-up).
    """

    parts: tuple[str, str, str, str]

    @property
    def framework_id(self) -> str:
        return self.parts[0]

    @property
    def element_id(self) -> str:
        return self.parts[1]

    @property
    def question(self) -> str:
        return self.parts[2]

    @property
    def follow_up(self) -> str:
        return self.parts[3]


@dataclass(frozen=True)
class ListPrompts:
    """The community's own prompts."""


@dataclass(frozen=True)
class RetirePrompt:
    """Stop using one of the community's own prompts (it stays in members' history)."""

    prompt_id: str


@dataclass(frozen=True)
class Retention:
    """Show (None) or set how long answers are kept: a number of days, or "off" (moderators).

    A number of days only says what it would delete and asks; `confirmed` (the Confirm
    button, or `/pln retention 90 confirm`) sets it, after members are told.
    """

    setting: str | None
    confirmed: bool = False


@dataclass(frozen=True)
class Summaries:
    """Show (None) or choose the digest summariser: "local" (default) or "llm" (moderators)."""

    setting: str | None


async def _prompt_now(
    services: CoreServices, actor: Actor, _command: PromptNow
) -> list[OutgoingMessage]:
    """A one-off occurrence, claimed and sent at once; the reply counts how it went.

    The occurrence is created in one unit of work, the fan-out runs outside it (it talks to
    the platform), and the counts are read after it.
    """

    async def create(ctx: Context) -> int | None:
        return await moderation.create_prompt_now(ctx) if ctx.is_moderator else None

    schedule_id = await services.with_context(actor, create)
    if schedule_id is None:
        return [MODERATORS_ONLY]
    log.info("prompt now requested", extra={"fields": {"schedule_id": schedule_id}})
    await services.run_due_prompts()
    post = await services.db.run(lambda s: post_store.post_of_schedule(s, schedule_id))
    if post is not None:
        return [moderation.channel_post_reply(post.status)]
    outcome = await services.db.run(lambda s: moderation.occurrence_outcome(s, schedule_id))
    return [moderation.prompt_now_reply(outcome)]


async def _retention(
    services: CoreServices, actor: Actor, command: Retention
) -> list[OutgoingMessage]:
    """Showing, asking and `off` are one unit of work; a confirmed number of days also
    tells every member by DM, outside it."""
    if command.confirmed and command.setting not in (None, "off"):
        return await retention.confirm_retention(
            services.with_context, services.messenger, actor, int(command.setting)
        )
    return await services.with_context(
        actor, lambda ctx: retention.retention_setting(ctx, command.setting)
    )


def _confirmed_retention(value: str) -> Retention | None:
    days = values.retention_days(value)
    return None if days is None else Retention(str(days), confirmed=True)


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="prompt now",
        arguments=no_arguments(PromptNow),
        summary="Send this week's prompt to every member now.",
        description="Each use is a new occurrence: every active member gets it once, right away.",
        example="prompt now",
        outside=_prompt_now,
        moderator_only=True,
        before_joining=True,
        started_note=(
            "Sending the prompt to every member now. I'll report here when everyone has it."
        ),
    ),
    CommandSpec(
        name="mode",
        arguments=optional_choice(
            Mode,
            choices=("dm", "channel", "show"),
            default="show",
            name="mode",
            description="dm: each member by DM; channel: one post. Empty: show the mode",
        ),
        summary="How prompts reach members: by DM, or one post in the PLN channel.",
        description=(
            "`dm` sends each member the prompt privately; `channel` posts it once in the PLN "
            "channel with an Answer privately button (answers stay private). Without a word "
            "it shows the current mode."
        ),
        example="mode channel",
        handler=lambda ctx, command: moderation.delivery_mode(ctx, command.mode or "show"),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="track",
        arguments=rest_of_line(
            ChooseTrack,
            convert=values.track_name,
            name="track",
            when_empty=lambda: ChooseTrack(None),
            option=Option("name", "A track id from /pln track, like school-year"),
        ),
        summary="Show where prompts come from: the tracks.",
        description=(
            "A track is where prompts come from: every framework, one framework, or a term "
            "plan that walks chosen elements week by week. Moderators choose one with "
            "`/pln track <name>`."
        ),
        example="track school-year",
        handler=lambda ctx, command: moderation.choose_track(ctx, command.name),
        before_joining=True,
        moderator_action=lambda command: command.name is not None,
    ),
    CommandSpec(
        name="term",
        arguments=no_arguments(ShowTerm),
        summary="Show where the community's school year is.",
        description=(
            "Which week of the school year this is; start-of-year prompts come in its first "
            "weeks, end-of-year ones in its last, and term plans start with it."
        ),
        example="term",
        handler=lambda ctx, _: term.show_term(ctx),
        before_joining=True,
    ),
    CommandSpec(
        name="term starts",
        arguments=rest_of_line(
            SetTermStart,
            convert=term.term_start_date,
            name="date",
            option=Option("starts", "First day of the school year, e.g. 2026-09-07", required=True),
        ),
        summary="Set the first day of the school year (year-month-day).",
        description=(
            "Without it the year starts on the first Monday of September (of February where "
            "the default time zone is south of the equator). It repeats each year."
        ),
        example="term starts 2026-09-07",
        handler=lambda ctx, command: term.set_term_start(ctx, command.first_day),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="prompts add",
        arguments=rest_of_line(
            AddPrompt,
            convert=values.community_prompt,
            name="framework/element | question | follow-up",
        ).with_options(
            Option(
                "element",
                "framework/element, like olf/using-data (see /pln frameworks)",
                required=True,
            ),
            Option("question", "The question members get", required=True),
            Option("follow_up", "The follow-up question after they answer", required=True),
            joiner=" | ",
        ),
        summary="Add your community's own prompt, with its element and a follow-up.",
        description=(
            "Separate the three parts with `|`. It joins the rotation like the library's "
            "prompts; `pln-bot prompts list` shows the element ids."
        ),
        example=(
            "prompts add olf/using-data | Which number surprised you this term? | "
            "What will you do about it?"
        ),
        handler=moderation.add_prompt,
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="prompts list",
        arguments=no_arguments(ListPrompts),
        summary="List your community's own prompts.",
        description="Each with its id, element and question; retired ones are not shown.",
        example="prompts list",
        handler=lambda ctx, _: moderation.list_prompts(ctx),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="prompts retire",
        arguments=rest_of_line(
            RetirePrompt,
            convert=values.prompt_id,
            name="prompt id",
            option=Option("prompt_id", "Its id from /pln prompts list, like c1-2", required=True),
        ),
        summary="Retire one of your community's own prompts.",
        description="It is not sent again; answers to it stay with their authors.",
        example="prompts retire c1-2",
        handler=lambda ctx, command: moderation.retire_prompt(ctx, command.prompt_id),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="channel",
        arguments=rest_of_line(
            SetChannel,
            convert=values.channel_target,
            name="here or #channel",
            when_empty=lambda: SetChannel(None),
            option=Option(
                "channel", "The PLN channel; leave empty for this channel", OptionKind.CHANNEL
            ),
        ),
        summary="Choose the PLN channel (type it in that channel: `/pln channel here`).",
        description="The channel where channel mode posts the weekly prompt.",
        example="channel here",
        handler=lambda ctx, command: moderation.set_channel(ctx, command.target),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="retention",
        arguments=rest_of_line(
            lambda parsed: Retention(*parsed),
            convert=values.retention,
            name="days|off",
            when_empty=lambda: Retention(None),
            produces=(Retention,),
            option=Option("days", "A number of days, or off"),
        ),
        summary="How long answers are kept: a number of days, or off (keep them).",
        description=(
            "Answers and notes older than that are deleted by a daily job. A number of days "
            "first shows what it would delete and asks you to confirm; members are then told "
            "by DM, and nothing is purged for 7 days. Without a word it shows the setting."
        ),
        example="retention 365",
        outside=_retention,
        moderator_only=True,
        before_joining=True,
        changes_schedule=True,
        buttons=(ButtonAction(retention.CONFIRM_ACTION, _confirmed_retention),),
    ),
    CommandSpec(
        name="summaries",
        arguments=rest_of_line(
            Summaries,
            convert=values.summaries,
            name="local|llm",
            when_empty=lambda: Summaries(None),
            option=Option("setting", "local (default) or llm", choices=("local", "llm")),
        ),
        summary="Digest summaries: local (default) or an LLM endpoint.",
        description=(
            "`llm` sends a member's answers to the endpoint in PLN_LLM_URL when they ask for "
            "a digest: their words leave this machine. `local` never does."
        ),
        example="summaries local",
        handler=lambda ctx, command: digest_module.summaries_setting(ctx, command.setting),
        moderator_only=True,
        before_joining=True,
    ),
    *scheduling_commands.SPECS,
)
