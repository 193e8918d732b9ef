"""Fresh Slack-style ts values and ids, unique and increasing within the test run."""

from __future__ import annotations

import itertools
import time
import uuid

_TS_BASE_SECONDS = int(time.time())
_ts_counter = itertools.count(1)
_id_counter = itertools.count(1)


def next_ts() -> str:
    """A unique, strictly increasing Slack-style ts ("seconds.micros") near the current time."""
    micros = next(_ts_counter)
    return f"{_TS_BASE_SECONDS + micros // 1_000_000}.{micros % 1_000_000:06d}"


def unique_id(prefix: str) -> str:
    """A fresh id like Slack's (e.g. "Ev0001A2B3C4"); unique within the test run."""
    return f"{prefix}{next(_id_counter):04d}{uuid.uuid4().hex[:8].upper()}"
