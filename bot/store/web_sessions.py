"""Queries of the web page's tables: sessions, sign-in links and the cookie secret.

Callers hand in hashes, never the secret values: the store cannot leak what it never saw.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import Community, Member
from bot.store.web_models import WebSecret, WebSession, WebSignInLink


@dataclass(frozen=True)
class SessionRow:
    """A live session with the member and community it belongs to."""

    session: WebSession
    member: Member
    community: Community


async def purge_expired(session: AsyncSession, now: datetime) -> None:
    """Forget sessions and links that can no longer sign anyone in (done at each sign-in,
    so the tables hold only live rows and a day of dead ones at most)."""
    await session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    await session.execute(delete(WebSignInLink).where(WebSignInLink.expires_at <= now))


async def add_session(
    session: AsyncSession,
    *,
    id_hash: str,
    member: Member,
    platform_admin: bool,
    csrf_token: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    session.add(
        WebSession(
            id_hash=id_hash,
            community_id=member.community_id,
            member_id=member.id,
            platform_admin=platform_admin,
            csrf_token=csrf_token,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()


async def live_session(session: AsyncSession, id_hash: str, now: datetime) -> SessionRow | None:
    """The session with this hash, unless it expired or was signed out."""
    found = (
        await session.execute(
            select(WebSession, Member, Community)
            .join(Member, Member.id == WebSession.member_id)
            .join(Community, Community.id == WebSession.community_id)
            .where(
                WebSession.id_hash == id_hash,
                WebSession.signed_out_at.is_(None),
                WebSession.expires_at > now,
            )
        )
    ).first()
    if found is None:
        return None
    return SessionRow(found[0], found[1], found[2])


async def sign_out(session: AsyncSession, id_hash: str, now: datetime) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.id_hash == id_hash, WebSession.signed_out_at.is_(None))
        .values(signed_out_at=now)
    )


async def add_link(
    session: AsyncSession,
    *,
    token_hash: str,
    member_id: int,
    platform_admin: bool,
    now: datetime,
    expires_at: datetime,
) -> None:
    session.add(
        WebSignInLink(
            token_hash=token_hash,
            member_id=member_id,
            platform_admin=platform_admin,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()


async def usable_link(
    session: AsyncSession, token_hash: str, now: datetime
) -> WebSignInLink | None:
    """The link with this hash if it is neither used nor expired (nothing is changed)."""
    return (
        await session.execute(
            select(WebSignInLink).where(
                WebSignInLink.token_hash == token_hash,
                WebSignInLink.used_at.is_(None),
                WebSignInLink.expires_at > now,
            )
        )
    ).scalar_one_or_none()


async def use_link(session: AsyncSession, token_hash: str, now: datetime) -> WebSignInLink | None:
    """Mark the link used and return it, or None when it was used, expired or never made.

    One conditional UPDATE, so two presses at once (two tabs, two processes) sign in once.
    """
    marked = await session.execute(
        update(WebSignInLink)
        .where(
            WebSignInLink.token_hash == token_hash,
            WebSignInLink.used_at.is_(None),
            WebSignInLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(WebSignInLink.id)
    )
    link_id = marked.scalar_one_or_none()
    if link_id is None:
        return None
    return await session.get(WebSignInLink, link_id)


async def member_by_id(session: AsyncSession, member_id: int) -> Member | None:
    return await session.get(Member, member_id)


async def community_by_id(session: AsyncSession, community_id: int) -> Community | None:
    return await session.get(Community, community_id)


async def cookie_secret(session: AsyncSession, now: datetime) -> str:
    """The stored signing secret, made on first use (the lowest id wins a race)."""
    found = (
        await session.execute(select(WebSecret.secret).order_by(WebSecret.id).limit(1))
    ).scalar_one_or_none()
    if found is not None:
        return found
    session.add(WebSecret(secret=secrets.token_urlsafe(48), created_at=now))
    await session.flush()
    first = (
        await session.execute(select(WebSecret.secret).order_by(WebSecret.id).limit(1))
    ).scalar_one()
    return first


async def active_member(
    session: AsyncSession, platform: str, external_id: str, platform_user_id: str
) -> Member | None:
    """The active member this platform identity is in that community, if any."""
    return (
        await session.execute(
            select(Member)
            .join(Community, Community.id == Member.community_id)
            .where(
                Community.platform == platform,
                Community.external_id == external_id,
                Member.platform_user_id == platform_user_id,
                Member.active.is_(True),
            )
        )
    ).scalar_one_or_none()
