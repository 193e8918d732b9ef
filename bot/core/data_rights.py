"""Each member's rights over their data: delete an answer, export everything, erase it all.

Deleting and erasing may take posts down from the PLN channel, a platform call, so they
run as units of work around it (`ContextRunner`): read what to take down, take it down
outside any transaction, then delete. The export only reads, in one unit of work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.actions import answer_value
from bot.core.actors import Actor
from bot.core.context import Context, ContextRunner
from bot.core.formatting import cut, local_date
from bot.core.messages import Button, ButtonStyle, OutgoingMessage, Section, plain
from bot.core.ports import ForgetsUsers, Messenger
from bot.core.revisit_quotes import forget_quotes
from bot.core.sharing import NOT_A_MEMBER, elsewhere, take_down, unknown_answer
from bot.store import erasure as erasure_store
from bot.store import reflections as reflection_store
from bot.store import shares as share_store
from bot.store.identities import linked_member_ids

log = logging.getLogger(__name__)

DELETE_CONFIRM_ACTION = "pln.answer.delete"
FORGET_CONFIRM_ACTION = "pln.data.erase"

PREVIEW_CHARS = 300
NOTHING_HELD = plain("I hold nothing about you here: you have never joined this PLN.")


# -- deleting one answer ------------------------------------------------------------------


async def delete_answer(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int, confirmed: bool
) -> list[OutgoingMessage]:
    """Delete one of the member's own answers (or notes: numbers are shared), after they
    confirmed; an answer's post goes first."""

    async def look(ctx: Context) -> OutgoingMessage | list[share_store.SharedPost]:
        if ctx.member is None:
            return NOT_A_MEMBER
        ids = await linked_member_ids(ctx.session, ctx.member)
        found = await share_store.own_answer(ctx.session, ids, answer_id)
        if found is None:
            note = await reflection_store.own_note(ctx.session, ids, answer_id)
            if note is None:
                return unknown_answer(answer_id)
            if not confirmed:
                day = local_date(note.created_at, ctx.zone)
                return delete_confirmation(answer_id, day, "A note", note.text, [])
            return []
        posts = await share_store.shared_posts(ctx.session, ids, found[0].id)
        if not confirmed:
            answer, delivery = found
            sent = delivery.sent_at or delivery.due_at
            return delete_confirmation(
                answer_id, local_date(sent, ctx.zone), delivery.prompt_text, answer.text, posts
            )
        return posts

    looked = await run(actor, look)
    if isinstance(looked, OutgoingMessage):
        return [looked]
    for post in looked:
        if post.platform_message_ref is not None and post.platform != messenger.platform:
            return [elsewhere(post, "delete it")]
        if not await take_down(messenger, post):
            return [
                plain(
                    f"I couldn't take the PLN channel post of answer #{answer_id} down just "
                    "now, so I deleted nothing. Please try again in a minute."
                )
            ]

    async def remove(ctx: Context) -> tuple[bool, AsyncEngine | None]:
        """Whether the answer was deleted, and the engine it was deleted on."""
        engine = erasure_store.engine_of(ctx.session)
        if ctx.member is None:
            return False, engine
        ids = await linked_member_ids(ctx.session, ctx.member)
        found = await share_store.own_answer(ctx.session, ids, answer_id)
        if found is None:
            note = await reflection_store.own_note(ctx.session, ids, answer_id)
            if note is not None:
                await ctx.session.delete(note)
            return note is not None, engine
        answer, delivery = found
        await forget_quotes(ctx.session, ids, delivery.id)
        await ctx.session.delete(answer)  # parts and the share row go with it
        return True, engine

    deleted, engine = await run(actor, remove)
    if not deleted:
        return [unknown_answer(answer_id)]
    # after the commit: "for good" means no old page image of it stays in SQLite's WAL
    await erasure_store.truncate_sqlite_wal(engine)
    return [plain(f"Deleted #{answer_id} for good.")]


def delete_confirmation(
    answer_id: int,
    day: str,
    prompt: str,
    text: str,
    posts: list[share_store.SharedPost],
) -> OutgoingMessage:
    also = " Its post in the PLN channel will be taken down too." if posts else ""
    return OutgoingMessage(
        text=(
            f"Delete #{answer_id} ({day})? It is gone for good: I keep no copy.{also}\n"
            f"Press Delete, or type `/pln delete #{answer_id} confirm`."
        ),
        sections=(
            Section(
                heading=f"#{answer_id} · {day}", body=f"{prompt}\n\n{cut(text, PREVIEW_CHARS)}"
            ),
        ),
        buttons=(
            Button("Delete", DELETE_CONFIRM_ACTION, answer_value(answer_id), ButtonStyle.DANGER),
        ),
    )


# -- erasing everything -------------------------------------------------------------------


@dataclass(frozen=True)
class _Holdings:
    """How much is held about the person, for the confirmation, and the posts to take down."""

    platform: str
    identities: int
    communities: int
    accounts: tuple[tuple[str, str, str], ...]  # (platform, community id, user id) of each
    answers: int
    notes: int
    prompts: int
    posts: list[share_store.SharedPost]


