"""Moderator work: sending the prompt now, and seeing the community's schedules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context
from bot.core.messages import OutgoingMessage, plain
from bot.prompts.library import default_library
from bot.prompts.tracks import available_tracks, find_track, track_elements
from bot.store import community_prompts as community_prompt_store
from bot.store.models import Delivery, DeliveryStatus, Schedule, ScheduleKind

if TYPE_CHECKING:
    from bot.core.commands.moderator_commands import AddPrompt


async def create_prompt_now(ctx: Context) -> int:
    """A one-off occurrence of this week's prompt, due now; returns its schedule id.

    Each `prompt now` is its own occurrence, so each reaches every active member once.
    """
    schedule = Schedule(
        community_id=ctx.community.id,
        kind=ScheduleKind.PROMPT_NOW,
        fire_at=ctx.now,
        prompt_id=None,  # each member's next prompt by rotation
        active=True,
        created_at=ctx.now,
        created_by=ctx.member.id if ctx.member else None,
    )
    ctx.session.add(schedule)
    await ctx.session.flush()
    return schedule.id


async def occurrence_outcome(session: AsyncSession, schedule_id: int) -> dict[str, int]:
    """How many deliveries of one occurrence ended in each state."""
    result = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.schedule_id == schedule_id)
        .group_by(Delivery.status)
    )
    return {status: count for status, count in result.tuples()}


def prompt_now_reply(outcome: dict[str, int]) -> OutgoingMessage:
    sent = outcome.get(DeliveryStatus.SENT, 0)
    pending = outcome.get(DeliveryStatus.CLAIMED, 0)
    failed = outcome.get(DeliveryStatus.FAILED, 0)
    if not sum(outcome.values()):
        return plain("There are no active members to send the prompt to yet.")
    parts = [f"Sent this week's prompt to {sent} member{'s' if sent != 1 else ''}."]
    if pending:
        parts.append(f"{pending} more will get it shortly (the platform asked me to slow down).")
    if failed:
        parts.append(f"{failed} couldn't be reached.")
    return plain(" ".join(parts))


async def delivery_mode(ctx: Context, mode: str) -> list[OutgoingMessage]:
    """Show or change how this community's prompts reach members."""
    community = ctx.community
    if mode == "show":
        where = f" (channel id {community.channel_id})" if community.channel_id else ""
        return [plain(f"Prompts go out by {_mode_words(community.delivery_mode)}{where}.")]
    if mode == "channel" and not community.channel_id:
        return [
            plain(
                "Choose the PLN channel first: type `/pln channel here` in it. Then "
                "`/pln mode channel` posts each prompt there once."
            )
        ]
    community.delivery_mode = mode
    return [plain(f"Done: prompts now go out by {_mode_words(mode)}.")]


async def set_channel(ctx: Context, target: str | None) -> list[OutgoingMessage]:
    community = ctx.community
    if target is None:
        if community.channel_id is None:
            return [plain("No PLN channel yet: type `/pln channel here` in the one you want.")]
        return [plain(f"The PLN channel has the id {community.channel_id}.")]
    channel_id = ctx.actor.channel_id if target == "here" else target
    if not channel_id:
        return [plain("I can't tell which channel this is: pick it with #channel-name.")]
    community.channel_id = channel_id
    return [plain("This is now the PLN channel. `/pln mode channel` posts the prompts here.")]


def channel_post_reply(status: str) -> OutgoingMessage:
    if status == DeliveryStatus.SENT:
        return plain("Posted this week's prompt in the PLN channel; members answer it privately.")
    if status == DeliveryStatus.CLAIMED:
        return plain("The platform asked me to slow down: the prompt will be posted shortly.")
    return plain(
        "I couldn't post in the PLN channel. Check that I can see and write in it, then "
        "choose it again with `/pln channel here`."
    )


def _mode_words(mode: str) -> str:
    if mode == "channel":
        return "one post in the PLN channel, answered privately"
    return "direct message to each member"


async def choose_track(ctx: Context, name: str | None) -> list[OutgoingMessage]:
    """List the tracks (anyone), or choose one (moderators)."""
    library = default_library()
    if name is None:
        lines = ["Prompt tracks (the current one is marked):"]
        for track in available_tracks(library):
            mark = "➤ " if track.id == ctx.community.track else "• "
            lines.append(f"{mark}`{track.id}` {track.name}: {track.description}")
        if ctx.is_moderator:
            lines.append("Choose one with `/pln track <name>`.")
        return [plain("\n".join(lines))]
    if not ctx.is_moderator:
        return [plain("Only moderators can choose the track. `/pln track` shows them.")]
    chosen = find_track(library, name)
    if chosen is None:
        known = ", ".join(f"`{t.id}`" for t in available_tracks(library))
        return [plain(f"There is no track called {name}. Choose one of {known}.")]
    ctx.community.track = chosen.id
    lines = [f"This community's prompts now come from: {chosen.name}."]
    elements = track_elements(library, chosen)
    if elements:
        lines.append("What it covers:")
        lines += [f"• {element.name}: {element.description}" for element in elements]
    return [plain("\n".join(lines))]


async def add_prompt(ctx: Context, command: AddPrompt) -> list[OutgoingMessage]:
    prompt = await community_prompt_store.add_prompt(
        ctx.session,
        community_id=ctx.community.id,
        framework_id=command.framework_id,
        element_id=command.element_id,
        question=command.question,
        follow_up=command.follow_up,
        created_by=ctx.member.id if ctx.member else None,
        now=ctx.now,
    )
    return [
        plain(
            f"Added {prompt.prompt_id} ({command.framework_id}/{command.element_id}). It joins "
            "the rotation from the next prompt; `/pln prompts retire "
            f"{prompt.prompt_id}` removes it."
        )
    ]


async def list_prompts(ctx: Context) -> list[OutgoingMessage]:
    prompts = await community_prompt_store.active_prompts(ctx.session, ctx.community.id)
    if not prompts:
        return [plain("No prompts of your own yet. Add one with `/pln prompts add`.")]
    lines = ["Your community's own prompts:"]
    lines += [f"• `{p.prompt_id}` [{p.framework_id}/{p.element_id}] {p.question}" for p in prompts]
    return [plain("\n".join(lines))]


async def retire_prompt(ctx: Context, prompt_id: str) -> list[OutgoingMessage]:
    prompt = await community_prompt_store.find_prompt(ctx.session, ctx.community.id, prompt_id)
    if prompt is None or not prompt.active:
        return [
            plain(f"There is no active prompt {prompt_id} here. `/pln prompts list` shows them.")
        ]
    prompt.active = False
    return [plain(f"Retired {prompt_id}: it won't be sent again.")]
