"""Settings for pln-bot, read from the environment and an optional TOML file.

The people running this bot are school technology leaders, not full-time operators, so
every setting has a safe default and every mistake is reported as one plain line naming
the environment variable to fix (``PLN_PROMPT_TIME: expected a 24-hour time like 09:00,
got '25:00'``) instead of a pydantic traceback.

Precedence, highest first: keyword overrides passed to `load_settings`, environment
variables, then the TOML file (``config/pln-bot.toml`` in the working directory, or the
path in ``PLN_CONFIG``). A missing TOML file is fine: environment-only deployments
(containers, systemd) never need one.

This module holds `Settings` and its loading (sources, precedence, error lines); what each
value accepts is in `bot.config_values`.
"""

from __future__ import annotations

import contextvars
import os
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Final, Literal, cast
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, BeforeValidator, Field, SecretStr, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import URL, make_url

from bot.config_values import (
    PLATFORMS,
    LogLevel,
    Weekday,
    check_llm_url,
    check_timezone,
    parse_catch_up_grace,
    parse_database_url,
    parse_log_level,
    parse_moderators,
    parse_recap_after,
    parse_time,
    parse_weekday,
)

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

CONFIG_PATH_ENV: Final = "PLN_CONFIG"
DEFAULT_CONFIG_PATH: Final = Path("config/pln-bot.toml")

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
    "retention_min_days": "PLN_RETENTION_MIN_DAYS",
    "uninstalled_keep_days": "PLN_UNINSTALLED_KEEP_DAYS",
    "send_in_flight": "PLN_SEND_IN_FLIGHT",
    "send_lease_seconds": "PLN_SEND_LEASE_SECONDS",
    "send_retry_seconds": "PLN_SEND_RETRY_SECONDS",
    "discussion_recap_after": "PLN_DISCUSSION_RECAP_AFTER",
    "log_format": "PLN_LOG_FORMAT",
    "http_host": "PLN_HTTP_HOST",
    "http_port": "PLN_HTTP_PORT",
    "web": "PLN_WEB",
    "web_base_url": "PLN_WEB_BASE_URL",
    "web_secret": "PLN_WEB_SECRET",
}

# A config path chosen by the caller of load_settings (for a CLI --config option). It is
# a context variable because settings_customise_sources is a classmethod called from
# inside BaseSettings.__init__, with no other way to receive per-call arguments.
_config_path_override: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "pln_config_path_override", default=None
)


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


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
    database_url: Annotated[str, BeforeValidator(parse_database_url)] = Field(
        default="sqlite+aiosqlite:///./data/pln-bot.db",
        validation_alias=AliasChoices("database_url", "DATABASE_URL"),
        repr=False,
    )
    # `platform:community/user` entries, each a moderator in its own community only
    # (`console:<name>` is stored as `console:local/<name>`: the console has one community)
    moderators: Annotated[frozenset[str], NoDecode, BeforeValidator(parse_moderators)] = frozenset()
    prompt_day: Annotated[Weekday, BeforeValidator(parse_weekday)] = "mon"
    prompt_time: Annotated[time, BeforeValidator(parse_time)] = time(9, 0)
    default_timezone: Annotated[str, BeforeValidator(check_timezone)] = "UTC"
    catch_up_grace: Annotated[timedelta, BeforeValidator(parse_catch_up_grace)] = timedelta(
        hours=12
    )
    log_level: Annotated[LogLevel, BeforeValidator(parse_log_level)] = "INFO"
    data_dir: Path = Path("./data")
    # An OpenAI-compatible endpoint for abstractive digest summaries. Off unless set, and
    # used only for communities that opt in (`/pln summaries llm`): answers leave the machine.
    llm_url: Annotated[str | None, BeforeValidator(check_llm_url)] = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=10.0, gt=0, le=120)
    # the shortest `/pln retention` moderators may choose; lower it only on purpose
    retention_min_days: int = Field(default=30, ge=1, le=36_500)
    # days a community's data is kept after the app is uninstalled (or the bot leaves the
    # guild), then purged: its members can no longer reach the bot to export or erase it
    uninstalled_keep_days: int = Field(default=30, ge=1, le=36_500)
    # sends at the platform (or waiting for its turn) at once, per process
    send_in_flight: int = Field(default=16, ge=1, le=256)
    # how long a process holds the rows it is sending without renewing (it renews every
    # third of it while alive): how long a dead process's rows wait for another
    send_lease_seconds: int = Field(default=60, ge=1, le=3600)
    # a refused send (5xx, timeout) with no Retry-After waits this long before its second
    # try, twice this before its third, and so on up to five tries
    send_retry_seconds: int = Field(default=60, ge=1, le=3600)
    # how long after a discussion is posted the bot posts its recap in the thread
    discussion_recap_after: Annotated[timedelta, BeforeValidator(parse_recap_after)] = timedelta(
        days=3
    )
    # `auto`: JSON lines when stderr is not a terminal (a container, systemd), readable
    # key=value lines on a terminal; `json` or `text` to choose
    log_format: Annotated[Literal["auto", "json", "text"], BeforeValidator(_lower)] = "auto"
    # /healthz and /metrics (bot.adapters.ops_http); no port unless set, except Slack's
    # HTTP mode, which listens anyway (default 3000) and serves them beside its events
    http_host: str = "0.0.0.0"
    http_port: int | None = Field(default=None, ge=0, le=65535)
    # the web page (docs/WEB.md) on the same port: None is each adapter's default (on for
    # the console, off for Discord; Slack's HTTP mode always serves it)
    web: Annotated[Literal["on", "off"] | None, BeforeValidator(_lower)] = None
    # the address members open (links in `/pln web`); https makes the cookie Secure
    web_base_url: str | None = None
    # signs session cookies; unset: a random secret kept in the database
    web_secret: SecretStr | None = None

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
