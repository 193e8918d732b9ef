"""In headless Chromium: a member signs in with a `/pln web` link, sees home, signs out;
axe-core finds no serious or critical violation on the sign-in, link and home pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tests.support.actors import member
from tests.support.web_browser import BROWSER_TEST, sign_in_with_link
from tests.support.web_server import WebServer, sign_in_link

pytestmark = BROWSER_TEST

ALICE = member("alice")


async def test_a_member_signs_in_with_a_link_and_out_again(
    page: Any,
    browser_server: WebServer,
    axe: Callable[[Any], Awaitable[None]],
    screenshot: Callable[[Any, str], Awaitable[Path]],
) -> None:
    server = browser_server
    await server.core.handle_command(ALICE, "join")
    refused: list[str] = []  # the CSP's refusals (an inline script or style) show here
    page.on("console", lambda message: refused.append(message.text))

    await page.goto(server.url("/"))  # signed out: the sign-in page
    assert page.url == server.url("/signin")
    await axe(page)
    await screenshot(page, "signin")

    link = await sign_in_link(server, ALICE)
    await page.goto(link)
    await axe(page)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(server.url("/"))
    assert "Signed in as alice" in await page.locator("main").inner_text()
    await axe(page)
    await screenshot(page, "home")

    await page.set_viewport_size({"width": 375, "height": 700})
    await axe(page)
    await screenshot(page, "home-phone")

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(server.url("/signin"))
    await page.goto(link)  # used: refused
    assert "expired or was already used" in await page.locator("main").inner_text()
    assert [text for text in refused if "Content Security Policy" in text] == []


async def test_the_sign_in_helper_lands_on_home(page: Any, browser_server: WebServer) -> None:
    bob = member("bob")
    await browser_server.core.handle_command(bob, "join")
    await sign_in_with_link(page, browser_server, bob)
    assert "Signed in as bob" in await page.locator("main").inner_text()
