"""A discussion's recap: counts, the thread's recurring phrases, and shared answers' links.

Everything in a recap is either public already or a count. The phrases come from the
thread's replies, which everyone in the channel can read; no name appears except those of
members who shared an answer on the discussion's framework element, beside the link to the
post they chose to make. Nobody's private answer is read to make a recap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.core.messages import OutgoingMessage, Section
from bot.core.ports import ThreadReply
from bot.digest.records import Reflection
from bot.digest.themes import compute_themes
from bot.digest.weeks import weeks_between

MIN_REPLIES_FOR_PHRASES = 3  # fewer replies have no "recurring" phrase to speak of
PHRASES = 5


@dataclass(frozen=True)
class SharedLink:
    """A shared answer on the discussion's element: its author chose to post it."""

    display_name: str
    link: str


@dataclass(frozen=True)
class ThreadCounts:
    participants: int
    replies: int


def counts_of(replies: Sequence[ThreadReply] | None) -> ThreadCounts | None:
    if replies is None:
        return None
    return ThreadCounts(len({reply.author_id for reply in replies}), len(replies))


def recurring_phrases(replies: Sequence[ThreadReply], question: str) -> list[str]:
    """The phrases several replies use, ranked as the digest ranks a member's themes (the
    question's own words dropped, so the recap does not echo it)."""
    texts = [reply for reply in replies if reply.text.strip()]
    if len(texts) < MIN_REPLIES_FOR_PHRASES:
        return []
    reflections = [
        Reflection(reply.posted_at, reply.text, "discussion", question) for reply in texts
    ]
    zone = ZoneInfo("UTC")
    weeks = weeks_between(texts[0].posted_at, texts[-1].posted_at, zone)
    themes = compute_themes(reflections, [], weeks, zone, count=PHRASES)
    return [theme.phrase for theme in themes]


def recap_message(
    title: str,
    element: str | None,
    counts: ThreadCounts | None,
    phrases: Sequence[str],
    shared: Sequence[SharedLink],
) -> OutgoingMessage:
    """The recap posted in the discussion's thread."""
    heading = f"Recap: {title}"
    if counts is None:
        summary = (
            "I could not read this thread, so there are no counts this time (the bot needs "
            "permission to read the channel's history)."
        )
    elif counts.replies == 0:
        summary = "No replies yet. The thread stays open if you want to add yours."
    else:
        people = "person" if counts.participants == 1 else "people"
        replies = "reply" if counts.replies == 1 else "replies"
        summary = f"{counts.replies} {replies} from {counts.participants} {people}."
    sections = [Section(body=summary)]
    if phrases:
        listed = ", ".join(f"“{phrase}”" for phrase in phrases)
        sections.append(Section(heading="Recurring in the thread", body=listed))
    if shared and element:
        lines = [f"• {item.display_name}: {item.link}" for item in shared]
        sections.append(Section(heading=f"Shared reflections on {element}", body="\n".join(lines)))
    text = "\n".join(
        [heading, *((f"{s.heading}: " if s.heading else "") + s.body for s in sections)]
    )
    return OutgoingMessage(
        text=text, heading=heading, sections=tuple(sections), private=False, kind="recap"
    )
