"""Logging for pln-bot: one key=value line per event, quiet unless something matters.

The bot runs unattended on small school servers, so logs are read with grep and tail,
not a log platform. One line per event with sorted ``key=value`` fields, e.g.

    2026-11-23T09:00:00Z INFO bot.core.delivery fan-out progress sent=200 total=10000

keeps them greppable and diff-able, while staying readable to a person. Code attaches
fields with ``logger.info("fan-out progress", extra={"fields": {"sent": 200}})``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from typing import Final, TextIO

__all__ = ["NOISY_LOGGERS", "KeyValueFormatter", "configure_logging", "render_fields"]

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


class KeyValueFormatter(logging.Formatter):
    """Render `timestamp LEVEL logger message k=v ...` with UTC ISO-8601 timestamps.

    UTC with a `Z` suffix because members span time zones and the server's local zone is
    an accident of hosting; one zone makes lines from different hosts comparable.
    """

    def __init__(self) -> None:
        super().__init__(fmt="%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """Second precision is enough to correlate events, and keeps lines short."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))

    def formatMessage(self, record: logging.LogRecord) -> str:
        """Append sorted fields to the line; the stdlib adds any traceback after this."""
        line = super().formatMessage(record)
        fields = getattr(record, "fields", None)
        rendered = render_fields(fields) if fields else ""
        return f"{line} {rendered}" if rendered else line


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


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Install the key=value handler on the root logger; safe to call more than once.

    Logs go to stderr by default so stdout stays free for command output (exports,
    console-adapter conversation). Calling again replaces our handler, so tests and the
    CLI can reconfigure level or stream without duplicating lines.
    """
    name = level.strip().upper()
    if name not in _VALID_LEVELS:
        raise ValueError(f"unknown log level {level!r}; expected one of {', '.join(_VALID_LEVELS)}")
    numeric = logging.getLevelNamesMapping()[name]

    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, _HANDLER_MARK, False):
            root.removeHandler(existing)
            existing.close()

    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(numeric)

    # max(): at ERROR the noisy libraries must not still emit their warnings.
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, numeric))

    logging.captureWarnings(True)
