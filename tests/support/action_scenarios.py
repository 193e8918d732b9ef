"""One scenario per registered button: how to reach it as a member would, and its effect.

Each adapter's test presses every id in `bot.core.registry.action_ids()` through that
adapter's real transport, using the scenario here to set the scene (through the core, as
the member's earlier steps would have) and to check the effect in the store afterwards.
A button added to the registry without a scenario here fails every adapter's test.

Scenes are built with `prompt now` (a moderator's one-off), so no clock has to move.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import (
    audience,
    data_rights,
    goal_outcomes,
    holidays,
    home,
    membership,
    pending_dms,
    quiet_members,
    reflections,
    retention,
    sharing,
)
from bot.core.actions import answer_number, answer_value
from bot.core.actors import Actor
from bot.core.checkins import assessment as checkin_assessment
from bot.core.checkins import messages as checkin_messages
from bot.core.checkins import profile as checkin_profile
from bot.core.events import CommandEntered
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.prompt_messages import ANSWER_ACTION, POST_ANSWER_ACTION, SKIP_ACTION, SNOOZE_ACTION
from bot.core.scheduling import preview as schedule_preview
from bot.core.service import PlnCore
from bot.store import pending_dms as pending_store
from bot.store.checkin_models import (
    CheckinGroup,
    CheckinRound,
    CheckinSeat,
    MemberProfile,
    MentorOffer,
    SelfAssessment,
)
from bot.store.holiday_models import Holiday
from bot.store.models import (
    Answer,
    AnswerShare,
    ChannelPost,
    Community,
    Delivery,
    DeliveryStatus,
    FreeNote,
    Member,
    Schedule,
    ScheduleKind,
)

ANSWER_TEXT = (
    "Two heads of department asked for help with the new gradebook; I paired them with the "
    "Year 9 team who already use it."
)
FORM_ZONE = "Europe/Berlin"


@dataclass(frozen=True)
class World:
    """The scene an adapter test provides: its core, a member and a moderator as that
    adapter's Actors, and the id of a channel on the platform to use as the PLN channel."""

    core: PlnCore
    member: Actor
    moderator: Actor
    channel_id: str


@dataclass(frozen=True)
class Scenario:
    """`setup` returns the value the button carries; `check` asserts the press's effect.

    When `form` is set, the press opens a form: the adapter test submits it with these
    fields through the platform (Slack view_submission, Discord modal submit, console line)
    before `check` runs. When `by_moderator` is set, the moderator presses it.
    """

    setup: Callable[[World], Awaitable[str]]
    check: Callable[[World, str], Awaitable[None]]
    form: dict[str, str] | None = field(default=None)
    by_moderator: bool = False  # the moderator presses it (a moderators-only button)


# --- scenes ----------------------------------------------------------------------------------


async def _replies(work: Awaitable[list[OutgoingMessage]]) -> str:
    return "\n".join(reply.text for reply in await work)


async def joined(world: World) -> str:
    await world.core.handle_command(world.member, "join")
    return ""


async def prompted(world: World) -> str:
    """The member has joined and got a prompt by DM; the value is its delivery id."""
    await joined(world)
    said = await _replies(world.core.handle_command(world.moderator, "prompt now"))
    assert "Sent" in said, said
    return str(await _latest(world, Delivery.id, Delivery.member_id))


async def answered(world: World) -> str:
    """The member answered their prompt; the value is the answer's number, as its buttons
    carry it (`n1`)."""
    await prompted(world)
    await world.core.handle_message(world.member, ANSWER_TEXT)
    return answer_value(await _latest(world, Answer.number, Answer.member_id))


async def answered_in_channel_pln(world: World) -> str:
    """As `answered`, with a PLN channel set, so the answer can be shared."""
    answer = await answered(world)
    said = await _replies(
        world.core.handle_command(world.moderator, f"channel <#{world.channel_id}>")
    )
    assert "PLN channel" in said, said
    return answer


async def shared(world: World) -> str:
    answer = await answered_in_channel_pln(world)
    said = await _replies(
        world.core.handle_command(world.member, f"share #{answer_number(answer)}")
    )
    assert "Shared" in said or "shared" in said, said
    return answer


async def paused(world: World) -> str:
    await joined(world)
    await world.core.handle_command(world.member, "pause")
    return ""


RETENTION_DAYS = 365


async def retention_asked(world: World) -> str:
    """The member has joined; the moderator asked for a retention setting, which waits for
    their Confirm; the value is its number of days."""
    await joined(world)
    said = await _replies(world.core.handle_command(world.moderator, f"retention {RETENTION_DAYS}"))
    assert "Nothing is deleted yet" in said, said
    return str(RETENTION_DAYS)


