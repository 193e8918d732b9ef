"""Who is talking to the core: the platform-neutral identity an adapter hands in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommunityRef:
    """A community as its platform names it: one console, Slack workspace or Discord guild."""

    platform: str
    external_id: str
    name: str = ""


@dataclass(frozen=True)
class Actor:
    """A person acting on a platform, as the adapter saw them.

    `platform_admin` is the adapter's reading of the platform's own roles (Slack workspace
    admins, Discord Manage Guild); the core combines it with PLN_MODERATORS.
    """

    community: CommunityRef
    user_id: str
    display_name: str
    platform_admin: bool = False
    platform_timezone: str | None = None
    channel_id: str | None = None  # where a command was typed, for `/pln channel here`
    in_direct_message: bool = False  # typed in the member's DM with the bot
    # the platform lets members close their DMs to bots (Discord): a join typed in a
    # channel then opens the DM with a welcome, so a closed DM shows at once
    dms_may_be_closed: bool = False

    @property
    def qualified_id(self) -> str:
        """The id on its platform, e.g. `slack:U0123` (the same in every community)."""
        return f"{self.community.platform}:{self.user_id}"

    @property
    def scoped_id(self) -> str:
        """The id in this community, as PLN_MODERATORS stores it, e.g. `slack:T0123/U0456`."""
        return f"{self.community.platform}:{self.community.external_id}/{self.user_id}"
