"""Org-wide (Enterprise Grid) installs: which workspaces an org's installation speaks for.

An org-wide install is stored once, for the enterprise (`team_id` NULL,
`is_enterprise_install` true), and its one bot token works in every workspace of the org
the admins add it to. Slack's events say which workspace they come from, but the core asks
for a token by workspace (team id) alone, so each workspace seen for the org is kept as a
row of its own: the enterprise id, the team id, `is_enterprise_install` true and no token
(the org's row holds them). Those rows are the team -> enterprise map; an org's rows go
together when it uninstalls the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.slack_models import SlackInstallation


def not_a_workspace_row() -> ColumnElement[bool]:
    """Rows that are installations (tokens), not the map from a workspace to its org."""
    return or_(
        SlackInstallation.is_enterprise_install.is_(False), SlackInstallation.team_id.is_(None)
    )


def _workspace_rows(client_id: str, enterprise_id: str) -> list[ColumnElement[bool]]:
    return [
        SlackInstallation.client_id == client_id,
        SlackInstallation.enterprise_id == enterprise_id,
        SlackInstallation.is_enterprise_install.is_(True),
        SlackInstallation.team_id.is_not(None),
    ]


async def org_installed(session: AsyncSession, client_id: str, enterprise_id: str) -> bool:
    """Whether the enterprise has an org-wide installation (its row, not a workspace's)."""
    found = await session.scalar(
        select(func.count())
        .select_from(SlackInstallation)
        .where(
            SlackInstallation.client_id == client_id,
            SlackInstallation.enterprise_id == enterprise_id,
            SlackInstallation.is_enterprise_install.is_(True),
            SlackInstallation.team_id.is_(None),
        )
    )
    return bool(found)


async def remember(
    session: AsyncSession,
    client_id: str,
    enterprise_id: str,
    team_id: str,
    sealed: str,
    now: datetime,
) -> bool:
    """Note that the org's installation serves this workspace; True when it is new.

    Only for an org that is installed: a forged or stale event cannot create a mapping.
    """
    if not await org_installed(session, client_id, enterprise_id):
        return False
    known = await session.scalar(
        select(SlackInstallation.id)
        .where(*_workspace_rows(client_id, enterprise_id), SlackInstallation.team_id == team_id)
        .limit(1)
    )
    if known is not None:
        return False
    session.add(
        SlackInstallation(
            client_id=client_id,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id="",
            is_enterprise_install=True,
            installed_at=now,
            data=sealed,
        )
    )
    await session.flush()
    return True


async def enterprise_of(session: AsyncSession, client_id: str, team_id: str) -> str | None:
    """The org whose org-wide installation serves this workspace, if any."""
    found: str | None = await session.scalar(
        select(SlackInstallation.enterprise_id)
        .where(
            SlackInstallation.client_id == client_id,
            SlackInstallation.team_id == team_id,
            SlackInstallation.is_enterprise_install.is_(True),
        )
        .order_by(SlackInstallation.installed_at.desc(), SlackInstallation.id.desc())
        .limit(1)
    )
    return found


async def workspaces(session: AsyncSession, client_id: str, enterprise_id: str) -> list[str]:
    """Every workspace seen for the org's installation."""
    found = await session.scalars(
        select(SlackInstallation.team_id)
        .where(*_workspace_rows(client_id, enterprise_id))
        .order_by(SlackInstallation.team_id)
    )
    return sorted({team for team in found if team is not None})


async def forget(
    session: AsyncSession, client_id: str, enterprise_id: str, team_ids: Sequence[str]
) -> None:
    """The org's installation no longer serves these workspaces (team_access_revoked)."""
    await session.execute(
        delete(SlackInstallation).where(
            *_workspace_rows(client_id, enterprise_id),
            SlackInstallation.team_id.in_(sorted(set(team_ids))),
        )
    )


async def delete_org(session: AsyncSession, client_id: str, enterprise_id: str) -> list[str]:
    """The org uninstalled the app: every row of the enterprise goes (its tokens, the
    installations of single workspaces in it, the workspace map); returns every workspace
    those rows served."""
    found = await session.scalars(
        select(SlackInstallation.team_id).where(
            SlackInstallation.client_id == client_id,
            SlackInstallation.enterprise_id == enterprise_id,
        )
    )
    served = sorted({team for team in found if team is not None})
    await session.execute(
        delete(SlackInstallation).where(
            SlackInstallation.client_id == client_id,
            SlackInstallation.enterprise_id == enterprise_id,
        )
    )
    return served
