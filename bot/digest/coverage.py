"""Framework coverage: which library elements the member reflected on, how often, what is left.

An answer counts for the element of the prompt it answered (a library prompt, or one of the
community's own prompts, which name a library element too). The elements "in scope" are the
community's track (a framework, a term plan) or the whole library; the suggestion is the
least-touched element in scope, with the library's description, so the member knows what it
is about before choosing to write about it.
"""

from __future__ import annotations

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
    touched: tuple[ElementCount, ...]  # most reflected on first
    untouched: tuple[ElementCount, ...]  # in scope, never answered; library order
    suggestion: ElementCount | None
    in_scope: int  # how many elements the scope holds

    @property
    def touched_in_scope(self) -> int:
        return self.in_scope - len(self.untouched)


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
    `scope`: the elements of the community's track; None means the whole library."""
    counts = Counter((p.framework_id, p.element_id) for p in answered if p is not None)
    elements = {e.key: e for e in library_elements(library)}
    keys = [k for k in (scope or list(elements)) if k in elements] or list(elements)
    order = {key: index for index, key in enumerate(keys)}

    def counted(key: ElementKey) -> ElementCount:
        base = elements[key]
        return ElementCount(
            base.framework_id, base.framework, base.element_id, base.element,
            base.description, counts[key],
        )  # fmt: skip

    touched = sorted(
        (counted(key) for key in counts if key in elements),
        key=lambda e: (-e.count, order.get(e.key, len(order)), e.key),
    )
    untouched = tuple(counted(key) for key in keys if counts[key] == 0)
    in_scope = [counted(key) for key in keys]
    suggestion = min(in_scope, key=lambda e: (e.count, order[e.key]), default=None)
    return Coverage(tuple(touched), untouched, suggestion, len(keys))
