"""Sharing an answer with the PLN: a post with the author's name in the community channel.

Answers are private until their author shares one. The post is a platform call, so it
happens between two units of work: the first writes the share as "posting" (the unique
answer id makes a double press post once), the platform is called outside any
transaction, and the second records where the post went, or removes the row if it failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.actions import answer_value
from bot.core.actors import Actor
from bot.core.context import Context, ContextRunner
from bot.core.formatting import cut
from bot.core.messages import Button, OutgoingMessage, Section, plain
from bot.core.ports import ChannelMessenger, Messenger, SendStatus
from bot.prompts.library import default_library
from bot.store import shares as share_store
from bot.store.identities import linked_member_ids
from bot.store.models import Answer, Delivery, Schedule, ScheduleKind

log = logging.getLogger(__name__)

SHARE_ACTION = "pln.answer.share"
UNSHARE_ACTION = "pln.answer.unshare"

POST_ANSWER_CHARS = 30_000  # the adapters cut further to their platform's limits

NOT_A_MEMBER = plain("Type `/pln join` first: then your answers are yours to share.")


def unknown_answer(answer_id: int) -> OutgoingMessage:
    """The same words for an id that does not exist and for someone else's answer."""
    return plain(
        f"I couldn't find a #{answer_id} of yours to do that with. `/pln history` shows your "
        "answers and notes with their numbers."
    )


def elsewhere(post: share_store.SharedPost, what: str) -> OutgoingMessage:
    """A post on another platform (a linked identity's) can only be taken down from there."""
    return plain(
        f"Answer #{post.number} was shared on {post.platform.title()}, and I can only take "
        f"that post down from there: type `/pln unshare #{post.number}` on "
        f"{post.platform.title()}, then {what} here."
    )


@dataclass(frozen=True)
class _Planned:
    """A share written as "posting": what to post, and where."""

    share_id: int
    community_external_id: str
    channel_id: str
    message: OutgoingMessage


async def share(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int
) -> list[OutgoingMessage]:
    """Post one of the member's answers in the PLN channel, with their name."""
    if not isinstance(messenger, ChannelMessenger):
        return [plain("I can't post in a channel on this platform, so sharing isn't possible.")]

    async def plan(ctx: Context) -> _Planned | OutgoingMessage:
        return await _plan_share(ctx, answer_id)

    planned = await run(actor, plan)
    if isinstance(planned, OutgoingMessage):
        return [planned]
    try:
        result = await messenger.send_to_channel(
            planned.community_external_id, planned.channel_id, planned.message
        )
        posted_ref = result.platform_message_ref if result.status == SendStatus.SENT else None
        reason = result.reason
    except Exception as error:  # the Messenger contract: raising means "not posted"
        posted_ref, reason = None, type(error).__name__
    if posted_ref is None:
        log.warning("sharing an answer failed", extra={"fields": {"reason": reason}})

    async def record(ctx: Context) -> bool:
        if posted_ref is None:
            await share_store.remove_share(ctx.session, planned.share_id)
            return False
        return await share_store.mark_posted(ctx.session, planned.share_id, posted_ref)

    kept = await run(actor, record)
    if posted_ref is None:
        return [
            plain(
                "I couldn't post in the PLN channel just now, so your answer stays private and "
                f"nothing is lost. Try `/pln share #{answer_id}` again later; if it keeps "
                "failing, ask a moderator to check I can post in the channel."
            )
        ]
    if not kept:  # the answer was deleted (or unshared) while the post was on its way
        await _take_down(messenger, planned.community_external_id, planned.channel_id, posted_ref)
        return [plain(f"Answer #{answer_id} is gone, so I took its post down again.")]
    return [
        OutgoingMessage(
            text=(
                f"Shared answer #{answer_id} with the PLN in its channel. "
                f"`/pln unshare #{answer_id}` takes the post down again."
            ),
            buttons=(Button("Unshare", UNSHARE_ACTION, answer_value(answer_id)),),
        )
    ]


async def _plan_share(ctx: Context, answer_id: int) -> _Planned | OutgoingMessage:
    member = ctx.member
    if member is None:
        return NOT_A_MEMBER
    found = await share_store.own_answer(
        ctx.session, await linked_member_ids(ctx.session, member), answer_id
    )
    if found is None:
        return unknown_answer(answer_id)
    answer, delivery = found
    channel_id = ctx.community.channel_id
    if not channel_id:
        return plain(
            "This PLN has no channel for shared answers yet, so I can't share this. A "
            "moderator chooses one with `/pln channel here` in it (or `/pln channel #name`); "
            f"then `/pln share #{answer_id}` works."
        )
    existing = await share_store.share_of_answer(ctx.session, answer.id)
    if existing is not None:
        return plain(
            f"Answer #{answer_id} is already shared with the PLN. "
            f"`/pln unshare #{answer_id}` takes it down."
        )
    row = await share_store.start_share(ctx.session, answer, ctx.community.id, channel_id, ctx.now)
    message = shared_answer_message(
        member.display_name, await _prompt_for_post(ctx, delivery), answer
    )
    return _Planned(row.id, ctx.community.external_id, channel_id, message)


