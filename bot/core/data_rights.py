"""Each member's rights over their data: delete an answer, export everything, erase it all.

Deleting and erasing may take posts down from the PLN channel, a platform call, so they
run as units of work around it (`ContextRunner`): read what to take down, take it down
outside any transaction, then delete. The export only reads, in one unit of work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import export_schema as schema
from bot.core.actors import Actor
from bot.core.context import Context, ContextRunner
from bot.core.export_schema import to_markdown
from bot.core.formatting import cut, local_date
from bot.core.messages import Attachment, Button, ButtonStyle, OutgoingMessage, Section, plain
from bot.core.ports import Messenger
from bot.core.prompt_picker import RotationPicker
from bot.core.revisit_quotes import forget_quotes
from bot.core.sharing import NOT_A_MEMBER, elsewhere, take_down, unknown_answer
from bot.prompts.library import default_library
from bot.store import erasure as erasure_store
from bot.store import shares as share_store
from bot.store.identities import linked_member_ids
from bot.store.models import Community, Member

log = logging.getLogger(__name__)

DELETE_CONFIRM_ACTION = "pln.answer.delete"
FORGET_CONFIRM_ACTION = "pln.data.erase"

PREVIEW_CHARS = 300
NOTHING_HELD = plain("I hold nothing about you here: you have never joined this PLN.")


# -- deleting one answer ------------------------------------------------------------------


async def delete_answer(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int, confirmed: bool
) -> list[OutgoingMessage]:
    """Delete one of the member's own answers, after they confirmed; its post goes first."""

    async def look(ctx: Context) -> OutgoingMessage | list[share_store.SharedPost]:
        if ctx.member is None:
            return NOT_A_MEMBER
        ids = await linked_member_ids(ctx.session, ctx.member)
        found = await share_store.own_answer(ctx.session, ids, answer_id)
        if found is None:
            return unknown_answer(answer_id)
        posts = await share_store.shared_posts(ctx.session, ids, answer_id)
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
            return False, engine
        answer, delivery = found
        await forget_quotes(ctx.session, ids, delivery.id)
        await ctx.session.delete(answer)  # parts and the share row go with it
        return True, engine

    deleted, engine = await run(actor, remove)
    if not deleted:
        return [unknown_answer(answer_id)]
    # after the commit: "for good" means no old page image of it stays in SQLite's WAL
    await erasure_store.truncate_sqlite_wal(engine)
    return [plain(f"Deleted answer #{answer_id} for good.")]


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
            f"Delete answer #{answer_id} ({day})? It is gone for good: I keep no copy.{also}\n"
            f"Press Delete, or type `/pln delete #{answer_id} confirm`."
        ),
        sections=(
            Section(
                heading=f"#{answer_id} · {day}", body=f"{prompt}\n\n{cut(text, PREVIEW_CHARS)}"
            ),
        ),
        buttons=(Button("Delete", DELETE_CONFIRM_ACTION, str(answer_id), ButtonStyle.DANGER),),
    )


# -- erasing everything -------------------------------------------------------------------


@dataclass(frozen=True)
class _Holdings:
    """How much is held about the person, for the confirmation, and the posts to take down."""

    platform: str
    identities: int
    communities: int
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


# -- exporting everything -----------------------------------------------------------------


async def export(ctx: Context) -> list[OutgoingMessage]:
    """A Markdown file to read and a JSON file for programs: everything held about them."""
    if ctx.member is None:
        return [NOTHING_HELD]
    data = await build_export(ctx, await erasure_store.person_member_ids(ctx.session, ctx.member))
    day = ctx.now.astimezone(ctx.zone).date().isoformat()
    markdown = to_markdown(data, ctx.zone)
    as_json = data.model_dump_json(indent=2)
    return [
        OutgoingMessage(
            text=(
                f"Here is everything I hold about you: {count(len(data.answers), 'answer')}, "
                f"{count(len(data.notes), 'note')}, {count(len(data.skips), 'skip')} and "
                f"{count(len(data.shares), 'share')}, with your profile and settings. The Markdown "
                "file is for reading, the JSON file for programs (its fields are described "
                "in the bot's docs/EXPORT.md)."
            ),
            files=(
                Attachment(
                    f"pln-export-{day}.md",
                    markdown.encode(),
                    "text/markdown",
                    "Your PLN data (Markdown)",
                ),
                Attachment(
                    f"pln-export-{day}.json",
                    as_json.encode(),
                    "application/json",
                    "Your PLN data (JSON)",
                ),
            ),
        )
    ]


