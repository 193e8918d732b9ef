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
from bot.app import build_app
from bot.config import Settings
from bot.core.clock import Clock

log = logging.getLogger(__name__)

HINT = "Type /pln help (or :help for console controls)."


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
    try:
        port = await app.serve_ops(settings)
    except OpsListenError as error:
        print(f"pln-bot: {error}", file=sys.stderr, flush=True)
        await app.close()
        return 2
    runtime.announce("console adapter", HINT)
    if port is not None:
        session.note(f"Health and metrics: http://{settings.http_host}:{port}{HEALTH_PATH} and "
                     f"{METRICS_PATH}.")  # fmt: skip
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
