"""The one command grammar every platform shares: the text after `/pln` becomes a Command.

Slack, Discord and the console all hand us the raw text, so members learn one syntax and the
core never sees platform details. The grammar is a table of CommandSpec entries and a single
generic parser: adding a command means adding its dataclass and one table entry, never another
branch of string comparisons. Help text is rendered from the same table, so it cannot drift.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.timezones import resolve_timezone

_PREFIXES = ("/pln", "pln")
_ECHO_LENGTH = 40
_ALL_COMMANDS_HINT = "Type `/pln help` to see all commands."
_T = TypeVar("_T")


# --- Commands: what a member asked for, already validated -------------------------------


@dataclass(frozen=True)
class Help:
    """List the commands, or explain one (`topic` is a command name such as "prompt now")."""

    topic: str | None = None


@dataclass(frozen=True)
class Join:
    """Start receiving reflection prompts and digests."""


@dataclass(frozen=True)
class Leave:
    """Stop receiving prompts and digests."""


@dataclass(frozen=True)
class SetTimezone:
    """Set the member's time zone; `zone` is already a canonical IANA name."""

    zone: str


@dataclass(frozen=True)
class ShowTimezone:
    """Show the member's current time zone."""


@dataclass(frozen=True)
class Pause:
    """Stop prompts for a while (holidays, a busy term) without leaving the PLN."""


@dataclass(frozen=True)
class Resume:
    """Start prompts again after a pause."""


@dataclass(frozen=True)
class Skip:
    """Skip the current prompt without answering."""


@dataclass(frozen=True)
class History:
    """Show the member's most recent reflections."""

    limit: int


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
class Retention:
    """Show (None) or set how long answers are kept: a number of days, or "off" (moderators)."""

    setting: str | None


@dataclass(frozen=True)
class Summaries:
    """Show (None) or choose the digest summariser: "local" (default) or "llm" (moderators)."""

    setting: str | None


@dataclass(frozen=True)
class Link:
    """No code: get a one-time code. A code: join this identity to the one that made it."""

    code: str | None


@dataclass(frozen=True)
class Unlink:
    """Separate this platform's identity from the member's linked identities."""


@dataclass(frozen=True)
class Frameworks:
    """The leadership frameworks and their elements, each with a short description."""


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
class Schedules:
    """Show when this community gets prompts and digests."""


Command = (
    Help
    | Join
    | Leave
    | SetTimezone
    | ShowTimezone
    | Pause
    | Resume
    | Skip
    | History
    | Digest
    | DigestSchedule
    | DeleteAnswer
    | Share
    | Unshare
    | Export
    | ForgetMe
    | Retention
    | Summaries
    | Link
    | Unlink
    | Frameworks
    | PromptNow
    | Mode
    | SetChannel
    | ChooseTrack
    | AddPrompt
    | ListPrompts
    | RetirePrompt
    | Schedules
)


class CommandError(ValueError):
    """Text that is not a valid command; str() is a friendly reply that points to `/pln help`."""


# --- Argument shapes: how the words after a command's name become its value -------------


class _Rejected(Exception):
    """Arguments that don't fit, with an optional explanation; becomes a CommandError."""


@dataclass(frozen=True)
class Arguments:
    """How the words after a command's name become the command; built by the functions below.

    `usage` is the arguments part of the usage line ("[week|month|all]"), `takes` completes
    error messages ("`/pln digest` takes week, month or all"), `produces` lists the command
    classes `parse` can return, so each command maps back to its spec.
    """

    usage: str
    takes: str
    produces: tuple[type, ...]
    parse: Callable[[Sequence[str]], Command]


def _classes(*makers: object) -> tuple[type, ...]:
    """The distinct classes among the constructors of a command's arguments."""
    return tuple(dict.fromkeys(maker for maker in makers if isinstance(maker, type)))


