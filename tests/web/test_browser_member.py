"""In headless Chromium, a member with a realistic term of answers behind her (Dana, from
tests/support/term_of_answers.py) reads, searches, edits and deletes her reflections, sees
her digest and goals, changes a setting, downloads her export and erases everything.
axe-core runs on every member page (at 1000 px and at a phone's 375 px); screenshots go to
the artefacts directory.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from bot.core.runner import Runner
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger
from tests.support.term_of_answers import TERM
from tests.support.web_browser import BROWSER_TEST, sign_in_with_link
from tests.support.web_server import WebServer

pytestmark = BROWSER_TEST

DANA = member("dana")
BOB = member("bob")
MODERATOR = dataclasses.replace(member("mod"), channel_id="C-PLN")  # console:mod moderates
BOB_SECRET = "Bob's Zanzibar orienteering spreadsheet."
WEEKS = [answer for answer in TERM if not answer.revisit]

WAIT_MS = 30_000  # a page waited for on a loaded machine (a term's digest is CPU work)
PHONE = {"width": 375, "height": 740}

Check = Callable[[Any], Awaitable[None]]
Shot = Callable[[Any, str], Awaitable[Path]]


async def a_term(server: WebServer) -> None:
    """Dana answers every weekly prompt of the term in her own words; bob answers too."""
    await server.core.handle_command(MODERATOR, "join")
    await server.core.handle_command(MODERATOR, "channel here")
    for actor in (DANA, BOB):
        await server.core.handle_command(actor, "join")
        # no monthly digest by DM on the way: each draws a chart, and this test is on the page
        await server.core.handle_command(actor, "digest schedule off")
    await server.core.handle_command(DANA, "tz Europe/London")
    runner = Runner(server.core)
    for answer in WEEKS:
        await runner.advance(timedelta(days=7))
        await server.core.handle_message(DANA, answer.text)
        await server.core.handle_message(BOB, BOB_SECRET)
    # she signs in after the term (a session lasts 8 hours)


async def nav(page: Any, name: str) -> None:
    """Follow the main navigation's link (home lists the same pages), and wait until its
    page has loaded (axe must not run on the page being left)."""
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
    href = await link.get_attribute("href")
    await link.click()
    await page.wait_for_url(f"**{href}", timeout=WAIT_MS)
    await page.wait_for_load_state()


async def shows(page: Any, text: str) -> None:
    """The page's main shows `text` (waited for: a loaded machine draws a digest slowly)."""
    await expect(page.locator("main")).to_contain_text(text, timeout=WAIT_MS)


async def main_text(page: Any) -> str:
    return str(await page.locator("main").inner_text())


async def fits_a_phone(page: Any) -> None:
    """At 375 px nothing makes the whole page scroll sideways."""
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


