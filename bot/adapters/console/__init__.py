"""The console adapter: the bot in a terminal, with no tokens, on an SQLite file."""