SCHEDULE_WORDS = "schedule prompt every 2 weeks on thu 15:30"


async def schedule_previewed(world: World) -> str:
    """The moderator asked to move the weekly prompt; the preview waits for Confirm or
    Cancel, which both carry its draft's id."""
    await joined(world)
    (said,) = await world.core.handle_command(world.moderator, SCHEDULE_WORDS)
    assert "Nothing is saved yet" in said.text, said.text
    (confirm,) = [b for b in said.buttons if b.action_id == schedule_preview.CONFIRM_ACTION]
    return confirm.value


async def _weekly_prompt_rules(world: World) -> list[tuple[int | None, int]]:
    ref = world.member.community

    async def rules(session: AsyncSession) -> list[tuple[int | None, int]]:
        found = await session.execute(
            select(Schedule.weekday, Schedule.every_weeks)
            .join(Community, Community.id == Schedule.community_id)
            .where(
                Community.platform == ref.platform,
                Community.external_id == ref.external_id,
                Schedule.kind == ScheduleKind.WEEKLY_PROMPT,
                Schedule.active.is_(True),
            )
        )
        return [(weekday, every) for weekday, every in found.tuples()]

    return await world.core.db.run(rules)


async def prompt_schedule_is_moved(world: World, _value: str) -> None:
    assert await _weekly_prompt_rules(world) == [(3, 2)]  # Thursdays, every 2 weeks


async def prompt_schedule_is_kept(world: World, _value: str) -> None:
    rules = await _weekly_prompt_rules(world)
    assert len(rules) == 1 and rules != [(3, 2)], rules


async def posted_in_channel(world: World) -> str:
    """Channel mode: the week's prompt posted once in the PLN channel; value: its post id."""
    await joined(world)
    core, mod = world.core, world.moderator
    await core.handle_command(mod, f"channel <#{world.channel_id}>")
    await core.handle_command(mod, "mode channel")
    said = await _replies(core.handle_command(mod, "prompt now"))
    assert "Posted" in said, said

    async def latest(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.max(ChannelPost.id))) or 0)

    return str(await core.db.run(latest))


WAITING_NOTE = "Ask the Year 8 team how they share the trolley timetable."


async def waiting_in_dm(world: World) -> str:
    """The member has joined; a DM of theirs waits for them to choose its community (as
    when a member of several Discord guilds writes with nothing to go by); the value is
    the button of their community."""
    await joined(world)
    ref, user = world.member.community, world.member.user_id

    async def hold(session: AsyncSession) -> int:
        return await pending_store.hold(
            session,
            platform=ref.platform,
            user_id=user,
            message_ref=None,
            text=WAITING_NOTE,
            now=world.core.clock.now(),
        )

    pending_id = await world.core.db.run(hold)
    return pending_dms.choice_value(pending_id, ref)


GOAL = "I will pair every new teacher with a digital buddy by half term."


async def goal_revisited(world: World) -> str:
    """The member answered a prompt with a goal; weeks later its revisit, quoting the
    goal, reached them (as the claim writes it); the value is the revisit's delivery id."""
    await joined(world)
    member = await _member(world)
    assert member is not None
    now = world.core.clock.now()

    async def revisit(session: AsyncSession) -> int:
        schedule = Schedule(
            community_id=member.community_id,
            kind=ScheduleKind.REVISIT,
            fire_at=now,
            active=False,
            created_at=now,
            member_id=member.id,
        )
        session.add(schedule)
        await session.flush()
        delivery = Delivery(
            schedule_id=schedule.id,
            member_id=member.id,
            due_local_date=now.date(),
            due_at=now,
            prompt_id="revisit",
            prompt_text=f'You wrote: "{GOAL}" What became of it?',
            status=DeliveryStatus.SENT,
            claimed_at=now,
            sent_at=now,
            goal_outcome=goal_outcomes.GOAL_ASKED,
        )
        session.add(delivery)
        await session.flush()
        return delivery.id

    return str(await world.core.db.run(revisit))


def goal_is(outcome: str) -> Callable[[World, str], Awaitable[None]]:
    async def check(world: World, delivery_id: str) -> None:
        assert (await _delivery(world, delivery_id)).goal_outcome == outcome

    return check


