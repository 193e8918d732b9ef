"""Starts the console adapter: wires the app, prints the banner, reads lines until EOF."""

from __future__ import annotations

import getpass
import logging
import re
import sys

from bot import __version__
from bot.adapters.console.files import default_files_dir
from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.session import ConsoleSession, read_lines, stdin_is_terminal
from bot.app import build_app
from bot.config import Settings
from bot.core.clock import Clock

log = logging.getLogger(__name__)


def default_member() -> str:
    """The login name, tidied into a console member name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "me"
    return re.sub(r"[^\w.-]", "", name)[:32] or "me"


async def run_console(settings: Settings, clock: Clock, member: str | None) -> int:
    out = sys.stdout
    messenger = ConsoleMessenger(out, default_files_dir(settings))
    app = build_app(settings, clock, messenger)
    session = ConsoleSession(app.core, app.runner, messenger, member or default_member(), out)
    print(
        f"pln-bot {__version__} — console adapter, {settings.describe_database()}. "
        "Type /pln help (or :help for console controls).",
        file=out,
        flush=True,
    )
    try:
        report = await app.runner.start()
        if report.caught_up or report.missed:
            session.note(
                f"Caught up on {report.caught_up} prompt(s) that fell due while the bot was down;"
                f" {report.missed} missed (older than the grace period)."
            )
        await read_lines(session, sys.stdin, interactive=stdin_is_terminal())
    finally:
        await app.close()
    return 0