async def forget_me(
    run: ContextRunner, messenger: Messenger, actor: Actor, confirmed: bool
) -> list[OutgoingMessage]:
    """Erase everything held about the person (every linked identity), after confirmation."""

    async def look(ctx: Context) -> _Holdings | None:
        if ctx.member is None:
            return None
        ids = await erasure_store.person_member_ids(ctx.session, ctx.member)
        record = await erasure_store.person_record(ctx.session, ids)
        return _Holdings(
            platform=ctx.member.platform,
            identities=len(record.identities),
            communities=len({community.id for _, community in record.identities}),
            accounts=tuple(
                (member.platform, community.external_id, member.platform_user_id)
                for member, community in record.identities
            ),
            answers=len(record.answers),
            notes=len(record.notes),
            prompts=len(record.deliveries),
            posts=await share_store.shared_posts(ctx.session, ids),
        )

    held = await run(actor, look)
    if held is None:
        return [NOTHING_HELD]
    for post in held.posts:
        if post.platform_message_ref is not None and post.platform != messenger.platform:
            return [elsewhere(post, "type `/pln forget-me`")]
    if not confirmed:
        return [forget_confirmation(held)]
    left_up = 0
    for post in held.posts:
        if not await take_down(messenger, post):
            left_up += 1  # best effort: the erasure goes on, and the member is told

    # first, while the installation still names them: this platform's adapter drops what it
    # holds about the person (a Slack installer's id, also from its sealed copy)
    await _forget_platform_records(messenger, held.accounts)

    async def erase(ctx: Context) -> tuple[erasure_store.Erased, AsyncEngine | None]:
        engine = erasure_store.engine_of(ctx.session)
        if ctx.member is None:
            return erasure_store.Erased(identities=0, communities=0), engine
        ids = await erasure_store.person_member_ids(ctx.session, ctx.member)
        erased = await erasure_store.erase_person(ctx.session, ids, ctx.now)
        ctx.member = None
        return erased, engine

    erased, engine = await run(actor, erase)
    # after the commit: no old page image of what was erased may stay in SQLite's WAL
    await erasure_store.truncate_sqlite_wal(engine)
    log.info(
        "erasure done",
        extra={
            "fields": {
                "identities": erased.identities,
                "communities": erased.communities,
                "posts_left_up": left_up,
            }
        },
    )
    still_up = (
        f"\nI couldn't take {left_up} of your shared posts down from the PLN channel: please "
        "delete them there, or ask a moderator to."
        if left_up
        else ""
    )
    return [
        plain(
            "Done: everything I held about you is erased, and I keep no copy: "
            f"{_identities_in(erased.identities, erased.communities)}. "
            f"If you `/pln join` again, you start afresh.{still_up}"
        )
    ]


async def _forget_platform_records(
    messenger: Messenger, accounts: tuple[tuple[str, str, str], ...]
) -> None:
    """What the platform adapter holds about the person (an installer's id) goes too."""
    if not isinstance(messenger, ForgetsUsers):
        return
    for platform, community_external_id, user_id in accounts:
        if platform != messenger.platform:
            continue  # another platform's process forgets its own records
        try:
            await messenger.forget_user(community_external_id, user_id)
        except Exception as error:  # the erasure itself is done; say which step failed
            log.warning(
                "could not forget a platform record",
                extra={"fields": {"error": type(error).__name__}},
            )


def count(n: int, what: str) -> str:
    """`1 answer`, `2 answers`."""
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _identities_in(identities: int, communities: int) -> str:
    """`1 identity in 1 community`, `3 identities in 2 communities`."""
    who = "identity" if identities == 1 else "identities"
    where = "community" if communities == 1 else "communities"
    return f"{identities:,} {who} in {communities:,} {where}"


def forget_confirmation(held: _Holdings) -> OutgoingMessage:
    posts = len(held.posts)
    lines = [
        "This erases everything I hold about you, for good:",
        f"• your {count(held.answers, 'answer')} and {count(held.notes, 'note')}",
        f"• the {count(held.prompts, 'prompt')} you received, skips and snoozes included",
        "• your profile: name, time zone, pause and digest settings",
        f"• you in every PLN on {held.platform.title()} and every linked identity of yours "
        f"({_identities_in(held.identities, held.communities)}), and any link codes",
        f"• {count(posts, 'shared post')} in the PLN channel, taken down first"
        if posts
        else "• nothing shared: no posts to take down",
        "A record that an erasure happened is kept, with no name and no content. You can "
        "join again afterwards and start fresh. Want a copy first? Type `/pln export`.",
        "Press Erase everything, or type `/pln forget-me confirm`.",
    ]
    return OutgoingMessage(
        text="\n".join(lines),
        buttons=(Button("Erase everything", FORGET_CONFIRM_ACTION, "", ButtonStyle.DANGER),),
    )
