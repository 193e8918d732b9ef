"""Settings for pln-bot, read from the environment and an optional TOML file.

The people running this bot are school technology leaders, not full-time operators, so
every setting has a safe default and every mistake is reported as one plain line naming
the environment variable to fix (``PLN_PROMPT_TIME: expected a 24-hour time like 09:00,
got '25:00'``) instead of a pydantic traceback.

Precedence, highest first: keyword overrides passed to `load_settings`, environment
variables, then the TOML file (``config/pln-bot.toml`` in the working directory, or the
path in ``PLN_CONFIG``). A missing TOML file is fine: environment-only deployments
(containers, systemd) never need one.
"""

from __future__ import annotations

import contextvars
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Final, Literal, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytimeparse2
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

__all__ = [
    "CONFIG_PATH_ENV",
    "DEFAULT_CONFIG_PATH",
    "ENV_VAR_NAMES",
    "PLATFORMS",
    "LogLevel",
    "Settings",
    "SettingsError",
    "Weekday",
    "config_path",
    "load_settings",
]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

CONFIG_PATH_ENV: Final = "PLN_CONFIG"
DEFAULT_CONFIG_PATH: Final = Path("config/pln-bot.toml")

# Moderator ids are platform-qualified because the same person has different ids on each
# platform, and a bare "U0123" could collide across platforms.
PLATFORMS: Final = frozenset({"console", "slack", "discord"})

# Env var for each field. DATABASE_URL has no prefix because hosting platforms (Heroku,
# Render, Fly) inject exactly that name; everything else is namespaced with PLN_.
ENV_VAR_NAMES: Final[Mapping[str, str]] = {
    "database_url": "DATABASE_URL",
    "moderators": "PLN_MODERATORS",
    "prompt_day": "PLN_PROMPT_DAY",
    "prompt_time": "PLN_PROMPT_TIME",
    "default_timezone": "PLN_DEFAULT_TIMEZONE",
    "catch_up_grace": "PLN_CATCH_UP_GRACE",
    "log_level": "PLN_LOG_LEVEL",
    "data_dir": "PLN_DATA_DIR",
    "llm_url": "PLN_LLM_URL",
    "llm_model": "PLN_LLM_MODEL",
    "llm_api_key": "PLN_LLM_API_KEY",
    "llm_timeout": "PLN_LLM_TIMEOUT",
}

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

# A config path chosen by the caller of load_settings (for a CLI --config option). It is
# a context variable because settings_customise_sources is a classmethod called from
# inside BaseSettings.__init__, with no other way to receive per-call arguments.
_config_path_override: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "pln_config_path_override", default=None
)


class SettingsError(Exception):
    """The configuration is unusable; str() is one line an operator can act on."""


def config_path() -> Path:
    """The TOML file settings are read from (it may not exist), so the CLI can report it."""
    override = _config_path_override.get()
    if override is not None:
        return override
    from_env = os.environ.get(CONFIG_PATH_ENV, "").strip()
    return Path(from_env) if from_env else DEFAULT_CONFIG_PATH


