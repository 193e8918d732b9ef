"""Logging: key=value lines, quiet third-party loggers, and safe reconfiguration."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator

import pytest

from bot.logging_setup import NOISY_LOGGERS, KeyValueFormatter, configure_logging


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Leave the root logger as pytest had it, so other tests' caplog still works."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy_levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, noisy_level in noisy_levels.items():
        logging.getLogger(name).setLevel(noisy_level)
    logging.captureWarnings(False)


def make_record(msg: str, fields: object = None) -> logging.LogRecord:
    record = logging.LogRecord("bot.core.delivery", logging.INFO, __file__, 1, msg, None, None)
    record.created = 1_795_424_400.0  # 2026-11-23T09:00:00Z
    if fields is not None:
        record.fields = fields
    return record


def test_fields_rendered_sorted_after_message() -> None:
    line = KeyValueFormatter().format(
        make_record("fan-out progress", {"total": 10000, "sent": 200})
    )
    assert (
        line == "2026-11-23T09:00:00Z INFO bot.core.delivery fan-out progress sent=200 total=10000"
    )


def test_values_with_spaces_or_quotes_are_quoted() -> None:
    line = KeyValueFormatter().format(
        make_record("x", {"title": 'a "big" idea', "empty": "", "ok": True, "none": None})
    )
    assert line.endswith(' empty="" none=none ok=true title="a \\"big\\" idea"')


def test_record_without_fields_is_plain() -> None:
    assert KeyValueFormatter().format(make_record("hello")) == (
        "2026-11-23T09:00:00Z INFO bot.core.delivery hello"
    )


def test_traceback_follows_fields() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = make_record("failed", {"job": "weekly"})
        record.exc_info = sys.exc_info()
    first, *rest = KeyValueFormatter().format(record).splitlines()
    assert first.endswith("failed job=weekly")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "RuntimeError: [message not logged]"  # it might quote a member


def test_a_machine_error_keeps_its_message() -> None:
    try:
        raise ConnectionRefusedError(111, "Connect call failed")
    except ConnectionRefusedError:
        record = make_record("database down")
        record.exc_info = sys.exc_info()
    assert (
        KeyValueFormatter()
        .format(record)
        .endswith("ConnectionRefusedError: [Errno 111] Connect call failed")
    )


def test_configure_logging_writes_key_value_lines() -> None:
    stream = io.StringIO()
    configure_logging("info", stream, "text")
    logging.getLogger("bot.core.delivery").info(
        "fan-out progress", extra={"fields": {"sent": 200, "total": 10000}}
    )
    logging.getLogger("bot.core.delivery").debug("hidden")
    output = stream.getvalue()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO bot\.core\.delivery fan-out progress "
        r"sent=200 total=10000\n",
        output,
    )


def test_configure_logging_is_idempotent() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("INFO", first, "text")
    configure_logging("INFO", second, "text")
    logging.getLogger("bot").warning("once")
    assert first.getvalue() == ""
    assert second.getvalue().count("once") == 1
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, KeyValueFormatter)]
    assert len(ours) == 1


def test_noisy_loggers_quieted() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", stream, "text")
    logging.getLogger("sqlalchemy.engine").info("SELECT 1")
    logging.getLogger("apscheduler.scheduler").warning("job missed")
    assert "SELECT 1" not in stream.getvalue()
    assert "job missed" in stream.getvalue()
    for name in NOISY_LOGGERS:
        assert logging.getLogger(name).level == logging.WARNING


def test_defaults_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    logging.getLogger("bot").info("to stderr")
    captured = capsys.readouterr()
    assert "to stderr" in captured.err
    assert captured.out == ""


def test_rejects_unknown_level() -> None:
    with pytest.raises(ValueError, match="loud"):
        configure_logging("loud")


PLANTED_TOKEN = "xoxb-1234567890-planted-token"
PLANTED_APP_TOKEN = "xapp-1-A0PLANTED-123-abcdef"
PLANTED_DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"
PLANTED_SECRET = "planted-signing-secret-55aa"
PLANTED_ANSWER = "my planted answer about the zebra budget"


def _log_everything(log_format: str) -> str:
    """One line of each risky kind, through configure_logging as the CLI sets it up."""
    stream = io.StringIO()
    configure_logging("DEBUG", stream, log_format, secrets=[PLANTED_SECRET, "short"])
    library = logging.getLogger("some.library")
    library.debug("request headers: Authorization: Bearer %s", PLANTED_TOKEN)
    library.info("socket mode with %s and bot %s", PLANTED_APP_TOKEN, PLANTED_DISCORD)
    library.warning(
        "POST https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb246MTIz/callback failed"
    )
    library.warning("database postgresql://pln:hunter2-pass@db:5432/pln is down")
    logging.getLogger("bot.core").info(
        "event", extra={"fields": {"text": PLANTED_ANSWER, "secret": PLANTED_SECRET, "n": 3}}
    )
    logging.getLogger("asyncio").error(  # asyncio's own words for a task nobody awaited
        "Task exception was never retrieved\nfuture: <Task finished name='Task-7' "
        "coro=<handle() done> exception=ValueError('%s')>",
        PLANTED_ANSWER,
    )
    try:
        raise ValueError(f"cannot parse {PLANTED_ANSWER!r} with {PLANTED_SECRET}")
    except ValueError:
        logging.getLogger("bot.core").exception("failed", extra={"fields": {"answer": "x"}})
    return stream.getvalue()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_tokens_secrets_and_answers_never_reach_the_output(log_format: str) -> None:
    output = _log_everything(log_format)

    for planted in (
        PLANTED_TOKEN, PLANTED_APP_TOKEN, PLANTED_DISCORD, PLANTED_SECRET, "zebra",
        "aW50ZXJhY3Rpb246MTIz", "hunter2-pass",
    ):  # fmt: skip
        assert planted not in output
    assert output.count("[redacted]") >= 8
    assert ("ValueError" in output and "n=3" in output) or '"n": 3' in output


def test_json_lines_are_objects_with_the_fields_at_the_top() -> None:
    lines = _log_everything("json").splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    event = next(record for record in records if record["event"] == "event")

    assert event["level"] == "INFO" and event["logger"] == "bot.core" and event["n"] == 3
    assert event["text"] == "[redacted]"
    failed = next(record for record in records if record["event"] == "failed")
    assert failed["exception"].startswith("Traceback")


def test_auto_is_json_off_a_terminal() -> None:
    stream = io.StringIO()  # not a TTY, like a container's stderr
    configure_logging("INFO", stream)
    logging.getLogger("bot").info("hello", extra={"fields": {"a": 1}})

    assert json.loads(stream.getvalue())["a"] == 1
