"""How dates, times and long texts read in chat: short, local to the member, never too long."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def local_datetime(when: datetime, zone: ZoneInfo) -> str:
    """`Mon 30 Nov 09:00` in the member's own zone."""
    return when.astimezone(zone).strftime("%a %d %b %H:%M")


def local_date(when: datetime, zone: ZoneInfo) -> str:
    """`Mon 30 Nov 2026` in the member's own zone."""
    return when.astimezone(zone).strftime("%a %d %b %Y")


def cut(text: str, limit: int) -> str:
    """`text` if it fits, else its start and a note of how much was left out."""
    if len(text) <= limit:
        return text
    rest = len(text) - limit
    return f"{text[:limit].rstrip()}… ({rest:,} more characters not shown)"


def word_count(text: str) -> int:
    return len(text.split())
