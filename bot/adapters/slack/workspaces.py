"""Which bot token speaks for which workspace: one from the environment, or many from OAuth."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore


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


class InstalledWorkspaceTokens:
    """OAuth: each workspace's bot token from the installation store."""

    def __init__(self, store: AsyncInstallationStore) -> None:
        self._store = store

    async def bot_token(self, team_id: str) -> str | None:
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None

    async def forget_user(self, team_id: str, user_id: str) -> None:
        forget = getattr(self._store, "async_forget_user", None)
        if forget is not None:
            await forget(team_id, user_id)