class Settings(BaseSettings):
    """Everything the bot needs to know about its deployment, validated up front.

    Validating at start-up means a typo in a time zone or schedule fails loudly when the
    operator is watching, not silently at 09:00 on Monday when the weekly prompt is due.
    """

    model_config = SettingsConfigDict(
        env_prefix="PLN_",
        case_sensitive=False,
        # `PLN_PROMPT_DAY=` in a compose file or .env means "not set", not "set to empty".
        env_ignore_empty=True,
        # Unknown env vars are never collected, so this only rejects typos in the TOML
        # file and in keyword overrides, which would otherwise be silently ignored.
        extra="forbid",
        validate_default=True,
    )

    # repr=False: the URL may carry a password and Settings objects end up in logs.
    database_url: str = Field(
        default="sqlite+aiosqlite:///./data/pln-bot.db",
        validation_alias=AliasChoices("database_url", "DATABASE_URL"),
        repr=False,
    )
    moderators: Annotated[frozenset[str], NoDecode] = frozenset()
    prompt_day: Weekday = "mon"
    prompt_time: time = time(9, 0)
    default_timezone: str = "UTC"
    catch_up_grace: timedelta = timedelta(hours=12)
    log_level: LogLevel = "INFO"
    data_dir: Path = Path("./data")
    # An OpenAI-compatible endpoint for abstractive digest summaries. Off unless set, and
    # used only for communities that opt in (`/pln summaries llm`): answers leave the machine.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=10.0, gt=0, le=120)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Overrides, then environment, then TOML; no .env or secrets dir.

        .env loading is left to the process manager (docker --env-file, systemd
        EnvironmentFile) so there is one obvious place each value comes from.
        """
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=config_path()),
        )

    @field_validator("database_url", mode="before")
    @classmethod
    def _normalise_database_url(cls, value: object) -> str:
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

    @field_validator("moderators", mode="before")
    @classmethod
    def _parse_moderators(cls, value: object) -> frozenset[str]:
        """Accept a comma list (env) or a list of strings (TOML) of platform:id entries."""
        if value is None:
            return frozenset()
        if isinstance(value, str):
            entries: Iterable[object] = value.split(",")
        elif isinstance(value, Iterable) and not isinstance(value, Mapping):
            entries = cast(Iterable[object], value)
        else:
            raise ValueError(f"expected a comma-separated list like slack:U0123, got {value!r}")
        parsed: set[str] = set()
        problems: list[str] = []
        for entry in entries:
            if not isinstance(entry, str):
                problems.append(f"{entry!r} is not text")
                continue
            text = entry.strip()
            if not text:
                continue  # tolerate "a,b," and blank list items
            platform, sep, user_id = text.partition(":")
            platform = platform.strip().lower()
            user_id = user_id.strip()
            if not sep or not user_id or not platform:
                problems.append(f"{text!r} should look like platform:id, e.g. slack:U0123")
            elif platform not in PLATFORMS:
                problems.append(
                    f"{text!r} has unknown platform {platform!r} "
                    f"(expected one of {', '.join(sorted(PLATFORMS))})"
                )
            elif any(ch.isspace() for ch in user_id):
                problems.append(f"{text!r} has spaces in the id")
            else:
                parsed.add(f"{platform}:{user_id}")
        if problems:
            # " and " because SettingsError joins separate settings with "; ".
            raise ValueError(" and ".join(problems))
        return frozenset(parsed)

    @field_validator("prompt_day", mode="before")
    @classmethod
    def _parse_weekday(cls, value: object) -> Weekday:
        """Store the 3-letter form, which is also what APScheduler's cron expects."""
        day = _WEEKDAY_NAMES.get(value.strip().lower()) if isinstance(value, str) else None
        if day is None:
            raise ValueError(f"expected a weekday like mon or monday, got {value!r}")
        return day

    @field_validator("prompt_time", mode="before")
    @classmethod
    def _parse_time(cls, value: object) -> time:
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

    @field_validator("default_timezone", mode="before")
    @classmethod
    def _check_timezone(cls, value: object) -> str:
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

    @field_validator("catch_up_grace", mode="before")
    @classmethod
    def _parse_duration(cls, value: object) -> timedelta:
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

    @field_validator("llm_url", mode="before")
    @classmethod
    def _check_llm_url(cls, value: object) -> str | None:
        """An http(s) base URL such as https://api.example.org/v1 (no /chat/completions)."""
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"https?://\S+", value.strip()):
            return value.strip().rstrip("/")
        raise ValueError("expected an http(s) URL like https://api.example.org/v1")

    @field_validator("log_level", mode="before")
    @classmethod
    def _parse_log_level(cls, value: object) -> LogLevel:
        """Case-insensitive, because `info` in a config file is an obvious intent."""
        if isinstance(value, str):
            level = value.strip().upper()
            for known in _LOG_LEVELS:
                if level == known:
                    return known
        raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}, got {value!r}")

    @property
    def timezone(self) -> ZoneInfo:
        """The default zone as an object, for members who have not set their own."""
        return ZoneInfo(self.default_timezone)

    @property
    def is_sqlite(self) -> bool:
        """SQLite needs per-connection pragmas and a directory created for its file."""
        return make_url(self.database_url).get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file for SQLite URLs (None for PostgreSQL or in-memory SQLite).

        Callers use it to create the parent directory before the first connection,
        because SQLite will not create missing directories itself.
        """
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite":
            return None
        database = url.database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database)

    def describe_database(self) -> str:
        """Where the data lives, safe to print: never includes a password."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite":
            # The URL's own spelling ("./data/x.db"), which Path() would shorten.
            return f"SQLite at {url.database}" if self.sqlite_path else "SQLite in memory"
        return f"PostgreSQL at {_postgres_location(url)}"


