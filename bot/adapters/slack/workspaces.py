"""Which bot token speaks for which workspace: one from the environment, or many from OAuth."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.oauth.installation_store.models.bot import Bot


class BotTokens(Protocol):
    """The bot token for a workspace (team id), or None when the app is not installed there."""

    async def bot_token(self, team_id: str) -> str | None: ...

    async def forget_user(self, team_id: str, user_id: str) -> None:
        """Keep nothing about this user in the workspace's records (an installer's id)."""
        ...


class SingleWorkspaceTokens:
    """SLACK_BOT_TOKEN: one workspace; `team_id` is learned from auth.test at start."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.team_id: str | None = None

    async def bot_token(self, team_id: str) -> str | None:
        if self.team_id is not None and team_id != self.team_id:
            return None  # data never crosses workspaces, even by a stale row
        return self._token

    async def forget_user(self, team_id: str, user_id: str) -> None:
        return None  # a token from the environment names no user


class WorkspaceInstallations(Protocol):
    """What the OAuth tokens need of the installation store (installations.py)."""

    async def async_find_workspace_bot(self, team_id: str) -> Bot | None: ...

    async def async_forget_user(self, team_id: str, user_id: str) -> None: ...


class InstalledWorkspaceTokens:
    """OAuth: each workspace's bot token from the installation store.

    The core knows a workspace by its team id alone; the store finds the workspace's own
    installation, or the org-wide installation of its Enterprise Grid org.
    """

    def __init__(self, store: WorkspaceInstallations) -> None:
        self._store = store

    async def bot_token(self, team_id: str) -> str | None:
        bot = await self._store.async_find_workspace_bot(team_id)
        return bot.bot_token if bot is not None else None

    async def forget_user(self, team_id: str, user_id: str) -> None:
        await self._store.async_forget_user(team_id, user_id)
