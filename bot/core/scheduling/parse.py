"""The schedule grammar: what follows `/pln schedule prompt|discussion` becomes a plan.

Every platform hands over the same text, so every platform gets the same rules and the same
errors. An error is one ScheduleError whose text says what to write instead. Whether a
one-off lies in the past needs the clock, so `planning` checks that, not the parser.
"""

from __future__ import annotations

import calendar
import re
import shlex
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.core.scheduling.rules import DAY_WORDS, Recurrence, is_skipped_wall_time

MAX_EVERY_WEEKS = 12
MAX_TITLE = 120
MAX_TEXT = 500
PROMPT_EXAMPLE = "`/pln schedule prompt weekly mon 09:00` or `... every 2 weeks on thu 15:30`"
DISCUSSION_EXAMPLE = (
    '`/pln schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 '
    "Europe/London` or `... in #pln once 2027-01-12 15:00 America/Toronto`"
)
ODD_CHOICES = ("three", "sit-out")
CHECKINS_EXAMPLE = (
    "`/pln schedule checkins every 2 weeks on mon 10:00 Europe/London` or `... weekly thu 12:00`"
)
_STRAIGHT_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
_FULL_DAYS = tuple(calendar.day_name[i].casefold() for i in range(7))


class ScheduleError(ValueError):
    """A rule that cannot be scheduled; str() is the one reply that says what to write."""


@dataclass(frozen=True)
class PromptPlan:
    """The community's weekly prompt: day, time, every N weeks, one zone or each member's."""

    rule: Recurrence

    def words(self) -> str:
        return f"prompt {self.rule.words()}"


@dataclass(frozen=True)
class CheckinsPlan:
    """Peer check-in rounds: groups are formed at each fire time, in one zone."""

    rule: Recurrence
    # an odd number of members: one group of three ("three", the default), or one member
    # sits out, is told so kindly and is first in line next round ("sit-out")
    odd: str = "three"

    def words(self) -> str:
        odd = " odd sit-out" if self.odd == "sit-out" else ""
        return f"checkins {self.rule.words()}{odd}"


@dataclass(frozen=True)
class DiscussionPlan:
    """A discussion posted in a channel: a title, a question (a library prompt or text)."""

    title: str
    channel: str  # a channel id, or the console's channel name
    rule: Recurrence
    prompt_id: str | None = None
    text: str | None = None

    def words(self) -> str:
        question = ""
        if self.prompt_id:
            question = f" prompt {self.prompt_id}"
        elif self.text:
            question = f" text {_quoted(self.text)}"
        # a console name reads back as #name, a platform's channel id as its mention
        named = re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.channel)
        channel = f"#{self.channel}" if named else f"<#{self.channel}>"
        return f"discussion {_quoted(self.title)} in {channel} {self.rule.words()}{question}"


def split_confirm(text: str) -> tuple[str, bool]:
    """`... confirm` typed at the end confirms without the button."""
    words = text.split()
    if words and words[-1].casefold() == "confirm":
        return " ".join(words[:-1]), True
    return text, False


def parse_prompt(text: str) -> PromptPlan:
    """`weekly mon 09:00 [Zone]` or `every 2 weeks on thu 15:30 [Zone]`."""
    words = _tokens(text)
    if not words:
        raise ScheduleError(f"When should the prompt go out? Write {PROMPT_EXAMPLE}.")
    rule, rest = _recurrence(words, PROMPT_EXAMPLE, allow_once=False)
    if rest:
        raise ScheduleError(
            f"I did not understand {_echo(' '.join(rest))} at the end. Write {PROMPT_EXAMPLE}."
        )
    return PromptPlan(rule)


def parse_checkins(text: str) -> CheckinsPlan:
    """`every 2 weeks on mon 10:00 [Zone]` or `weekly thu 12:00 [Zone]`."""
    words = _tokens(text)
    if not words:
        raise ScheduleError(f"When should check-in rounds start? Write {CHECKINS_EXAMPLE}.")
    rule, rest = _recurrence(words, CHECKINS_EXAMPLE, allow_once=False)
    odd = "three"
    if len(rest) == 2 and rest[0].casefold() == "odd" and rest[1].casefold() in ODD_CHOICES:
        odd, rest = rest[1].casefold(), []
    if rest:
        raise ScheduleError(
            f"I did not understand {_echo(' '.join(rest))} at the end. Write "
            f"{CHECKINS_EXAMPLE}, and `odd sit-out` at the end if, with an odd number of "
            "members, one should sit out rather than three meet."
        )
    return CheckinsPlan(rule, odd)


def parse_discussion(text: str) -> DiscussionPlan:
    """`"Title" in #channel <rule> [prompt <id> | text "..."]`."""
    words = _tokens(text)
    if len(words) < 3 or words[1].casefold() != "in":
        raise ScheduleError(
            f"Give the discussion a title in quotes and a channel, then when: {DISCUSSION_EXAMPLE}."
        )
    title = words[0].strip()
    if not title or len(title) > MAX_TITLE:
        raise ScheduleError(f"A title is 1 to {MAX_TITLE} characters, in quotes.")
    channel = _channel(words[2])
    rule, rest = _recurrence(words[3:], DISCUSSION_EXAMPLE, allow_once=True)
    prompt_id, question = _question(rest)
    return DiscussionPlan(title, channel, rule, prompt_id, question)


def _tokens(text: str) -> list[str]:
    # phones type curly quotes; shlex only knows straight ones
    cleaned = text.translate(_STRAIGHT_QUOTES)
    try:
        return shlex.split(cleaned)
    except ValueError:
        raise ScheduleError('A quote is not closed: put the title between two ".') from None


