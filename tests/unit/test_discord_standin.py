"""The Discord stand-in behaves like Discord for a real discord.py client, so adapter tests can
trust it: login, gateway (zlib-stream, READY, RESUME), DMs, command sync, interactions, views,
modals and the error answers the adapter must survive.

discord.py has no setting for its addresses; the `discord_client` fixture shows the two class
attributes that point it at the stand-in (Route.BASE and DiscordWebSocket.DEFAULT_GATEWAY).
"""

from __future__ import annotations

import asyncio
import io
import json
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.support.discord_standin import MANAGE_GUILD, DiscordStandIn
from tests.support.discord_standin.plugin import DiscordStandInFactory

TOKEN = "test-bot-token"
GUILD_ID = "1200000000000000001"
MEMBER_ID = "1300000000000000001"
OTHER_ID = "1300000000000000002"

StartClient = Callable[..., Awaitable[discord.Client]]


@pytest.fixture
async def standin(
    discord_standin_factory: DiscordStandInFactory,
) -> AsyncIterator[DiscordStandIn]:
    async with discord_standin_factory(token=TOKEN) as running:
        running.add_user(MEMBER_ID, "ada")
        running.add_user(OTHER_ID, "grace")
        running.add_guild(GUILD_ID, "School Tech Leaders", owner_id=OTHER_ID, members=[MEMBER_ID])
        yield running


@pytest.fixture
async def start_client(
    standin: DiscordStandIn, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[StartClient]:
    """Start real discord.py clients against the stand-in; close them all afterwards.

    The two monkeypatched class attributes are the whole configuration discord.py needs.
    """
    monkeypatch.setattr(Route, "BASE", standin.api_url)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(standin.gateway_url))
    running: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(client: discord.Client | None = None) -> discord.Client:
        if client is None:
            client = discord.Client(intents=intents(), guild_ready_timeout=0.05)
        await client.login(TOKEN)  # sets client.loop, which wait_for needs
        # The waiter task runs (and registers its listener) before the connect task does.
        ready = asyncio.create_task(client.wait_for("ready", timeout=5))
        task = asyncio.create_task(client.connect(reconnect=True))
        running.append((client, task))
        await ready
        return client

    yield start
    for client, task in running:
        await client.close()
        await asyncio.wait_for(task, timeout=5)


def intents() -> discord.Intents:
    """What the bot asks for: guilds and DMs, no privileged intents."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    return wanted


class Recorder:
    """Collects what listeners and callbacks saw, and wakes the test when something arrives."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []
        self._changed = asyncio.Event()

    def add(self, kind: str, value: Any) -> None:
        self.seen.append((kind, value))
        self._changed.set()

    async def wait(self, kind: str, timeout: float = 5.0) -> Any:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                for seen_kind, value in self.seen:
                    if seen_kind == kind:
                        return value
                self._changed.clear()
                await self._changed.wait()


# -- login and gateway -------------------------------------------------------------------------


async def test_real_client_logs_in_and_gets_ready(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    await standin.wait_ready()

    assert client.user is not None
    assert str(client.user.id) == standin.bot_user_id
    assert client.application_id == int(standin.application_id)
    assert standin.identify_count == 1
    assert standin.intents == intents().value
    assert standin.gateway_queries[0] == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    login = standin.requests("GET", "/users/@me")[0]
    assert login.authorized and login.token == TOKEN
    assert "Authorization" not in login.headers
    assert standin.requests("GET", "/oauth2/applications/@me")
    guild = client.get_guild(int(GUILD_ID))
    assert guild is not None and guild.name == "School Tech Leaders"
    assert [channel.name for channel in guild.text_channels] == ["general"]


async def test_wrong_token_is_refused(
    standin: DiscordStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Route, "BASE", standin.api_url)
    client = discord.Client(intents=intents())
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()
    assert standin.calls[-1].status == 401 and not standin.calls[-1].authorized


async def test_uncompressed_gateway_speaks_text_frames(standin: DiscordStandIn) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{standin.gateway_url}?v=10&encoding=json") as ws,
    ):
        hello = await ws.receive_json(timeout=2)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41_250
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json(timeout=2))["op"] == 11
        identify = {"token": TOKEN, "intents": 1, "properties": {}}
        await ws.send_json({"op": 2, "d": identify})
        ready = await ws.receive_json(timeout=2)
        assert (ready["t"], ready["s"]) == ("READY", 1)
        assert ready["d"]["guilds"] == [{"id": GUILD_ID, "unavailable": True}]
        guild_create = await ws.receive_json(timeout=2)
        assert (guild_create["t"], guild_create["s"]) == ("GUILD_CREATE", 2)


