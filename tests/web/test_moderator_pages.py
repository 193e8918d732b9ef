"""The moderators' pages over real HTTP (aiohttp client, no browser): what each shows, that
its forms run the chat's commands with preview and Confirm, that a planted private answer
appears on none of them, and that members and other communities' moderators get nothing.
On a real SQLite file and PostgreSQL, with the simulated clock (Fri 20 Nov 2026 10:00 UTC).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.core.actors import CommunityRef
from bot.core.runner import Runner
from bot.web.moderator.routes import PATHS
from tests.support.actors import member
from tests.support.web_server import SignedIn, WebServer, member_session

MOD = member("mod")  # console:mod is a moderator in the `config` fixture
ALICE = member("alice")
PLANTED = "the Vexillarian timetable fiasco"
PLAN = '"Pupil data and trust" in #pln every 2 weeks on tue 16:00 Europe/London'
CALENDAR = Path(__file__).parents[1] / "fixtures" / "calendars" / "school-year.ics"
PREVIEW_VALUE = re.compile(
    r'name="action_id" value="pln.schedule.confirm">\s*<input type="hidden" name="value" '
    r'value="(\d+)">'
)


async def _get(
    client: aiohttp.ClientSession, server: WebServer, who: SignedIn | None, path: str
) -> tuple[int, str]:
    cookies = who.cookies if who else {}
    async with client.get(server.url(path), cookies=cookies, allow_redirects=False) as response:
        return response.status, await response.text()


async def _post(
    client: aiohttp.ClientSession,
    server: WebServer,
    who: SignedIn,
    path: str,
    fields: dict[str, str],
    csrf: bool = True,
) -> tuple[int, str]:
    data = {**fields, **({"csrf_token": who.csrf_token} if csrf else {})}
    async with client.post(
        server.url(path), data=data, cookies=who.cookies, allow_redirects=False
    ) as response:
        return response.status, await response.text()


async def test_every_moderator_page_shows_to_a_moderator_and_never_an_answer(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    """A term's week: alice answers with a planted phrase and shares nothing; the phrase and
    her name's answer reach no moderator page."""
    core = web_server.core
    for name in ("alice", "bob"):
        await core.handle_command(member(name), "join")
    await Runner(core).advance(timedelta(days=3, hours=1))
    await core.handle_message(ALICE, f"This week: {PLANTED}, again.")
    moderator = await member_session(web_server, MOD)  # sessions last 8 hours
    await core.handle_command(MOD, "audit")

    for path in PATHS:
        status, html = await _get(web_client, web_server, moderator, path)
        assert status == 200, (path, html[:300])
        assert "<main" in html and PLANTED.casefold() not in html.casefold(), path
        assert "vexillarian" not in html.casefold(), path

    _, overview = await _get(web_client, web_server, moderator, "/moderator")
    assert "<strong>3</strong> active" in overview
    assert "<svg" in overview and 'role="img"' in overview
    svg = overview[overview.index("<svg") : overview.index("</svg>")]
    assert "style=" not in svg and "<style" not in svg, "the CSP would blank it"
    _, audit = await _get(web_client, web_server, moderator, "/moderator/audit")
    assert "<code>/pln audit</code>" in audit


@pytest.mark.parametrize("path", PATHS)
async def test_members_signed_out_visitors_and_other_moderators_get_nothing(
    web_server: WebServer, web_client: aiohttp.ClientSession, path: str
) -> None:
    """console:mod moderates every console community: in another one, they see that one's
    pages, with nothing of this one's (its holiday's name)."""
    await member_session(web_server, MOD)
    await web_server.core.handle_command(MOD, 'holidays add 2026-12-04 "Zanzibar week"')
    elsewhere = member("mod", CommunityRef("console", "other", "Other PLN"))
    member_of_this = await member_session(web_server, ALICE)
    moderator_elsewhere = await member_session(web_server, elsewhere)

    assert (await _get(web_client, web_server, member_of_this, path))[0] == 403
    assert (await _get(web_client, web_server, None, path))[0] == 303
    status, html = await _get(web_client, web_server, moderator_elsewhere, path)
    assert status == 200 and "Zanzibar" not in html


