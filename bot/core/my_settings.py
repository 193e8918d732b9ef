"""What the member's settings page shows: time zone, pause, digest cadence, check-ins and
profile, read in one unit of work. Changes are the chat commands themselves (`/pln tz`,
`/pln pause`, `/pln digest schedule`, `/pln checkins`, the profile form), run through the
core with the page's fields as their arguments, so rules and replies are the chat's."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.checkins.profile import ROLE_NAMES
from bot.core.context import Context
from bot.core.formatting import local_date, local_datetime
from bot.store.checkin_models import CheckinOptIn, MemberProfile

PAUSE_LENGTHS = ("1w", "2w", "4w", "8w")
CADENCES = ("monthly", "termly", "off")


@dataclass(frozen=True)
class MySettings:
    display_name: str
    zone: str  # the IANA name in force (the community's default when none is chosen)
    zone_chosen: bool
    paused: bool
    paused_until: str | None  # "Mon 04 Jan 2027" in the member's zone; None: for good
    next_prompt: str | None  # "Mon 04 Jan 09:00"; None when paused or none planned
    digest_cadence: str  # "monthly", "termly" or "off"
    in_checkins: bool
    checkins_paused_until: str | None
    school: str
    role: str  # "it", "teacher", "leader" or ""
    role_name: str  # "IT professional", or "not set"
    interests: str  # "olf/using-data slict/shared-vision"


async def my_settings(ctx: Context) -> MySettings | None:
    """The member's settings as they stand; None for someone who is not an active member."""
    member = ctx.member
    if member is None or not ctx.is_active_member:
        return None
    optin = await ctx.session.get(CheckinOptIn, member.id)
    profile = await ctx.session.get(MemberProfile, member.id)
    paused = member.paused_at is not None
    next_time = None if paused else await ctx.next_prompt_time()
    optin_pause = optin.paused_until if optin is not None else None
    return MySettings(
        display_name=member.display_name,
        zone=ctx.zone.key,
        zone_chosen=member.timezone is not None,
        paused=paused,
        paused_until=local_date(member.paused_until, ctx.zone) if member.paused_until else None,
        next_prompt=local_datetime(next_time, ctx.zone) if next_time else None,
        digest_cadence=member.digest_cadence,
        in_checkins=optin is not None,
        checkins_paused_until=(
            local_date(optin_pause, ctx.zone) if optin_pause and optin_pause > ctx.now else None
        ),
        school=(profile.school or "") if profile else "",
        role=(profile.role or "") if profile else "",
        role_name=ROLE_NAMES.get(profile.role or "", "not set") if profile else "not set",
        interests=profile.interests if profile else "",
    )
