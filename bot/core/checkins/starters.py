"""A conversation starter for a check-in group: a library prompt on an element the group
shares, else on one of its members' interests, else any prompt; chosen by the round's seed."""

from __future__ import annotations

import random

from bot.core.checkins.model import Group
from bot.prompts.library import Library, LibraryPrompt


def element_key(prompt: LibraryPrompt) -> str:
    return f"{prompt.framework_id}/{prompt.element_id}"


def starter_for(library: Library, group: Group, seed: int) -> LibraryPrompt | None:
    prompts = sorted(library.prompts, key=lambda prompt: prompt.id)
    shared = [p for p in prompts if element_key(p) in group.shared_interests]
    pool = shared or prompts
    return random.Random(seed).choice(pool) if pool else None
