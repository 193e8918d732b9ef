"""The member pages over real HTTP (no browser): each member sees and changes only their own
reflections, through the chat's commands and with the chat's words; export downloads are
the chat's files; erasing signs the member out for good.

A real web server on 127.0.0.1:0, the real core, a real SQLite file and the real PostgreSQL
server (the `db` fixture), the simulated clock.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import timedelta
from html import unescape

import aiohttp
import pytest

from bot.core.checkins.profile import parse_role
from bot.core.commands.data_commands import Export
from bot.core.reflections import MAX_MESSAGE_CHARS, edit_too_long
from bot.core.runner import Runner
from bot.core.sharing import taken_down_after_edit
from bot.web.member.settings import UnknownChange, settings_command
from tests.support.actors import member
from tests.support.web_server import SignedIn, WebServer, member_session

ALICE = member("alice")
BOB = member("bob")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")
FIRST = "Week one: the Quokkaville charging trolleys arrived late."
MORE = "The technician labelled every trolley."
BOB_SECRET = "Bob's Zanzibar orienteering spreadsheet."


async def a_week_of_answers(server: WebServer) -> tuple[SignedIn, SignedIn]:
    """alice and bob join; a prompt comes; alice answers in two messages, bob in one; then
    both sign in (a session lasts 8 hours, the week passes before)."""
    for actor in (ALICE, BOB, MODERATOR):
        await server.core.handle_command(actor, "join")
    await server.core.handle_command(MODERATOR, "channel here")
    await Runner(server.core).advance(timedelta(days=7))
    await server.core.handle_message(ALICE, FIRST, message_ref="a-1")
    await server.core.handle_message(ALICE, MORE, message_ref="a-2")
    await server.core.handle_message(BOB, BOB_SECRET, message_ref="b-1")
    return await member_session(server, ALICE, join=False), await member_session(
        server, BOB, join=False
    )


async def get(
    client: aiohttp.ClientSession, server: WebServer, who: SignedIn | None, path: str
) -> tuple[int, str, aiohttp.ClientResponse]:
    cookies = who.cookies if who else {}
    async with client.get(server.url(path), cookies=cookies, allow_redirects=False) as response:
        return response.status, await response.text(), response


async def post(
    client: aiohttp.ClientSession,
    server: WebServer,
    who: SignedIn,
    path: str,
    fields: list[tuple[str, str]] | None = None,
    csrf: bool = True,
) -> tuple[int, str, aiohttp.ClientResponse]:
    data = [*(fields or []), *([("csrf_token", who.csrf_token)] if csrf else [])]
    async with client.post(
        server.url(path), data=data, cookies=who.cookies, allow_redirects=False
    ) as response:
        return response.status, await response.text(), response


async def test_each_member_reads_and_searches_only_their_own(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, bob = await a_week_of_answers(web_server)
    status, html, response = await get(web_client, web_server, alice, "/me/reflections")
    assert status == 200
    assert response.headers["Cache-Control"] == "no-store"  # her words stay in no cache
    assert "Quokkaville" in html and "labelled every trolley" in html
    assert "Zanzibar" not in html
    _, found, _ = await get(web_client, web_server, alice, "/me/reflections?q=quokkaville")
    _, none, _ = await get(web_client, web_server, alice, "/me/reflections?q=zanzibar")
    assert "1 entry with" in found and "Quokkaville" in found
    assert "0 entries with" in none and "Zanzibar" not in none.replace("“zanzibar”", "")
    _, bobs, _ = await get(web_client, web_server, bob, "/me/reflections")
    assert "Zanzibar" in bobs and "Quokkaville" not in bobs


async def test_an_edit_is_saved_and_a_too_long_one_gets_the_chat_words(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, bob = await a_week_of_answers(web_server)
    status, form, _ = await get(web_client, web_server, alice, "/me/reflections/1/edit")
    assert status == 200 and "Message 1 of 2" in form and "Message 2 of 2" in form
    status, html, _ = await post(
        web_client,
        web_server,
        alice,
        "/me/reflections/1/edit",
        [("part", FIRST), ("part", "The technician labelled most trolleys.")],
    )
    assert status == 200 and "Saved your edit of #1." in html
    assert "labelled most trolleys" in html
    huge = "x" * (MAX_MESSAGE_CHARS + 1)
    status, html, _ = await post(
        web_client, web_server, alice, "/me/reflections/1/edit", [("part", huge), ("part", MORE)]
    )
    assert status == 422
    assert edit_too_long(len(huge)).text in unescape(html)
    # bob's "#1" is his own answer: his edit never reaches alice's #1
    await post(web_client, web_server, bob, "/me/reflections/1/edit", [("part", "Bob's edit.")])
    _, html, _ = await get(web_client, web_server, alice, "/me/reflections")
    assert "Bob&#39;s edit." not in html and "Quokkaville" in html


async def test_delete_asks_with_the_chat_confirmation_then_deletes(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, bob = await a_week_of_answers(web_server)
    status, html, _ = await get(web_client, web_server, alice, "/me/reflections/1/delete")
    assert status == 200 and "Delete #1" in html and "gone for good" in html
    status, html, _ = await post(web_client, web_server, bob, "/me/reflections/2/delete")
    assert "couldn&#39;t find a #2 of yours" in html  # bob has no #2; alice's is not his
    status, html, _ = await post(web_client, web_server, alice, "/me/reflections/1/delete")
    assert status == 200 and "Deleted #1 for good." in html and "Quokkaville" not in html
    status, html, _ = await get(web_client, web_server, alice, "/me/reflections/1/edit")
    assert status == 404 and "There is no #1 of yours." in html and "<main" in html


async def test_share_and_unshare_post_and_take_down_through_the_core(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, _ = await a_week_of_answers(web_server)
    _, html, _ = await post(web_client, web_server, alice, "/me/reflections/1/share")
    assert "shared with the PLN" in html and "Unshare #1" in html
    _, html, _ = await post(web_client, web_server, alice, "/me/reflections/1/unshare")
    assert "Share with the PLN #1" in html


async def test_an_edit_of_a_shared_answer_takes_its_post_down(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, _ = await a_week_of_answers(web_server)
    await post(web_client, web_server, alice, "/me/reflections/1/share")
    _, html, _ = await post(
        web_client,
        web_server,
        alice,
        "/me/reflections/1/edit",
        [("part", FIRST), ("part", "A kinder version.")],
    )
    assert "Saved your edit of #1." in html
    assert taken_down_after_edit(1).text.split("`")[0] in unescape(html)
    assert "Share with the PLN #1" in html  # private again


async def test_the_digest_page_takes_a_chat_period_or_any_days(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, _ = await a_week_of_answers(web_server)
    _, html, _ = await get(web_client, web_server, alice, "/me/digest?period=term")
    assert "for the last 13 weeks" in html and 'role="img"' in html
    assert "Quokkaville" in html or "trolley" in html  # her own sentences in the summary
    today = web_server.clock.now().date()
    first = (today - timedelta(days=3)).isoformat()
    query = f"/me/digest?first={first}&last={today.isoformat()}"
    status, html, _ = await get(web_client, web_server, alice, query)
    assert status == 200 and f"{today - timedelta(days=3):%d %b %Y} to {today:%d %b %Y}" in html
    status, html, _ = await get(web_client, web_server, alice, "/me/digest?period=fortnight")
    assert status == 422 and "takes week, month, term, year, all" in html
    status, html, _ = await get(web_client, web_server, alice, f"/me/digest?first={first}")
    assert status == 422 and "Give the first and the last day as dates" in html


async def test_posts_without_the_csrf_token_are_refused(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, _ = await a_week_of_answers(web_server)
    for path in ("/me/reflections/1/delete", "/me/reflections/1/share", "/me/erase"):
        status, _, _ = await post(web_client, web_server, alice, path, csrf=False)
        assert status == 403, path
    _, html, _ = await get(web_client, web_server, alice, "/me/reflections")
    assert "Quokkaville" in html and "Unshare" not in html


async def test_export_downloads_are_the_chat_exports_files(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, _ = await a_week_of_answers(web_server)
    (in_chat,) = await web_server.core.run_command(ALICE, Export())
    by_type = {file.mime_type: file for file in in_chat.files}
    for kind, media in (("md", "text/markdown"), ("json", "application/json")):
        async with web_client.get(
            web_server.url(f"/me/export/{kind}"), cookies=alice.cookies
        ) as response:
            assert response.status == 200
            assert response.content_type == media
            disposition = response.headers["Content-Disposition"]
            assert f'filename="{by_type[media].filename}"' in disposition
            body = await response.read()
        assert body == by_type[media].content
    exported = json.loads(by_type["application/json"].content)
    assert "Zanzibar" not in json.dumps(exported)


async def test_erase_confirms_then_erases_and_signs_out(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice, bob = await a_week_of_answers(web_server)
    status, html, _ = await get(web_client, web_server, alice, "/me/erase")
    assert status == 200 and "This erases everything I hold about you" in html
    status, html, response = await post(web_client, web_server, alice, "/me/erase")
    assert status == 200 and "everything I held about you is erased" in html
    assert response.cookies["pln_session"].value == ""
    status, _, response = await get(web_client, web_server, alice, "/me/reflections")
    assert status == 303 and response.headers["Location"] == "/signin"
    _, bobs, _ = await get(web_client, web_server, bob, "/me/reflections")
    assert "Zanzibar" in bobs  # bob's words are untouched


async def test_settings_change_through_the_chat_commands(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    alice = await member_session(web_server, ALICE)
    _, html, _ = await post(
        web_client, web_server, alice, "/me/settings", [("change", "zone"), ("value", "Tokyo")]
    )
    assert "Asia/Tokyo" in html
    # an abbreviation: the chat's question, its buttons as forms that post the zone's name
    _, html, _ = await post(
        web_client, web_server, alice, "/me/settings", [("change", "zone"), ("value", "IST")]
    )
    assert 'name="value" value="Asia/Kolkata"' in html
    _, html, _ = await post(
        web_client,
        web_server,
        alice,
        "/me/settings",
        [("change", "zone"), ("value", "Asia/Kolkata")],
    )
    assert "<strong>Asia/Kolkata</strong>" in html
    _, html, _ = await post(
        web_client, web_server, alice, "/me/settings", [("change", "pause"), ("value", "2w")]
    )
    assert "Resume my prompts" in html
    _, html, _ = await post(
        web_client,
        web_server,
        alice,
        "/me/settings",
        [("change", "profile"), ("school", "Northside"), ("role", "cook"), ("interests", "")],
    )
    with pytest.raises(ValueError) as refusal:
        parse_role("cook")
    # the chat form's own refusal, its `/pln ...` spans shown as code
    assert str(refusal.value).replace("`", "") in re.sub(r"<[^>]+>", "", unescape(html))
    status, _, _ = await post(
        web_client, web_server, alice, "/me/settings", [("change", "leave"), ("value", "")]
    )
    assert status == 400


def test_settings_forms_become_only_the_commands_the_page_offers() -> None:
    assert settings_command({"change": "zone", "value": " Europe/\nLondon "}) == "tz Europe/ London"
    assert settings_command({"change": "pause", "value": ""}) == "pause"
    assert settings_command({"change": "pause", "value": "2w"}) == "pause 2w"
    assert settings_command({"change": "pause", "value": "2027-01-10"}) == "pause until 2027-01-10"
    assert settings_command({"change": "digest", "value": "termly"}) == "digest schedule termly"
    assert settings_command({"change": "checkins", "value": "join"}) == "checkins join"
    for forged in (
        {"change": "pause", "value": "3w; leave"},
        {"change": "digest", "value": "weekly"},
        {"change": "checkins", "value": "mentor"},
        {"change": "forget-me", "value": "confirm"},
        {"change": "zone", "value": ""},
    ):
        with pytest.raises(UnknownChange):
            settings_command(forged)
