"""The one redaction step every log line goes through: no token, secret or answer survives.

The bot's own code never logs a member's words or a credential, but libraries, exception
messages and tracebacks are not ours to word. So every line, ours or a library's, passes
`Redactor` before it is rendered: it replaces the shapes of Slack and Discord tokens, the
password of a database URL, interaction and webhook tokens in URLs, every secret value the
settings hold (the exact strings), and the value of any field whose name says it carries
text (`text`, `answer`, `content`, ...).
"""

from __future__ import annotations

import asyncio
import re
import sys
import traceback
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any, Final

from pydantic import BaseModel, SecretStr
from sqlalchemy.engine import make_url
from structlog.typing import EventDict

REDACTED: Final = "[redacted]"

# the shapes of credentials, whatever setting (or none) they came from
TOKEN_PATTERNS: Final = (
    re.compile(r"\bxox[abposrec]-[A-Za-z0-9-]{6,}"),  # Slack bot, user, config tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"),  # Slack app-level token (Socket Mode)
    # Discord bot token: base64 user id . timestamp . HMAC
    re.compile(r"\b[A-Za-z0-9_-]{20,30}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"),
    re.compile(r"(?i)\b(bearer|bot)\s+[A-Za-z0-9._~+/=-]{16,}"),  # Authorization headers
)
# a token inside a URL: the part to keep, then the token
URL_TOKEN_PATTERNS: Final = (
    re.compile(r"(/interactions/\d+/)[^/\s\"']+"),  # Discord interaction callbacks
    re.compile(r"(/webhooks/\d+/)[^/\s\"'?]+"),  # Discord followups (interaction tokens)
    re.compile(r"(hooks\.slack\.com/(?:commands|actions|services)/)[^\s\"']+"),  # response_url
    re.compile(r"(://[^:/\s@\"']+:)[^@\s\"']+(?=@)"),  # user:password@ in a database URL
)
# an exception's repr inside a message, as asyncio logs "Task exception was never retrieved
# ... exception=ValueError('...')>": its arguments may quote what a member typed
EXCEPTION_REPR: Final = re.compile(r"(exception=[A-Za-z_][\w.]*)\(.*")
# fields that carry a member's words (or a whole request) by their name
TEXT_FIELDS: Final = frozenset(
    {"text", "answer", "answers", "content", "body", "message_text", "prompt_text", "reply",
     "note", "payload", "form", "values", "summary"}
)  # fmt: skip
# exceptions whose message is about the machine (a refused connection, a time-out), never
# about what a member wrote; every other exception's message is dropped from tracebacks,
# since a ValueError or a library's error can quote the input it choked on
MACHINE_EXCEPTIONS: Final = (OSError, TimeoutError, asyncio.CancelledError)
# secrets shorter than this are not replaced as plain strings: "pln" would eat words
MIN_SECRET_LENGTH: Final = 8


class Redactor:
    """A structlog processor; `secrets` are exact values to remove wherever they appear."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted(
            {value for value in secrets if len(value) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def __call__(self, _logger: Any, _name: str, event_dict: EventDict) -> EventDict:
        for key, value in list(event_dict.items()):
            if key.startswith("_"):
                continue  # structlog's own (the stdlib record), never rendered
            if key in TEXT_FIELDS and key != "event":
                event_dict[key] = REDACTED
            else:
                event_dict[key] = self.scrub(value)
        return event_dict

    def scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, Mapping):
            return {
                key: REDACTED if str(key) in TEXT_FIELDS else self.scrub(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.scrub(item) for item in value]
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self.scrub_text(str(value))

    def scrub_text(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        for pattern in TOKEN_PATTERNS:
            text = pattern.sub(REDACTED, text)
        for pattern in URL_TOKEN_PATTERNS:
            text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
        return EXCEPTION_REPR.sub(lambda match: match.group(1) + "([message not logged])>", text)


def secrets_of(*settings: BaseModel) -> list[str]:
    """Every secret value the settings hold: `SecretStr` fields (each comma-separated part
    too, for key lists) and the password of a database URL."""
    found: list[str] = []
    for model in settings:
        for name in type(model).model_fields:
            value = getattr(model, name, None)
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                found.append(secret)
                found.extend(part.strip() for part in secret.split(","))
            elif name == "database_url" and isinstance(value, str):
                password = make_url(value).password
                if password:
                    found.append(str(password))
    return [value for value in found if value]


ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def format_exception(exc_info: ExcInfo | BaseException | bool | None) -> str | None:
    """A traceback with every frame, and each exception's message only when it is about
    the machine (`MACHINE_EXCEPTIONS`): a member's words quoted in a ValueError's message
    never reach the log, its type and where it was raised do."""
    if exc_info is True:
        error: BaseException | None = sys.exc_info()[1]
    elif isinstance(exc_info, BaseException):
        error = exc_info
    elif isinstance(exc_info, tuple):
        error = exc_info[1]
    else:
        error = None
    if error is None:
        return None
    return "".join(_chain_lines(error, set()))


def _chain_lines(error: BaseException, seen: set[int]) -> list[str]:
    seen.add(id(error))
    lines: list[str] = []
    cause = error.__cause__
    context = None if error.__suppress_context__ else error.__context__
    if cause is not None and id(cause) not in seen:
        lines += _chain_lines(cause, seen)
        lines.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif context is not None and id(context) not in seen:
        lines += _chain_lines(context, seen)
        lines.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    lines.append("Traceback (most recent call last):\n")
    lines += traceback.format_tb(error.__traceback__)
    name = type(error).__qualname__
    if isinstance(error, MACHINE_EXCEPTIONS) and str(error):
        lines.append(f"{name}: {error}\n")
    else:
        lines.append(f"{name}: [message not logged]\n" if str(error) else f"{name}\n")
    return lines
