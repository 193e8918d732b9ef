"""Commands for watching over the community: stats in counts, who the moderators are,
and the audit log of what moderators did. All for moderators."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.core import audit, moderators, stats
from bot.core.commands.shapes import Option, optional_choice, optional_number, rest_of_line
from bot.core.commands.spec import CommandSpec, CoreServices
from bot.core.messages import OutgoingMessage

if TYPE_CHECKING:
    from bot.core.actors import Actor


@dataclass(frozen=True)
class Stats:
    """Counts for a period: "term" (the school year so far), "month" or "all"."""

    period: str


@dataclass(frozen=True)
class Audit:
    """The latest `rows` entries of the audit log."""

    rows: int


@dataclass(frozen=True)
class ListModerators:
    """Who the moderators are, and which of them can be removed in chat."""


@dataclass(frozen=True)
class AddModerator:
    target: moderators.Target


@dataclass(frozen=True)
class RemoveModerator:
    target: moderators.Target


async def _stats(services: CoreServices, actor: Actor, command: Stats) -> list[OutgoingMessage]:
    return await stats.show_stats(services, actor, command.period)


def _member_option() -> Option:
    return Option("member", "The member, picked with @", required=True)


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="stats",
        arguments=optional_choice(
            Stats,
            choices=stats.PERIODS,
            default="term",
            name="period",
            description="term (default): this school year; month: last 30 days; all",
        ),
        summary="How the community is doing, in counts, with a chart.",
        description=(
            "Members (active, paused, left), prompts sent, answered and skipped per week, the "
            "response rate and its trend, and the framework elements someone answered. Counts "
            "only: never an answer, nor who skipped or did not answer."
        ),
        example="stats month",
        outside=_stats,
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="moderators",
        arguments=replace(
            optional_choice(lambda _: ListModerators(), choices=("list",), default="list"),
            produces=(ListModerators,),
            options=(),  # on Discord the command itself lists; add and remove are its options
        ),
        summary="List the community's moderators.",
        description=(
            "Moderators from the bot's settings (PLN_MODERATORS; not removable in chat), those "
            "added with `/pln moderators add`, and a word on the platform's admins."
        ),
        example="moderators list",
        handler=lambda ctx, _: moderators.list_moderators(ctx),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="moderators add",
        arguments=rest_of_line(
            AddModerator,
            convert=moderators.member_target,
            name="@member",
            option=_member_option(),
        ),
        summary="Make a member a moderator of this community.",
        description="They can then run every moderator command, `/pln stats` included.",
        example="moderators add @sam",
        handler=lambda ctx, command: moderators.add_moderator(ctx, command.target),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="moderators remove",
        arguments=rest_of_line(
            RemoveModerator,
            convert=moderators.member_target,
            name="@member",
            option=_member_option(),
        ),
        summary="Remove a moderator added in chat.",
        description="Moderators from PLN_MODERATORS and the platform's admins stay moderators.",
        example="moderators remove @sam",
        handler=lambda ctx, command: moderators.remove_moderator(ctx, command.target),
        moderator_only=True,
        before_joining=True,
    ),
    CommandSpec(
        name="audit",
        arguments=optional_number(
            Audit,
            default=audit.DEFAULT_ROWS,
            low=1,
            high=audit.MAX_ROWS,
            name="n",
            description=f"How many entries (default {audit.DEFAULT_ROWS})",
        ),
        summary="The audit log: who ran which moderator command, and when.",
        description=(
            "Newest first. It names the command, never what was typed with it, and also "
            "shows erasures and retention purges (counts only)."
        ),
        example="audit 50",
        handler=lambda ctx, command: audit.show_audit(ctx, command.rows),
        moderator_only=True,
        before_joining=True,
    ),
)