async def in_a_checkin_group(world: World) -> str:
    """The member was grouped with the moderator in a check-in round and asked "Did you
    meet?" (the rows the round's claim writes); the value is the member's seat id."""
    await joined(world)
    member = await _member(world)
    assert member is not None
    await world.core.handle_command(world.moderator, "join")
    now = world.core.clock.now()

    async def grouped(session: AsyncSession) -> int:
        moderator = await session.scalar(
            select(Member).where(
                Member.community_id == member.community_id,
                Member.platform_user_id == world.moderator.user_id,
            )
        )
        assert moderator is not None
        schedule = Schedule(
            community_id=member.community_id,
            kind=ScheduleKind.CHECKINS,
            weekday=0,
            local_time="10:00",
            zone="UTC",
            active=True,
            created_at=now,
        )
        session.add(schedule)
        await session.flush()
        found_round = CheckinRound(
            schedule_id=schedule.id,
            community_id=member.community_id,
            due_local_date=now.date(),
            due_at=now,
            status="formed",
            claimed_at=now,
            formed_at=now,
            seed=1,
        )
        session.add(found_round)
        await session.flush()
        group = CheckinGroup(round_id=found_round.id, community_id=member.community_id)
        session.add(group)
        await session.flush()
        seat = CheckinSeat(group_id=group.id, member_id=member.id)
        session.add_all([seat, CheckinSeat(group_id=group.id, member_id=moderator.id)])
        await session.flush()
        return seat.id

    return str(await world.core.db.run(grouped))


def met_is(answer: str) -> Callable[[World, str], Awaitable[None]]:
    async def check(world: World, seat_id: str) -> None:
        async def load(session: AsyncSession) -> str | None:
            return await session.scalar(
                select(CheckinSeat.met).where(CheckinSeat.id == int(seat_id))
            )

        assert await world.core.db.run(load) == answer

    return check


async def offered_fewer_prompts(world: World) -> str:
    """The member joined and was offered fewer prompts after weeks without an answer."""
    await joined(world)
    return ""


def rhythm_is(every_weeks: int) -> Callable[[World, str], Awaitable[None]]:
    async def check(world: World, _value: str) -> None:
        member = await _member(world)
        assert member is not None and member.every_weeks == every_weeks

    return check


# --- effects -----------------------------------------------------------------------------------


async def _member(world: World) -> Member | None:
    async def find(session: AsyncSession) -> Member | None:
        return await session.scalar(
            select(Member).where(
                Member.platform == world.member.community.platform,
                Member.platform_user_id == world.member.user_id,
            )
        )

    return await world.core.db.run(find)


async def _latest(world: World, column: object, member_column: object) -> int:
    member = await _member(world)
    assert member is not None, "the member should exist"

    async def find(session: AsyncSession) -> int:
        found = await session.scalar(
            select(func.max(column)).where(member_column == member.id)  # type: ignore[call-overload,operator]
        )
        assert found is not None
        return int(found)

    return await world.core.db.run(find)


async def _delivery(world: World, delivery_id: str) -> Delivery:
    async def find(session: AsyncSession) -> Delivery | None:
        return await session.get(Delivery, int(delivery_id))

    found = await world.core.db.run(find)
    assert found is not None
    return found


async def _answers_of_member(world: World) -> list[str]:
    member = await _member(world)
    if member is None:
        return []

    async def find(session: AsyncSession) -> list[str]:
        # Answer.text is a Python property (its parts joined), not a column
        answers = await session.scalars(select(Answer).where(Answer.member_id == member.id))
        return [answer.text for answer in answers]

    return await world.core.db.run(find)