async def test_zlib_stream_frames_share_one_context(standin: DiscordStandIn) -> None:
    url = f"{standin.gateway_url}?v=10&encoding=json&compress=zlib-stream"
    inflate = zlib.decompressobj()
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        for expected_op in (10, 11):
            frame = await ws.receive_bytes(timeout=2)
            assert frame.endswith(b"\x00\x00\xff\xff")
            assert json.loads(inflate.decompress(frame))["op"] == expected_op
            if expected_op == 10:
                await ws.send_json({"op": 1, "d": None})


async def test_resume_after_a_dropped_connection(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    seen = Recorder()
    resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.add("message", message)

    await standin.drop_connection()
    # Sent while the client is away: Discord keeps it and replays it on RESUME.
    await standin.message_create(MEMBER_ID, content="still there?")

    message = await seen.wait("message")
    await resumed
    assert message.content == "still there?"
    assert isinstance(message.channel, discord.DMChannel)
    assert (standin.identify_count, standin.resume_count) == (1, 1)
    assert standin.connected


async def test_reconnect_and_invalid_session_opcodes(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()

    async def identify_at_once(_shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every non-initial IDENTIFY; tests need not."""

    client.before_identify_hook = identify_at_once  # type: ignore[method-assign, assignment]

    await standin.request_reconnect()  # op 7: the client closes and RESUMEs
    await standin.wait_for(lambda: standin.resume_count == 1 and standin.connected)
    await standin.drop_connection(close_code=4000)  # a close frame rather than a TCP abort
    await standin.wait_for(lambda: standin.resume_count == 2 and standin.connected)

    ready_again = asyncio.create_task(client.wait_for("ready", timeout=5))
    await standin.invalidate_session(resumable=False)  # op 9 false: a fresh IDENTIFY
    await ready_again
    assert (standin.identify_count, standin.resume_count) == (2, 2)


async def test_privileged_intents_not_enabled_close_with_4014(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with DiscordStandIn(allowed_privileged_intents=0) as strict:
        monkeypatch.setattr(Route, "BASE", strict.api_url)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(strict.gateway_url))
        wanted = intents()
        wanted.message_content = True
        client = discord.Client(intents=wanted)
        await client.login(TOKEN)
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(client.connect(), timeout=5)
        await client.close()


async def test_guild_message_content_needs_the_privileged_intent(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    wanted = intents()
    wanted.guild_messages = True
    client = await start_client(discord.Client(intents=wanted, guild_ready_timeout=0.05))
    seen = Recorder()

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.add(message.content or "<empty>", message)

    await standin.message_create(MEMBER_ID, content="hello all", guild_id=GUILD_ID)
    await standin.message_create(
        MEMBER_ID, content=f"<@{standin.bot_user_id}> hi", guild_id=GUILD_ID
    )

    await seen.wait("<empty>")
    mention = await seen.wait(f"<@{standin.bot_user_id}> hi")
    assert mention.guild is not None and mention.guild.id == int(GUILD_ID)


# -- REST: DMs and failures --------------------------------------------------------------------


async def test_dm_is_opened_and_recorded(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    user = await client.fetch_user(int(MEMBER_ID))

    sent = await user.send("hi")

    opened = standin.requests("POST", "/users/@me/channels")
    assert [call.json for call in opened] == [{"recipient_id": int(MEMBER_ID)}]  # an int!
    dm_id = standin.dm_channel_id(MEMBER_ID)
    post = standin.requests("POST", f"/channels/{dm_id}/messages")[0]
    assert post.json["content"] == "hi" and post.status == 200
    assert [m["content"] for m in standin.dm_messages(MEMBER_ID)] == ["hi"]
    assert str(sent.id) == standin.dm_messages(MEMBER_ID)[0]["id"]
    assert sent.channel.id == int(dm_id)


async def test_refused_dms_raise_forbidden_with_discord_codes(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    user = await client.fetch_user(int(MEMBER_ID))

    standin.fail_dm(MEMBER_ID)
    with pytest.raises(discord.Forbidden) as blocked:
        await user.send("hi")
    assert (blocked.value.code, blocked.value.status) == (50007, 403)

    other = await client.fetch_user(int(OTHER_ID))
    standin.dm_too_fast_next()
    with pytest.raises(discord.Forbidden) as too_fast:
        await other.send("hi")
    assert too_fast.value.code == 40003


async def test_rate_limits_are_retried_by_discord_py(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    user = await client.fetch_user(int(MEMBER_ID))
    standin.rate_limit_next("POST", "/channels/*/messages", times=1, retry_after=0.01)

    await user.send("after a wait")

    posts = standin.requests("POST", "/channels/{id}/messages")
    assert [call.status for call in posts] == [429, 200]
    assert posts[0].response["retry_after"] == 0.01
    assert standin.dm_messages(MEMBER_ID)[0]["content"] == "after a wait"


async def test_server_errors_and_unknown_routes(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    standin.server_error_next("GET", "/users/{id}", status=503)
    with pytest.raises(discord.DiscordServerError):
        await client.fetch_user(int(MEMBER_ID))
    with pytest.raises(discord.NotFound) as unknown:
        await client.fetch_channel(42)
    assert unknown.value.code == 10003

    async with aiohttp.ClientSession() as session:
        response = await session.get(f"{standin.api_url}/no/such/route")
        assert response.status == 404
        assert await response.json() == {"message": "404: Not Found", "code": 0}
    assert standin.calls[-1].path == "/no/such/route"


async def test_files_arrive_as_multipart_attachments_with_their_bytes(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    user = await client.fetch_user(int(MEMBER_ID))
    chart = discord.File(io.BytesIO(b"\x89PNG-bytes"), filename="chart.png", description="Chart")

    sent = await user.send("your chart", file=chart)

    post = standin.requests("POST", "/channels/{id}/messages")[0]
    assert post.json["content"] == "your chart"  # payload_json
    assert [(f.field_name, f.filename, f.data) for f in post.files] == [
        ("files[0]", "chart.png", b"\x89PNG-bytes")
    ]
    (attachment,) = standin.dm_messages(MEMBER_ID)[0]["attachments"]
    assert (attachment["filename"], attachment["description"]) == ("chart.png", "Chart")
    assert standin.attachment_data(attachment) == b"\x89PNG-bytes"
    assert await sent.attachments[0].read() == b"\x89PNG-bytes"  # served at its url too


async def test_attachment_limits_and_refused_files_are_answered_like_discord(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    user = await client.fetch_user(int(MEMBER_ID))
    dm_id = standin.dm_channel_id(MEMBER_ID)

    def files(count: int, size: int = 1) -> list[discord.File]:
        return [discord.File(io.BytesIO(b"x" * size), filename=f"{n}.txt") for n in range(count)]

    await user.send("ten", files=files(10))
    with pytest.raises(discord.HTTPException) as too_many:
        await user.send("eleven", files=files(11))
    with pytest.raises(discord.HTTPException) as too_large:
        await user.send("big", files=files(1, 25 * 1024 * 1024 + 1))
    standin.refuse_files_next(1, status=413)
    with pytest.raises(discord.HTTPException) as refused:
        await user.send("refused", files=files(1))
    await user.send("no files are fine")

    assert (too_many.value.status, too_many.value.code) == (400, 50035)
    assert (too_large.value.status, too_large.value.code) == (413, 40005)
    assert (refused.value.status, refused.value.code) == (413, 40005)
    posts = standin.requests("POST", f"/channels/{dm_id}/messages")
    assert [m["content"] for m in standin.dm_messages(MEMBER_ID)] == ["ten", "no files are fine"]
    assert len(standin.dm_messages(MEMBER_ID)[0]["attachments"]) == 10
    assert [call.status for call in posts] == [200, 400, 413, 413, 200]


async def test_deleting_a_message_twice_answers_404_the_second_time(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    channel = standin.default_channel_id(GUILD_ID)
    sent = await client.http.send_message(int(channel), params=_content("shared"))

    await client.http.delete_message(int(channel), int(sent["id"]))
    with pytest.raises(discord.NotFound) as gone:
        await client.http.delete_message(int(channel), int(sent["id"]))

    assert standin.is_deleted(sent["id"]) and gone.value.code == 10008
    assert standin.channel_messages(channel) == []


def _content(text: str) -> Any:
    return discord.http.handle_message_parameters(content=text)


# -- commands, interactions, views, modals -----------------------------------------------------


def pln_tree(client: discord.Client, seen: Recorder) -> app_commands.CommandTree[discord.Client]:
    tree = app_commands.CommandTree(client)
    pln = app_commands.Group(name="pln", description="The PLN bot")

    @pln.command(name="help", description="What the bot can do")
    async def help_command(interaction: discord.Interaction) -> None:
        seen.add("help", interaction)
        await interaction.response.send_message("Here is how it works", ephemeral=True)

    @pln.command(name="admin", description="Settings")
    @app_commands.describe(days="How many days")
    async def admin(interaction: discord.Interaction, days: int) -> None:
        seen.add("admin", (interaction.permissions.manage_guild, days))
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"set to {days}", ephemeral=True)

    tree.add_command(pln)
    return tree


async def test_command_sync_and_slash_interaction(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    seen = Recorder()
    tree = pln_tree(client, seen)

    synced = await tree.sync()

    assert [command.name for command in synced] == ["pln"]
    put = standin.requests("PUT", f"/applications/{standin.application_id}/commands")[0]
    assert [option["name"] for option in put.json[0]["options"]] == ["help", "admin"]
    assert standin.commands()[0]["id"] == str(synced[0].id)

    interaction_id = await standin.slash_command_interaction(GUILD_ID, MEMBER_ID, "pln", "help")

    [callback] = await standin.wait_for_responses(interaction_id)
    assert (callback.kind, callback.type) == ("callback", 4)
    assert callback.data["flags"] == 64 and callback.ephemeral
    assert callback.content == "Here is how it works"
    interaction = await seen.wait("help")
    assert interaction.user.id == int(MEMBER_ID) and interaction.guild_id == int(GUILD_ID)

    admin_id = await standin.slash_command_interaction(
        GUILD_ID, MEMBER_ID, "pln", "admin", {"days": 7}, permissions=MANAGE_GUILD
    )
    deferred, followup = await standin.wait_for_responses(admin_id, 2)
    assert (deferred.type, followup.kind, followup.content) == (5, "followup", "set to 7")
    assert await seen.wait("admin") == (True, 7)
    assert followup.message_id is not None
    assert standin.message(followup.message_id)["flags"] & 64


async def test_autocomplete_choices_are_recorded(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    tree = app_commands.CommandTree(client)

    async def topics(
        _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        names = ["assessment", "ai policy", "devices"]
        return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]

    @tree.command(name="topic", description="Pick a topic")
    @app_commands.autocomplete(name=topics)
    async def topic(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    await tree.sync()
    asked = await standin.autocomplete_interaction(
        GUILD_ID, MEMBER_ID, "topic", options={"name": "a"}, focused="name"
    )

    [answer] = await standin.wait_for_responses(asked)
    assert answer.type == 8
    assert [c["value"] for c in answer.data["choices"]] == ["assessment", "ai policy"]


async def test_guild_command_sync_is_scoped(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    tree = pln_tree(client, Recorder())
    guild = discord.Object(id=int(GUILD_ID))
    tree.copy_global_to(guild=guild)

    await tree.sync(guild=guild)

    assert standin.requests("PUT", f"/applications/*/guilds/{GUILD_ID}/commands")
    assert standin.commands(GUILD_ID)[0]["guild_id"] == GUILD_ID
    assert standin.commands() == []


class Reflection(discord.ui.Modal, title="Your reflection"):
    answer: discord.ui.TextInput[Reflection] = discord.ui.TextInput(
        label="What went well?", custom_id="answer"
    )

    def __init__(self, seen: Recorder) -> None:
        super().__init__(custom_id="reflection")
        self.seen = seen

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.seen.add("submitted", self.answer.value)
        await interaction.response.send_message("Thanks!", ephemeral=True)


class Prompt(discord.ui.View):
    def __init__(self, seen: Recorder) -> None:
        super().__init__(timeout=None)
        self.seen = seen

    @discord.ui.button(label="Reflect", custom_id="reflect")
    async def reflect(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Prompt]
    ) -> None:
        self.seen.add("pressed", interaction)
        await interaction.response.send_modal(Reflection(self.seen))

    @discord.ui.button(label="Skip", custom_id="skip")
    async def skip(
        self, interaction: discord.Interaction, _button: discord.ui.Button[Prompt]
    ) -> None:
        await interaction.response.edit_message(content="Skipped this week", view=None)


async def test_dm_button_opens_modal_and_submission_reaches_it(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    seen = Recorder()
    user = await client.fetch_user(int(MEMBER_ID))
    sent = await user.send("Weekly prompt", view=Prompt(seen))
    stored = standin.message(sent.id)
    assert [b["custom_id"] for b in stored["components"][0]["components"]] == ["reflect", "skip"]

    press = await standin.component_interaction(MEMBER_ID, "reflect", sent.id)

    [modal_callback] = await standin.wait_for_responses(press)
    assert modal_callback.type == 9
    pressed = await seen.wait("pressed")
    assert pressed.guild_id is None and pressed.user.id == int(MEMBER_ID)
    assert standin.interaction_payload(press)["user"]["id"] == MEMBER_ID
    modal = standin.modal(press)
    assert modal is not None and modal["custom_id"] == "reflection"

    submit = await standin.modal_submit_interaction(
        MEMBER_ID, "reflection", {"answer": "Ran a workshop"}
    )
    [thanks] = await standin.wait_for_responses(submit)
    assert (thanks.type, thanks.content, thanks.ephemeral) == (4, "Thanks!", True)
    assert await seen.wait("submitted") == "Ran a workshop"

    skip = await standin.component_interaction(MEMBER_ID, "skip", sent.id)
    [update] = await standin.wait_for_responses(skip)
    assert update.type == 7
    assert standin.message(sent.id)["content"] == "Skipped this week"
    assert standin.message(sent.id)["components"] == []


async def test_second_callback_is_refused_like_discord(
    standin: DiscordStandIn, start_client: StartClient
) -> None:
    client = await start_client()
    seen = Recorder()
    tree = app_commands.CommandTree(client)

    @tree.command(name="twice", description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        try:
            await interaction.followup.send("two")
            await interaction.edit_original_response(content="one, edited")
            # Bypass discord.py's own "already responded" guard to reach the server.
            interaction.response._response_type = None
            await interaction.response.send_message("three")
        except discord.HTTPException as error:
            seen.add("error", error.code)

    await tree.sync()
    interaction_id = await standin.slash_command_interaction(GUILD_ID, MEMBER_ID, "twice")

    assert await seen.wait("error") == 40060
    kinds = [r.kind for r in standin.interaction_responses(interaction_id)]
    assert kinds == ["callback", "followup", "edit_original"]
    original = standin.interaction_responses(interaction_id)[0].message_id
    assert original is not None
    assert standin.message(original)["content"] == "one, edited"


async def test_the_factory_fixture_serves_on_loopback_until_the_block_ends(
    discord_standin_factory: DiscordStandInFactory,
) -> None:
    async with discord_standin_factory(token=TOKEN) as running:
        url = f"{running.api_url}/gateway"
        assert url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 200
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(url)
