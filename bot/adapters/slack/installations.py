"""Slack OAuth installations, kept in pln-bot's own database (the `state` values: oauth_state.py).

slack-bolt's OAuth flow saves an Installation when a workspace installs the app, and its
authorize step looks the tokens up again on every request. Keeping them in the bot's database
(rather than files or a second schema) means one backup, one migration history and the same
retried units of work as everything else.

One row is one installation: a bot half (bot token) and an installer half (user token). The
whole installation is stored as JSON encrypted with the TokenCipher; only the ids needed to find
it are plain columns. Tokens therefore never reach the database, its logs or its backups in
clear text, and nothing here logs them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from logging import Logger
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.adapters.slack.secrets import TokenCipher
from bot.store.database import Database
from bot.store.models import SlackInstallation

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Payload = dict[str, Any]

# What a revoked bot token or a revoked user token takes out of an installation.
BOT_HALF_CLEARED: Payload = {
    "bot_token": None,
    "bot_id": None,
    "bot_user_id": None,
    "bot_scopes": [],
    "bot_refresh_token": None,
    "bot_token_expires_at": None,
}
USER_HALF_CLEARED: Payload = {
    "user_token": None,
    "user_scopes": [],
    "user_refresh_token": None,
    "user_token_expires_at": None,
}


class DatabaseInstallationStore(AsyncInstallationStore):
    """bolt's AsyncInstallationStore on the bot's database, tokens encrypted at rest.

    Lookups follow slack_sdk's own stores: the latest installation (by `installed_at`) of a
    workspace wins; an org-wide (enterprise) install is found by enterprise id alone; a
    per-user lookup borrows the workspace's latest bot token. `clock` is accepted for the
    same interface as the state store: `installed_at` itself comes from the Installation,
    which bolt stamps when Slack hands the tokens over.
    """

    def __init__(self, db: Database, cipher: TokenCipher, client_id: str, clock: Clock) -> None:
        self._db = db
        self._cipher = cipher
        self._client_id = client_id
        self._clock = clock

    @property
    def logger(self) -> Logger:
        return log

    # -- saving ---------------------------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        """Store (or, when token rotation re-saves the same installation, update) one row."""
        payload = installation_payload(installation)
        await self._db.run(lambda session: self._upsert(session, payload))
        log.info(
            "saved Slack installation enterprise=%s team=%s user=%s",
            installation.enterprise_id,
            installation.team_id,
            installation.user_id,
        )

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
            await self._upsert(session, installation_payload(_installation_of(bot)))
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
            rows = await self._rows(
                session,
                [SlackInstallation.team_id == team_id, SlackInstallation.user_id == user_id],
            )
            for row in rows:
                payload = {**self._open(row.data), **USER_HALF_CLEARED, "user_id": ""}
                row.data = self._seal(payload)
                row.user_id = ""
            return len(rows)

        if await self._db.run(scrub):
            log.info("an installer's id was removed from an installation after forget-me")

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
            payload = self._open(row.data)
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
        installation = Installation(**self._open(rows[0].data))
        if user_id is not None or installation.bot_token is None:
            latest = await self.async_find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
            if latest is not None:
                _take_bot(installation, latest)
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
        await self._db.run(lambda session: _delete_rows(session, where))
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
        ]

    def _exact(self, enterprise_id: str | None, team_id: str | None) -> list[ColumnElement[bool]]:
        return [
            SlackInstallation.client_id == self._client_id,
            _same(SlackInstallation.enterprise_id, enterprise_id),
            _same(SlackInstallation.team_id, team_id),
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
        return self._cipher.encrypt(json.dumps(payload, default=_jsonable, separators=(",", ":")))

    def _open(self, data: str) -> Payload:
        payload: Payload = json.loads(self._cipher.decrypt(data))
        return payload


def installation_payload(installation: Installation) -> Payload:
    """The installation as JSON-ready data that `Installation(**payload)` rebuilds exactly.

    to_dict_for_copying() keeps custom values apart (to_dict() would mix them into the
    keyword arguments) but turns timestamps into datetimes and scope lists into strings;
    the raw attributes are put back so nothing is lost on the way through JSON.
    """
    return {
        **installation.to_dict_for_copying(),
        "bot_scopes": list(installation.bot_scopes or []),
        "user_scopes": list(installation.user_scopes or []),
        "bot_token_expires_at": installation.bot_token_expires_at,
        "user_token_expires_at": installation.user_token_expires_at,
        "installed_at": installation.installed_at,
    }


def bot_half(bot: Bot) -> Payload:
    """The bot's fields, in installation_payload's form, to merge into an installation."""
    return {
        "bot_token": bot.bot_token,
        "bot_id": bot.bot_id,
        "bot_user_id": bot.bot_user_id,
        "bot_scopes": list(bot.bot_scopes or []),
        "bot_refresh_token": bot.bot_refresh_token,
        "bot_token_expires_at": bot.bot_token_expires_at,
    }


def _installation_of(bot: Bot) -> Installation:
    """A bot saved on its own, as an installation with no installer."""
    return Installation(**{**bot.to_dict_for_copying(), **bot_half(bot)}, user_id="")


def _take_bot(installation: Installation, bot: Bot) -> None:
    installation.bot_token = bot.bot_token
    installation.bot_id = bot.bot_id
    installation.bot_user_id = bot.bot_user_id
    installation.bot_scopes = bot.bot_scopes
    installation.bot_refresh_token = bot.bot_refresh_token
    installation.bot_token_expires_at = bot.bot_token_expires_at


def _team_column_value(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    # An org-wide install belongs to the enterprise, not to the team it was started from.
    return None if is_enterprise_install else team_id


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _jsonable(value: object) -> object:
    """Datetimes among custom values are stored as ISO text (and come back as text)."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__} in a Slack installation")


async def _delete_rows(session: AsyncSession, where: list[ColumnElement[bool]]) -> None:
    await session.execute(delete(SlackInstallation).where(*where))