async def member_is_active(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None and member.active


async def member_is_paused(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None and member.paused_at is not None


async def member_is_resumed(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None and member.active and member.paused_at is None


async def joined_and_asked(world: World) -> str:
    """The member joined and was asked whether they are new or experienced; the value is
    the answer they press."""
    said = await _replies(world.core.handle_command(world.member, "join"))
    assert "new to leading technology" in said, said
    return "experienced"


async def audience_is_set(world: World, value: str) -> None:
    member = await _member(world)
    assert member is not None and member.audience == value


async def member_is_erased(world: World, _value: str) -> None:
    assert await _member(world) is None
    assert await _answers_of_member(world) == []


async def prompt_is_skipped(world: World, delivery_id: str) -> None:
    assert (await _delivery(world, delivery_id)).skipped_at is not None


async def prompt_is_snoozed(world: World, delivery_id: str) -> None:
    assert (await _delivery(world, delivery_id)).remind_at is not None


async def answer_is_saved(world: World, _value: str) -> None:
    assert await _answers_of_member(world) == [ANSWER_TEXT]


async def answer_is_deleted(world: World, _value: str) -> None:
    assert await _answers_of_member(world) == []


async def _share_status(world: World, value: str) -> str | None:
    """The share of the member's answer whose number the button value carries."""
    member = await _member(world)
    assert member is not None

    async def find(session: AsyncSession) -> str | None:
        return await session.scalar(
            select(AnswerShare.status)
            .join(Answer, Answer.id == AnswerShare.answer_id)
            .where(Answer.member_id == member.id, Answer.number == answer_number(value))
        )

    return await world.core.db.run(find)


async def answer_is_shared(world: World, answer_id: str) -> None:
    assert await _share_status(world, answer_id) == "posted"


async def answer_is_private(world: World, answer_id: str) -> None:
    assert await _share_status(world, answer_id) is None
    assert await _answers_of_member(world) == [ANSWER_TEXT]


async def zone_is_set(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None and member.timezone == FORM_ZONE


async def retention_is_confirmed(world: World, days: str) -> None:
    """The setting is stored, waiting out the members' notice before any purge."""
    ref = world.member.community

    async def find(session: AsyncSession) -> Community | None:
        return await session.scalar(
            select(Community).where(
                Community.platform == ref.platform, Community.external_id == ref.external_id
            )
        )

    community = await world.core.db.run(find)
    assert community is not None and community.retention_days == int(days)
    assert community.retention_from is not None


async def note_is_placed(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None

    async def notes(session: AsyncSession) -> list[str]:
        found = await session.scalars(select(FreeNote.text).where(FreeNote.member_id == member.id))
        return list(found)

    assert await world.core.db.run(notes) == [WAITING_NOTE]


PICKED_ZONE = "Asia/Kolkata"


async def zone_asked(world: World) -> str:
    """The member typed `/pln tz IST`, which means three places; the value is the button
    of one of them."""
    await joined(world)
    (question,) = await world.core.handle_command(world.member, "tz IST")
    (button,) = [b for b in question.buttons if b.value == PICKED_ZONE]
    return button.value


async def zone_is_picked(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None and member.timezone == PICKED_ZONE


async def digest_was_read(world: World, _value: str) -> None:
    """The digest is a reply only (nothing stored): the adapter test checks its words."""
    assert await _member(world) is not None


WINTER_BREAK_ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example School//EN\r\nBEGIN:VEVENT\r\n"
    b"UID:winter@example.org\r\nSUMMARY:Winter break\r\nDTSTART;VALUE=DATE:20261221\r\n"
    b"DTEND;VALUE=DATE:20270104\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


async def calendar_previewed(world: World) -> str:
    """The moderator attached a school calendar to `holidays import`; its preview waits for
    Confirm or Cancel; the value is the import's batch token, as both buttons carry it."""
    await joined(world)
    calendar = Attachment("term.ics", WINTER_BREAK_ICS, "text/calendar")
    outcome = await world.core.handle(
        CommandEntered(world.moderator, "holidays import", files=(calendar,))
    )
    (preview,) = outcome.replies
    assert "Nothing is saved until you press Confirm" in preview.text, preview.text
    return preview.buttons[0].value


async def _holiday_rows(world: World) -> list[tuple[str, str | None]]:
    async def rows(session: AsyncSession) -> list[tuple[str, str | None]]:
        found = await session.scalars(select(Holiday))
        return [(holiday.name, holiday.import_batch) for holiday in found]

    return await world.core.db.run(rows)


async def holidays_are_imported(world: World, _batch: str) -> None:
    assert await _holiday_rows(world) == [("Winter break", None)]


async def no_holidays_are_saved(world: World, _batch: str) -> None:
    assert await _holiday_rows(world) == []


PROFILE_FORM = {
    "school": "St. Mary's Academy",
    "role": "teacher",
    "interests": "olf/using-data slict/shared-vision",
}


async def profile_is_saved(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None

    async def saved(session: AsyncSession) -> tuple[str | None, str | None, str | None, str]:
        found = await session.get(MemberProfile, member.id)
        assert found is not None
        return found.school, found.school_key, found.role, found.interests

    assert await world.core.db.run(saved) == (
        "St. Mary's Academy",
        "saint marys academy",
        "teacher",
        "olf/using-data slict/shared-vision",
    )


ASSESSMENT_FORM = {
    "setting_directions": "4",
    "building_relationships": "5",
    "developing_the_organization": "3",
    "improving_the_instructional_program": "2",
    "securing_accountability": "4",
}


async def offered_to_mentor(world: World) -> str:
    """The member set their role and offered to mentor; the reply asks for the
    self-assessment with the Rate myself button."""
    await joined(world)
    await world.core.handle_command(world.member, "profile role leader")
    said = await _replies(world.core.handle_command(world.member, "mentor offer 2"))
    assert "short self-assessment" in said, said
    return ""


async def assessment_is_saved(world: World, _value: str) -> None:
    member = await _member(world)
    assert member is not None

    async def saved(session: AsyncSession) -> tuple[tuple[str, int, int, int, int, int], int]:
        found = await session.get(SelfAssessment, member.id)
        offer = await session.get(MentorOffer, member.id)
        assert found is not None and offer is not None
        ratings = (
            found.role,
            found.setting_directions,
            found.building_relationships,
            found.developing_the_organization,
            found.improving_the_instructional_program,
            found.securing_accountability,
        )
        return ratings, offer.capacity

    assert await world.core.db.run(saved) == (("leader", 4, 5, 3, 2, 4), 2)


SCENARIOS: dict[str, Scenario] = {
    ANSWER_ACTION: Scenario(prompted, answer_is_saved, form={"answer": ANSWER_TEXT}),
    SKIP_ACTION: Scenario(prompted, prompt_is_skipped),
    SNOOZE_ACTION: Scenario(prompted, prompt_is_snoozed),
    POST_ANSWER_ACTION: Scenario(posted_in_channel, answer_is_saved, form={"answer": ANSWER_TEXT}),
    sharing.SHARE_ACTION: Scenario(answered_in_channel_pln, answer_is_shared),
    sharing.UNSHARE_ACTION: Scenario(shared, answer_is_private),
    data_rights.DELETE_CONFIRM_ACTION: Scenario(answered, answer_is_deleted),
    data_rights.FORGET_CONFIRM_ACTION: Scenario(answered, member_is_erased),
    home.JOIN_ACTION: Scenario(lambda world: _nothing(), member_is_active),
    home.DIGEST_ACTION: Scenario(answered, digest_was_read),
    home.TIMEZONE_ACTION: Scenario(joined, zone_is_set, form={"zone": FORM_ZONE}),
    home.PAUSE_ACTION: Scenario(joined, member_is_paused),
    home.RESUME_ACTION: Scenario(paused, member_is_resumed),
    retention.CONFIRM_ACTION: Scenario(retention_asked, retention_is_confirmed, by_moderator=True),
    holidays.CONFIRM_IMPORT_ACTION: Scenario(
        calendar_previewed, holidays_are_imported, by_moderator=True
    ),
    holidays.CANCEL_IMPORT_ACTION: Scenario(
        calendar_previewed, no_holidays_are_saved, by_moderator=True
    ),
    pending_dms.PLACE_ACTION: Scenario(waiting_in_dm, note_is_placed),
    schedule_preview.CONFIRM_ACTION: Scenario(
        schedule_previewed, prompt_schedule_is_moved, by_moderator=True
    ),
    schedule_preview.DISMISS_ACTION: Scenario(
        schedule_previewed, prompt_schedule_is_kept, by_moderator=True
    ),
    audience.AUDIENCE_ACTION: Scenario(joined_and_asked, audience_is_set),
    membership.ZONE_PICK_ACTION: Scenario(zone_asked, zone_is_picked),
    quiet_members.RHYTHM_FORTNIGHTLY_ACTION: Scenario(offered_fewer_prompts, rhythm_is(2)),
    quiet_members.RHYTHM_WEEKLY_ACTION: Scenario(offered_fewer_prompts, rhythm_is(1)),
    checkin_profile.EDIT_ACTION: Scenario(joined, profile_is_saved, form=PROFILE_FORM),
    checkin_assessment.RATE_ACTION: Scenario(
        offered_to_mentor, assessment_is_saved, form=ASSESSMENT_FORM
    ),
    **{
        goal_outcomes.action_id(outcome): Scenario(goal_revisited, goal_is(outcome))
        for outcome in goal_outcomes.OUTCOMES
    },
    **{
        action: Scenario(in_a_checkin_group, met_is(answer))
        for answer, action in checkin_messages.MET_ACTIONS.items()
    },
}

# what a press's reply says, for buttons whose effect is only a reply
REPLY_SAYS: dict[str, str] = {home.DIGEST_ACTION: "reflection digest"}

# forms, each reached through the button that opens it
FORM_OPENED_BY: dict[str, str] = {
    reflections.ANSWER_FORM_ACTION: ANSWER_ACTION,
    home.TIMEZONE_FORM_ACTION: home.TIMEZONE_ACTION,
    checkin_profile.FORM_ACTION: checkin_profile.EDIT_ACTION,
    checkin_assessment.FORM_ACTION: checkin_assessment.RATE_ACTION,
}


async def _nothing() -> str:
    return ""
