"""A check-in group's messages, sent exactly once each through the send pipeline: the
introduction (one DM each, or one group DM on Slack), "Did you meet?" with Yes / Not yet /
No, one reminder after "Not yet", and the round's summary to its moderators (counts only).

Each message names the group's members by display name ("a former member" after an
erasure), says why they were matched, the hours they overlap in the reader's own zone, and
a conversation starter from the prompt library. Nothing a member wrote is in any of them.
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins.window import parse_window
from bot.core.messages import Button, ButtonStyle, OutgoingMessage
from bot.core.ports import SendResult
from bot.core.sending.claimed_queue import ClaimedRowQueue
from bot.core.sending.queue import Built, GroupTarget, SendPolicy, recipient
from bot.prompts.library import Library
from bot.store import checkins as store
from bot.store.checkin_models import CheckinMessage, CheckinRound
from bot.store.checkins import MessageToSend
from bot.store.database import Database
from bot.store.models import Member

FORMER = "a former member"
MET_ACTIONS = {"yes": "pln.checkin.met", "not_yet": "pln.checkin.not_yet", "no": "pln.checkin.no"}
MET_LABELS = {"yes": "Yes", "not_yet": "Not yet", "no": "No"}

Gathered = tuple[MessageToSend, CheckinRound | None, Member | None, tuple[int, int] | None]


def met_buttons(seat_id: int) -> tuple[Button, ...]:
    return tuple(
        Button(
            MET_LABELS[answer],
            action,
            str(seat_id),
            ButtonStyle.PRIMARY if answer == "yes" else ButtonStyle.DEFAULT,
        )
        for answer, action in MET_ACTIONS.items()
    )


def _zone(name: str | None, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def _names(found: MessageToSend, but: int | None) -> list[str]:
    return [
        member.display_name if member is not None else FORMER
        for seat, member in found.seats
        if seat.id != but
    ]


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def element_names(library: Library, keys: str) -> str:
    """`framework/element` keys in words: "Ontario Leadership Framework: Building relationships"."""
    names = {
        f"{p.framework_id}/{p.element_id}": f"{p.framework}: {p.element}" for p in library.prompts
    }
    return ", ".join(names.get(key, key) for key in keys.split(", "))


def _why(found: MessageToSend, library: Library) -> list[str]:
    lines = []
    for line in found.group.reasons.splitlines():
        if line.startswith("window "):
            continue
        if line.startswith("shared interest: "):
            line = "shared interest: " + element_names(
                library, line.removeprefix("shared interest: ")
            )
        lines.append(line)
    return lines


def _window_line(found: MessageToSend, zone: ZoneInfo) -> str | None:
    window = parse_window(found.group.reasons)
    if window is None:
        return None
    start, end = window
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return (
        f"Your working hours overlap {local_start:%H:%M}-{local_end:%H:%M} your time "
        f"({zone.key}) on {local_start:%a %d %b}."
    )


def introduction(
    found: MessageToSend, reader: Member | None, library: Library, default_zone: str
) -> OutgoingMessage:
    """The introduction for one member (or, `reader` None, the whole group on Slack)."""
    seat_id = found.seat.id if found.seat else None
    if reader is None:
        names = _names(found, None)
        lines = [f"Check-in: {_joined(names)}, you are this round's group."]
    else:
        others = _names(found, seat_id)
        lines = [f"Check-in: {_joined(['you', *others])} are this round's group."]
    why = _why(found, library)
    if why:
        lines.append("Why you were matched: " + "; ".join(why) + ".")
    if reader is not None:
        window = _window_line(found, _zone(reader.timezone, default_zone))
        if window:
            lines.append(window)
    else:
        shared = parse_window(found.group.reasons)
        if shared is not None:
            for _, member in found.seats:
                if member is not None:
                    zone = _zone(member.timezone, default_zone)
                    start, end = (moment.astimezone(zone) for moment in shared)
                    lines.append(f"• {member.display_name}: {start:%H:%M}-{end:%H:%M} ({zone.key})")
    if found.group.starter:
        lines.append(f"A conversation starter: “{found.group.starter}”")
    lines.append(
        "Find 20 minutes this week for a call or a coffee. In a few days I'll ask whether you met."
    )
    return OutgoingMessage(
        text="\n".join(lines),
        kind="checkin",
        metadata={"checkin_message_id": str(found.message.id)},
    )


def sitting_out() -> OutgoingMessage:
    return OutgoingMessage(
        text=(
            "Check-in: this round I couldn't give you a group (an odd number of members, or "
            "nobody from another school free to meet). You are first in line next round."
        ),
        kind="checkin",
    )


def did_you_meet(found: MessageToSend, *, reminder: bool) -> OutgoingMessage:
    assert found.seat is not None
    others = _joined(_names(found, found.seat.id))
    text = (
        f"A reminder: you planned to meet {others} for your check-in. Did you meet?"
        if reminder
        else f"Did you meet {others} for your check-in?"
    )
    return OutgoingMessage(
        text=text,
        buttons=met_buttons(found.seat.id),
        kind="checkin",
        metadata={"checkin_message_id": str(found.message.id)},
    )


def summary(found_round: CheckinRound, before: tuple[int, int] | None = None) -> OutgoingMessage:
    """The round's summary for a moderator: counts, never who; and how the round before it
    went ("Did you meet?" answers, which come in after a round's own summary)."""
    lines = [
        f"Check-in round of {found_round.due_local_date:%a %d %b %Y}: "
        f"{found_round.groups} group(s), {found_round.placed} of {found_round.opted_in} "
        "members who joined check-ins placed.",
        f"Left out: {found_round.left_out_paused} with check-ins paused, "
        f"{found_round.left_out_holiday} away (a timed pause), "
        f"{found_round.left_out_unreachable} the bot cannot reach"
        + (f", {found_round.sat_out} without a group this time" if found_round.sat_out else "")
        + ".",
        f"Repeats avoided: {found_round.repeats_avoided}; same-school pairs avoided: "
        f"{found_round.same_school_avoided}. Seed: {found_round.seed}.",
    ]
    if before is not None:
        answered, met = before
        lines.append(
            f'The round before: {met} of the {answered} who answered "Did you meet?" met.'
            if answered
            else 'The round before: nobody answered "Did you meet?".'
        )
    lines.append("`/pln stats` shows the meeting rate over the term.")
    return OutgoingMessage(text="\n".join(lines), kind="checkin_summary")


class CheckinMessageQueue(ClaimedRowQueue[int]):
    name = "checkin"
    model = CheckinMessage

    def __init__(
        self, platform: str, policy: SendPolicy, db: Database, library: Library, default_zone: str
    ) -> None:
        super().__init__(platform, policy)
        self._db = db
        self._library = library
        self._default_zone = default_zone

    async def load(self, session: AsyncSession, row_id: int) -> int:
        return row_id

    async def build(self, row: int) -> Built:
        gathered = await self._db.run(partial(self._gather, message_id=row))
        if gathered is None:
            return SendResult.unreachable("the check-in group is gone")
        found, found_round, moderator, before = gathered
        kind, community = found.message.kind, found.community
        if kind == "summary":
            if moderator is None or found_round is None:
                return SendResult.unreachable("no such moderator")
            return recipient(moderator, community), summary(found_round, before)
        if found.seat is None:  # the group's introduction, one group DM (Slack)
            users = tuple(m.platform_user_id for _, m in found.seats if m is not None and m.active)
            if len(users) < 2:
                return SendResult.unreachable("fewer than two members left in the group")
            return GroupTarget(community.external_id, users), introduction(
                found, None, self._library, self._default_zone
            )
        reader = next((m for s, m in found.seats if s.id == found.seat.id), None)
        if reader is None or not reader.active:
            return SendResult.unreachable("the member left or was erased")
        if kind == "sitout":
            message = sitting_out()
        elif kind == "intro":
            message = introduction(found, reader, self._library, self._default_zone)
        else:
            message = did_you_meet(found, reminder=kind == "reminder")
        return recipient(reader, community), message

    async def _gather(self, session: AsyncSession, message_id: int) -> Gathered | None:
        found = await store.message_to_send(session, message_id)
        if found is None:
            return None
        found_round = await session.get(CheckinRound, found.group.round_id)
        moderator, before = None, None
        if found.message.seat_key.startswith("mod"):
            moderator = await session.get(Member, int(found.message.seat_key[3:]))
            if found_round is not None:
                before = await store.previous_meetings(session, found_round)
        return found, found_round, moderator, before
