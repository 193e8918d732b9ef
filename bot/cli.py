"""The `pln-bot` command line: run an adapter, migrate the database, show the version."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Annotated

import typer
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from bot import __version__
from bot.adapters.discord.settings import DiscordSettings
from bot.adapters.slack.settings import SlackSettings
from bot.config import Settings, SettingsError, load_settings
from bot.core.clock import Clock, SimulatedClock, SystemClock
from bot.log_redaction import secrets_of
from bot.logging_setup import configure_logging
from bot.store.migrate import upgrade

app = typer.Typer(
    name="pln-bot",
    help="A chat bot that keeps a Professional Learning Network reflecting.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
prompts_app = typer.Typer(help="The reflection prompt library.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")

ADAPTERS = ("console", "slack", "discord")
DEFAULT_HTTP_PORT = 3000  # the Slack HTTP server's default, and the container image's
log = logging.getLogger("bot")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pln-bot {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """pln-bot: weekly leadership reflection prompts for a PLN, on Slack, Discord or a console."""


def parse_clock(text: str) -> Clock:
    """`system`, `simulated` (from now) or `simulated=2026-11-23T08:00` (UTC unless an offset)."""
    kind, _, start = text.partition("=")
    if kind == "system" and not start:
        return SystemClock()
    if kind == "simulated":
        if not start:
            return SimulatedClock()
        try:
            return SimulatedClock(datetime.fromisoformat(start))
        except ValueError:
            pass
    raise typer.BadParameter(
        "use 'system', 'simulated' or 'simulated=2026-11-23T08:00' (ISO date and time)"
    )


def _migrate_or_exit(settings: Settings) -> None:
    """Migrate, or say in one line why the database cannot be reached."""
    try:
        upgrade(settings.database_url)
    except (OSError, SQLAlchemyError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
        typer.echo(
            f"pln-bot: cannot use the database ({settings.describe_database()}): {reason}",
            err=True,
        )
        raise typer.Exit(2) from None


def _configure_logging(settings: Settings, *adapter_settings: BaseModel) -> None:
    """PLN_LOG_LEVEL and PLN_LOG_FORMAT, with every secret the settings hold redacted."""
    configure_logging(
        settings.log_level,
        log_format=settings.log_format,
        secrets=secrets_of(settings, *adapter_settings),
    )


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        typer.echo(f"pln-bot: bad setting: {error}", err=True)
        raise typer.Exit(2) from None


def _slack_settings_or_exit() -> SlackSettings:
    from bot.adapters.slack.settings import load_slack_settings

    try:
        return load_slack_settings()
    except SettingsError as error:
        typer.echo(f"pln-bot: {error}", err=True)
        raise typer.Exit(2) from None


def _discord_settings_or_exit() -> DiscordSettings:
    from bot.adapters.discord.settings import load_discord_settings

    try:
        return load_discord_settings()
    except SettingsError as error:
        typer.echo(f"pln-bot: {error}", err=True)
        raise typer.Exit(2) from None


@app.command()
def run(
    adapter: Annotated[
        str, typer.Option(help="Where the bot talks: console, slack or discord.")
    ] = "console",
    member: Annotated[
        str | None,
        typer.Option(help="Console only: who you are at the start (default: your login)."),
    ] = None,
    clock: Annotated[
        str,
        typer.Option(
            help="'system', or 'simulated[=ISO-datetime]': a clock that moves only when told."
        ),
    ] = "system",
) -> None:
    """Migrate the database, then run the bot on an adapter."""
    if adapter not in ADAPTERS:
        raise typer.BadParameter(f"choose one of {', '.join(ADAPTERS)}", param_hint="--adapter")
    chosen_clock = parse_clock(clock)
    settings = _settings_or_exit()
    _configure_logging(settings)
    if adapter == "discord":
        discord_settings = _discord_settings_or_exit()
        _configure_logging(settings, discord_settings)  # its token redacted too
        _migrate_or_exit(settings)
        from bot.adapters.discord.main import run_discord

        raise typer.Exit(asyncio.run(run_discord(settings, discord_settings, chosen_clock)))
    if adapter == "slack":
        slack = _slack_settings_or_exit()
        _configure_logging(settings, slack)  # its tokens and secrets redacted too
        _migrate_or_exit(settings)
        from bot.adapters.slack.main import run_slack

        raise typer.Exit(asyncio.run(run_slack(settings, slack, chosen_clock)))
    from bot.adapters.console.main import run_console
    from bot.adapters.console.simulated_database import database_for_clock

    with database_for_clock(settings, chosen_clock) as database:
        _migrate_or_exit(database.settings)
        code = asyncio.run(run_console(database.settings, chosen_clock, member, database.note))
    raise typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    settings = _settings_or_exit()
    _configure_logging(settings)
    _migrate_or_exit(settings)
    typer.echo(f"Database is up to date: {settings.describe_database()}.")


@app.command()
def healthcheck(
    port: Annotated[
        int | None, typer.Option(help="Port to ask (default: PLN_HTTP_PORT, else 3000).")
    ] = None,
) -> None:
    """Ask the running bot's GET /healthz on this machine; exit 0 if healthy, 1 if not.

    The container image's HEALTHCHECK: python:3.11-slim has no curl, and this reads the
    same settings (PLN_HTTP_PORT) as the bot it asks.
    """
    import json
    import urllib.error
    import urllib.request

    settings = _settings_or_exit()
    chosen = port or settings.http_port or DEFAULT_HTTP_PORT
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{chosen}/healthz", timeout=5) as answer:
            typer.echo(json.loads(answer.read()).get("status", "ok"))
    except urllib.error.HTTPError as error:  # 503: the body says why
        typer.echo(error.read().decode(errors="replace")[:300], err=True)
        raise typer.Exit(1) from None
    except (OSError, ValueError) as error:
        typer.echo(f"pln-bot: no answer on port {chosen}: {error}", err=True)
        raise typer.Exit(1) from None


@prompts_app.command("check")
def prompts_check() -> None:
    """Validate the library and print how well each element is covered; exit 1 on a problem."""
    from bot.prompts.library import LibraryError, check_library, coverage, load_library
    from bot.prompts.tracks import plan_problems

    try:
        library = load_library()
    except LibraryError as error:
        typer.echo(f"The prompt library has problems:\n{error}", err=True)
        raise typer.Exit(1) from None
    rows = coverage(library)
    width = max(len(f"{row.framework}/{row.element}") for row in rows)
    typer.echo(f"{'framework/element':<{width}}  prompts  revisits")
    for row in rows:
        typer.echo(
            f"{row.framework + '/' + row.element:<{width}}  {row.prompts:>7}  {row.revisits:>8}"
        )
    revisits = sum(row.revisits for row in rows)
    typer.echo(
        f"{len(library.frameworks)} frameworks, {len(rows)} elements, "
        f"{len(library.prompts)} prompts ({revisits} with a revisit)"
    )
    problems = check_library(library) + plan_problems(library)
    if problems:
        typer.echo("Problems:\n" + "\n".join(f"- {problem}" for problem in problems), err=True)
        raise typer.Exit(1)
    typer.echo("The library is sound.")


@prompts_app.command("list")
def prompts_list(
    framework: Annotated[
        str | None, typer.Option(help="Only this framework (its id, e.g. olf).")
    ] = None,
) -> None:
    """List the library's prompts: id, element and question."""
    from bot.prompts.library import LibraryError, load_library

    try:
        library = load_library()
    except LibraryError as error:
        typer.echo(f"The prompt library has problems:\n{error}", err=True)
        raise typer.Exit(1) from None
    known = {file.framework.id for file in library.frameworks}
    if framework is not None and framework not in known:
        raise typer.BadParameter(
            f"choose one of {', '.join(sorted(known))}", param_hint="--framework"
        )
    for prompt in library.prompts:
        if framework is None or prompt.framework_id == framework:
            typer.echo(f"{prompt.id}  [{prompt.element}]  {prompt.question}")


def main() -> None:
    app(prog_name="pln-bot")


if __name__ == "__main__":  # pragma: no cover
    main()
