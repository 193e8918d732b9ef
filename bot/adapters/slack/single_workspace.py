"""A single-workspace bolt app that never starts bolt's own install flow.

With SLACK_BOT_TOKEN, SLACK_CLIENT_ID and SLACK_CLIENT_SECRET serve only Sign in with Slack
(bot/web/oauth). But slack-bolt's `AsyncApp.__init__` reads those two variables from the
environment whenever it is given no `oauth_settings`, and then builds an install flow with
a file installation store and drops the bot token ("`token` will be unused"); it has no
argument that says "no install flow". So the one constructor call runs with the two
variables out of bolt's sight and puts them back right after: `AsyncApp.__init__` is
synchronous, so no other coroutine of this process runs in between.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

# what AsyncApp.__init__ reads to decide on an install flow of its own (slack-bolt 1.x)
BOLT_INSTALL_VARIABLES: Final = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


@contextmanager
def bolt_without_install_flow() -> Iterator[None]:
    """Build the bolt app inside this block: it sees no client id or secret."""
    hidden = {name: os.environ.pop(name) for name in BOLT_INSTALL_VARIABLES if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(hidden)
