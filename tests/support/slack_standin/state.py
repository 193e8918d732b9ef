"""The stand-in's world: installed teams, users, OAuth answers, posted messages, uploads,
hook posts, and the reads tests make of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.slack_standin.addresses import Addresses
from tests.support.slack_standin.constants import DEFAULT_TEAM_ID
from tests.support.slack_standin.model import _Team
from tests.support.slack_standin.records import RecordedCall, UploadedFile


class SlackState(Addresses):
    """What Slack knows and what the bot did, set up and read by tests."""

    calls: list[RecordedCall]
    hook_posts: list[tuple[str, dict[str, Any]]]
    uploads: list[UploadedFile]
    _teams: dict[str, _Team]
    _users: dict[str, dict[str, Any]]
    _oauth: dict[str, dict[str, Any]]
    _messages: dict[tuple[str, str], dict[str, Any]]

    shared_files: dict[str, bytes]

    def share_file(
        self, name: str, content: bytes, mimetype: str = "text/calendar"
    ) -> dict[str, Any]:
        """A file a member shares (as a `file_share` message's `files` entry carries it), its
        bytes served at `url_private` to a request with a bot token."""
        file_id = f"F{len(self.shared_files) + 1:08d}"
        self.shared_files[file_id] = content
        url = f"http://127.0.0.1:{self.port}/files-pri/{file_id}/{name}"
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "filetype": name.rpartition(".")[2],
            "size": len(content),
            "url_private": url,
            "url_private_download": url,
        }

    @staticmethod
    def dm_channel(user_id: str) -> str:
        """The DM channel id the stand-in gives a user: "D" + user id."""
        return "D" + user_id

    # -- set-up ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "Europe/Berlin",
        is_admin: bool = False,
        is_owner: bool = False,
        team_id: str = DEFAULT_TEAM_ID,
        is_bot: bool = False,
    ) -> None:
        """Make users.info know this user (with tz_offset computed for today from `tz`)."""
        offset = ZoneInfo(tz).utcoffset(datetime.now(UTC))
        self._users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "real_name": name,
            "deleted": False,
            "tz": tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": is_bot,
            "profile": {"display_name": name, "real_name": name},
        }

    def add_team(
        self,
        team_id: str,
        *,
        bot_token: str,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        name: str = "",
        enterprise_id: str | None = None,
    ) -> None:
        """Install the app in a workspace, or org-wide when `enterprise_id` is given (then
        `team_id` is the enterprise's id); re-adding retires the previous bot token."""
        self._teams = {token: t for token, t in self._teams.items() if t.team_id != team_id}
        self._teams[bot_token] = _Team(
            team_id, bot_token, bot_user_id, bot_id, name or team_id, enterprise_id
        )

    def grant_org_workspaces(self, enterprise_id: str, *team_ids: str) -> None:
        """An org admin adds an org-wide install to workspaces: its token works there."""
        for token, team in list(self._teams.items()):
            if team.enterprise_id == enterprise_id:
                self._teams[token] = replace(team, workspaces=team.workspaces | set(team_ids))

    def uninstall(self, team_or_enterprise_id: str) -> None:
        """The app leaves a workspace or org: its bot token stops working."""
        self._teams = {
            token: t for token, t in self._teams.items() if t.team_id != team_or_enterprise_id
        }

    def set_oauth_response(self, code: str, response: dict[str, Any]) -> None:
        """oauth.v2.access with `code` answers `response`; its bot token then works too."""
        self._oauth[code] = response

    # -- inspection ------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def sent_messages(self, user_id: str | None = None) -> list[RecordedCall]:
        """Accepted chat.postMessage calls, optionally only those that landed in one user's DM."""
        accepted = [call for call in self.calls_to("chat.postMessage") if call.ok]
        if user_id is None:
            return accepted
        dm = self.dm_channel(user_id)
        return [call for call in accepted if call.response.get("channel") == dm]

    def dm_counts(self) -> Counter[str]:
        """How many messages each user received in their DM: lost and doubled, at a glance."""
        counts: Counter[str] = Counter()
        for call in self.calls_to("chat.postMessage"):
            channel = str(call.response.get("channel") or "") if call.ok else ""
            if channel.startswith("D"):
                counts[channel[1:]] += 1
        return counts

    def uploads_to(self, user_id: str) -> list[UploadedFile]:
        """Files shared in `user_id`'s DM with the bot, in order."""
        return [upload for upload in self.uploads if upload.channel == self.dm_channel(user_id)]

    def message_exists(self, channel: str, ts: str) -> bool:
        """Whether a message the bot posted is still there (not deleted)."""
        return (channel, ts) in self._messages

    def hook_bodies(self, name: str | None = None) -> list[dict[str, Any]]:
        """Bodies posted to response_url hooks, in order; only hook `name` when given."""
        return [body for hook, body in self.hook_posts if name is None or hook == name]
