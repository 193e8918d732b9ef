"""The Web API methods the adapter calls (auth, chat, conversations, files, views, users,
OAuth, Socket Mode), answered the way Slack answers them."""

from __future__ import annotations

import itertools
from typing import Any

from tests.support.slack_standin.constants import APP_ID, Answer
from tests.support.slack_standin.model import _Fail, _PendingUpload, _Team
from tests.support.slack_standin.parsing import _id_list
from tests.support.slack_standin.records import RecordedCall, UploadedFile
from tests.support.slack_standin.state import SlackState


class WebApi(SlackState):
    """One handler per Web API method, and the helpers they share."""

    app_token: str
    _failing_users: dict[str, str]
    _pending_uploads: dict[str, _PendingUpload]
    _file_numbers: itertools.count[int]
    _views: dict[str, dict[str, Any]]
    _home_view_ids: dict[str, str]
    _ts_micros: itertools.count[int]
    _view_numbers: itertools.count[int]

    # -- Web API methods -------------------------------------------------------------------

    def _auth_test(self, call: RecordedCall, team: _Team) -> Answer:
        answer: Answer = {
            "ok": True,
            "url": f"https://{team.team_id.lower()}.slack.com/",
            "team": team.name,
            "user": "pln-bot",
            "team_id": team.team_id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": team.enterprise_id is not None,
        }
        if team.enterprise_id is not None:
            answer["enterprise_id"] = team.enterprise_id
        return answer

    def _chat_post_message(self, call: RecordedCall, team: _Team) -> Answer:
        channel = self._reachable_channel(call.params.get("channel"))
        self._check_org_reach(team, channel)
        text, blocks = call.params.get("text"), call.params.get("blocks")
        if not text and not blocks and not call.params.get("attachments"):
            raise _Fail("no_text")
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "text": text or "",
            "ts": ts,
            "bot_id": team.bot_id,
            "user": team.bot_user_id,
            "app_id": APP_ID,
            "team": team.team_id,
            "blocks": blocks or [],
        }
        if call.params.get("thread_ts"):
            message["thread_ts"] = call.params["thread_ts"]
        if isinstance(call.params.get("metadata"), dict):
            message["metadata"] = call.params["metadata"]  # read back by conversations.history
        self._messages[(channel, ts)] = dict(
            message
        )  # a copy: later edits must not rewrite history
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, call: RecordedCall, team: _Team) -> Answer:
        channel, ts = self._existing_message(call)
        message = self._messages[(channel, ts)]
        for key in ("text", "blocks"):
            if key in call.params:
                message[key] = call.params[key]
        message["edited"] = {"user": team.bot_user_id, "ts": self._next_ts()}
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": dict(message),
        }

    def _chat_delete(self, call: RecordedCall, team: _Team) -> Answer:
        channel, ts = self._existing_message(call)
        del self._messages[(channel, ts)]
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_post_ephemeral(self, call: RecordedCall, team: _Team) -> Answer:
        self._channel(call.params.get("channel"))
        if not call.params.get("user"):
            raise _Fail("user_not_in_channel")
        return {"ok": True, "message_ts": self._next_ts()}

    def _files_get_upload_url(self, call: RecordedCall, team: _Team) -> Answer:
        filename = str(call.params.get("filename") or "")
        try:
            length = int(call.params.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            raise _Fail("invalid_arguments")
        file_id = f"F{next(self._file_numbers):08d}"
        self._pending_uploads[file_id] = _PendingUpload(filename, length, team.team_id)
        return {
            "ok": True,
            "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            "file_id": file_id,
        }

    def _files_complete_upload(self, call: RecordedCall, team: _Team) -> Answer:
        """Share uploaded files in `channel_id`; every file must have had its bytes POSTed."""
        files = call.params.get("files")
        if not isinstance(files, list) or not files:
            raise _Fail("invalid_arguments")
        channel = call.params.get("channel_id") or call.params.get("channels")
        channel = self._reachable_channel(channel) if channel else ""
        done = []
        for item in files:
            file_id = str(item.get("id")) if isinstance(item, dict) else ""
            pending = self._pending_uploads.get(file_id)
            if pending is None or pending.team_id != team.team_id or pending.content is None:
                raise _Fail("file_not_found")
            if len(pending.content) != pending.length:
                raise _Fail("file_upload_size_mismatch")
            done.append((file_id, pending, str(item.get("title") or pending.filename)))
        shared = []
        for file_id, pending, title in done:
            del self._pending_uploads[file_id]
            assert pending.content is not None
            if channel:
                self.uploads.append(
                    UploadedFile(
                        file_id,
                        pending.filename,
                        title,
                        pending.content,
                        channel,
                        call.params.get("initial_comment") or None,
                        call.params.get("thread_ts") or None,
                    )
                )
            shared.append({"id": file_id, "name": pending.filename, "title": title})
        return {"ok": True, "files": shared}

    def _conversations_open(self, call: RecordedCall, team: _Team) -> Answer:
        users = _id_list(call.params.get("users"))
        if not users:
            if call.params.get("channel"):
                return {"ok": True, "channel": {"id": call.params["channel"]}}
            raise _Fail("users_list_not_supplied")
        for user_id in users:
            self._check_reachable(user_id)
        channel_id = self.dm_channel(users[0]) if len(users) == 1 else "G" + "".join(users)
        return {"ok": True, "channel": {"id": channel_id}}

    def _conversations_history(self, call: RecordedCall, team: _Team) -> Answer:
        """A channel's messages, newest first; `metadata` only with include_all_metadata.

        How a bot checks, after a crash, whether a post it may have made is there."""
        channel = self._reachable_channel(call.params.get("channel"))
        oldest = float(call.params.get("oldest") or 0)
        limit = int(call.params.get("limit") or 100)
        with_metadata = str(call.params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = sorted(
            (m for (c, ts), m in self._messages.items() if c == channel and float(ts) > oldest),
            key=lambda m: float(m["ts"]),
            reverse=True,
        )
        messages = [{k: v for k, v in m.items() if with_metadata or k != "metadata"} for m in found]
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _conversations_replies(self, call: RecordedCall, team: _Team) -> Answer:
        """A thread: its parent first, then the replies, oldest first, paged by cursor.
        Needs `channels:history` (or `groups:history`) on a real workspace."""
        channel = self._channel(call.params.get("channel"))
        thread_ts = str(call.params.get("ts") or "")
        if (channel, thread_ts) not in self._messages:
            raise _Fail("thread_not_found")
        limit = int(call.params.get("limit") or 100)
        start = int(call.params.get("cursor") or 0)
        thread = sorted(
            (
                m
                for (c, ts), m in self._messages.items()
                if c == channel and (ts == thread_ts or m.get("thread_ts") == thread_ts)
            ),
            key=lambda m: float(m["ts"]),
        )
        page = thread[start : start + limit]
        more = start + limit < len(thread)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def reply_in_thread(self, channel: str, thread_ts: str, user: str, text: str) -> str:
        """A person replies in a thread (test side); returns the reply's ts."""
        ts = self._next_ts()
        self._messages[(channel, ts)] = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
        }
        return ts

    def _views_open(self, call: RecordedCall, team: _Team) -> Answer:
        if not call.params.get("trigger_id") and not call.params.get("interactivity_pointer"):
            raise _Fail("invalid_arguments")
        return {"ok": True, "view": self._store_view(call, team, None)}

    def _views_publish(self, call: RecordedCall, team: _Team) -> Answer:
        """App Home: one view per user, so republishing keeps the view id."""
        user_id = call.params.get("user_id")
        if not user_id:
            raise _Fail("invalid_arguments")
        view = self._store_view(call, team, self._home_view_ids.get(user_id))
        self._home_view_ids[user_id] = view["id"]
        return {"ok": True, "view": view}

    def _views_update(self, call: RecordedCall, team: _Team) -> Answer:
        view_id = call.params.get("view_id")
        if not view_id:
            external_id = call.params.get("external_id")
            matches = [v["id"] for v in self._views.values() if v.get("external_id") == external_id]
            view_id = matches[0] if external_id and matches else None
        if view_id not in self._views:
            raise _Fail("not_found")
        return {"ok": True, "view": self._store_view(call, team, view_id)}

    def _users_info(self, call: RecordedCall, team: _Team) -> Answer:
        user = self._users.get(str(call.params.get("user")))
        if user is None:
            raise _Fail("user_not_found")
        return {"ok": True, "user": user}

    def _oauth_v2_access(self, call: RecordedCall) -> Answer:
        if not call.params.get("client_id"):
            raise _Fail("invalid_client_id")
        if not call.params.get("client_secret"):
            raise _Fail("bad_client_secret")
        response = self._oauth.get(str(call.params.get("code")))
        if response is None:
            raise _Fail("invalid_code")
        self._install_from_oauth(response)
        return response

    def _apps_connections_open(self, call: RecordedCall) -> Answer:
        if call.token != self.app_token:
            raise _Fail("invalid_auth")
        return {"ok": True, "url": self.socket_url}

    # -- helpers ---------------------------------------------------------------------------

    def _next_ts(self) -> str:
        micros = next(self._ts_micros)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel(self, value: Any) -> str:
        """A user id as channel means "DM that user" to Slack; it answers with the D channel."""
        if not value:
            raise _Fail("channel_not_found")
        channel = str(value)
        return self.dm_channel(channel) if channel[:1] in ("U", "W") else channel

    def _reachable_channel(self, value: Any) -> str:
        channel = self._channel(value)
        if channel.startswith("D"):
            self._check_reachable(channel[1:])
        return channel

    def _check_org_reach(self, team: _Team, channel: str) -> None:
        """An org-wide token reaches a DM only in a workspace the org granted it."""
        if team.enterprise_id is None or not channel.startswith("D"):
            return
        user = self._users.get(channel[1:]) or {}
        if user.get("team_id") not in team.workspaces:
            raise _Fail("channel_not_found")

    def _check_reachable(self, user_id: str) -> None:
        error = self._failing_users.get(user_id)
        if error is not None:
            raise _Fail(error)

    def _existing_message(self, call: RecordedCall) -> tuple[str, str]:
        channel, ts = self._channel(call.params.get("channel")), str(call.params.get("ts"))
        if (channel, ts) not in self._messages:
            raise _Fail("message_not_found")
        return channel, ts

    def _store_view(self, call: RecordedCall, team: _Team, view_id: str | None) -> dict[str, Any]:
        """Fill in the fields Slack adds to a view (id, hash, state, ...) and remember it."""
        submitted = call.params.get("view")
        if not isinstance(submitted, dict):
            raise _Fail("invalid_arguments")
        view_id = view_id or f"V{next(self._view_numbers):06d}"
        view = {
            "team_id": team.team_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "blocks": [],
            **submitted,
            "id": view_id,
            "state": {"values": {}},
            "hash": f"{self._next_ts()}.standin",
            "app_id": APP_ID,
            "bot_id": team.bot_id,
            "root_view_id": view_id,
            "previous_view_id": None,
        }
        self._views[view_id] = view
        return view

    def _install_from_oauth(self, response: dict[str, Any]) -> None:
        """Register the bot token an OAuth exchange hands out, so auth.test accepts it next.

        An org-wide install (`is_enterprise_install`, `team` null) gets a token for the
        enterprise; `grant_org_workspaces` then lets it speak in workspaces of the org."""
        token, team = response.get("access_token"), response.get("team")
        enterprise = response.get("enterprise")
        if response.get("is_enterprise_install") and isinstance(enterprise, dict):
            if isinstance(token, str) and token not in self._teams:
                self.add_team(
                    str(enterprise["id"]),
                    bot_token=token,
                    bot_user_id=str(response.get("bot_user_id", "UBOT")),
                    bot_id="B" + str(enterprise["id"]),
                    name=str(enterprise.get("name", "")),
                    enterprise_id=str(enterprise["id"]),
                )
            return
        if not (isinstance(token, str) and isinstance(team, dict) and "id" in team):
            return
        if token in self._teams or not response.get("ok", True):
            return
        self.add_team(
            str(team["id"]),
            bot_token=token,
            bot_user_id=str(response.get("bot_user_id", "UBOT")),
            bot_id="B" + str(team["id"]),
            name=str(team.get("name", "")),
        )