def _or_list(items: Sequence[str]) -> str:
    """ "a, b or c", for choices and suggestions."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" or {items[-1]}"


def no_arguments(make: Callable[[], Command]) -> Arguments:
    """A command that is just its name, like `/pln join`."""

    def parse(words: Sequence[str]) -> Command:
        if words:
            raise _Rejected()
        return make()

    return Arguments("", "takes no arguments", _classes(make), parse)


def optional_number(
    make: Callable[[int], Command], *, default: int, low: int, high: int, name: str = "n"
) -> Arguments:
    """At most one whole number from `low` to `high`, `default` when left out."""

    def parse(words: Sequence[str]) -> Command:
        if not words:
            return make(default)
        # isdecimal() rather than int(): int() also takes "1_0", "+5" and 5000-digit numbers.
        if len(words) > 1 or not words[0].isdecimal() or len(words[0]) > len(str(high)):
            raise _Rejected()
        if not low <= int(words[0]) <= high:
            raise _Rejected()
        return make(int(words[0]))

    return Arguments(f"[{name}]", f"takes a number from {low} to {high}", _classes(make), parse)


def optional_choice(
    make: Callable[[str], Command], *, choices: tuple[str, ...], default: str
) -> Arguments:
    """At most one word from `choices` (any case), `default` when left out."""

    def parse(words: Sequence[str]) -> Command:
        choice = words[0].casefold() if words else default
        if len(words) > 1 or choice not in choices:
            raise _Rejected()
        return make(choice)

    usage = "[" + "|".join(choices) + "]"
    return Arguments(usage, f"takes {_or_list(choices)}", _classes(make), parse)


def rest_of_line(
    make: Callable[[_T], Command],
    *,
    convert: Callable[[str], _T],
    name: str,
    when_empty: Callable[[], Command] | None = None,
    produces: tuple[type, ...] = (),
) -> Arguments:
    """Free text to the end of the line (`tz new york`), required unless `when_empty` is set.

    `convert` raises ValueError with a friendly message when the text is unusable; a
    CommandError it raises is passed on untouched.
    """

    def parse(words: Sequence[str]) -> Command:
        if not words:
            if when_empty is None:
                raise _Rejected()
            return when_empty()
        try:
            return make(convert(" ".join(words)))
        except CommandError:
            raise
        except ValueError as error:
            raise _Rejected(str(error)) from error

    usage = f"[{name}]" if when_empty is not None else f"<{name}>"
    article = "an" if name[:1] in "aeiou" else "a"
    return Arguments(usage, f"takes {article} {name}", _classes(make, when_empty, *produces), parse)


# --- The table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandSpec:
    """One command of the grammar: its name, argument shape and the words help shows for it."""

    name: str
    arguments: Arguments
    summary: str
    description: str
    example: str
    moderator_only: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    @property
    def usage(self) -> str:
        return " ".join(part for part in ("/pln", self.name, self.arguments.usage) if part)


def channel_target(text: str) -> str:
    """`here`, or the channel id inside a Slack (`<#C123|name>`) or Discord (`<#123>`) mention."""
    cleaned = text.strip()
    if cleaned.casefold() == "here":
        return "here"
    match = re.fullmatch(r"<#([A-Za-z0-9]+)(?:\|[^>]*)?>", cleaned) or re.fullmatch(
        r"#([a-z0-9][a-z0-9_-]{0,79})", cleaned.casefold()
    )  # a plain `#name` is the console's (and Slack's when it did not escape the name)
    if match is None:
        raise ValueError(
            "Type `/pln channel here` in the channel you want, or pick it with #channel-name."
        )
    return match.group(1)


def _track_name(text: str) -> str:
    name = text.strip().casefold()
    if not re.fullmatch(r"[a-z0-9-]{1,64}", name):
        raise ValueError("Track names are single words like `all`, `olf` or `school-year`.")
    return name


def _show_tracks() -> ChooseTrack:
    return ChooseTrack(None)


def _community_prompt(text: str) -> tuple[str, str, str, str]:
    from bot.prompts.library import default_library, validate_community_prompt

    return validate_community_prompt(default_library(), text)


def _prompt_id(text: str) -> str:
    cleaned = text.strip().casefold()
    if not re.fullmatch(r"c\d+-\d+", cleaned):
        raise ValueError("Community prompt ids look like `c1-2`: see `/pln prompts list`.")
    return cleaned


DIGEST_PERIODS = ("week", "month", "term", "year", "all")
MAX_DIGEST_WEEKS = 520


def digest_period(text: str) -> str:
    """`week`, `month`, `term`, `year`, `all`, or a number of weeks such as `6w` (1 to 520)."""
    cleaned = text.strip().casefold()
    if cleaned in DIGEST_PERIODS:
        return cleaned
    match = re.fullmatch(r"(\d{1,3})\s*(?:w|wk|wks|weeks?)", cleaned)
    if match and 1 <= int(match.group(1)) <= MAX_DIGEST_WEEKS:
        return f"{int(match.group(1))}w"
    raise ValueError(
        "`/pln digest` takes week, month, term, year, all or a number of weeks like `6w`."
    )


def _monthly_digest() -> Digest:
    return Digest("month")


def _digest_cadence(text: str) -> str:
    cleaned = text.strip().casefold()
    if cleaned not in ("monthly", "termly", "off"):
        raise ValueError("`/pln digest schedule` takes monthly, termly or off.")
    return cleaned


def _show_digest_schedule() -> DigestSchedule:
    return DigestSchedule(None)


def answer_id(text: str) -> int:
    """An answer's short id as `/pln history` shows it: `#12` or `12`."""
    cleaned = text.strip().removeprefix("#")
    if not cleaned.isdecimal() or len(cleaned) > 12:
        raise ValueError("Answer ids are the numbers `/pln history` shows, like `#12`.")
    return int(cleaned)