async def test_a_member_reads_edits_deletes_exports_and_erases(
    page: Any, browser_server: WebServer, axe: Check, screenshot: Shot, tmp_path: Path
) -> None:
    server = browser_server
    await a_term(server)
    await sign_in_with_link(page, server, DANA)

    # read: every answer with its prompt and date, none of bob's
    await nav(page, "My reflections")
    entries = page.locator("ol.reflections > li")
    await expect(entries).to_have_count(len(WEEKS), timeout=WAIT_MS)
    text = await main_text(page)
    assert WEEKS[0].text.split(".")[0] in text and WEEKS[-1].text.split(".")[0] in text
    assert text.count("Prompt:") == len(WEEKS), "each answer with the prompt it answered"
    assert "Zanzibar" not in text
    await axe(page)
    await screenshot(page, "reflections")

    # search
    await page.get_by_label("Search your reflections").fill("bursar")
    await page.get_by_role("button", name="Search").click()
    bursar = [a for a in WEEKS if "bursar" in a.text.casefold()]
    await expect(entries).to_have_count(len(bursar), timeout=WAIT_MS)

    # edit the newest answer (its number is the count of answers: one a week, no notes)
    newest = len(WEEKS)
    await page.goto(server.url("/me/reflections"))
    await page.get_by_role("link", name=f"Edit #{newest}").click()
    await expect(page.get_by_label("Your text")).to_be_visible(timeout=WAIT_MS)
    await axe(page)
    await page.get_by_label("Your text").fill("Rewritten on the web: the governors said yes.")
    await page.get_by_role("button", name="Save").click()
    await shows(page, f"Saved your edit of #{newest}.")
    await shows(page, "Rewritten on the web")

    # delete the oldest, after the chat's own confirmation
    await page.get_by_role("link", name="Delete #1", exact=True).click()
    await shows(page, "gone for good")
    await axe(page)
    await page.get_by_role("button", name="Delete #1 for good").click()
    await shows(page, "Deleted #1 for good.")
    await expect(page.locator("main")).not_to_contain_text(WEEKS[0].text.split(".")[0])

    # share: where JavaScript runs it asks first; dismissed, nothing is posted
    share = page.get_by_role("button", name=f"Share with the PLN #{newest}")
    asked: list[str] = []

    async def answer(dialog: Any, accept: bool) -> None:
        asked.append(dialog.message)
        await (dialog.accept() if accept else dialog.dismiss())

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    await share.click()
    await expect(share).to_be_visible()
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    await share.click()
    await expect(page.get_by_role("button", name=f"Unshare #{newest}")).to_be_visible(
        timeout=WAIT_MS
    )
    assert (
        asked == [f"Share #{newest} in the PLN channel? Members will read it, with your name."] * 2
    )
    messenger = server.core.messenger
    assert isinstance(messenger, RecordingMessenger)
    (post,) = messenger.visible_channel_posts()  # one post, after the accepted question
    assert "Rewritten on the web" in post.message.text

    # digest and goals
    await nav(page, "My digest")
    await page.get_by_label("Period").select_option("term")
    await page.get_by_role("button", name="Show my digest").click()
    await expect(page.locator("svg.chart[role=img]")).to_have_count(1, timeout=WAIT_MS)
    await shows(page, "The chart in words")
    await axe(page)
    await screenshot(page, "digest")
    await nav(page, "My goals")
    await shows(page, "let Priya lead the next coaching session")
    await axe(page)

    # settings: a change through the chat command, with the chat's reply
    await nav(page, "My settings")
    await page.get_by_label("How often your digest arrives").select_option("termly")
    await page.locator("#digest-heading + form button").click()
    await expect(page.get_by_role("status")).to_contain_text("termly", timeout=WAIT_MS)
    await axe(page)
    await screenshot(page, "settings")

    # export: the chat's JSON file, downloaded
    await nav(page, "My data")
    await axe(page)
    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Download as JSON").click()
    download = await waiting.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(str(saved))
    exported = json.loads(saved.read_text(encoding="utf-8"))
    texts = json.dumps(exported)
    assert "Rewritten on the web" in texts and "Zanzibar" not in texts

    # a phone's width: still usable, still accessible, nothing scrolls sideways
    await page.set_viewport_size(PHONE)
    for path in ("/me/reflections", "/me/digest?period=term", "/me/settings", "/me/data"):
        await page.goto(server.url(path))
        await axe(page)
        await fits_a_phone(page)
    await page.goto(server.url("/me/reflections"))
    await screenshot(page, "reflections-phone")
    await page.set_viewport_size({"width": 1000, "height": 800})

    # erase me: the chat's confirmation, then everything goes and she is signed out
    await page.goto(server.url("/me/data"))
    await page.get_by_role("link", name="Erase everything…").click()
    await shows(page, "This erases everything I hold about you")
    await axe(page)
    await page.get_by_role("button", name="Erase everything").click()
    await shows(page, "everything I held about you is erased")
    await axe(page)
    await page.goto(server.url("/me/reflections"))
    assert page.url == server.url("/signin")
