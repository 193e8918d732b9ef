"""The group's shared working-hours window, kept with its reasons as one line
(`window <start> <end>`, UTC ISO times) and shown to each member in their own zone."""

from __future__ import annotations

from datetime import datetime

PREFIX = "window "


def window_line(start: datetime, end: datetime) -> str:
    return f"{PREFIX}{start.isoformat()} {end.isoformat()}"


def parse_window(reasons: str) -> tuple[datetime, datetime] | None:
    for line in reasons.splitlines():
        if line.startswith(PREFIX):
            start, _, end = line.removeprefix(PREFIX).partition(" ")
            try:
                return datetime.fromisoformat(start), datetime.fromisoformat(end)
            except ValueError:
                return None
    return None
