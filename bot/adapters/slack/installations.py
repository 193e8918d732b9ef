"""Slack OAuth installations, kept in pln-bot's own database (the `state` values: oauth_state.py).

slack-bolt's OAuth flow saves an Installation when a workspace installs the app, and its
authorize step looks the tokens up again on every request. Keeping them in the bot's database
(rather than files or a second schema) means one backup, one migration history and the same
retried units of work as everything else.

One row is one installation: a bot half (bot token) and an installer half (user token). The
whole installation is stored as JSON encrypted with the TokenCipher; only the ids needed to find
it are plain columns. Tokens therefore never reach the database, its logs or its backups in
clear text, and nothing here logs them. An org-wide install adds token-less rows naming the
workspaces it serves (org_installs.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from logging import Logger
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.adapters.slack import org_installs
from bot.adapters.slack.installation_payloads import (
    BOT_HALF_CLEARED,
    USER_HALF_CLEARED,
    Payload,
    bot_half,
    installation_of,
    installation_payload,
    jsonable,
    take_bot,
)
from bot.adapters.slack.installer_names import without_erased_installer
from bot.adapters.slack.secrets import TokenCipher
from bot.store.database import Database
from bot.store.slack_models import SlackInstallation

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# told the workspaces (team ids) that have the app again: their data is no longer to be purged
Installed = Callable[[list[str]], Awaitable[object]]


class DatabaseInstallationStore(AsyncInstallationStore):
    """bolt's AsyncInstallationStore on the bot's database, tokens encrypted at rest.

    Lookups follow slack_sdk's own stores: the latest installation (by `installed_at`) of a
    workspace wins; an org-wide (enterprise) install is found by enterprise id alone; a
    per-user lookup borrows the workspace's latest bot token. A workspace served by an
    org-wide install is found through the map of org_installs.py. `clock` stamps those
    map rows; `installed_at` of an installation comes from the Installation, which bolt
    stamps when Slack hands the tokens over. `on_installed` hears of every workspace that
    has the app (again), so an uninstalled community's data is kept after all.
    """

    def __init__(
        self,
        db: Database,
        cipher: TokenCipher,
        client_id: str,
        clock: Clock,
        on_installed: Installed | None = None,
    ) -> None:
        self._db = db
        self._cipher = cipher
        self._client_id = client_id
        self._clock = clock
        self._on_installed = on_installed

    @property
    def logger(self) -> Logger:
        return log

    # -- saving ---------------------------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        """Store (or, when token rotation re-saves the same installation, update) one row."""
        payload = installation_payload(installation)
        await self._db.run(lambda session: self._upsert(session, payload))
        log.info(
            "saved Slack installation enterprise=%s team=%s org-wide=%s",
            installation.enterprise_id,
            installation.team_id,
            bool(installation.is_enterprise_install),
        )
        if installation.team_id and not installation.is_enterprise_install:
            await self._installed([installation.team_id])

    async def async_save_bot(self, bot: Bot) -> None:
        """Put a rotated bot token into the installation it came from.

        bolt calls this only with `installation_store_bot_only=True` and token rotation,
        after refreshing a bot that async_find_bot returned; the refreshed Bot keeps its
        `installed_at`, which finds the row. A bot with no such row becomes a row of its own.
        """
        if bot.bot_token is None:
            return
        await self._db.run(lambda session: self._merge_bot(session, bot))

    async def _upsert(self, session: AsyncSession, payload: Payload) -> None:
        columns = self._columns(payload)
        row = await session.scalar(
            select(SlackInstallation)
            .where(*self._same_row(columns))
            .order_by(SlackInstallation.id.desc())
            .limit(1)
        )
        if row is None:
            session.add(SlackInstallation(**columns, data=self._seal(payload)))
        else:
            row.data = self._seal(payload)

    async def _merge_bot(self, session: AsyncSession, bot: Bot) -> None:
        team_id = _team_column_value(bot.team_id, bot.is_enterprise_install)
        where = self._exact(bot.enterprise_id, team_id)
        where.append(SlackInstallation.installed_at == _from_epoch(bot.installed_at))
        rows = await self._rows(session, where)
        if not rows:
            await self._upsert(session, installation_payload(installation_of(bot)))
            return
        for row in rows:
            row.data = self._seal({**self._open(row.data), **bot_half(bot)})

    def _columns(self, payload: Payload) -> dict[str, Any]:
        is_enterprise_install = bool(payload.get("is_enterprise_install"))
        return {
            "client_id": self._client_id,
            "enterprise_id": payload.get("enterprise_id"),
            "team_id": _team_column_value(payload.get("team_id"), is_enterprise_install),
            "user_id": payload.get("user_id") or "",
            "is_enterprise_install": is_enterprise_install,
            "installed_at": _from_epoch(payload["installed_at"]),
        }

    def _same_row(self, columns: dict[str, Any]) -> list[ColumnElement[bool]]:
        return [
            *self._exact(columns["enterprise_id"], columns["team_id"]),
            SlackInstallation.user_id == columns["user_id"],
            SlackInstallation.installed_at == columns["installed_at"],
        ]

    async def async_forget_user(self, team_id: str, user_id: str) -> None:
        """`/pln forget-me` of the person who installed the app: the workspace keeps its bot,
        and the installation keeps neither their id nor any token of theirs."""
        if not user_id:
            return

        async def scrub(session: AsyncSession) -> int:
            org = await org_installs.enterprise_of(session, self._client_id, team_id)
            installed_by = [SlackInstallation.team_id == team_id]
            if org is not None:  # the person installed the app for the whole org
                installed_by.append(
                    and_(
                        SlackInstallation.enterprise_id == org, SlackInstallation.team_id.is_(None)
                    )
                )
            rows = await self._rows(
                session,
                [
                    SlackInstallation.client_id == self._client_id,
                    or_(*installed_by),
                    SlackInstallation.user_id == user_id,
                    org_installs.not_a_workspace_row(),
                ],
            )
            for row in rows:
                payload = {**self._open(row.data), **USER_HALF_CLEARED, "user_id": ""}
                row.data = self._seal(payload)
                row.user_id = ""
            return len(rows)

        if await self._db.run(scrub):
            log.info("an installer's id was removed from an installation after forget-me")

    # -- org-wide installs: the workspaces they serve --------------------------------------

    async def async_remember_org_workspace(self, enterprise_id: str, team_id: str) -> bool:
        """A request came from workspace `team_id` through the org's installation: keep the
        link, so a prompt for that workspace finds the org's token. True when it is new."""
        sealed = self._seal({"enterprise_id": enterprise_id, "team_id": team_id})
        now = self._clock()
        new = await self._db.run(
            lambda session: org_installs.remember(
                session, self._client_id, enterprise_id, team_id, sealed, now
            )
        )
        if new:
            log.info("an org-wide installation serves a new workspace team=%s", team_id)
            await self._installed([team_id])
        return new

    async def async_forget_org_workspaces(
        self, enterprise_id: str, team_ids: Sequence[str]
    ) -> None:
        """The org's installation no longer serves these workspaces (team_access_revoked)."""
        await self._db.run(
            lambda session: org_installs.forget(session, self._client_id, enterprise_id, team_ids)
        )

    async def async_uninstall(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool
    ) -> list[str]:
        """app_uninstalled: forget the workspace's installations, or every row of an org
        that had the app org-wide; returns the workspaces (team ids) that lost the app."""
        if not enterprise_id or (team_id and not is_enterprise_install):
            await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
            return [team_id] if team_id else []
        teams = await self._db.run(
            lambda session: org_installs.delete_org(session, self._client_id, enterprise_id)
        )
        log.info("deleted the Slack installations of an org enterprise=%s", enterprise_id)
        return teams

    async def async_find_workspace_bot(self, team_id: str) -> Bot | None:
        """The bot that speaks for a workspace, known by its team id alone (the core's way):
        the workspace's own installation, in or outside an org, or else the installation of
        the org that serves it."""

        async def find(session: AsyncSession) -> tuple[Sequence[SlackInstallation], str | None]:
            own = [
                SlackInstallation.client_id == self._client_id,
                SlackInstallation.team_id == team_id,
                org_installs.not_a_workspace_row(),
            ]
            rows = await self._rows(session, own)
            return rows, await org_installs.enterprise_of(session, self._client_id, team_id)

        rows, org = await self._db.run(find)
        for row in rows:
            payload = without_erased_installer(self._open(row.data), row.user_id)
            if payload.get("bot_token"):
                return Installation(**payload).to_bot()
        if org is None:
            return None
        return await self.async_find_bot(
            enterprise_id=org, team_id=None, is_enterprise_install=True
        )

    async def _installed(self, team_ids: list[str]) -> None:
        if self._on_installed is not None:
            await self._on_installed(team_ids)

    # -- finding --------------------------------------------------------------------------

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The bot of the workspace's (or org's) latest installation that has a bot token."""
        where = self._workspace(enterprise_id, team_id, is_enterprise_install)
        rows = await self._db.run(lambda session: self._rows(session, where))
        for row in rows:
            payload = without_erased_installer(self._open(row.data), row.user_id)
            if payload.get("bot_token"):
                return Installation(**payload).to_bot()
        return None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The latest installation of the workspace (or of one installer in it).

        An installer's own installation may be older than the workspace's current bot, so
        it gets the latest bot token, as in slack_sdk's stores (bolt-python issue 664).
        """
        where = self._workspace(enterprise_id, team_id, is_enterprise_install)
        if user_id is not None:
            where.append(SlackInstallation.user_id == user_id)
        rows = await self._db.run(lambda session: self._rows(session, where, limit=1))
        if not rows:
            return None
        opened = without_erased_installer(self._open(rows[0].data), rows[0].user_id)
        installation = Installation(**opened)
        if user_id is not None or installation.bot_token is None:
            latest = await self.async_find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
            if latest is not None:
                take_bot(installation, latest)
        return installation

    # -- deleting -------------------------------------------------------------------------

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The bot token was revoked: drop it from the workspace's installations.

        Installations keep their installer's user token; rows left with no token are deleted.
        """
        where = self._exact(enterprise_id, team_id)
        await self._db.run(lambda session: self._clear(session, where, BOT_HALF_CLEARED))

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        """Installer tokens were revoked (one user's, or all): drop them, keep the bot.

        slack_sdk keeps bots in a table of their own, so deleting installations leaves the
        bot working; here both live in one row, so the user half is cleared instead, and
        rows left with no token are deleted.
        """
        where = self._exact(enterprise_id, team_id)
        if user_id is not None:
            where.append(SlackInstallation.user_id == user_id)
        await self._db.run(lambda session: self._clear(session, where, USER_HALF_CLEARED))

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The app was uninstalled: forget every installation of the workspace at once."""
        where = self._exact(enterprise_id, team_id)
        await self._db.run(lambda session: session.execute(delete(SlackInstallation).where(*where)))
        log.info("deleted Slack installations enterprise=%s team=%s", enterprise_id, team_id)

    async def _clear(
        self, session: AsyncSession, where: list[ColumnElement[bool]], cleared: Payload
    ) -> None:
        for row in await self._rows(session, where):
            payload = {**self._open(row.data), **cleared}
            if payload.get("bot_token") or payload.get("user_token"):
                row.data = self._seal(payload)
            else:
                await session.delete(row)

    # -- rows and their encrypted data ----------------------------------------------------

    def _workspace(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> list[ColumnElement[bool]]:
        """Lookup conditions: an org-wide install is the enterprise's, whatever the team."""
        if not is_enterprise_install:
            return self._exact(enterprise_id, team_id)
        return [
            SlackInstallation.client_id == self._client_id,
            _same(SlackInstallation.enterprise_id, enterprise_id),
            SlackInstallation.is_enterprise_install.is_(True),
            SlackInstallation.team_id.is_(None),  # the org's row, not a workspace it serves
        ]

    def _exact(self, enterprise_id: str | None, team_id: str | None) -> list[ColumnElement[bool]]:
        return [
            SlackInstallation.client_id == self._client_id,
            _same(SlackInstallation.enterprise_id, enterprise_id),
            _same(SlackInstallation.team_id, team_id),
            org_installs.not_a_workspace_row(),
        ]

    @staticmethod
    async def _rows(
        session: AsyncSession, where: list[ColumnElement[bool]], limit: int | None = None
    ) -> Sequence[SlackInstallation]:
        """Matching rows, latest installation first (ties: the row written last)."""
        query = (
            select(SlackInstallation)
            .where(*where)
            .order_by(SlackInstallation.installed_at.desc(), SlackInstallation.id.desc())
            .limit(limit)
        )
        return (await session.scalars(query)).all()

    def _seal(self, payload: Payload) -> str:
        return self._cipher.encrypt(json.dumps(payload, default=jsonable, separators=(",", ":")))

    def _open(self, data: str) -> Payload:
        payload: Payload = json.loads(self._cipher.decrypt(data))
        return payload


def _team_column_value(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    # An org-wide install belongs to the enterprise, not to the team it was started from.
    return None if is_enterprise_install else team_id


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