def _channel(word: str) -> str:
    match = re.fullmatch(r"<#([A-Za-z0-9]+)(?:\|[^>]*)?>", word) or re.fullmatch(
        r"#([a-z0-9][a-z0-9_-]{0,79})", word.casefold()
    )
    if match is None:
        raise ScheduleError(
            f"{_echo(word)} is not a channel: write it as #channel-name, like `in #pln`."
        )
    return match.group(1)


def _recurrence(
    words: list[str], example: str, *, allow_once: bool
) -> tuple[Recurrence, list[str]]:
    """The rule at the start of `words`, and the words after it."""
    head = words[0].casefold() if words else ""
    if head == "weekly":
        weekday, at, rest = _day_and_time(words[1:], example)
        zone, rest = _zone(rest)
        return Recurrence(at, weekday, 1, None, zone), rest
    if head == "every":
        every, rest = _every(words[1:], example)
        weekday, at, rest = _day_and_time(rest, example)
        zone, rest = _zone(rest)
        return Recurrence(at, weekday, every, None, zone), rest
    if head == "once" and allow_once:
        if len(words) < 3:
            raise ScheduleError(f"A one-off needs a date and a time: write {example}.")
        day, at = _date(words[1]), _time(words[2])
        zone, rest = _zone(words[3:])
        if zone is not None and is_skipped_wall_time(day, at, ZoneInfo(zone)):
            raise ScheduleError(
                f"{at:%H:%M} does not exist on {day.isoformat()} in {zone}: the clocks jump "
                "forward over it that night. Choose a time an hour later or earlier."
            )
        return Recurrence(at, None, 1, day, zone), rest
    if head == "once":
        raise ScheduleError(
            f"The weekly prompt repeats: write {PROMPT_EXAMPLE}. "
            "(`/pln prompt now` sends one right away.)"
        )
    raise ScheduleError(f"Say how often first, `weekly` or `every 2 weeks on`: write {example}.")


def _every(words: list[str], example: str) -> tuple[int, list[str]]:
    """`2 weeks on`, `week on`."""
    if words and words[0].casefold() in ("week", "weeks"):
        words = ["1", *words]
    if len(words) < 2 or words[1].casefold() not in ("week", "weeks"):
        raise ScheduleError("Write the interval in weeks, like `every 2 weeks on thu 15:30`.")
    if not words[0].isdecimal() or not 1 <= int(words[0]) <= MAX_EVERY_WEEKS:
        raise ScheduleError(
            f"{_echo(words[0])} weeks can't be scheduled: choose a whole number of weeks "
            f"from 1 to {MAX_EVERY_WEEKS}, like `every 2 weeks on thu 15:30`."
        )
    rest = words[2:]
    if rest and rest[0].casefold() == "on":
        rest = rest[1:]
    return int(words[0]), rest


def _day_and_time(words: list[str], example: str) -> tuple[int, time, list[str]]:
    if len(words) < 2:
        raise ScheduleError(f"Give a day and a time: write {example}.")
    return _weekday(words[0]), _time(words[1]), words[2:]


def _weekday(word: str) -> int:
    folded = word.casefold().rstrip(",")
    if folded[:3] in DAY_WORDS and _FULL_DAYS[DAY_WORDS.index(folded[:3])].startswith(folded):
        return DAY_WORDS.index(folded[:3])
    raise ScheduleError(
        f"{_echo(word)} is not a day of the week: write mon, tue, wed, thu, fri, sat or sun."
    )


def _time(word: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", word)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError(
            f"{_echo(word)} is not a time: write it as 24-hour HH:MM, like 09:00 or 15:30."
        )
    return time(int(match.group(1)), int(match.group(2)))


def _date(word: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", word)
    if match is None:
        raise ScheduleError(f"{_echo(word)} is not a date: write year-month-day, like 2027-01-12.")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ScheduleError(f"{word} has no month {month}: write year-month-day, like 2027-01-12.")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ScheduleError(
            f"{word} is not a date: {calendar.month_name[month]} {year} has {last} days. "
            "Write year-month-day, like 2027-01-12."
        )
    return date(year, month, day)


def _zone(words: list[str]) -> tuple[str | None, list[str]]:
    """An IANA zone name if one comes next (`Europe/London`, `UTC`)."""
    if not words:
        return None, []
    found = _zones_by_folded_name().get(words[0].casefold())
    if found is not None:
        return found, words[1:]
    if "/" in words[0] or words[0].isupper():
        raise ScheduleError(
            f"I don't know the time zone {_echo(words[0])}: write a zone name like "
            "Europe/London, America/Toronto or Australia/Sydney."
        )
    return None, words


def _question(words: list[str]) -> tuple[str | None, str | None]:
    if not words:
        return None, None
    head = words[0].casefold()
    if head == "prompt" and len(words) == 2 and re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", words[1]):
        return words[1], None
    if head == "text" and len(words) == 2 and 0 < len(words[1].strip()) <= MAX_TEXT:
        return None, words[1].strip()
    raise ScheduleError(
        "After the rule, add the question as `prompt <id>` (from `/pln prompts list`) or "
        f'`text "Your question?"` (up to {MAX_TEXT} characters), or nothing to let the '
        "rotation choose."
    )


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _echo(text: str) -> str:
    printable = "".join(char for char in text if char.isprintable())
    return f"'{printable[:39]}…'" if len(printable) > 40 else f"'{printable}'"
