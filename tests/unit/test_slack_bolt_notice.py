"""Only bolt's "`token` will be unused" notice is dropped from its logger; other warnings stay."""

from __future__ import annotations

import logging

import pytest
from slack_bolt.logger.messages import (
    warning_client_prioritized_and_token_skipped,
    warning_token_skipped,
)

from bot.adapters.slack.service import BOLT_LOGGER


def test_only_the_same_token_notice_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=BOLT_LOGGER.name):
        BOLT_LOGGER.warning(warning_client_prioritized_and_token_skipped())
        BOLT_LOGGER.warning(warning_token_skipped())

    assert [record.getMessage() for record in caplog.records] == [warning_token_skipped()]
