"""Tracks: which part of the library a community's prompts come from.

`all` (the default) draws from every framework; a framework id (`olf`) from that one only;
a term plan (bot/prompts/tracks.toml) walks chosen elements in order, one a week from the
community's school year start (bot/prompts/school_year.py), so a community can follow the
shape of a school year together.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from bot.prompts.library import Library, LibraryPrompt
from bot.prompts.schema import Element

PLANS_FILE = Path(__file__).parent / "tracks.toml"
ALL = "all"
PLAN_EPOCH = date(2024, 1, 1)  # a Monday: plan weeks count from here when no year is given


@dataclass(frozen=True)
class Track:
    id: str
    name: str
    description: str
    elements: tuple[str, ...] = ()  # "framework/element", for term plans only
    framework: str | None = None


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    description: str
    elements: tuple[str, ...]


@cache
def term_plans(path: Path = PLANS_FILE) -> tuple[Plan, ...]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Plan(str(p["id"]), str(p["name"]), str(p["description"]), tuple(p["elements"]))
        for p in raw.get("plans", [])
    )


def available_tracks(library: Library) -> list[Track]:
    tracks = [Track(ALL, "Every framework", "Prompts from the whole library, balanced.")]
    tracks += [
        Track(f.framework.id, f.framework.name, f.framework.description, framework=f.framework.id)
        for f in library.frameworks
    ]
    tracks += [Track(p.id, p.name, p.description, elements=p.elements) for p in term_plans()]
    return tracks


def find_track(library: Library, track_id: str) -> Track | None:
    return next((t for t in available_tracks(library) if t.id == track_id), None)


def track_prompts(
    library: Library,
    track_id: str,
    on: date,
    extra: Sequence[LibraryPrompt] = (),
    year_start: date | None = None,
) -> Sequence[LibraryPrompt]:
    """The prompts a community on `track_id` draws from in the week containing `on`.

    `extra` are the community's own prompts; the track applies to them as to the library's.
    A term plan is at its first element in the week of `year_start` (the community's school
    year, bot/prompts/school_year.py).
    """
    pool = [*library.prompts, *extra]
    track = find_track(library, track_id)
    if track is None or track.id == ALL:
        return pool
    if track.framework is not None:
        return [p for p in pool if p.framework_id == track.framework]
    week = (on - (year_start or PLAN_EPOCH)).days // 7
    framework, _, element = track.elements[week % len(track.elements)].partition("/")
    chosen = [p for p in pool if (p.framework_id, p.element_id) == (framework, element)]
    return chosen or pool


def plan_problems(library: Library) -> list[str]:
    """Term plan elements that are not in the library (for `pln-bot prompts check`)."""
    known = {f"{p.framework_id}/{p.element_id}" for p in library.prompts}
    return [
        f"tracks.toml: plan {plan.id}: {element} is not an element of the library"
        for plan in term_plans()
        for element in plan.elements
        if element not in known
    ]


def track_elements(library: Library, track: Track) -> list[Element]:
    """The elements a track covers, in order, with their descriptions (all: none listed)."""
    if track.framework is not None:
        return [
            element
            for file in library.frameworks
            if file.framework.id == track.framework
            for element in file.elements
        ]
    by_key = {
        f"{file.framework.id}/{element.id}": element
        for file in library.frameworks
        for element in file.elements
    }
    return [by_key[key] for key in track.elements if key in by_key]
