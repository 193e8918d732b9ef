"""Framework coverage: which library elements the member reflected on, how often, what is left.

An answer counts for the element of the prompt it answered (a library prompt, or one of the
community's own prompts, which name a library element too). The community's track (a
framework, a term plan) is shown first; the suggestion is the
least-touched element of the track, with the library's description, so the member knows what
it is about before choosing to write about it. Every element answered counts, against the
whole library, whatever the track is now: a moderator changing the track does not make past
reflections vanish.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.prompts.library import Library, LibraryPrompt

ElementKey = tuple[str, str]  # (framework id, element id)


@dataclass(frozen=True)
class ElementCount:
    framework_id: str
    framework: str
    element_id: str
    element: str
    description: str
    count: int

    @property
    def key(self) -> ElementKey:
        return (self.framework_id, self.element_id)


@dataclass(frozen=True)
class Coverage:
    touched: tuple[ElementCount, ...]  # the track's first, then most reflected on first
    untouched: tuple[ElementCount, ...]  # never answered: the track's first; library order
    suggestion: ElementCount | None
    elements: int  # the whole library's elements: what "N of M" counts against
    track: int  # the track's elements (0: the track is the whole library)
    track_touched: int  # how many of the track's elements were answered

    @property
    def touched_count(self) -> int:
        return len(self.touched)


def library_elements(library: Library) -> list[ElementCount]:
    """Every element of the library, in library order, with a zero count."""
    return [
        ElementCount(file.framework.id, file.framework.name, e.id, e.name, e.description, 0)
        for file in library.frameworks
        for e in file.elements
    ]


def compute_coverage(
    library: Library,
    answered: Iterable[LibraryPrompt | None],
    scope: Sequence[ElementKey] | None = None,
) -> Coverage:
    """`answered`: the prompt of each answer (None for a prompt no longer known).
    `scope`: the elements of the community's track; None means the whole library.

    Every element answered counts, whatever the track is now (a moderator may have changed
    it since), against the whole library; the track only decides what is shown first and
    what is suggested.
    """
    counts = Counter((p.framework_id, p.element_id) for p in answered if p is not None)
    elements = {e.key: e for e in library_elements(library)}
    track = [k for k in dict.fromkeys(scope or ()) if k in elements]
    in_track = set(track)
    order = {key: i for i, key in enumerate([*track, *(k for k in elements if k not in in_track)])}

    def counted(key: ElementKey) -> ElementCount:
        return dataclasses.replace(elements[key], count=counts[key])

    touched = sorted(
        (counted(key) for key in counts if key in elements),
        key=lambda e: (e.key not in in_track, -e.count, order[e.key]),
    )
    untouched = tuple(
        counted(key) for key in sorted(elements, key=order.__getitem__) if not counts[key]
    )
    pool = [counted(key) for key in (track or list(elements))]
    suggestion = min(pool, key=lambda e: (e.count, order[e.key]), default=None)
    return Coverage(
        touched=tuple(touched),
        untouched=untouched,
        suggestion=suggestion,
        elements=len(elements),
        track=len(track),
        track_touched=sum(1 for key in track if counts[key]),
    )