async def build_export(ctx: Context, member_ids: list[int]) -> schema.PlnExport:
    """Everything held about these member ids (one person), in the export's schema."""
    assert ctx.member is not None
    record = await erasure_store.person_record(ctx.session, member_ids)
    platforms = {member.id: member.platform for member, _ in record.identities}
    shared = {share.answer_id for share, _ in record.shares}
    picker = RotationPicker(default_library())
    answers = []
    for answer, delivery in record.answers:
        prompt = await picker.lookup(ctx.session, delivery.prompt_id)
        answers.append(
            schema.Answer(
                id=answer.id,
                platform=platforms.get(answer.member_id, ""),
                prompt_id=delivery.prompt_id,
                prompt_text=delivery.prompt_text,
                framework=prompt.framework if prompt else None,
                framework_id=prompt.framework_id if prompt else None,
                element=prompt.element if prompt else None,
                element_id=prompt.element_id if prompt else None,
                prompted_at=delivery.sent_at,
                answered_at=answer.created_at,
                updated_at=answer.updated_at,
                text=answer.text,
                parts=[
                    schema.AnswerPart(text=p.text, written_at=p.created_at, edited_at=p.edited_at)
                    for p in answer.parts
                ],
                shared=answer.id in shared,
            )
        )
    answer_of = {delivery.id: answer.id for answer, delivery in record.answers}
    member = ctx.member
    return schema.PlnExport(
        schema_version=schema.SCHEMA_VERSION,
        exported_at=ctx.now,
        profile=schema.Profile(
            display_name=member.display_name,
            time_zone=str(ctx.zone),
            identities=[_identity(m, c) for m, c in record.identities],
        ),
        settings=schema.Settings(
            time_zone=member.timezone,
            digest_cadence=member.digest_cadence,
            paused=member.paused_at is not None,
            communities=[_community_settings(c) for c in _distinct_communities(record)],
        ),
        answers=answers,
        notes=[
            schema.Note(
                platform=platforms.get(n.member_id, ""), text=n.text, written_at=n.created_at
            )
            for n in record.notes
        ],
        skips=[
            schema.Skip(
                prompt_id=d.prompt_id,
                prompt_text=d.prompt_text,
                prompted_at=d.sent_at,
                skipped_at=d.skipped_at,
            )
            for d in record.deliveries
            if d.skipped_at is not None
        ],
        shares=[
            schema.Share(
                answer_id=share.answer_id,
                platform=community.platform,
                community=community.name,
                channel_id=share.channel_id,
                status=share.status,
                shared_at=share.created_at,
            )
            for share, community in record.shares
        ],
        prompts_received=[
            schema.PromptReceived(
                delivery_id=d.id,
                platform=platforms.get(d.member_id, ""),
                prompt_id=d.prompt_id,
                prompt_text=d.prompt_text,
                due_at=d.due_at,
                sent_at=d.sent_at,
                status=d.status,
                skipped_at=d.skipped_at,
                answer_id=answer_of.get(d.id),
            )
            for d in record.deliveries
        ],
        digests_sent=[
            schema.DigestSent(
                period=d.period_key, cadence=d.cadence, status=d.status, sent_at=d.sent_at
            )
            for d in record.digests
        ],
        checkin_pairings=[],
    )


def _identity(member: Member, community: Community) -> schema.Identity:
    return schema.Identity(
        platform=member.platform,
        platform_user_id=member.platform_user_id,
        community=community.name,
        community_platform_id=community.external_id,
        display_name=member.display_name,
        time_zone=member.timezone,
        active=member.active,
        joined_at=member.joined_at,
        left_at=member.left_at,
        paused_at=member.paused_at,
        resumed_at=member.resumed_at,
        unreachable_since=member.unreachable_at,
        digest_cadence=member.digest_cadence,
    )


def _distinct_communities(record: erasure_store.PersonRecord) -> list[Community]:
    seen: dict[int, Community] = {}
    for _, community in record.identities:
        seen.setdefault(community.id, community)
    return list(seen.values())


def _community_settings(community: Community) -> schema.CommunitySettings:
    return schema.CommunitySettings(
        platform=community.platform,
        community=community.name,
        delivery_mode=community.delivery_mode,
        track=community.track,
        pln_channel_chosen=community.channel_id is not None,
        retention_days=community.retention_days,
        llm_summaries=community.llm_summaries,
    )
