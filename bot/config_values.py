"""The individual setting values: what each accepts, how it is normalised, and the message
when it is wrong.

Each parser takes what the environment, the TOML file or a keyword override gave (a string,
a TOML value, or an already-typed value) and returns the stored form, or raises ValueError
with a message that names the expected form. `bot.config.Settings` attaches them to its
fields; `load_settings` turns the messages into one line naming the environment variable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time, timedelta
from typing import Final, Literal, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytimeparse2
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.digest.llm import url_refusal

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

# Moderator ids are platform-qualified because the same person has different ids on each
# platform, and a bare "U0123" could collide across platforms. They are also scoped to one
# community (a Slack workspace or Discord guild: slack:T0123/U0456), because being a
# moderator of one community says nothing about another the bot also serves.
PLATFORMS: Final = frozenset({"console", "slack", "discord"})
# what each platform's community is called, and the id that names one
_COMMUNITY_WORDS: Final[Mapping[str, tuple[str, str]]] = {
    "console": ("console", "local"),
    "slack": ("workspace", "<team id>"),
    "discord": ("guild", "<guild id>"),
}
# The console's one community (bot/adapters/console/session.py: CONSOLE_COMMUNITY).
CONSOLE_PLATFORM: Final = "console"
CONSOLE_COMMUNITY_ID: Final = "local"

_WEEKDAYS: Final[tuple[Weekday, ...]] = get_args(Weekday)
_WEEKDAY_NAMES: Final[Mapping[str, Weekday]] = {
    **{day: day for day in _WEEKDAYS},
    **dict(
        zip(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
            _WEEKDAYS,
            strict=True,
        )
    ),
}
_LOG_LEVELS: Final[tuple[LogLevel, ...]] = get_args(LogLevel)
_TIME_PATTERN: Final = re.compile(r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)")
_MAX_CATCH_UP_GRACE: Final = timedelta(days=7)
_DATABASE_HINT: Final = "(use sqlite:///path/to/file.db or postgresql://user:password@host/db)"


def parse_database_url(value: object) -> str:
    """Pick the async driver for the user, since they will paste plain URLs."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a database URL {_DATABASE_HINT}")
    text = value.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        # Never echo the value: it may be a URL with a password in it.
        raise ValueError(f"not a database URL {_DATABASE_HINT}")
    scheme = scheme.lower()
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        normalised = f"sqlite+aiosqlite://{rest}"
    elif scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        normalised = f"postgresql+asyncpg://{rest}"
    else:
        raise ValueError(f"unsupported database scheme {scheme!r} {_DATABASE_HINT}")
    try:
        make_url(normalised)
    except ArgumentError:
        raise ValueError(f"could not parse the database URL {_DATABASE_HINT}") from None
    return normalised


def parse_moderators(value: object) -> frozenset[str]:
    """Accept a comma list (env) or a list of strings (TOML) of platform:community/user
    entries; the stored form is always `platform:community/user` (see Actor.scoped_id)."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        entries: Iterable[object] = value.split(",")
    elif isinstance(value, Iterable) and not isinstance(value, Mapping):
        entries = cast(Iterable[object], value)
    else:
        raise ValueError(f"expected a comma-separated list like slack:T0123/U0456, got {value!r}")
    parsed: set[str] = set()
    problems: list[str] = []
    for entry in entries:
        if not isinstance(entry, str):
            problems.append(f"{entry!r} is not text")
            continue
        text = entry.strip()
        if not text:
            continue  # tolerate "a,b," and blank list items
        scoped, problem = _moderator_entry(text)
        if problem is not None:
            problems.append(problem)
        else:
            parsed.add(scoped)
    if problems:
        # " and " because SettingsError joins separate settings with "; ".
        raise ValueError(" and ".join(problems))
    return frozenset(parsed)


def _moderator_entry(text: str) -> tuple[str, str | None]:
    """One entry as `platform:community/user`, or the problem with it."""
    platform, sep, rest = text.partition(":")
    platform = platform.strip().lower()
    rest = rest.strip()
    if not sep or not rest or not platform:
        return "", f"{text!r} should look like platform:community/user, e.g. slack:T0123/U0456"
    if platform not in PLATFORMS:
        return "", (
            f"{text!r} has unknown platform {platform!r} "
            f"(expected one of {', '.join(sorted(PLATFORMS))})"
        )
    if any(ch.isspace() for ch in rest):
        return "", f"{text!r} has spaces in the id"
    community, slash, user_id = rest.partition("/")
    if not slash:
        if platform == CONSOLE_PLATFORM:
            # the console has exactly one community, so console:<name> can only mean it
            return f"{platform}:{CONSOLE_COMMUNITY_ID}/{rest}", None
        where, scope = _COMMUNITY_WORDS[platform]
        return "", (
            f"{text!r} would apply in every {where}: write {platform}:{scope}/{rest} "
            f"to scope it to one {where} (only console:<name> may leave out its community)"
        )
    if not community or not user_id:
        scope = _COMMUNITY_WORDS[platform][1]
        return "", f"{text!r} should look like {platform}:{scope}/<user id>"
    if platform == CONSOLE_PLATFORM and community != CONSOLE_COMMUNITY_ID:
        return "", (
            f"{text!r} names a console community other than {CONSOLE_COMMUNITY_ID!r}, "
            f"the only one: write console:{user_id}"
        )
    return f"{platform}:{community}/{user_id}", None


def parse_weekday(value: object) -> Weekday:
    """Store the 3-letter form, which is also what APScheduler's cron expects."""
    day = _WEEKDAY_NAMES.get(value.strip().lower()) if isinstance(value, str) else None
    if day is None:
        raise ValueError(f"expected a weekday like mon or monday, got {value!r}")
    return day


