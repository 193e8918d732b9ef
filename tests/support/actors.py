"""Builders for the people in tests."""

from __future__ import annotations

from bot.core.actors import Actor, CommunityRef

CONSOLE = CommunityRef(platform="console", external_id="local", name="Console")


def member(name: str, community: CommunityRef = CONSOLE, **extra: object) -> Actor:
    return Actor(community=community, user_id=name, display_name=name, **extra)  # type: ignore[arg-type]
