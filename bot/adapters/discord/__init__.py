"""Discord adapter: discord.py with a `/pln` app command group, DMs, buttons and modals."""
