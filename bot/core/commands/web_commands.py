"""`/pln web`: a sign-in link for the web page (bot/web), sent privately."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import web_sign_in
from bot.core.commands.shapes import no_arguments
from bot.core.commands.spec import CommandSpec


@dataclass(frozen=True)
class WebLink:
    """A one-time sign-in link for the web page, valid 10 minutes."""


SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="web",
        arguments=no_arguments(WebLink),
        summary="A sign-in link for the web page, valid 10 minutes, once.",
        description=(
            "The page shows your reflections, digest, goals and settings (and, for "
            "moderators, the community's overview and calendar). Only you see the link."
        ),
        example="web",
        handler=lambda ctx, _: web_sign_in.sign_in_link(ctx),
    ),
)