def _as_is(command: Command) -> Command:
    """For argument shapes whose converter already builds the whole command."""
    return command


def _delete_answer(text: str) -> DeleteAnswer:
    words = text.split()
    confirmed = len(words) == 2 and words[1].casefold() == "confirm"
    if len(words) not in (1, 2) or (len(words) == 2 and not confirmed):
        raise ValueError("Type `/pln delete #12` (the id from `/pln history`).")
    return DeleteAnswer(answer_id(words[0]), confirmed)


def _forget_me(text: str) -> ForgetMe:
    if text.strip().casefold() != "confirm":
        raise ValueError("Type `/pln forget-me` and I'll ask you to confirm.")
    return ForgetMe(confirmed=True)


def _retention(text: str) -> str:
    cleaned = text.strip().casefold()
    if cleaned == "off":
        return cleaned
    if cleaned.isdecimal() and len(cleaned) <= 5 and 1 <= int(cleaned) <= 36_500:
        return str(int(cleaned))
    raise ValueError("`/pln retention` takes a number of days (1 to 36500) or `off`.")


def _show_retention() -> Retention:
    return Retention(None)


def _summaries(text: str) -> str:
    cleaned = text.strip().casefold()
    if cleaned not in ("local", "llm"):
        raise ValueError("`/pln summaries` takes local or llm.")
    return cleaned


def _show_summaries() -> Summaries:
    return Summaries(None)


