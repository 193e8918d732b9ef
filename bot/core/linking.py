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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.store import links as link_store
from bot.store.models import Member

log = logging.getLogger(__name__)

# no 0/O or 1/I: a code is read off one screen and typed on another
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(minutes=10)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=10)
LOCKOUT = timedelta(minutes=10)

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
    guard = _guard_for(ctx)
    if guard.locked(_guessers(member), ctx.now):
        return [LOCKED_OUT]
    row = await link_store.live_code(ctx.session, code_hash(code), ctx.now)
    owner = await ctx.session.get(Member, row.member_id) if row is not None else None
    if row is None or owner is None:
        return [_refused(guard, member, ctx.now)]
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
        return [_refused(guard, member, ctx.now)]  # another request spent it a moment ago
    person_id = await link_store.join_people(ctx.session, [*people, *mine])
    guard.forget(_guessers(member))
    log.info(
        "identities linked",
        extra={"fields": {"person_id": person_id, "identities": len(people) + len(mine)}},
    )
    return [
        plain(
            f"Linked: your {_platforms([*people, *mine])} identities are now one member, with "
            "one history, one digest and one weekly prompt. Each keeps the answers written on "
            "it. `/pln unlink` separates them again."
        )
    ]


def _refused(guard: FailedAttempts, member: Member, now: datetime) -> OutgoingMessage:
    if guard.record(_guessers(member), now):
        log.warning("link attempts locked out", extra={"fields": {"member_id": member.id}})
    log.info("link code refused", extra={"fields": {"member_id": member.id}})
    return CODE_REFUSED


# Who a wrong code counts against. Not the member row: one platform user is a member of
# every guild or workspace they join, and each row would bring 5 more guesses. So the
# platform user (the same id in all their communities) and, once linked, the person.
Guesser = tuple[str, ...]


def _guessers(member: Member) -> list[Guesser]:
    found: list[Guesser] = [("user", member.platform, member.platform_user_id)]
    if member.person_id is not None:
        found.append(("person", str(member.person_id)))
    return found


@dataclass
class FailedAttempts:
    """Codes that did not work, per platform user and per person: 5 within 10 minutes lock
    linking for 10 minutes for all of that user's (or person's) identities.

    Kept in memory: a code has 40 bits and lives 10 minutes, so this only has to slow a
    guesser down, and a restart (which a guesser cannot cause) forgetting the count costs
    nothing. No table is needed, and nothing about failed guesses is ever written down.
    Each process counts its own: one platform user's commands, in every community they
    are in, reach that platform's one process. A person's count is per process too, so a
    person linked on two platforms has at most 5 tries on each.
    """

    failures: dict[Guesser, list[datetime]] = field(default_factory=dict)
    locked_until: dict[Guesser, datetime] = field(default_factory=dict)

    def locked(self, guessers: list[Guesser], now: datetime) -> bool:
        return any(self._locked(guesser, now) for guesser in guessers)

    def _locked(self, guesser: Guesser, now: datetime) -> bool:
        until = self.locked_until.get(guesser)
        if until is not None and now >= until:
            del self.locked_until[guesser]
            return False
        return until is not None

    def record(self, guessers: list[Guesser], now: datetime) -> bool:
        """Count one wrong code against each; True when that locks any of them out."""
        locked = False
        for guesser in guessers:
            recent = [t for t in self.failures.get(guesser, []) if now - t < FAILURE_WINDOW]
            recent.append(now)
            if len(recent) >= MAX_FAILURES:
                self.locked_until[guesser] = now + LOCKOUT
                locked = True
                recent = []
            self.failures[guesser] = recent
        return locked

    def forget(self, guessers: list[Guesser]) -> None:
        for guesser in guessers:
            self.failures.pop(guesser, None)
            self.locked_until.pop(guesser, None)


# One count per database: person ids are unique only within one (tests run many in a process).
_GUARDS: WeakKeyDictionary[object, FailedAttempts] = WeakKeyDictionary()


def _guard_for(ctx: Context) -> FailedAttempts:
    bind = ctx.session.bind
    assert bind is not None, "sessions come from Database.sessions, bound to its engine"
    return _GUARDS.setdefault(bind, FailedAttempts())


def _platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


def _platforms_of(platforms: set[str]) -> str:
    return " and ".join(sorted(_platform_name(p) for p in platforms))


def _platforms(members: list[Member]) -> str:
    return _platforms_of({m.platform for m in members})