async def test_another_communitys_moderator_cannot_confirm_this_ones_preview(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    elsewhere = await member_session(
        web_server, member("mod", CommunityRef("console", "other", "Other PLN"))
    )
    fields = {"do": "schedule", "kind": "discussion", "plan": PLAN}
    _, preview = await _post(web_client, web_server, moderator, "/moderator/calendar", fields)
    found = PREVIEW_VALUE.search(preview)
    assert found is not None

    press = {"do": "press", "action_id": "pln.schedule.confirm", "value": found.group(1)}
    _, page = await _post(web_client, web_server, elsewhere, "/moderator/calendar", press)

    assert "already confirmed or cancelled" in page and "Pupil data and trust" not in page
    _, page = await _get(web_client, web_server, moderator, "/moderator/calendar")
    assert "Pupil data and trust" not in page


async def test_a_fortnightly_discussion_previewed_confirmed_and_on_the_calendar(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    status, preview = await _post(
        web_client,
        web_server,
        moderator,
        "/moderator/calendar",
        {"do": "schedule", "kind": "discussion", "plan": PLAN},
    )
    assert status == 200 and "Here is how I understood it" in preview
    assert "Tue 24 Nov 16:00" in preview
    found = PREVIEW_VALUE.search(preview)
    assert found is not None, preview
    _, calendar = await _get(web_client, web_server, moderator, "/moderator/calendar")
    assert "Pupil data and trust" not in calendar, "nothing saved before Confirm"

    press = {"do": "press", "action_id": "pln.schedule.confirm", "value": found.group(1)}
    _, saved = await _post(web_client, web_server, moderator, "/moderator/calendar", press)

    assert "Saved as schedule" in saved
    assert saved.count("Discussion &#34;Pupil data and trust&#34; in #pln") >= 6, "fortnightly"


async def test_a_wrong_plan_gets_the_chats_words_and_keeps_what_was_typed(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    typed = await web_server.core.handle_command(MOD, "schedule discussion in #pln someday")

    _, page = await _post(
        web_client,
        web_server,
        moderator,
        "/moderator/calendar",
        {"do": "schedule", "kind": "discussion", "plan": "in #pln someday"},
    )

    first_words = typed[0].text.split("`")[0].strip()
    assert first_words.replace('"', "&#34;") in page
    assert 'value="in #pln someday"' in page


async def test_a_holiday_and_an_ics_import_with_its_preview(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    fields = {"do": "holiday", "name": "Staff day", "first": "2026-12-04", "last": ""}
    _, added = await _post(web_client, web_server, moderator, "/moderator/calendar", fields)
    assert "Holiday #" in added and "not sent: holiday: Staff day" not in added

    form = aiohttp.FormData()
    form.add_field("csrf_token", moderator.csrf_token)
    form.add_field("do", "import")
    form.add_field("calendar", CALENDAR.read_bytes(), filename="school-year.ics")
    async with web_client.post(
        web_server.url("/moderator/calendar"), data=form, cookies=moderator.cookies
    ) as response:
        preview = await response.text()
    assert "`school-year.ics`" not in preview and "<code>school-year.ics</code> has" in preview
    batch = re.search(r'value="pln.holidays.confirm">\s*<input[^>]*value="(\w+)"', preview)
    assert batch is not None

    press = {"do": "press", "action_id": "pln.holidays.confirm", "value": batch.group(1)}
    _, done = await _post(web_client, web_server, moderator, "/moderator/calendar", press)

    assert "Imported " in done
    assert "not sent: holiday: Winter break" in done
    staff_day = re.search(
        r'name="do" value="remove-holiday">\s*<input type="hidden" name="id" value="(\d+)">\s*'
        r'<button[^>]*aria-label="Remove holiday Staff day"',
        done,
    )
    assert staff_day is not None
    fields = {"do": "remove-holiday", "id": staff_day.group(1)}
    _, removed = await _post(web_client, web_server, moderator, "/moderator/calendar", fields)
    assert f"Holiday #{staff_day.group(1)} removed" in removed
    assert "Remove holiday Staff day" not in removed


async def test_pause_resume_cancel_and_settings(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    _, page = await _get(web_client, web_server, moderator, "/moderator/calendar")
    schedule_id = re.search(r'name="id" value="(\d+)"', page)
    assert schedule_id is not None
    sid = schedule_id.group(1)

    _, asked = await _post(
        web_client, web_server, moderator, "/moderator/calendar", {"do": "ask-cancel", "id": sid}
    )
    assert f"Cancel schedule {sid} (Weekly prompt" in asked and "Cancelled" not in asked
    for verb, said in (("pause", "Paused schedule"), ("resume", "Resumed schedule")):
        _, page = await _post(
            web_client, web_server, moderator, "/moderator/calendar", {"do": verb, "id": sid}
        )
        assert said in page
    _, page = await _post(
        web_client,
        web_server,
        moderator,
        "/moderator/settings",
        {"setting": "channel", "value": "#pln"},
    )
    assert "This is now the PLN channel" in page
    status, page = await _post(
        web_client, web_server, moderator, "/moderator/settings", {"setting": "mode", "value": "x"}
    )
    assert status == 400 and "Choose one of: dm, channel." in page


async def test_a_post_without_the_csrf_token_changes_nothing(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    fields = {"do": "holiday", "name": "Forged", "first": "2026-12-04", "last": ""}

    status, _ = await _post(
        web_client, web_server, moderator, "/moderator/calendar", fields, csrf=False
    )

    assert status == 403
    _, page = await _get(web_client, web_server, moderator, "/moderator/calendar")
    assert "Forged" not in page


async def test_a_member_made_a_moderator_and_removed_again_from_the_settings_page(
    web_server: WebServer, web_client: aiohttp.ClientSession
) -> None:
    moderator = await member_session(web_server, MOD)
    alice = await member_session(web_server, ALICE)
    _, page = await _get(web_client, web_server, moderator, "/moderator/settings")
    assert '<option value="alice">alice</option>' in page
    assert (await _get(web_client, web_server, alice, "/moderator"))[0] == 403

    fields = {"do": "moderator", "verb": "add", "member": "alice"}
    _, page = await _post(web_client, web_server, moderator, "/moderator/settings", fields)

    assert "alice is now a moderator of this community" in page
    assert (await _get(web_client, web_server, alice, "/moderator"))[0] == 200
    fields["verb"] = "remove"
    _, page = await _post(web_client, web_server, moderator, "/moderator/settings", fields)
    assert "alice is no longer a moderator" in page
    assert (await _get(web_client, web_server, alice, "/moderator"))[0] == 403
    fields["member"] = "<script>"
    status, _ = await _post(web_client, web_server, moderator, "/moderator/settings", fields)
    assert status == 400
