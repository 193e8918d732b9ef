"""Starts the console adapter: wires the app, prints the banner, reads lines until EOF.

Members type on this terminal, so the console reads its own lines (`ConsoleSession`) and
takes only the shared pieces of `bot.adapters.runtime`: the banner, the catch-up note and
shutdown. No signal handlers: Ctrl-C and Ctrl-D end the session as they always have.
"""

from __future__ import annotations

import getpass
import logging
import re
import sys

from bot.adapters.console.files import default_files_dir
from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.session import (
    CONSOLE_COMMUNITY,
    ConsoleSession,
    read_lines,
    stdin_is_terminal,
)
from bot.adapters.console.simulated_database import clock_before_community
from bot.adapters.ops_http import HEALTH_PATH, METRICS_PATH, OpsListenError
from bot.adapters.runtime import AdapterRuntime, catch_up_note
from bot.app import WEB_DEFAULT_PORT, build_app, web_wanted
from bot.config import Settings
from bot.core.clock import Clock

log = logging.getLogger(__name__)

HINT = "Type /pln help (or :help for console controls)."
# the web page on 127.0.0.1:8080 unless PLN_WEB=off (or PLN_HTTP_PORT moves it)
CONSOLE_WEB_DEFAULT = True


def default_member() -> str:
    """The login name, tidied into a console member name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "me"
    return re.sub(r"[^\w.-]", "", name)[:32] or "me"


async def run_console(
    settings: Settings, clock: Clock, member: str | None, database_note: str | None = None
) -> int:
    """Banner first (and what to know about the database), then start-up (prompts caught up
    on print after it), then the lines."""
    out = sys.stdout
    messenger = ConsoleMessenger(out, default_files_dir(settings))
    app = build_app(settings, clock, messenger)
    session = ConsoleSession(app.core, app.runner, messenger, member or default_member(), out)
    runtime = AdapterRuntime(settings, clock, stdout=out)
    with_web = web_wanted(settings, default=CONSOLE_WEB_DEFAULT)
    web_note = None
    try:
        port = await app.serve_ops(settings, with_web=with_web)
    except OpsListenError as error:
        if not (with_web and settings.http_port is None):
            print(f"pln-bot: {error}", file=sys.stderr, flush=True)
            await app.close()
            return 2
        # the default port is someone else's: the console works without its page
        port, web_note = None, f"web page off: port {WEB_DEFAULT_PORT} in use; set PLN_HTTP_PORT"
    runtime.announce("console adapter", HINT)
    if port is not None and settings.http_port is not None:
        session.note(f"Health and metrics: http://{settings.http_host}:{port}{HEALTH_PATH} and "
                     f"{METRICS_PATH}.")  # fmt: skip
    if port is not None and with_web:
        web_note = f"Web page: {app.core.config.web_base_url}/ (type /pln web for a sign-in link)."
    if web_note is not None:
        session.note(web_note)
    if database_note is not None:
        session.note(database_note)
    try:
        too_early = await clock_before_community(app.db, clock, CONSOLE_COMMUNITY)
        if too_early is not None:
            session.note(too_early)
        note = catch_up_note(await app.runner.start())
        if note is not None:
            session.note(note)
        runtime.ready.set()
        await read_lines(session, sys.stdin, interactive=stdin_is_terminal())
    finally:
        await runtime.shut_down(app.close)
    return 0
