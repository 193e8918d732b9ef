"""In headless Chromium: a moderator plans a fortnightly discussion and a holiday on the
calendar page and sees them; a member's planted private answer shows on no moderator page;
axe-core finds no serious or critical violation on any of them, at desktop and phone width.
Screenshots go to the artefacts directory."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.runner import Runner
from bot.web.moderator.routes import PATHS
from tests.support.actors import member
from tests.support.web_browser import BROWSER_TEST, sign_in_with_link
from tests.support.web_server import WebServer

pytestmark = BROWSER_TEST

MOD, ALICE = member("mod"), member("alice")
PLANTED = "the Quorvantine gradebook meltdown"
PLAN = '"Pupil data and trust" in #pln every 2 weeks on tue 16:00 Europe/London'


async def test_a_moderator_plans_a_discussion_and_a_holiday_on_the_calendar(
    page: Any,
    browser_server: WebServer,
    axe: Callable[[Any], Awaitable[None]],
    screenshot: Callable[[Any, str], Awaitable[Path]],
) -> None:
    server = browser_server
    for actor in (MOD, ALICE, member("bob")):
        await server.core.handle_command(actor, "join")
    await Runner(server.core).advance(timedelta(days=3, hours=1))  # Monday's prompt
    await server.core.handle_message(ALICE, f"Honestly: {PLANTED}.")
    refused: list[str] = []  # the CSP's refusals (an inline script or style) show here
    page.on("console", lambda message: refused.append(message.text))
    await sign_in_with_link(page, server, MOD)

    await page.get_by_role("navigation").get_by_role("link", name="Calendar").click()
    await page.wait_for_url(server.url("/moderator/calendar"))
    await page.get_by_label("What", exact=True).select_option("discussion")
    await page.get_by_label("When, as you would type it").fill(PLAN)
    await page.get_by_role("button", name="Preview", exact=True).click()
    preview = page.locator(".reply")
    assert "Here is how I understood it" in await preview.inner_text()
    await screenshot(page, "calendar-preview")
    await page.get_by_role("button", name="Confirm", exact=True).click()
    assert "Saved as schedule" in await page.locator(".reply").inner_text()

    await page.get_by_label("Name", exact=True).fill("Winter break")
    await page.get_by_label("First day", exact=True).fill("2026-12-21")
    await page.get_by_label("Last day (empty: one day)").fill("2027-01-03")
    await page.get_by_role("button", name="Add holiday").click()
    assert "Holiday #" in await page.locator(".reply").inner_text()

    weeks = await page.locator(".calendar").inner_text()
    assert 'Discussion "Pupil data and trust" in #pln' in weeks
    assert "Tue 24 Nov 16:00" in weeks and "Tue 08 Dec 16:00" in weeks
    assert "Holiday Winter break: Mon 21 Dec to Sun 03 Jan 2027" in weeks
    assert "not sent: holiday: Winter break" in weeks
    await axe(page)
    await screenshot(page, "calendar")

    # Cancel asks first, without JavaScript: "No" keeps it, "Yes" cancels it
    cancel = page.get_by_role("button", name="Cancel schedule 2: Discussion")
    await cancel.click()
    await page.get_by_role("link", name="No, keep it").click()
    await cancel.click()
    await page.get_by_role("button", name="Yes, cancel schedule 2").click()
    assert "Cancelled schedule 2" in await page.locator(".reply").inner_text()
    assert "Pupil data and trust" not in await page.locator(".calendar").inner_text()

    for path in PATHS:
        await page.goto(server.url(path))
        main = await page.locator("main").inner_text()
        assert "quorvantine" not in main.casefold(), path
        await axe(page)
        await screenshot(page, path.strip("/").replace("/", "-"))

    await page.set_viewport_size({"width": 375, "height": 700})
    for path in PATHS:
        await page.goto(server.url(path))
        await axe(page)
        width = await page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways at phone width ({width} px)"
        await screenshot(page, path.strip("/").replace("/", "-") + "-phone")

    assert [text for text in refused if "Content Security Policy" in text] == []
