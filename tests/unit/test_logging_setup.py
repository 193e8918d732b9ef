"""Logging: key=value lines, quiet third-party loggers, and safe reconfiguration."""

from __future__ import annotations

import io
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
    assert rest[-1] == "RuntimeError: boom"


def test_configure_logging_writes_key_value_lines() -> None:
    stream = io.StringIO()
    configure_logging("info", stream)
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
    configure_logging("INFO", first)
    configure_logging("INFO", second)
    logging.getLogger("bot").warning("once")
    assert first.getvalue() == ""
    assert second.getvalue().count("once") == 1
    ours = [h for h in logging.getLogger().handlers if isinstance(h.formatter, KeyValueFormatter)]
    assert len(ours) == 1


def test_noisy_loggers_quieted() -> None:
    stream = io.StringIO()
    configure_logging("DEBUG", stream)
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