def link_code(text: str) -> str:
    """A link code as `/pln link` gave it, any case, with or without its dash."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    if not re.fullmatch(r"[A-Z0-9]{8}", cleaned):
        raise ValueError("Link codes look like `ABCD-2345`: type `/pln link` to get one.")
    return cleaned


def _new_link_code() -> Link:
    return Link(None)


def _show_channel() -> SetChannel:
    return SetChannel(None)


def _help_topic(text: str) -> str:
    """Accept `help digest`, `help prompt` or `help /pln tz` and name the command they mean."""
    words = _without_prefix(text.split())
    if not words:
        raise CommandError(f"Which command should I explain? {_ALL_COMMANDS_HINT}")
    spec = _longest_match(words)
    if spec is not None:
        return spec.name
    related = _specs_starting_with(words[0])
    if related:
        return related[0].name
    raise CommandError(
        f"I have no help for {_echo(words[0])}.{_did_you_mean(words[0], prefix='/pln help ')} "
        + _ALL_COMMANDS_HINT
    )


_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="help",
        arguments=rest_of_line(Help, convert=_help_topic, name="command", when_empty=Help),
        summary="List the commands, or explain one.",
        description="On its own it lists every command; add a command name to see how it works.",
        example="help digest",
    ),
    CommandSpec(
        name="join",
        arguments=no_arguments(Join),
        summary="Join the network and start getting reflection prompts.",
        description=(
            "Once a week you'll get a short leadership reflection prompt; your answers "
            "are private to you."
        ),
        example="join",
    ),
    CommandSpec(
        name="leave",
        arguments=no_arguments(Leave),
        summary="Stop getting prompts.",
        description=(
            "Your past reflections stay, private to you; `/pln join` brings you back any time."
        ),
        example="leave",
    ),
    CommandSpec(
        name="tz",
        arguments=rest_of_line(
            SetTimezone, convert=resolve_timezone, name="zone or city", when_empty=ShowTimezone
        ),
        summary="Show your time zone, or set it.",
        description=(
            "Prompts arrive at the community's hour in your own zone. Give an IANA zone or a city."
        ),
        example="tz Europe/Berlin",
    ),
    CommandSpec(
        name="pause",
        arguments=no_arguments(Pause),
        summary="Pause your prompts (holidays, a busy term).",
        description=(
            "No prompts arrive while you're paused; you stay in the PLN and keep your "
            "reflections. `/pln resume` starts them again."
        ),
        example="pause",
    ),
    CommandSpec(
        name="resume",
        arguments=no_arguments(Resume),
        summary="Start your prompts again after a pause.",
        description="Your next prompt arrives at the usual time in your time zone.",
        example="resume",
    ),
    CommandSpec(
        name="skip",
        arguments=no_arguments(Skip),
        summary="Skip this week's prompt.",
        description="Marks the prompt you were last sent as skipped; the next one comes as usual.",
        example="skip",
    ),
    CommandSpec(
        name="history",
        arguments=optional_number(History, default=5, low=1, high=50),
        summary="Show your latest answers (5 unless you give a number up to 50).",
        description=(
            "Your most recent answers with their dates and prompts, newest first. Only "
            "you see them."
        ),
        example="history 10",
    ),
    CommandSpec(
        name="digest",
        arguments=rest_of_line(
            Digest,
            convert=digest_period,
            name="week|month|term|year|all|Nw",
            when_empty=_monthly_digest,
        ),
        summary="Your reflection digest: week, month (default), term, year, all or `6w`.",
        description=(
            "Your figures and streak, the framework elements you reflected on, your recurring "
            "themes, a short summary in your own sentences, the goals you set, and a chart. "
            "Only you see it."
        ),
        example="digest term",
    ),
    CommandSpec(
        name="digest schedule",
        arguments=rest_of_line(
            DigestSchedule,
            convert=_digest_cadence,
            name="monthly|termly|off",
            when_empty=_show_digest_schedule,
        ),
        summary="How often your digest arrives by DM: monthly (default), termly or off.",
        description="Termly means every three months. Without a word it shows your choice.",
        example="digest schedule termly",
    ),
    CommandSpec(
        name="delete",
        arguments=rest_of_line(
            _as_is, convert=_delete_answer, name="answer id", produces=(DeleteAnswer,)
        ),
        summary="Delete one of your answers (its id is in `/pln history`).",
        description="I ask you to confirm first; a deleted answer is gone for good.",
        example="delete #12",
    ),
    CommandSpec(
        name="share",
        arguments=rest_of_line(Share, convert=answer_id, name="answer id"),
        summary="Share one of your answers, with your name, in the PLN channel.",
        description=(
            "Answers are private until you share them. `/pln unshare` takes the post down."
        ),
        example="share #12",
    ),
    CommandSpec(
        name="unshare",
        arguments=rest_of_line(Unshare, convert=answer_id, name="answer id"),
        summary="Take a shared answer down from the PLN channel.",
        description="The post is deleted; your answer stays, private to you again.",
        example="unshare #12",
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
    ),
    CommandSpec(
        name="forget-me",
        arguments=rest_of_line(_as_is, convert=_forget_me, name="confirm", when_empty=ForgetMe),
        summary="Erase everything I hold about you (I ask you to confirm).",
        description=(
            "Deletes your answers, notes, prompts and profile, and takes down what you shared. "
            "You can join again later and start fresh."
        ),
        example="forget-me",
    ),
    CommandSpec(
        name="link",
        arguments=rest_of_line(Link, convert=link_code, name="code", when_empty=_new_link_code),
        summary="Join your Slack and Discord identities: one history, one digest.",
        description=(
            "Type `/pln link` on one platform to get a code (valid 10 minutes, once), then "
            "`/pln link <code>` on the other. `/pln unlink` separates them again."
        ),
        example="link ABCD-2345",
    ),
    CommandSpec(
        name="unlink",
        arguments=no_arguments(Unlink),
        summary="Separate this identity from your linked ones.",
        description="Each identity keeps the answers written on its own platform.",
        example="unlink",
    ),
    CommandSpec(
        name="frameworks",
        arguments=no_arguments(Frameworks),
        summary="The leadership frameworks the prompts come from.",
        description="Each framework and its elements, with a short description.",
        example="frameworks",
    ),
    CommandSpec(
        name="schedules",
        arguments=no_arguments(Schedules),
        summary="Show when this community gets prompts.",
        description="Lists the community's prompt schedules and your next prompt time.",
        example="schedules",
    ),
    CommandSpec(
        name="prompt now",
        arguments=no_arguments(PromptNow),
        summary="Send this week's prompt to every member now.",
        description="Each use is a new occurrence: every active member gets it once, right away.",
        example="prompt now",
        moderator_only=True,
    ),
    CommandSpec(
        name="mode",
        arguments=optional_choice(Mode, choices=("dm", "channel", "show"), default="show"),
        summary="How prompts reach members: by DM, or one post in the PLN channel.",
        description=(
            "`dm` sends each member the prompt privately; `channel` posts it once in the PLN "
            "channel with an Answer privately button (answers stay private). Without a word "
            "it shows the current mode."
        ),
        example="mode channel",
        moderator_only=True,
    ),
    CommandSpec(
        name="track",
        arguments=rest_of_line(
            ChooseTrack, convert=_track_name, name="track", when_empty=_show_tracks
        ),
        summary="Show where prompts come from: the tracks.",
        description=(
            "A track is where prompts come from: every framework, one framework, or a term "
            "plan that walks chosen elements week by week. Moderators choose one with "
            "`/pln track <name>`."
        ),
        example="track school-year",
    ),
    CommandSpec(
        name="prompts add",
        arguments=rest_of_line(
            AddPrompt, convert=_community_prompt, name="framework/element | question | follow-up"
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
        moderator_only=True,
    ),
    CommandSpec(
        name="prompts list",
        arguments=no_arguments(ListPrompts),
        summary="List your community's own prompts.",
        description="Each with its id, element and question; retired ones are not shown.",
        example="prompts list",
        moderator_only=True,
    ),
    CommandSpec(
        name="prompts retire",
        arguments=rest_of_line(RetirePrompt, convert=_prompt_id, name="prompt id"),
        summary="Retire one of your community's own prompts.",
        description="It is not sent again; answers to it stay with their authors.",
        example="prompts retire c1-2",
        moderator_only=True,
    ),
    CommandSpec(
        name="channel",
        arguments=rest_of_line(
            SetChannel, convert=channel_target, name="here or #channel", when_empty=_show_channel
        ),
        summary="Choose the PLN channel (type it in that channel: `/pln channel here`).",
        description="The channel where channel mode posts the weekly prompt.",
        example="channel here",
        moderator_only=True,
    ),
    CommandSpec(
        name="retention",
        arguments=rest_of_line(
            Retention, convert=_retention, name="days|off", when_empty=_show_retention
        ),
        summary="How long answers are kept: a number of days, or off (keep them).",
        description=(
            "Answers and notes older than that are deleted by a daily job. Without a word it "
            "shows the setting."
        ),
        example="retention 365",
        moderator_only=True,
    ),
    CommandSpec(
        name="summaries",
        arguments=rest_of_line(
            Summaries, convert=_summaries, name="local|llm", when_empty=_show_summaries
        ),
        summary="Digest summaries: local (default) or an LLM endpoint.",
        description=(
            "`llm` sends a member's answers to the endpoint in PLN_LLM_URL when they ask for "
            "a digest: their words leave this machine. `local` never does."
        ),
        example="summaries local",
        moderator_only=True,
    ),
)

_SPEC_BY_NAME = {spec.name: spec for spec in _SPECS}
_SPEC_BY_CLASS: dict[type, CommandSpec] = {
    produced: spec for spec in _SPECS for produced in spec.arguments.produces
}


# --- Parsing -------------------------------------------------------------------------------


def parse_command(text: str) -> Command:
    """Parse what a member typed after `/pln` (a leading `/pln` or `pln` is tolerated).

    Empty text asks for help. Raises CommandError, and nothing else, for anything else.
    """
    words = _without_prefix(text.split())
    if not words:
        return Help()
    spec = _longest_match(words)
    if spec is None:
        raise CommandError(_unknown_command_message(words))
    try:
        return spec.arguments.parse(words[len(spec.words) :])
    except _Rejected as rejection:
        detail = str(rejection.args[0]) if rejection.args else None
        raise CommandError(_argument_message(spec, detail)) from None


def is_moderator_only(command: Command) -> bool:
    """Whether only the community's moderators may run this command."""
    return _SPEC_BY_CLASS[type(command)].moderator_only