def shared_answer_message(author: str, prompt: str, answer: Answer) -> OutgoingMessage:
    """The channel post: who wrote it, the prompt and the answer, as plain text.

    Nothing here is markup: the author's name and words are data the adapters escape, and
    the core adds no mention of anyone.
    """
    text = cut(answer.text, POST_ANSWER_CHARS)
    heading = f"{author} shared a reflection"
    return OutgoingMessage(
        kind="shared_answer",
        heading=heading,
        text=f"{heading}\n\nPrompt: {prompt}\n\n{text}",
        sections=(Section(heading="Prompt", body=prompt), Section(body=text)),
        private=False,
        metadata={"answer_id": str(answer.id)},
    )


async def _prompt_for_post(ctx: Context, delivery: Delivery) -> str:
    """The prompt as the member was asked, except a revisit's: that one quotes an earlier
    answer the member did not choose to share, so the post names the original question."""
    schedule = await ctx.session.get(Schedule, delivery.schedule_id)
    if schedule is None or schedule.kind != ScheduleKind.REVISIT:
        return delivery.prompt_text
    prompt = default_library().by_id(delivery.prompt_id)
    question = prompt.question if prompt is not None else "an earlier reflection"
    return f"Looking back at: {question}"


async def unshare(
    run: ContextRunner, messenger: Messenger, actor: Actor, answer_id: int
) -> list[OutgoingMessage]:
    """Take the channel post of a shared answer down; the answer stays, private again."""

    async def find(ctx: Context) -> share_store.SharedPost | OutgoingMessage:
        if ctx.member is None:
            return NOT_A_MEMBER
        ids = await linked_member_ids(ctx.session, ctx.member)
        found = await share_store.own_answer(ctx.session, ids, answer_id)
        if found is None:
            return unknown_answer(answer_id)
        posts = await share_store.shared_posts(ctx.session, ids, found[0].id)
        if not posts:
            return plain(f"Answer #{answer_id} isn't shared: it is private to you already.")
        return posts[0]

    post = await run(actor, find)
    if isinstance(post, OutgoingMessage):
        return [post]
    if post.platform_message_ref is not None:
        if post.platform != messenger.platform:
            return [elsewhere(post, "it is private again")]
        if not await take_down(messenger, post):
            return [
                plain(
                    f"I couldn't take the post of answer #{answer_id} down just now, so it is "
                    "still shared. Please try again in a minute."
                )
            ]

    async def forget(ctx: Context) -> None:
        await share_store.remove_share(ctx.session, post.share_id)

    await run(actor, forget)
    return [plain(f"Taken down: answer #{answer_id} is private to you again.")]


async def unshare_deleted_message(
    run: ContextRunner,
    messenger: Messenger,
    actor: Actor,
    message_ref: str,
    *,
    edited: bool = False,
) -> list[OutgoingMessage]:
    """The member deleted (or edited) a message of a shared answer: its post comes down
    before the stored copy changes.

    Called before `reflections.delete_message` (which removes the part, and the answer and
    its share row with the last part), so the post's reference is still known. The post
    showed the old words, so it comes down even when other parts remain. After an edit the
    member may share the new version; the bot never republishes words on its own.
    """

    async def find(ctx: Context) -> share_store.SharedPost | None:
        if ctx.member is None:
            return None
        ids = await linked_member_ids(ctx.session, ctx.member)
        return await share_store.shared_post_of_message(ctx.session, ids, message_ref)

    post = await run(actor, find)
    if post is None or post.platform_message_ref is None:
        return []
    if post.platform != messenger.platform or not await take_down(messenger, post):
        return [
            plain(
                f"Answer #{post.number} was shared with the PLN and I couldn't take its post "
                "down: please delete it in the channel, or ask a moderator to."
            )
        ]

    async def forget(ctx: Context) -> None:
        await share_store.remove_share(ctx.session, post.share_id)

    await run(actor, forget)
    if edited:
        return [taken_down_after_edit(post.number)]
    return [plain(f"Answer #{post.number} was shared with the PLN, so I took its post down too.")]


def taken_down_after_edit(number: int) -> OutgoingMessage:
    """An edit (in chat or on the web page) of a shared answer took its post down."""
    return plain(
        f"You edited answer #{number}, which was shared with the PLN, so I took "
        f"its post down. `/pln share #{number}` shares the new version."
    )


async def take_down(messenger: Messenger, post: share_store.SharedPost) -> bool:
    """Delete a shared post on this messenger's platform; True when it is gone."""
    if post.platform_message_ref is None:
        return True  # never posted (or its outcome was never recorded): nothing to delete
    return await _take_down(
        messenger, post.community_external_id, post.channel_id, post.platform_message_ref
    )


async def _take_down(
    messenger: Messenger, community_external_id: str, channel_id: str, ref: str
) -> bool:
    if not isinstance(messenger, ChannelMessenger):
        return False
    try:
        return await messenger.delete_in_channel(community_external_id, channel_id, ref)
    except Exception as error:  # a platform fault: the post stays, the caller says so
        log.warning(
            "taking a shared post down failed",
            extra={"fields": {"error": type(error).__name__}},
        )
        return False
