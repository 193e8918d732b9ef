"""Replies the core gives whatever was asked: not joined, moderators only, something down.

Worded once here, so every platform says the same thing in the same situation.
"""

from __future__ import annotations

from bot.core.messages import plain

NOT_JOINED = plain(
    "Hi! I'm pln-bot: once a week I send a short leadership reflection prompt to members of "
    "this PLN. Type `/pln join` to take part, or `/pln help` to see what I can do."
)
NO_COMMUNITY = plain(
    "Hi! I'm pln-bot. Use `/pln join` in your PLN's workspace or server first; then I'll send "
    "your weekly reflection prompt here, and you can answer by replying."
)
DM_WELCOME = plain(
    "Welcome to the PLN! Your weekly reflection prompt will arrive here. Reply to it (or "
    "press Answer) to reflect; your answers are private to you."
)
DATABASE_DOWN = plain(
    "I couldn't reach my database just now, so nothing was done or saved. "
    "Please try again in a minute."
)
INTERNAL_ERROR = plain(
    "Sorry, something went wrong on my side and I couldn't finish that. Please try again; "
    "if it keeps happening, tell a moderator."
)
MODERATORS_ONLY = plain(
    "Only moderators can do that: ask one of your PLN's moderators. `/pln help` lists what "
    "you can do."
)
STALE_BUTTON = plain("That button doesn't work any more. Type `/pln help` to see what you can do.")
STALE_FORM = plain("That form doesn't work any more. Reply to your latest prompt instead.")
