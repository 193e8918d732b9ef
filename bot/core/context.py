"""What every command handler gets: the session, who is asking, and where."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.actors import Actor
from bot.core.scheduling.stored import next_weekly_prompt
from bot.store.models import Community, Member

T = TypeVar("T")


@dataclass(frozen=True)
class CoreConfig:
    """The settings the core acts on (the adapter-independent part of bot.config.Settings)."""

    moderators: frozenset[str] = frozenset()
    default_timezone: str = "UTC"
    prompt_weekday: int = 0
    prompt_time: time = time(9, 0)
    grace: timedelta = timedelta(hours=12)
    # an OpenAI-compatible endpoint for abstractive digest summaries (PLN_LLM_*); used only
    # for communities that opted in with `/pln summaries llm`
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 10.0
    # the shortest `/pln retention` a moderator may choose (PLN_RETENTION_MIN_DAYS)
    retention_min_days: int = 30
    # days an uninstalled community's data is kept before it is purged
    # (PLN_UNINSTALLED_KEEP_DAYS)
    uninstalled_keep_days: int = 30
    # how long after a discussion is posted its recap comes (PLN_DISCUSSION_RECAP_AFTER)
    recap_after: timedelta = timedelta(days=3)
    # sends in flight per process (PLN_SEND_IN_FLIGHT) and the lease on rows being sent
    # (PLN_SEND_LEASE_SECONDS)
    send_in_flight: int = 16
    send_lease: timedelta = timedelta(seconds=60)
    # where members open the web page (PLN_WEB_BASE_URL, or the console's own address once
    # it listens); None: the page is off, and `/pln web` says so
    web_base_url: str | None = None
    send_retry: timedelta = timedelta(seconds=60)


def is_moderator(actor: Actor, config: CoreConfig) -> bool:
    """The one moderator rule: the platform's own admins (Slack workspace admins, Discord
    Manage Guild) plus the ids listed in PLN_MODERATORS, each for its own community only
    (`discord:G1/42` moderates guild G1, not guild G2). Adapters never decide this.
    Moderators added in chat (`/pln moderators add`) are read from the database into
    `Context.listed_moderator`; `Context.is_moderator` combines both.

    The console has exactly one community, so a `console:<name>` entry (a CoreConfig built
    in code, without bot.config's parsing into `console:local/<name>`) names it too.
    """
    if actor.platform_admin or actor.scoped_id in config.moderators:
        return True
    return actor.community.platform == "console" and actor.qualified_id in config.moderators


@dataclass
class Context:
    session: AsyncSession
    actor: Actor
    community: Community
    member: Member | None
    now: datetime
    config: CoreConfig
    # made a moderator of this community in chat (`/pln moderators add`, a stored row)
    listed_moderator: bool = False

    @property
    def is_moderator(self) -> bool:
        return self.listed_moderator or is_moderator(self.actor, self.config)

    @property
    def is_configured_moderator(self) -> bool:
        """A moderator by PLN_MODERATORS or the platform's admin role: not removable in chat."""
        return is_moderator(self.actor, self.config)

    @property
    def is_active_member(self) -> bool:
        return self.member is not None and self.member.active

    @property
    def zone(self) -> ZoneInfo:
        name = self.member.timezone if self.member and self.member.timezone else None
        return ZoneInfo(name or self.config.default_timezone)

    def require_member(self) -> Member:
        assert self.member is not None and self.member.active, "checked by the dispatcher"
        return self.member

    async def next_prompt_time(self) -> datetime | None:
        """When this member's next weekly prompt falls due, in UTC (None: none planned): the
        moderators' rule, after a timed pause ends, on no holiday."""
        after = self.now
        if self.member is not None and self.member.paused_until is not None:
            after = max(after, self.member.paused_until)  # a timed pause ends first
        return await next_weekly_prompt(self.session, self.community.id, self.zone, after)


class ContextRunner(Protocol):
    """Runs `work` as one unit of work with the actor's Context (PlnCore._with_context).

    Handed to the parts of the core that must talk to the platform between two units of
    work (sharing posts in a channel), so no transaction stays open across a network call.
    """

    async def __call__(self, actor: Actor, work: Callable[[Context], Awaitable[T]]) -> T: ...
