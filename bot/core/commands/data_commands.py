"""Commands about a member's own reflections and data: digest, delete, share, export,
erasure and linking identities across platforms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core import (
    data_export,
    data_rights,
    digest_analyses,
    digest_schedule,
    home,
    linking,
    sharing,
)
from bot.core import digest_requests as digest_module
from bot.core.actions import answer_number
from bot.core.commands import values
from bot.core.commands.shapes import (
    Option,
    no_arguments,
    rest_of_line,
)
from bot.core.commands.spec import ButtonAction, CommandSpec, CoreServices
from bot.core.context import Context
from bot.core.messages import OutgoingMessage
from bot.core.replies import NOT_JOINED

if TYPE_CHECKING:
    from bot.core.actors import Actor


@dataclass(frozen=True)
class Digest:
    """The member's reflection digest for a period: "week", "month", "term", "year", "all"
    or a number of weeks such as "6w" (already validated by `digest_period`)."""

    period: str


@dataclass(frozen=True)
class DigestSchedule:
    """Show (None) or choose how often the digest arrives by DM: monthly, termly or off."""

    cadence: str | None


@dataclass(frozen=True)
class DeleteAnswer:
    """Delete one of the member's own answers; asks first unless `confirmed`."""

    answer_id: int
    confirmed: bool = False


@dataclass(frozen=True)
class Share:
    """Post one of the member's answers, with their name, in the community's PLN channel."""

    answer_id: int


@dataclass(frozen=True)
class Unshare:
    """Delete the PLN channel post of a shared answer; the answer stays, private again."""

    answer_id: int


@dataclass(frozen=True)
class Export:
    """Everything held about the member, as a Markdown file and a JSON file."""


@dataclass(frozen=True)
class ForgetMe:
    """Erase the member's answers, notes, deliveries and profile; asks first unless confirmed."""

    confirmed: bool = False


@dataclass(frozen=True)
class Link:
    """No code: get a one-time code. A code: join this identity to the one that made it."""

    code: str | None


@dataclass(frozen=True)
class Unlink:
    """Separate this platform's identity from the member's linked identities."""


def _delete_answer(text: str) -> DeleteAnswer:
    words = text.split()
    confirmed = len(words) == 2 and words[1].casefold() == "confirm"
    if len(words) not in (1, 2) or (len(words) == 2 and not confirmed):
        raise ValueError("Type `/pln delete #12` (the id from `/pln history`).")
    return DeleteAnswer(values.answer_id(words[0]), confirmed)


def _forget_me(text: str) -> ForgetMe:
    if text.strip().casefold() != "confirm":
        raise ValueError("Type `/pln forget-me` and I'll ask you to confirm.")
    return ForgetMe(confirmed=True)


def _as_is(command: DeleteAnswer | ForgetMe) -> DeleteAnswer | ForgetMe:
    """For argument shapes whose converter already builds the whole command."""
    return command


def _answer_id_or_none(value: str) -> int | None:
    """A button's value as the member's answer number; None for anything a button of ours
    never carries (a bare table id from before numbers existed is stale)."""
    return answer_number(value)


async def _digest(services: CoreServices, actor: Actor, command: Digest) -> list[OutgoingMessage]:
    """Read in one unit of work; draw the chart and call any LLM after it, with no
    transaction open."""

    async def read(ctx: Context) -> digest_module.DigestRequest | None:
        if not ctx.is_active_member:
            return None
        return await digest_module.gather_period(ctx, command.period)

    request = await services.with_context(actor, read)
    if request is None:
        return [NOT_JOINED]
    return await digest_module.compose(await digest_analyses.complete(services.db, request))


async def _delete(
    services: CoreServices, actor: Actor, command: DeleteAnswer
) -> list[OutgoingMessage]:
    return await data_rights.delete_answer(
        services.with_context, services.messenger, actor, command.answer_id, command.confirmed
    )


async def _share(services: CoreServices, actor: Actor, command: Share) -> list[OutgoingMessage]:
    return await sharing.share(services.with_context, services.messenger, actor, command.answer_id)


async def _unshare(services: CoreServices, actor: Actor, command: Unshare) -> list[OutgoingMessage]:
    return await sharing.unshare(
        services.with_context, services.messenger, actor, command.answer_id
    )


async def _forget(services: CoreServices, actor: Actor, command: ForgetMe) -> list[OutgoingMessage]:
    return await data_rights.forget_me(
        services.with_context, services.messenger, actor, command.confirmed
    )


def _answer_button(
    make: Callable[[int], Share | Unshare | DeleteAnswer],
) -> Callable[[str], Share | Unshare | DeleteAnswer | None]:
    """A button whose value is an answer id; a value ours never carries is a stale press."""

    def from_value(value: str) -> Share | Unshare | DeleteAnswer | None:
        answer = _answer_id_or_none(value)
        return None if answer is None else make(answer)

    return from_value


