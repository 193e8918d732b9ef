"""One member across platforms: `/pln link` codes and `/pln unlink`.

A school technology leader may sit in a Slack workspace and a Discord guild. Linking makes
the two members one person (`member.person_id`), so history, digest and rotation are one.
The code is the proof that both identities belong to the same person: it is shown only to
the member who asked, lives 10 minutes, works once, and only its hash is stored. It is never
logged, and a code that fails gets one message whatever the reason, so guessing learns
nothing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.store import link_guesses as guesses
from bot.store import links as link_store
from bot.store import numbering
from bot.store.models import Member

log = logging.getLogger(__name__)

# no 0/O or 1/I: a code is read off one screen and typed on another
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=10)
LOCKOUT = timedelta(minutes=10)
STALE_COUNT = timedelta(days=1)

PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord", "console": "console"}

JOIN_FIRST = plain("Type `/pln join` first, then `/pln link` again.")
CODE_REFUSED = plain(
    "That code doesn't work: it may be mistyped, already used or more than 10 minutes old. "
    "Type `/pln link` on your other platform for a fresh one, then `/pln link <code>` here."
)
LOCKED_OUT = plain(
    "Too many codes that didn't work, so I'm pausing linking for this identity for "
    "10 minutes. Then get a fresh code with `/pln link` on your other platform."
)
NOT_LINKED = plain("This identity isn't linked to another platform. `/pln link` links one.")


def new_code() -> str:
    """A fresh code, 8 characters (40 bits) from the `secrets` generator."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """The code as members read it: `ABCD-2345`."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    """What the store keeps of a code (already upper case, no dash: see commands.link_code)."""
    return hashlib.sha256(code.encode()).hexdigest()


async def link(ctx: Context, code: str | None) -> list[OutgoingMessage]:
    if ctx.member is None:
        return [JOIN_FIRST]
    if code is None:
        return await _give_code(ctx, ctx.member)
    return await _use_code(ctx, ctx.member, code)


async def unlink(ctx: Context) -> list[OutgoingMessage]:
    member = ctx.member
    if member is None or member.person_id is None:
        return [NOT_LINKED]
    others = await link_store.separate(ctx.session, member)
    log.info("identity unlinked", extra={"fields": {"member_id": member.id}})
    elsewhere = _platforms(others)
    kept = f"; what you wrote on {elsewhere} stays there" if elsewhere else ""
    return [
        plain(
            f"Done: this {_platform_name(member.platform)} identity is on its own again. "
            f"It keeps the answers you wrote here{kept}. `/pln link` links them again."
        )
    ]


async def _give_code(ctx: Context, member: Member) -> list[OutgoingMessage]:
    code = new_code()
    await link_store.replace_code(
        ctx.session, member, code_hash(code), ctx.now, ctx.now + CODE_LIFETIME
    )
    log.info("link code issued", extra={"fields": {"member_id": member.id}})
    return [
        plain(
            f"Your link code: `{shown(code)}`\n"
            f"On your other platform, type `/pln link {shown(code)}` within 10 minutes. "
            "It works once, and asking for a new code cancels this one."
        )
    ]


async def _use_code(ctx: Context, member: Member, code: str) -> list[OutgoingMessage]:
    if await _is_locked(ctx, member):
        return [LOCKED_OUT]
    row = await link_store.live_code(ctx.session, code_hash(code), ctx.now)
    owner = await ctx.session.get(Member, row.member_id) if row is not None else None
    if row is None or owner is None:
        return [await _refused(ctx, member)]
    if owner.platform == member.platform:
        name = _platform_name(member.platform)
        return [
            plain(
                f"That code comes from {name} too, and two {name} identities can't be linked. "
                "Type it on your other platform."
            )
        ]
    people = await link_store.person_members(ctx.session, owner)
    mine = await link_store.person_members(ctx.session, member)
    if any(m.id == member.id for m in people):
        return [plain("These identities are already linked: one history, one digest.")]
    clash = {m.platform for m in people} & {m.platform for m in mine}
    if clash:
        return [
            plain(
                f"You already have a {_platforms_of(clash)} identity linked there, and a person "
                "has one identity per platform. Type `/pln unlink` on the one to separate, "
                "then link again."
            )
        ]
    if not await link_store.use_code(ctx.session, row.id, ctx.now):
        return [await _refused(ctx, member)]  # another request spent it a moment ago
    person_id = await link_store.join_people(ctx.session, [*people, *mine])
    await ctx.session.refresh(member)
    await numbering.renumber_person(ctx.session, member)
    await guesses.forget(
        ctx.session,
        users=[(m.platform, m.platform_user_id) for m in (*people, *mine)],
        persons=[person_id],
    )
    log.info(
        "identities linked",
        extra={"fields": {"person_id": person_id, "identities": len(people) + len(mine)}},
    )
    return [
        plain(
            f"Linked: your {_platforms([*people, *mine])} identities are now one member, with "
            "one history, one digest and one weekly prompt. Each keeps the answers written on "
            "it; their numbers now run across both, oldest first (`/pln history` shows them). "
            "`/pln unlink` separates them again."
        )
    ]


# Who a wrong code counts against. Not the member row: one platform user is a member of
# every guild or workspace they join, and each row would bring 5 more guesses. So the
# platform user (the same id in all their communities) and, once linked, the person. The
# counts are in a table (bot/store/link_guesses.py), so every process counts against one
# limit: a person linked on Slack and Discord gets 5 tries in all, not 5 on each.


def _guessers(member: Member) -> list[str]:
    found = [guesses.user_key(member.platform, member.platform_user_id)]
    if member.person_id is not None:
        found.append(guesses.person_key(member.person_id))
    return found


async def _is_locked(ctx: Context, member: Member) -> bool:
    return await guesses.locked(ctx.session, _guessers(member), ctx.now)


async def _refused(ctx: Context, member: Member) -> OutgoingMessage:
    """Count the wrong code, then purge counts that are long over (they say nothing)."""
    locks = await guesses.record(
        ctx.session,
        _guessers(member),
        ctx.now,
        max_failures=MAX_FAILURES,
        window=FAILURE_WINDOW,
        lockout=LOCKOUT,
    )
    await guesses.purge_stale(ctx.session, ctx.now, older_than=STALE_COUNT)
    if locks:
        log.warning("link attempts locked out", extra={"fields": {"member_id": member.id}})
    log.info("link code refused", extra={"fields": {"member_id": member.id}})
    return CODE_REFUSED


def _platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


def _platforms_of(platforms: set[str]) -> str:
    return " and ".join(sorted(_platform_name(p) for p in platforms))


def _platforms(members: list[Member]) -> str:
    return _platforms_of({m.platform for m in members})
