"""`/pln moderators`: who runs the community, and adding or removing them in chat.

A moderator is someone listed in PLN_MODERATORS for this community, the platform's own
admin (Slack workspace admins, Discord Manage Server), or someone an existing moderator
added here (a row in `community_moderator`). Only the last kind can be removed in chat: the
settings and the platform's roles are changed where they live.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.audit import person
from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.store import moderators as moderator_store

# Slack `<@U123>` or `<@U123|name>`, Discord `<@123>` or `<@!123>`
_PLATFORM_MENTION = re.compile(r"<@!?([A-Za-z0-9]{1,64})(?:\|[^>]*)?>")
_CONSOLE_NAME = re.compile(r"@?([A-Za-z0-9][A-Za-z0-9_.-]{0,63})")


@dataclass(frozen=True)
class Target:
    """Whom a moderators command names: a platform user id, from a mention or (console) a
    name."""

    user_id: str
    mentioned: bool  # a platform mention (`<@U123>`), not a plain name


def platform_mention(text: str) -> str | None:
    """The user id of a Slack or Discord mention (`<@U123>`, `<@!123>`), or None."""
    found = _PLATFORM_MENTION.fullmatch(text.strip())
    return found.group(1) if found is not None else None


def member_target(text: str) -> Target:
    """The person after `moderators add|remove`; ValueError says how to name them."""
    cleaned = text.strip()
    mentioned = platform_mention(cleaned)
    if mentioned is not None:
        return Target(mentioned, mentioned=True)
    named = _CONSOLE_NAME.fullmatch(cleaned)
    if named is not None:
        return Target(named.group(1), mentioned=False)
    raise ValueError("Name one member with @, for example `/pln moderators add @sam`.")


def _needs_mention(ctx: Context, target: Target) -> OutgoingMessage | None:
    if ctx.community.platform == "console" or target.mentioned:
        return None
    return plain(
        "Pick the member with @ (so I get their id, not a name), for example "
        "`/pln moderators add @sam`."
    )


def configured(ctx: Context, user_id: str) -> bool:
    """Listed in PLN_MODERATORS for this community: not removable in chat."""
    ref = ctx.community
    scoped = f"{ref.platform}:{ref.external_id}/{user_id}"
    return scoped in ctx.config.moderators or (
        ref.platform == "console" and f"console:{user_id}" in ctx.config.moderators
    )


def _configured_ids(ctx: Context) -> list[str]:
    ref = ctx.community
    prefix = f"{ref.platform}:{ref.external_id}/"
    ids = {
        entry.removeprefix(prefix) for entry in ctx.config.moderators if entry.startswith(prefix)
    }
    if ref.platform == "console":
        ids |= {e.removeprefix("console:") for e in ctx.config.moderators if "/" not in e}
    return sorted(ids)


async def add_moderator(ctx: Context, target: Target) -> list[OutgoingMessage]:
    refusal = _needs_mention(ctx, target)
    if refusal is not None:
        return [refusal]
    who = await _named(ctx, target.user_id)
    if configured(ctx, target.user_id):
        return [plain(f"{who} is already a moderator (PLN_MODERATORS).")]
    added = await moderator_store.add(
        ctx.session, ctx.community.id, target.user_id, ctx.actor.user_id, ctx.now
    )
    if not added:
        return [plain(f"{who} is already a moderator of this community.")]
    return [
        plain(
            f"{who} is now a moderator of this community: they can run every moderator "
            "command, and see counts with `/pln stats` — never anyone's answers."
        )
    ]


async def remove_moderator(ctx: Context, target: Target) -> list[OutgoingMessage]:
    refusal = _needs_mention(ctx, target)
    if refusal is not None:
        return [refusal]
    who = await _named(ctx, target.user_id)
    if configured(ctx, target.user_id):
        return [
            plain(
                f"{who} is a moderator by the bot's settings (PLN_MODERATORS) and stays one: "
                "whoever runs the bot can take them out of that list."
            )
        ]
    if not await moderator_store.remove(ctx.session, ctx.community.id, target.user_id):
        return [
            plain(
                f"{who} was not added in chat, so there is nothing to remove. The platform's "
                "admins are moderators by their role."
            )
        ]
    return [plain(f"{who} is no longer a moderator of this community.")]


async def _named(ctx: Context, user_id: str) -> str:
    names = await moderator_store.display_names(ctx.session, ctx.community.id, [user_id])
    return person(user_id, names.get(user_id))


async def list_moderators(ctx: Context) -> list[OutgoingMessage]:
    platform = ctx.community.platform
    settings_ids = _configured_ids(ctx)
    rows = [
        row
        for row in await moderator_store.listed(ctx.session, ctx.community.id)
        if row.platform_user_id not in settings_ids
    ]
    everyone = [*settings_ids, *(r.platform_user_id for r in rows), *(r.added_by for r in rows)]
    names = await moderator_store.display_names(ctx.session, ctx.community.id, everyone)
    lines = ["Moderators of this community:"]
    lines += [
        f"• {person(uid, names.get(uid))} (PLN_MODERATORS; not removable in chat)"
        for uid in settings_ids
    ]
    for row in rows:
        since = row.added_at.astimezone(ctx.zone).strftime("%d %b %Y")
        # an empty id: whoever added them has since erased themselves
        by = person(row.added_by, names.get(row.added_by)) if row.added_by else "a former member"
        lines.append(
            f"• {person(row.platform_user_id, names.get(row.platform_user_id))} "
            f"(added by {by}, {since})"
        )
    if len(lines) == 1:
        lines.append("• nobody is listed by name yet")
    if platform != "console":
        role = "workspace admins" if platform == "slack" else "members with Manage Server"
        lines.append(f"The platform's {role} are moderators too.")
    return [plain("\n".join(lines))]
