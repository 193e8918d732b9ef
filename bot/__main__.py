"""`python -m bot` is the same as the `pln-bot` command."""

from bot.cli import main

main()