def _postgres_location(url: URL) -> str:
    """host:port/db, filling the defaults libpq would use so the line is unambiguous."""
    host = url.host or "localhost"
    port = url.port or 5432
    return f"{host}:{port}/{url.database or ''}"


def _show(value: object) -> str:
    """repr() for the user's input, but TOML times shown the way they were written."""
    if isinstance(value, time):
        return repr(value.isoformat())
    return repr(value)


def load_settings(config_file: Path | str | None = None, **overrides: object) -> Settings:
    """Build Settings, turning every validation problem into one SettingsError line.

    `config_file` replaces PLN_CONFIG / the default path (for a CLI --config option);
    `overrides` are field values that beat both environment and file (mostly for tests).
    """
    path = Path(config_file) if config_file is not None else None
    with _config_path_overridden(path):
        toml_path = config_path()
        try:
            return Settings(**cast(dict[str, Any], overrides))
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(
                f"{CONFIG_PATH_ENV}: {toml_path} is not valid TOML: {_one_line(str(error))}"
            ) from None
        except OSError as error:
            raise SettingsError(
                f"{CONFIG_PATH_ENV}: cannot read {toml_path}: {error.strerror or error}"
            ) from None
        except ValidationError as error:
            toml_keys = _toml_keys(toml_path)
            lines = [
                _describe_error(detail, toml_path, toml_keys, overrides)
                for detail in error.errors(include_url=False, include_input=False)
            ]
            raise SettingsError("; ".join(dict.fromkeys(lines))) from None


@contextmanager
def _config_path_overridden(path: Path | None) -> Iterator[None]:
    """Scope the override to one load so concurrent or later loads are unaffected."""
    token = _config_path_override.set(path)
    try:
        yield
    finally:
        _config_path_override.reset(token)


def _describe_error(
    detail: ErrorDetails,
    toml_path: Path,
    toml_keys: frozenset[str],
    overrides: Mapping[str, object],
) -> str:
    """One clause per problem, named by env var, saying where the value came from."""
    field = str(detail["loc"][0]).lower() if detail["loc"] else ""
    message = _one_line(detail["msg"].removeprefix("Value error, "))
    env_name = ENV_VAR_NAMES.get(field)
    if env_name is None:
        # Only the TOML file or overrides can name unknown fields (extra="forbid").
        where = f" in {toml_path}" if field in toml_keys else ""
        return f"{field}: not a known setting{where}"
    from_env = any(key.upper() == env_name and value != "" for key, value in os.environ.items())
    if field in toml_keys and not from_env and field not in overrides:
        return f"{env_name} ({field} in {toml_path}): {message}"
    return f"{env_name}: {message}"


def _toml_keys(path: Path) -> frozenset[str]:
    """Top-level keys of the TOML file, to tell the user which file a bad value is in."""
    try:
        with path.open("rb") as handle:
            return frozenset(tomllib.load(handle))
    except (OSError, tomllib.TOMLDecodeError):
        return frozenset()


def _one_line(text: str) -> str:
    """Collapse whitespace so the SettingsError contract (one line) always holds."""
    return " ".join(text.split())
