"""Logging for pln-bot: one line per event, quiet unless something matters, never a secret.

Every record, from pln-bot's stdlib `logging` calls, from libraries, or from structlog,
goes through one structlog `ProcessorFormatter` chain: its fields, a UTC timestamp, the
`Redactor` (bot/log_redaction.py: tokens, secrets and members' words removed), then a
renderer. On a terminal the renderer writes sorted ``key=value`` fields, e.g.

    2026-11-23T09:00:00Z INFO bot.core.delivery fan-out progress sent=200 total=10000

which stays greppable and readable; in a container or under systemd (stderr not a
terminal, or PLN_LOG_FORMAT=json) each line is one JSON object for a log collector. Code
attaches fields with ``logger.info("fan-out progress", extra={"fields": {"sent": 200}})``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any, Final, TextIO

import structlog
from structlog.stdlib import ProcessorFormatter
from structlog.typing import EventDict, Processor

from bot.log_redaction import Redactor, format_exception

__all__ = [
    "NOISY_LOGGERS",
    "JsonFormatter",
    "KeyValueFormatter",
    "configure_logging",
    "render_fields",
]
# Libraries that log routine internals (job runs, every SQL statement, every aiosqlite
# call) at INFO or DEBUG; an operator only needs their warnings.
# slack_sdk and slack_bolt log whole request bodies at DEBUG, and a body can carry a member's
# answer (a history reply, a modal submission): kept at WARNING even when we run at DEBUG.
NOISY_LOGGERS: Final = (
    "apscheduler",
    "aiosqlite",
    "sqlalchemy",
    "asyncio",
    "alembic",
    "slack_sdk",
    "slack_bolt",
    "bot.adapters.slack.bolt",
    "aiohttp.access",
    "discord",  # at DEBUG it logs gateway events and webhook URLs with interaction tokens
)

# Marks the handler we installed so a second configure_logging call replaces it instead
# of stacking a duplicate (which would print every line twice).
_HANDLER_MARK: Final = "_pln_bot_handler"

_VALID_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"
# keys a line always has; a field of the same name is renamed rather than lost
_RESERVED: Final = frozenset({"timestamp", "level", "logger", "event", "exception"})


def _from_record(_logger: Any, _name: str, event_dict: EventDict) -> EventDict:
    """Timestamp, level and logger from the stdlib record, and its `extra={"fields": ...}`.

    UTC with a `Z` suffix because members span time zones and the server's local zone is
    an accident of hosting; second precision is enough to correlate events.
    """
    record: logging.LogRecord | None = event_dict.get("_record")
    if record is None:
        event_dict.setdefault("timestamp", time.strftime(_TIME_FORMAT, time.gmtime()))
        return event_dict
    event_dict["timestamp"] = time.strftime(_TIME_FORMAT, time.gmtime(record.created))
    event_dict["level"] = record.levelname
    event_dict["logger"] = record.name
    fields = getattr(record, "fields", None)
    if isinstance(fields, Mapping):
        for key, value in fields.items():
            name = str(key)
            event_dict[f"field_{name}" if name in _RESERVED else name] = value
    elif fields is not None:
        event_dict["fields"] = str(fields)
    return event_dict


def _exception_text(_logger: Any, _name: str, event_dict: EventDict) -> EventDict:
    text = format_exception(event_dict.pop("exc_info", None))
    if text:
        event_dict["exception"] = text.rstrip("\n")
    return event_dict


def _level_upper(_logger: Any, _name: str, event_dict: EventDict) -> EventDict:
    event_dict["level"] = str(event_dict.get("level", "info")).upper()
    return event_dict


def _render_key_value(_logger: Any, _name: str, event_dict: EventDict) -> str:
    """`timestamp LEVEL logger message k=v ...`, then any traceback on the lines after."""
    exception = event_dict.pop("exception", None)
    line = " ".join(
        str(part)
        for part in (
            event_dict.pop("timestamp", ""),
            event_dict.pop("level", ""),
            event_dict.pop("logger", ""),
            event_dict.pop("event", ""),
        )
    )
    rendered = render_fields(event_dict) if event_dict else ""
    line = f"{line} {rendered}" if rendered else line
    return f"{line}\n{exception}" if exception else line


def _render_json(_logger: Any, _name: str, event_dict: EventDict) -> str:
    return json.dumps(event_dict, default=str, ensure_ascii=False)


def _chain(redactor: Redactor, renderer: Processor) -> list[Processor]:
    return [
        ProcessorFormatter.remove_processors_meta,
        _exception_text,  # the traceback as text (messages only if safe), then redacted
        _level_upper,
        redactor,
        renderer,
    ]


class KeyValueFormatter(ProcessorFormatter):
    """The terminal's format: `timestamp LEVEL logger message k=v ...`, redacted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(
            foreign_pre_chain=[_from_record],
            processors=_chain(Redactor(secrets), _render_key_value),
        )


class JsonFormatter(ProcessorFormatter):
    """One JSON object per line (`timestamp`, `level`, `logger`, `event`, the fields),
    redacted: for containers and log collectors."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__(
            foreign_pre_chain=[_from_record],
            processors=_chain(Redactor(secrets), _render_json),
        )


def render_fields(fields: object) -> str:
    """`a=1 b="two words"`, sorted by key so the same event always looks the same."""
    if not isinstance(fields, Mapping):
        return f"fields={_quote(str(fields))}"
    return " ".join(
        f"{key}={_render_value(value)}"
        for key, value in sorted((str(k), v) for k, v in fields.items())
    )


def _render_value(value: object) -> str:
    """Lower-case booleans and None so fields read like the config values they mirror."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _quote(str(value))


def _quote(text: str) -> str:
    """Quote only when needed, so the common case (ids, counts) stays unquoted."""
    if text and not any(ch.isspace() or ch in '"=\\' for ch in text):
        return text
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def configure_logging(
    level: str,
    stream: TextIO | None = None,
    log_format: str = "auto",
    secrets: Iterable[str] = (),
) -> None:
    """Install the redacting handler on the root logger; safe to call more than once.

    Logs go to stderr by default so stdout stays free for command output (exports,
    console-adapter conversation). `log_format` is `text`, `json`, or `auto` (text on a
    terminal, JSON otherwise). `secrets` are exact values to remove from every line (the
    settings' tokens and passwords). Calling again replaces our handler, so the CLI can
    add an adapter's secrets once it has read them, without duplicating lines.
    """
    name = level.strip().upper()
    if name not in _VALID_LEVELS:
        raise ValueError(f"unknown log level {level!r}; expected one of {', '.join(_VALID_LEVELS)}")
    numeric = logging.getLevelNamesMapping()[name]
    target = stream if stream is not None else sys.stderr

    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, _HANDLER_MARK, False):
            root.removeHandler(existing)
            existing.close()

    handler = logging.StreamHandler(target)
    secrets = tuple(secrets)
    json_lines = log_format == "json" or (log_format == "auto" and not _is_terminal(target))
    handler.setFormatter(JsonFormatter(secrets) if json_lines else KeyValueFormatter(secrets))
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(numeric)

    # max(): at ERROR the noisy libraries must not still emit their warnings.
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, numeric))

    logging.captureWarnings(True)
    # structlog's own loggers (structlog.get_logger) go through the same handler
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt=_TIME_FORMAT, utc=True),
            ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