def command_specs() -> tuple[CommandSpec, ...]:
    """Every command, in the order help lists them."""
    return _SPECS


def help_text(*, moderator: bool, topic: str | None = None) -> str:
    """Plain text help: one line per command, or usage, description and example for one.

    Moderator-only commands appear only for moderators, in their own part of the list. A topic
    may be any name `/pln help` accepts; an unknown one raises CommandError.
    """
    if topic is not None:
        spec = _SPEC_BY_NAME[_help_topic(topic)]
        lines = [_help_line(spec), spec.description, f"Example: `/pln {spec.example}`"]
        if spec.moderator_only and not moderator:
            lines.append("Only moderators can use this command.")
        return "\n".join(lines)
    lines = ["Commands:"]
    lines += [_help_line(spec) for spec in _SPECS if not spec.moderator_only]
    if moderator:
        lines += ["", "For moderators:"]
        lines += [_help_line(spec) for spec in _SPECS if spec.moderator_only]
    lines += ["", "Type `/pln help <command>` for details and an example."]
    return "\n".join(lines)


def _help_line(spec: CommandSpec) -> str:
    return f"`{spec.usage}` — {spec.summary}"


def _without_prefix(words: list[str]) -> list[str]:
    if words and words[0].casefold() in _PREFIXES:
        return words[1:]
    return words