ANSWER_OPTION = Option("answer", "The answer's id from /pln history, like 12", required=True)

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="digest",
        arguments=rest_of_line(
            Digest,
            convert=values.digest_period,
            name="week|month|term|year|all|Nw",
            when_empty=lambda: Digest("month"),
            option=Option(
                "period",
                "week, month (default), term, year, all, or a number of weeks like 6w",
                suggestions=(*values.DIGEST_PERIODS, "6w", "12w"),
            ),
        ),
        summary="Your reflection digest: week, month (default), term, year, all or `6w`.",
        description=(
            "Your figures and streak, the framework elements you reflected on, your recurring "
            "themes, a short summary in your own sentences, the goals you set, and a chart. "
            "Only you see it."
        ),
        example="digest term",
        outside=_digest,
        buttons=(ButtonAction(home.DIGEST_ACTION, lambda _value: Digest("month")),),
    ),
    CommandSpec(
        name="digest schedule",
        arguments=rest_of_line(
            DigestSchedule,
            convert=values.digest_cadence,
            name="monthly|termly|off",
            when_empty=lambda: DigestSchedule(None),
            option=Option(
                "schedule",
                "How often your digest arrives by DM (instead of showing it now)",
                choices=("monthly", "termly", "off"),
            ),
        ),
        summary="How often your digest arrives by DM: monthly (default), termly or off.",
        description="Termly means every three months. Without a word it shows your choice.",
        example="digest schedule termly",
        handler=lambda ctx, command: digest_schedule.digest_schedule(ctx, command.cadence),
        changes_schedule=True,
    ),
    CommandSpec(
        name="delete",
        arguments=rest_of_line(
            _as_is,
            convert=_delete_answer,
            name="answer id",
            produces=(DeleteAnswer,),
            option=ANSWER_OPTION,
        ),
        summary="Delete one of your answers (its id is in `/pln history`).",
        description="I ask you to confirm first; a deleted answer is gone for good.",
        example="delete #12",
        outside=_delete,
        buttons=(
            ButtonAction(
                data_rights.DELETE_CONFIRM_ACTION,
                _answer_button(lambda answer: DeleteAnswer(answer, confirmed=True)),
                routes_by="answer",
            ),
        ),
    ),
    CommandSpec(
        name="share",
        arguments=rest_of_line(
            Share, convert=values.answer_id, name="answer id", option=ANSWER_OPTION
        ),
        summary="Share one of your answers, with your name, in the PLN channel.",
        description=(
            "Answers are private until you share them. `/pln unshare` takes the post down."
        ),
        example="share #12",
        outside=_share,
        buttons=(ButtonAction(sharing.SHARE_ACTION, _answer_button(Share), routes_by="answer"),),
    ),
    CommandSpec(
        name="unshare",
        arguments=rest_of_line(
            Unshare, convert=values.answer_id, name="answer id", option=ANSWER_OPTION
        ),
        summary="Take a shared answer down from the PLN channel.",
        description="The post is deleted; your answer stays, private to you again.",
        example="unshare #12",
        outside=_unshare,
        buttons=(
            ButtonAction(sharing.UNSHARE_ACTION, _answer_button(Unshare), routes_by="answer"),
        ),
    ),
    CommandSpec(
        name="export",
        arguments=no_arguments(Export),
        summary="Get everything I hold about you, as Markdown and JSON files.",
        description=(
            "Your profile, answers with their prompts and dates, skips, shares, pairings and "
            "settings. docs/EXPORT.md describes the JSON."
        ),
        example="export",
        handler=lambda ctx, _: data_export.export(ctx),
        before_joining=True,  # members who left may still take their data with them
        any_community=True,
    ),
    CommandSpec(
        name="forget-me",
        arguments=rest_of_line(
            _as_is,
            convert=_forget_me,
            name="confirm",
            when_empty=ForgetMe,
            produces=(ForgetMe,),
            option=Option("confirm", "Leave empty: I'll ask you to confirm"),
        ).with_options(),
        summary="Erase everything I hold about you (I ask you to confirm).",
        description=(
            "Deletes your answers, notes, prompts and profile, and takes down what you shared. "
            "You can join again later and start fresh."
        ),
        example="forget-me",
        outside=_forget,
        changes_schedule=True,
        refreshes_home=True,
        buttons=(ButtonAction(data_rights.FORGET_CONFIRM_ACTION, lambda _value: ForgetMe(True)),),
        any_community=True,
    ),
    CommandSpec(
        name="link",
        arguments=rest_of_line(
            Link,
            convert=values.link_code,
            name="code",
            when_empty=lambda: Link(None),
            option=Option("code", "The code /pln link gave you on the other platform"),
        ),
        summary="Join your Slack and Discord identities: one history, one digest.",
        description=(
            "Type `/pln link` on one platform to get a code (valid 10 minutes, once), then "
            "`/pln link <code>` on the other. `/pln unlink` separates them again."
        ),
        example="link ABCD-2345",
        handler=lambda ctx, command: linking.link(ctx, command.code),
        before_joining=True,
        changes_schedule=True,
    ),
    CommandSpec(
        name="unlink",
        arguments=no_arguments(Unlink),
        summary="Separate this identity from your linked ones.",
        description="Each identity keeps the answers written on its own platform.",
        example="unlink",
        handler=lambda ctx, _: linking.unlink(ctx),
        before_joining=True,
        changes_schedule=True,
    ),
)
