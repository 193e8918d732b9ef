"""The app arriving in and leaving workspaces: uninstalls, revoked tokens, org-wide installs.

bolt's own token revocation listeners know nothing of Enterprise Grid's org-wide installs
or of the core, so these replace them:

- `app_uninstalled` deletes the workspace's installations (for an org-wide install, every
  row of the org) and tells the core which communities lost the app: their data is then
  kept PLN_UNINSTALLED_KEEP_DAYS and purged (bot/core/uninstalled.py).
- `tokens_revoked` drops the revoked tokens, from the org's installation when it is one.
- `team_access_granted` / `team_access_revoked` (org-wide apps) add workspaces to the org's
  installation or take them away; a revoked workspace is uninstalled for the core.
- A middleware notes, for every request that comes through an org-wide installation, the
  workspace it came from (so a prompt for that workspace finds the org's token), and gives
  the listeners that workspace as `context.team_id`: an org install's events name the team
  only in their envelope, not in `authorizations`, where bolt looks.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.adapters.slack.directory import PLATFORM, SlackDirectory
from bot.adapters.slack.installations import DatabaseInstallationStore
from bot.core.uninstalled import Uninstalls

log = logging.getLogger(__name__)

# events bolt handles without authorizing them, because the tokens are going or gone
TOKENS_GONE = frozenset({"app_uninstalled", "tokens_revoked", "team_access_revoked"})


def workspace_of(body: dict[str, Any]) -> str | None:
    """The workspace a request comes from, where an org-wide install's payload names it."""
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    for found in (
        body.get("team_id"),
        (event or {}).get("team"),
        (event or {}).get("user_team"),
        (user or {}).get("team_id"),
    ):
        if isinstance(found, str) and found.startswith("T"):
            return found
    return None


class SlackUninstalls:
    """Registers the install and uninstall listeners; `store` is None with a single token
    from the environment (SLACK_BOT_TOKEN), which no event can revoke for us."""

    def __init__(
        self,
        uninstalls: Uninstalls,
        store: DatabaseInstallationStore | None,
        directory: SlackDirectory,
    ) -> None:
        self._uninstalls = uninstalls
        self._store = store
        self._directory = directory

    def register(self, app: AsyncApp) -> None:
        """Before SlackListeners.register: bolt runs the first listener that matches."""
        if self._store is not None:
            app.use(self._org_workspace)
        app.event("app_uninstalled")(self._on_app_uninstalled)
        app.event("tokens_revoked")(self._on_tokens_revoked)
        app.event("team_access_granted")(self._on_team_access_granted)
        app.event("team_access_revoked")(self._on_team_access_revoked)

    async def _org_workspace(
        self,
        context: AsyncBoltContext,
        body: dict[str, Any],
        next: Callable[[], Awaitable[None]],  # bolt passes it by this name
    ) -> None:
        enterprise_id = context.enterprise_id
        event_type = (body.get("event") or {}).get("type")
        if event_type in TOKENS_GONE:
            pass  # nothing to note: the tokens are being revoked
        elif context.is_enterprise_install and enterprise_id and self._store is not None:
            team_id = context.team_id or workspace_of(body)
            if team_id:
                context["team_id"] = team_id
                await self._store.async_remember_org_workspace(enterprise_id, team_id)
        await next()

    async def _on_app_uninstalled(self, context: AsyncBoltContext) -> None:
        team_id = context.team_id
        if self._store is None:
            teams = [team_id] if team_id else []
        else:
            org_wide = bool(context.is_enterprise_install)
            teams = await self._store.async_uninstall(
                enterprise_id=context.enterprise_id,
                team_id=None if org_wide else team_id,
                is_enterprise_install=org_wide,
            )
        for team in teams:
            self._directory.forget(team)
        await self._uninstalls.uninstalled(PLATFORM, teams)

    async def _on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if self._store is None:
            return
        tokens = event.get("tokens") or {}
        # an org-wide install's tokens live in the org's row, which has no team
        team_id = None if context.is_enterprise_install else context.team_id
        for user_id in tokens.get("oauth") or []:
            await self._store.async_delete_installation(
                enterprise_id=context.enterprise_id, team_id=team_id, user_id=str(user_id)
            )
        if tokens.get("bot"):
            await self._store.async_delete_bot(enterprise_id=context.enterprise_id, team_id=team_id)

    async def _on_team_access_granted(
        self, event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        enterprise_id = context.enterprise_id
        if self._store is None or not enterprise_id:
            return
        for team_id in _team_ids(event):
            await self._store.async_remember_org_workspace(enterprise_id, team_id)

    async def _on_team_access_revoked(
        self, event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        enterprise_id = context.enterprise_id
        teams = _team_ids(event)
        if self._store is None or not enterprise_id or not teams:
            return
        await self._store.async_forget_org_workspaces(enterprise_id, teams)
        for team in teams:
            self._directory.forget(team)
        await self._uninstalls.uninstalled(PLATFORM, teams)


def _team_ids(event: dict[str, Any]) -> list[str]:
    found = event.get("team_ids")
    return [str(team) for team in found] if isinstance(found, list) else []
