"""The Slack stand-ins behave like Slack for slack_sdk and bolt, so adapter tests can trust them."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.slack_requests import SlackRequests
from tests.support.slack_standin import UPLOAD_METHOD, SlackStandIn
from tests.support.slack_standin.plugin import SlackStandInFactory

SECRET = "signing-secret"
Seen = list[tuple[str, Any]]


@pytest.fixture
async def standin(slack_standin_factory: SlackStandInFactory) -> AsyncIterator[SlackStandIn]:
    async with slack_standin_factory() as running:
        yield running


@pytest.fixture
def web_client(standin: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(base_url=standin.base_url, token="xoxb-test")


def build_app(standin: SlackStandIn, seen: Seen) -> AsyncApp:
    """A bolt app with one listener per route the adapter uses; each notes what it received."""
    client = AsyncWebClient(base_url=standin.base_url, token="xoxb-test")
    app = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True)

    @app.command("/pln")
    async def command(ack: AsyncAck, command: dict[str, Any]) -> None:
        seen.append(("command", command["text"]))
        await ack("got it")

    @app.event("message")
    async def message(event: dict[str, Any]) -> None:
        seen.append((event.get("subtype", "message"), event))

    @app.event("app_home_opened")
    async def home(event: dict[str, Any]) -> None:
        seen.append(("home", event["user"]))

    @app.action("prompt.answer")
    async def answer(ack: AsyncAck, action: dict[str, Any], body: dict[str, Any]) -> None:
        await ack()
        seen.append(("action", (action["value"], body["container"]["type"])))

    @app.view("reflection")
    async def reflection(ack: AsyncAck, view: dict[str, Any]) -> None:
        await ack()
        seen.append(("view", view["state"]["values"]["b"]["a"]["value"]))

    return app


@pytest.fixture
async def slack(standin: SlackStandIn) -> AsyncIterator[tuple[SlackRequests, Seen]]:
    """The bolt app served over HTTP on loopback, plus a SlackRequests aimed at it."""
    seen: Seen = []
    runner = web.AppRunner(build_app(standin, seen).web_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/slack/events"
    async with SlackRequests(url, SECRET, response_url=standin.response_url()) as requests:
        yield requests, seen
    await runner.cleanup()


async def test_web_api_answers_and_records_like_slack(
    standin: SlackStandIn, web_client: AsyncWebClient
) -> None:
    standin.add_user("U1", "Ada", tz="America/New_York", is_admin=True)

    auth = await web_client.auth_test()
    first = await web_client.chat_postMessage(channel="U1", text="hi", blocks=[{"type": "divider"}])
    second = await web_client.chat_postMessage(channel="D1", text="there")
    user = await web_client.users_info(user="U1")

    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T1", "UBOT", "BBOT")
    assert (first["channel"], first["ts"]) == ("DU1", "1700000000.000100")
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == [{"type": "divider"}]
    assert user["user"]["tz"] == "America/New_York" and user["user"]["is_admin"] is True
    [call] = standin.calls_to("chat.postMessage")[:1]
    assert call.params["blocks"] == [{"type": "divider"}] and call.token == "xoxb-test"
    assert [c.params["text"] for c in standin.sent_messages("U1")] == ["hi"]


@pytest.mark.parametrize(
    ("method", "kwargs", "error"),
    [
        ("users.info", {"params": {"user": "U404"}}, "user_not_found"),
        ("pins.zap", {}, "unknown_method"),
        (
            "chat.update",
            {"json": {"channel": "DU1", "ts": "1.2", "text": "x"}},
            "message_not_found",
        ),
    ],
)
async def test_web_api_errors_are_ok_false_with_http_200(
    web_client: AsyncWebClient, method: str, kwargs: dict[str, Any], error: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await web_client.api_call(method, **kwargs)
    assert (raised.value.response.status_code, raised.value.response["error"]) == (200, error)


async def test_unknown_token_is_invalid_auth_and_teams_answer_per_token(
    standin: SlackStandIn,
) -> None:
    standin.add_team("T2", bot_token="xoxb-two", bot_user_id="UBOT2", bot_id="BBOT2")
    two = await AsyncWebClient(base_url=standin.base_url, token="xoxb-two").auth_test()
    assert (two["team_id"], two["user_id"]) == ("T2", "UBOT2")
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await AsyncWebClient(base_url=standin.base_url, token="xoxb-nope").auth_test()


async def test_injected_failures_are_recorded_and_not_counted_as_sent(
    standin: SlackStandIn, web_client: AsyncWebClient
) -> None:
    standin.fail_user("U9", "cannot_dm_bot")
    standin.rate_limit_next("chat.postMessage", 1, retry_after=7)
    standin.server_error_next("chat.postMessage", 1, status=503)

    with pytest.raises(SlackApiError) as limited:
        await web_client.chat_postMessage(channel="U1", text="a")
    with pytest.raises(SlackApiError) as broken:
        await web_client.chat_postMessage(channel="U1", text="b")
    with pytest.raises(SlackApiError) as refused:
        await web_client.conversations_open(users="U9")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert limited.value.response["error"] == "ratelimited"
    assert broken.value.response.status_code == 503
    assert (refused.value.response.status_code, refused.value.response["error"]) == (
        200,
        "cannot_dm_bot",
    )
    await web_client.chat_postMessage(channel="U1", text="c")
    assert [call.status for call in standin.calls_to("chat.postMessage")] == [429, 503, 200]
    assert [call.params["text"] for call in standin.sent_messages()] == ["c"]


async def test_files_upload_v2_shares_the_uploaded_bytes_in_the_channel(
    standin: SlackStandIn, web_client: AsyncWebClient
) -> None:
    response = await web_client.files_upload_v2(
        channel="DU1",
        content=b"\x89PNG-bytes",
        filename="chart.png",
        title="Chart",
        initial_comment="Your chart",
    )

    (upload,) = standin.uploads_to("U1")
    assert (upload.filename, upload.title, upload.content) == (
        "chart.png",
        "Chart",
        b"\x89PNG-bytes",
    )
    assert (upload.channel, upload.initial_comment) == ("DU1", "Your chart")
    assert response["file"]["id"] == upload.file_id
    assert standin.upload_statuses == [200]
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]


async def test_an_upload_refused_or_never_sent_shares_nothing(
    standin: SlackStandIn, web_client: AsyncWebClient
) -> None:
    standin.server_error_next(UPLOAD_METHOD, 1)
    with pytest.raises(SlackRequestError):
        await web_client.files_upload_v2(channel="DU1", content=b"x", filename="a.txt")
    url = await web_client.files_getUploadURLExternal(filename="b.txt", length=1)
    with pytest.raises(SlackApiError, match="file_not_found"):
        await web_client.files_completeUploadExternal(
            files=[{"id": url["file_id"]}], channel_id="DU1"
        )
    assert standin.uploads == [] and standin.upload_statuses == [500]


async def test_chat_delete_removes_a_message_once(
    standin: SlackStandIn, web_client: AsyncWebClient
) -> None:
    posted = await web_client.chat_postMessage(channel="C1", text="shared")
    assert standin.message_exists("C1", posted["ts"])

    await web_client.chat_delete(channel="C1", ts=posted["ts"])

    assert not standin.message_exists("C1", posted["ts"])
    with pytest.raises(SlackApiError, match="message_not_found"):
        await web_client.chat_delete(channel="C1", ts=posted["ts"])


async def test_rate_limit_retry_handler_waits_retry_after_then_succeeds(
    standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """slack_sdk sleeps Retry-After + random() seconds; pin the jitter so the test stays fast."""
    monkeypatch.setattr(random, "random", lambda: 0.0)
    standin.rate_limit_next("chat.postMessage", 2, retry_after=0)
    handler = AsyncRateLimitErrorRetryHandler(max_retry_count=2)
    client = AsyncWebClient(base_url=standin.base_url, token="xoxb-test", retry_handlers=[handler])

    response = await client.chat_postMessage(channel="U1", text="eventually")

    assert response["ok"] is True
    assert [call.status for call in standin.calls_to("chat.postMessage")] == [429, 429, 200]


async def test_views_hooks_and_oauth(standin: SlackStandIn, web_client: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": []}
    published = await web_client.views_publish(user_id="U1", view=home)
    republished = await web_client.views_publish(user_id="U1", view=home)
    modal = {
        "type": "modal",
        "callback_id": "reflection",
        "title": {"type": "plain_text", "text": "x"},
    }
    opened = await web_client.views_open(trigger_id="trigger-1", view=modal)
    updated = await web_client.views_update(view_id=opened["view"]["id"], view=modal)
    assert published["view"]["id"] == republished["view"]["id"] != opened["view"]["id"]
    assert updated["view"]["id"] == opened["view"]["id"]
    assert standin.calls_to("views.open")[0].params["view"]["callback_id"] == "reflection"

    hook = standin.response_url("cmd")
    async with aiohttp.ClientSession() as session, session.post(hook, json={"text": "x"}) as answer:
        assert (answer.status, await answer.text()) == (200, "ok")
    assert standin.hook_posts == [("cmd", {"text": "x"})]

    installed = {"ok": True, "access_token": "xoxb-new", "team": {"id": "T7"}, "bot_user_id": "U7"}
    standin.set_oauth_response("code-1", installed)
    granted = await web_client.oauth_v2_access(client_id="cid", client_secret="cs", code="code-1")
    assert granted["access_token"] == "xoxb-new"
    assert standin.calls_to("oauth.v2.access")[0].params["client_id"] == "cid"
    assert (await web_client.auth_test(token="xoxb-new"))["team_id"] == "T7"
    with pytest.raises(SlackApiError, match="invalid_code"):
        await web_client.oauth_v2_access(client_id="cid", client_secret="cs", code="nope")


async def test_socket_mode_delivers_envelopes_to_bolt_and_survives_reconnect(
    standin: SlackStandIn,
) -> None:
    seen: Seen = []
    app = build_app(standin, seen)
    payloads = SlackRequests("http://127.0.0.1:9/unused", SECRET)
    handler = AsyncSocketModeHandler(app, standin.app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        await standin.wait_socket_connected()
        ack = await standin.socket_send(
            "slash_commands", payloads.slash_command_payload("U1", "hi")
        )
        assert ack["payload"] == {"text": "got it"}

        await standin.socket_disconnect()
        await standin.wait_socket_connected(min_connections=2)
        event = payloads.event_envelope(payloads.message_im_event("U1", "after reconnect"))
        ack = await standin.socket_send("events_api", event)
        assert "payload" not in ack
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]

    assert seen[0] == ("command", "hi")
    assert seen[1][1]["text"] == "after reconnect"
    assert len(standin.calls_to("apps.connections.open")) == 2


async def test_socket_mode_refuses_other_tokens(web_client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_auth"):
        await web_client.apps_connections_open(app_token="xapp-wrong")


async def test_signed_requests_reach_every_bolt_route(slack: tuple[SlackRequests, Seen]) -> None:
    requests, seen = slack
    values = {"b": {"a": {"type": "plain_text_input", "value": "learned"}}}

    responses = [
        await requests.slash_command("U1", "help"),
        await requests.event(requests.message_im_event("U1", "hello")),
        await requests.event(requests.message_changed_event("U1", "1.000001", "edited")),
        await requests.event(requests.message_deleted_event("U1", "1.000001"), retry_num=1),
        await requests.event(requests.app_home_opened_event("U1")),
        await requests.block_action("U1", "prompt.answer", "yes"),
        await requests.block_action("U1", "prompt.answer", "home", container_type="view"),
        await requests.view_submission("U1", "reflection", "meta", values),
    ]

    assert [response.status for response in responses] == [200] * len(responses)
    assert responses[0].text == "got it"
    assert [kind for kind, _ in seen] == [
        "command",
        "message",
        "message_changed",
        "message_deleted",
        "home",
        "action",
        "action",
        "view",
    ]
    assert seen[5][1] == ("yes", "message") and seen[6][1] == ("home", "view")
    assert seen[7][1] == "learned"


@pytest.mark.parametrize("signing", ["forged", "stale", "missing"])
async def test_badly_signed_requests_are_refused(
    slack: tuple[SlackRequests, Seen], signing: Any
) -> None:
    requests, seen = slack
    response = await requests.slash_command("U1", "help", signing=signing)
    assert response.status == 401
    assert seen == []


async def test_url_verification_echoes_the_challenge(slack: tuple[SlackRequests, Seen]) -> None:
    requests, _ = slack
    response = await requests.url_verification("abc123")
    assert (response.status, response.json) == (200, {"challenge": "abc123"})


async def test_the_factory_fixture_serves_on_loopback_until_the_block_ends(
    slack_standin_factory: SlackStandInFactory,
) -> None:
    async with slack_standin_factory() as running:
        url = f"{running.base_url}auth.test"
        assert url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as session, session.post(url) as response:
            assert (await response.json())["error"] == "not_authed"
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.post(url)