def parse_time(value: object) -> time:
    """Only HH:MM: seconds and time zones would suggest a precision the bot lacks."""
    if isinstance(value, time):
        # TOML has a native local-time type, and it always carries seconds.
        if value.tzinfo is None and value.second == 0 and value.microsecond == 0:
            return value
    elif isinstance(value, str):
        match = _TIME_PATTERN.fullmatch(value.strip())
        if match:
            return time(int(match["hour"]), int(match["minute"]))
    raise ValueError(f"expected a 24-hour time like 09:00, got {_show(value)}")


def check_timezone(value: object) -> str:
    """Reject unknown zones now rather than when the first local time is computed."""
    if isinstance(value, str) and value.strip():
        name = value.strip()
        try:
            ZoneInfo(name)
        # OSError: zone *directories* such as "America" raise IsADirectoryError.
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
        else:
            return name
    raise ValueError(f"expected an IANA time zone like Europe/London, got {value!r}")


def parse_catch_up_grace(value: object) -> timedelta:
    """Human durations ("12h", "2h30m"); a bare number means seconds."""
    seconds: float | None = None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        parsed = pytimeparse2.parse(value)
        seconds = None if parsed is None else float(parsed)
    if seconds is None:
        raise ValueError(f"expected a duration like 12h, 90m or 2h30m, got {value!r}")
    grace = timedelta(seconds=seconds)
    if grace < timedelta(0) or grace > _MAX_CATCH_UP_GRACE:
        raise ValueError(f"must be between 0 and 7 days, got {value!r}")
    return grace


def parse_recap_after(value: object) -> timedelta:
    """A human duration ("3d", "36h"), between an hour and 30 days: a recap sooner than an
    hour has nothing to sum up, and one a month later nobody reads."""
    seconds: float | None = None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        parsed = pytimeparse2.parse(value)
        seconds = None if parsed is None else float(parsed)
    if seconds is None:
        raise ValueError(f"expected a duration like 3d, 36h or 2d12h, got {value!r}")
    after = timedelta(seconds=seconds)
    if not timedelta(hours=1) <= after <= timedelta(days=30):
        raise ValueError(f"must be between 1 hour and 30 days, got {value!r}")
    return after


def check_llm_url(value: object) -> str | None:
    """An https:// base URL such as https://api.example.org/v1 (no /chat/completions), or
    plain http:// to this machine only: members' answers are sent there."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"https?://\S+", value.strip()):
        raise ValueError("expected an https:// URL like https://api.example.org/v1")
    refusal = url_refusal(value)
    if refusal is not None:
        raise ValueError(refusal)
    return value.strip().rstrip("/")


def parse_log_level(value: object) -> LogLevel:
    """Case-insensitive, because `info` in a config file is an obvious intent."""
    if isinstance(value, str):
        level = value.strip().upper()
        for known in _LOG_LEVELS:
            if level == known:
                return known
    raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}, got {value!r}")


def _show(value: object) -> str:
    """repr() for the user's input, but TOML times shown the way they were written."""
    if isinstance(value, time):
        return repr(value.isoformat())
    return repr(value)
