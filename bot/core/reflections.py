"""Answers, skips, free notes and history: what members write, kept private to them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.core.actions import ActionSpec, FormSpec, answer_value, delivery_id
from bot.core.context import Context
from bot.core.formatting import local_datetime, word_count
from bot.core.messages import Button, Form, FormInput, OutgoingMessage, plain
from bot.core.prompt_messages import (
    ANSWER_ACTION,
    ANSWER_FORM_ACTION,
    POST_ANSWER_ACTION,
    SKIP_ACTION,
    SNOOZE_ACTION,
)
from bot.core.prompt_picker import RotationPicker
from bot.core.revisit_quotes import forget_quotes, requote
from bot.core.sharing import SHARE_ACTION
from bot.prompts.library import LibraryPrompt, default_library
from bot.store import channel_posts as post_store
from bot.store import deliveries as delivery_store
from bot.store import reflections as reflection_store
from bot.store.models import Delivery, Schedule, ScheduleKind

MAX_MESSAGE_CHARS = 40_000
MAX_ANSWER_CHARS = 100_000  # one answer's parts together: later additions beyond it are refused
SNOOZE_FOR = timedelta(days=1)
REVISIT_DAY_OFFSET = 3  # a revisit comes mid-week, not with the weekly prompt
OPEN_FOR = timedelta(days=7)  # a prompt takes plain replies until the next comes, at most this


INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def storable(text: str) -> str:
    """The text as stored: NUL (PostgreSQL text cannot hold it) becomes U+FFFD; all else as is."""
    return text.replace("\x00", "\ufffd")


def check_text(text: str) -> OutgoingMessage | None:
    """A friendly refusal for an empty or over-long message, or None when it can be stored."""
    if not text.translate(INVISIBLE).strip():
        return plain(
            "That message was empty, so there was nothing to save. Write your reflection as a "
            "message, or type `/pln help`."
        )
    if len(text) > MAX_MESSAGE_CHARS:
        return plain(
            f"That message has {len(text):,} characters; I can keep up to {MAX_MESSAGE_CHARS:,} "
            "in one message. Nothing was saved: please send it in two or more parts."
        )
    return None


async def record_message(
    ctx: Context, text: str, message_ref: str | None, reply_to: str | None = None
) -> list[OutgoingMessage]:
    """A member's message: the answer to their open prompt, or else a free note.

    `reply_to` is the platform's reference of the message this one replies to (a thread
    parent): a reply to a prompt answers that prompt, whichever week it was (a revisit is
    answered this way or by its button). Otherwise the open prompt: the latest weekly one,
    for `OPEN_FOR` after it came or until the next one arrives. A message whose
    `message_ref` is already stored is a platform's duplicate delivery: stored once, no reply.
    """
    member = ctx.require_member()
    if message_ref is not None and await reflection_store.message_ref_is_stored(
        ctx.session, message_ref
    ):
        return []
    refusal = check_text(text)
    if refusal is not None:
        return [refusal]
    text = storable(text)
    if reply_to is not None:
        replied = await delivery_store.member_delivery_by_ref(ctx.session, member.id, reply_to)
        if replied is not None:
            return [await _append_answer(ctx, replied, text, message_ref)]
    delivery = await delivery_store.open_prompt(ctx.session, member.id, ctx.now - OPEN_FOR)
    if delivery is not None and delivery.skipped_at is None:
        return [await _append_answer(ctx, delivery, text, message_ref)]
    await reflection_store.add_free_note(
        ctx.session, member_id=member.id, text=text, platform_message_ref=message_ref, now=ctx.now
    )
    if delivery is not None:
        why = "You skipped this week's prompt, so"
    elif await delivery_store.latest_sent_delivery(ctx.session, member.id) is not None:
        why = "Your last prompt closed a week after it came, so"
    else:
        why = "There's no open prompt right now, so"
    next_time = await ctx.next_prompt_time()
    after = f" Your next prompt arrives {local_datetime(next_time, ctx.zone)}." if next_time else ""
    return [plain(f"{why} I kept this as a private note.{after}")]


async def answer_with_form(ctx: Context, delivery_id: int, text: str) -> list[OutgoingMessage]:
    """An answer submitted through the Answer form of a specific prompt."""
    member = ctx.require_member()
    refusal = check_text(text)
    if refusal is not None:
        return [refusal]
    text = storable(text)
    delivery = await delivery_store.member_delivery(ctx.session, member.id, delivery_id)
    if delivery is None or delivery.sent_at is None:
        return [plain("I couldn't find that prompt any more. Reply to your latest prompt instead.")]
    return [await _append_answer(ctx, delivery, text, None)]


async def answer_channel_post(ctx: Context, post_id: int) -> list[OutgoingMessage]:
    """Channel mode: the member's own delivery of the channel's post, and its answer form."""
    member = ctx.require_member()
    post = await post_store.community_post(ctx.session, ctx.community.id, post_id)
    if post is None or post.sent_at is None:
        return [plain("I couldn't find that prompt any more. Wait for the next one.")]
    delivery = await post_store.member_delivery_for_post(ctx.session, post, member.id, ctx.now)
    return [answer_form(delivery.id)]


def answer_form(delivery_id: int) -> OutgoingMessage:
    return OutgoingMessage(
        text="Write your answer as a message here, or in the form.",
        form=Form(
            title="Your reflection",
            submit_action_id=ANSWER_FORM_ACTION,
            value=str(delivery_id),
            inputs=(
                FormInput("answer", "Your answer (private to you)", max_length=MAX_MESSAGE_CHARS),
            ),
        ),
    )


async def _append_answer(
    ctx: Context, delivery: Delivery, text: str, message_ref: str | None
) -> OutgoingMessage:
    """The delivery's answer starts with this message, or gets it as one more part.

    An addition costs the same few statements however long the answer is: its size comes
    from one aggregate query, and no earlier part is read. An addition that would take the
    answer past MAX_ANSWER_CHARS is refused whole, and the member is told.
    """
    size = await reflection_store.answer_size(ctx.session, delivery.id)
    if size is not None and size.chars + len(text) > MAX_ANSWER_CHARS:
        return too_long_for_the_answer(size.chars, len(text))
    if delivery.skipped_at is not None:
        delivery.skipped_at = None  # answering after all un-skips the week
    delivery.remind_at = None  # answered: no reminder
    if size is not None:
        await reflection_store.add_part(
            ctx.session, size=size, text=text, platform_message_ref=message_ref, now=ctx.now
        )
        total, words = size.chars + len(text), word_count(text)
        return plain(
            f"Added to your answer ({words:,} more word{'' if words == 1 else 's'}; it now "
            f"holds {total:,} of the {MAX_ANSWER_CHARS:,} characters an answer can hold)."
        )
    number = await reflection_store.start_answer(
        ctx.session, delivery=delivery, text=text, platform_message_ref=message_ref, now=ctx.now
    )
    prompt = await RotationPicker(default_library()).lookup(ctx.session, delivery.prompt_id)
    await _schedule_revisit(ctx, delivery, prompt)
    follow_up = (
        f"\nA follow-up, if you like: {prompt.follow_up} Reply here and I'll add it to your answer."
        if prompt is not None
        else ""
    )
    return OutgoingMessage(
        text=(
            f"Saved as your answer to this week's reflection ({word_count(text):,} words, "
            "private to you). Send another message to add to it; `/pln history` shows your "
            "answers. To let the PLN read it, press Share with the PLN (or "
            f"`/pln share #{number}`).{follow_up}"
        ),
        buttons=(Button("Share with the PLN", SHARE_ACTION, answer_value(number)),),
    )


def too_long_for_the_answer(held: int, adding: int) -> OutgoingMessage:
    """The refusal of an addition that would take an answer past MAX_ANSWER_CHARS."""
    room = max(MAX_ANSWER_CHARS - held, 0)
    return plain(
        f"That message ({adding:,} characters) was not saved: your answer to this prompt "
        f"already holds {held:,} characters, and one answer can hold up to "
        f"{MAX_ANSWER_CHARS:,}. Everything you wrote before is kept. "
        + (
            f"There is room for {room:,} more characters; send a shorter addition, or keep "
            "the rest for next week's answer."
            if room
            else "It is full: keep the rest for next week's answer."
        )
    )


def edit_too_long(chars: int) -> OutgoingMessage:
    """An edit (in chat or on the web page) longer than one message may be: refused."""
    return plain(
        f"That edit has {chars:,} characters, more than the {MAX_MESSAGE_CHARS:,} I "
        "can keep, so I kept the text from before the edit."
    )


EDIT_PAST_ANSWER_LIMIT = plain(
    f"With that edit your answer would hold more than the {MAX_ANSWER_CHARS:,} characters "
    "one answer can, so I kept the text from before the edit."
)


async def edit_message(ctx: Context, message_ref: str, text: str) -> list[OutgoingMessage]:
    """The member edited a message the bot stored: the stored text follows the edit.

    Silent when it worked (the edit is visible to them already); edits of messages the bot
    never stored (commands, chat) are ignored.
    """
    member = ctx.member
    if member is None:
        return []
    part = await reflection_store.part_by_ref(ctx.session, member.id, message_ref)
    note = (
        None
        if part is not None
        else await reflection_store.note_by_ref(ctx.session, member.id, message_ref)
    )
    if part is None and note is None:
        return []
    if not text.translate(INVISIBLE).strip():
        return await delete_message(ctx, message_ref)
    if len(text) > MAX_MESSAGE_CHARS:
        return [edit_too_long(len(text))]
    if part is not None:
        answer = await reflection_store.answer_by_id(ctx.session, part.answer_id)
        if answer is not None:
            size = await reflection_store.answer_size(ctx.session, answer.delivery_id)
            if size is not None and size.chars - len(part.text) + len(text) > MAX_ANSWER_CHARS:
                return [EDIT_PAST_ANSWER_LIMIT]
        part.text = storable(text)
        part.edited_at = ctx.now
        if answer is not None:
            answer.updated_at = ctx.now
            await requote(ctx.session, [member.id], answer.delivery_id)
    elif note is not None:
        note.text = storable(text)
    return []


async def edit_changes_text(ctx: Context, message_ref: str, text: str) -> bool:
    """Whether an edit event really changes a stored message: platforms also report "edits"
    that leave the text as it was (Slack, when a link unfurls)."""
    member = ctx.member
    if member is None:
        return False
    part = await reflection_store.part_by_ref(ctx.session, member.id, message_ref)
    return part is not None and part.text != storable(text)


async def delete_message(ctx: Context, message_ref: str) -> list[OutgoingMessage]:
    """The member deleted a message the bot stored: the stored copy goes too (even after
    they left the PLN: their words are theirs to remove)."""
    member = ctx.member
    if member is None:
        return []
    part = await reflection_store.part_by_ref(ctx.session, member.id, message_ref)
    if part is not None:
        answer = await reflection_store.answer_by_id(ctx.session, part.answer_id)
        answer_gone = await reflection_store.remove_part(ctx.session, part)
        if answer_gone:
            if answer is not None:
                await forget_quotes(ctx.session, [member.id], answer.delivery_id)
            return [plain("You deleted your answer, so I deleted my copy too.")]
        if answer is not None:
            answer.updated_at = ctx.now  # its text changed: kept phrases no longer hold
            await requote(ctx.session, [member.id], answer.delivery_id)
        return [plain("You deleted a message of your answer, so I removed it from the answer.")]
    note = await reflection_store.note_by_ref(ctx.session, member.id, message_ref)
    if note is not None:
        await ctx.session.delete(note)
        return [plain("You deleted a note, so I deleted my copy too.")]
    return []


async def snooze(ctx: Context, delivery_id: int) -> list[OutgoingMessage]:
    """Remind the member of this prompt a day from now (sent by the delivery loop)."""
    member = ctx.require_member()
    delivery = await delivery_store.member_delivery(ctx.session, member.id, delivery_id)
    if delivery is None or delivery.sent_at is None:
        return [plain("I couldn't find that prompt any more.")]
    if await reflection_store.answer_for_delivery(ctx.session, delivery.id) is not None:
        return [plain("You've already answered this prompt, so there's nothing to snooze.")]
    delivery.skipped_at = None
    delivery.remind_at = ctx.now + SNOOZE_FOR
    when = local_datetime(delivery.remind_at, ctx.zone)
    return [plain(f"Snoozed: I'll send this prompt again {when}.")]


async def _schedule_revisit(ctx: Context, delivery: Delivery, prompt: LibraryPrompt | None) -> None:
    """After a first answer to a prompt with a revisit: a one-off for this member only,
    claimed and sent through the same exactly-once path as every prompt."""
    if prompt is None or prompt.revisit is None:
        return
    source = await ctx.session.get(Schedule, delivery.schedule_id)
    if source is not None and source.kind == ScheduleKind.REVISIT:
        return  # a revisit is not revisited again
    ctx.session.add(
        Schedule(
            community_id=ctx.community.id,
            kind=ScheduleKind.REVISIT,
            fire_at=_revisit_time(ctx.now, delivery.due_at, prompt.revisit.after_weeks),
            active=True,
            created_at=ctx.now,
            member_id=delivery.member_id,
            source_delivery_id=delivery.id,
        )
    )


def _revisit_time(now: datetime, prompt_due: datetime, weeks: int) -> datetime:
    """Weeks after the prompt, on another day than the weekly one (3 days later), so the
    two never arrive together; never sooner than a day from now."""
    return max(
        prompt_due + timedelta(weeks=weeks, days=REVISIT_DAY_OFFSET), now + timedelta(days=1)
    )


async def skip(ctx: Context, delivery_id: int | None = None) -> list[OutgoingMessage]:
    member = ctx.require_member()
    if delivery_id is None:
        delivery = await delivery_store.open_prompt(ctx.session, member.id, ctx.now - OPEN_FOR)
    else:
        delivery = await delivery_store.member_delivery(ctx.session, member.id, delivery_id)
    if delivery is None:
        return [plain("There's no prompt to skip yet. Your first one is on its way.")]
    if await reflection_store.answer_for_delivery(ctx.session, delivery.id) is not None:
        return [plain("You've already answered this prompt, so there's nothing to skip.")]
    if delivery.skipped_at is not None:
        return [plain("This week's prompt is already skipped. See you next week!")]
    delivery.skipped_at = ctx.now
    delivery.remind_at = None
    return [plain("Skipped this week's prompt. No worries: see you next week!")]


# --- the prompt's buttons and the answer form ---------------------------------------------


def _answer_form_for(value: str) -> OutgoingMessage | None:
    delivery = delivery_id(value)
    return None if delivery is None else answer_form(delivery)


def _check_answer(fields: Mapping[str, str]) -> dict[str, str]:
    refusal = check_text(fields.get("answer", ""))
    return {"answer": refusal.text} if refusal is not None else {}


async def _answer_submitted(
    ctx: Context, delivery: int, fields: Mapping[str, str]
) -> list[OutgoingMessage]:
    return await answer_with_form(ctx, delivery, fields.get("answer", ""))


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(ANSWER_ACTION, opens_form=_answer_form_for, routes_by="delivery"),
    ActionSpec(SKIP_ACTION, handler=skip, routes_by="delivery"),
    ActionSpec(SNOOZE_ACTION, handler=snooze, changes_schedule=True, routes_by="delivery"),
    # channel mode: the post's Answer privately opens the member's own answer form
    ActionSpec(
        POST_ANSWER_ACTION,
        handler=answer_channel_post,
        handler_opens_form=True,
        routes_by="post",
    ),
)
FORMS: tuple[FormSpec, ...] = (
    FormSpec(
        ANSWER_FORM_ACTION, check=_check_answer, handler=_answer_submitted, routes_by="delivery"
    ),
)