def _longest_match(words: Sequence[str]) -> CommandSpec | None:
    """The spec matching the most leading words, so `digest schedule` can coexist with `digest`."""
    folded = tuple(word.casefold() for word in words)
    matches = [spec for spec in _SPECS if folded[: len(spec.words)] == spec.words]
    return max(matches, key=lambda spec: len(spec.words), default=None)


def _specs_starting_with(word: str) -> list[CommandSpec]:
    return [spec for spec in _SPECS if spec.words[0] == word.casefold()]


def _unknown_command_message(words: Sequence[str]) -> str:
    related = _specs_starting_with(words[0])
    # `prompt` or `prompt later`: the first word is right, so echo the words the member tried.
    width = len(related[0].words) if related else 1
    tried = " ".join(words[:width])
    return f"I don't know the command {_echo(tried)}.{_did_you_mean(words[0])} {_ALL_COMMANDS_HINT}"


def _did_you_mean(word: str, *, prefix: str = "/pln ") -> str:
    """ " Did you mean `/pln digest`?" for the closest command, or "" when none is close."""
    related = _specs_starting_with(word)
    if not related:
        firsts = list(dict.fromkeys(spec.words[0] for spec in _SPECS))
        close = difflib.get_close_matches(word.casefold()[:_ECHO_LENGTH], firsts, n=1)
        related = _specs_starting_with(close[0]) if close else []
    if not related:
        return ""
    # Prefer the bare command (`digest`) over its longer relatives (`digest schedule`).
    shortest = min(len(spec.words) for spec in related)
    names = [f"`{prefix}{spec.name}`" for spec in related if len(spec.words) == shortest]
    return f" Did you mean {_or_list(names)}?"


def _argument_message(spec: CommandSpec, detail: str | None) -> str:
    if detail is None:
        detail = f"`/pln {spec.name}` {spec.arguments.takes}"
        if spec.example != spec.name:
            detail += f" — for example `/pln {spec.example}`"
        detail += "."
    return f"{detail} See `/pln help {spec.name}`."


def _echo(text: str) -> str:
    """Quote member input briefly: a long paste should not be repeated back to the channel."""
    printable = "".join(char for char in text if char.isprintable())
    if len(printable) > _ECHO_LENGTH:
        printable = printable[: _ECHO_LENGTH - 1] + "…"
    return f"'{printable}'"
