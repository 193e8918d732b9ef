"""Which community a direct message belongs to, when the platform does not say (Discord).

A member of several guilds has one DM channel with the bot. Each event there is placed by
what it refers to: the row a button names, the prompt a reply answers, the answer or note
an edit changes, the community a member chose for a waiting message. The queries behind
this (bot/store/dm_routing.py) take the platform user id, so nobody else's row routes
anything.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import actions, pending_dms, reflections, registry
from bot.core.actors import Actor, CommunityRef
from bot.core.events import (
    ButtonPressed,
    DirectUser,
    Event,
    FormSubmitted,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    Outcome,
)
from bot.store import dm_routing
from bot.store import pending_dms as pending_store
from bot.store.models import Community


async def community_referred_to(
    session: AsyncSession, who: DirectUser, event: Event
) -> Community | None:
    platform, user = who.platform, who.user_id
    match event:
        case (
            ButtonPressed(action_id=action_id, value=value)
            | FormSubmitted(action_id=action_id, value=value)
        ):
            kind = registry.routes_by(action_id)
            if kind == "pending":
                chosen = pending_dms.chosen_community(value)
                return None if chosen is None else await _chosen(session, who, *chosen)
            row_id = None if kind is None else actions.row_id(value, kind)
            if row_id is None or kind is None:
                return None
            find = _ROW_FINDERS[kind]
            return await find(session, platform, user, row_id)
        case MessagePosted(reply_to=reply_to):
            if reply_to is not None:
                replied = await dm_routing.community_of_message(session, platform, user, reply_to)
                if replied is not None:
                    return replied
            return await dm_routing.community_of_latest_prompt(session, platform, user)
        case MessageEdited(message_ref=ref) | MessageDeleted(message_ref=ref):
            return await dm_routing.community_of_message(session, platform, user, ref)
    return None


async def _chosen(
    session: AsyncSession, who: DirectUser, pending_id: int, external_id: str
) -> Community | None:
    """The community a member chose for their waiting message, if it is one of theirs."""
    if not await pending_store.is_waiting(session, who.platform, who.user_id, pending_id):
        return None
    return await dm_routing.community_of_user(session, who.platform, who.user_id, external_id)


async def waiting_message_changed(
    session: AsyncSession, who: DirectUser, event: Event
) -> Outcome | None:
    """An edit or deletion of a message still waiting for its community, applied to it."""
    match event:
        case MessageEdited(message_ref=ref, text=text):
            text = reflections.storable(text)
            if reflections.check_text(text) is None and await pending_store.follow_edit(
                session, who.platform, who.user_id, ref, text
            ):
                return Outcome(())
        case MessageDeleted(message_ref=ref):
            if await pending_store.drop(session, who.platform, who.user_id, ref):
                return Outcome(())
    return None


_ROW_FINDERS = {
    "delivery": dm_routing.community_of_delivery,
    "post": dm_routing.community_of_post,
    "answer": dm_routing.community_of_answer,
    "seat": dm_routing.community_of_seat,
}


def community_ref(community: Community) -> tuple[str, str, str]:
    return community.platform, community.external_id, community.name or ""


def dm_actor(who: DirectUser, community: CommunityRef) -> Actor:
    return Actor(
        community=community,
        user_id=who.user_id,
        display_name=(who.display_name or who.user_id)[:200],
        in_direct_message=True,
    )
