"""Mentoring from the offer and the request to the introductions, the end, the export and
erasure (SQLite file and the real PostgreSQL server, the `db` fixture)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.checkins import assessment
from bot.core.checkins.model import CAPACITIES
from bot.core.events import FormSubmitted
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.store.checkin_models import MentorMatch as MatchRow
from bot.store.checkin_models import MentorNotice, MentorOffer, MentorRequest, SelfAssessment
from bot.store.database import Database
from bot.store.models import Member
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

ALICE, BOB, CAROL = member("alice"), member("bob"), member("carol")


async def _said(core: PlnCore, who: object, text: str) -> str:
    return "\n".join(reply.text for reply in await core.handle_command(who, text))  # type: ignore[arg-type]


async def _ready(core: PlnCore, who: object, role: str, school: str) -> None:
    await core.handle_command(who, "join")  # type: ignore[arg-type]
    await core.handle_command(who, f"profile role {role}")  # type: ignore[arg-type]
    await core.handle_command(who, f"profile school {school}")  # type: ignore[arg-type]


async def _rows(db: Database, table: type) -> list[object]:
    async def rows(session: AsyncSession) -> list[object]:
        return list(await session.scalars(select(table)))

    return await db.run(rows)


async def _id(db: Database, name: str) -> int:
    async def find(session: AsyncSession) -> int:
        found = await session.scalar(select(Member.id).where(Member.platform_user_id == name))
        assert found is not None
        return found

    return await db.run(find)


async def test_an_offer_asks_for_the_role_then_the_assessment(core: PlnCore, db: Database) -> None:
    await core.handle_command(BOB, "join")
    said = await _said(core, BOB, "mentor offer up to 2 mentees")
    assert "/pln profile role it|teacher|leader" in said
    await core.handle_command(BOB, "profile role leader")
    (asked,) = await core.handle_command(BOB, "mentor offer 2")
    assert [b.action_id for b in asked.buttons] == [assessment.RATE_ACTION]
    (offer,) = await _rows(db, MentorOffer)
    assert isinstance(offer, MentorOffer) and offer.capacity == 2
    said = await _said(core, BOB, "mentor assess 5 5 4 4 5")
    assert "Saved your self-assessment" in said and "I'll introduce you" in said
    (saved,) = await _rows(db, SelfAssessment)
    assert isinstance(saved, SelfAssessment) and saved.role == "leader"
    assert (saved.setting_directions, saved.securing_accountability) == (5, 5)
    assert "up to 1 to 5 mentees" in await _said(core, BOB, "mentor offer 9")
    assert "five capacities" in await _said(core, BOB, "mentor assess 5 5 4")


async def test_a_request_is_matched_and_both_are_introduced(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await _ready(core, BOB, "leader", "Northside Academy")
    await core.handle_command(BOB, "mentor offer")
    await core.handle_command(BOB, "mentor assess 5 5 4 4 5")
    await _ready(core, CAROL, "teacher", "northside   academy")  # bob's school: never
    await core.handle_command(CAROL, "mentor request")
    assert "No mentor with room fits yet" in await _said(core, CAROL, "mentor assess 1 2 3 3 3")
    await _ready(core, ALICE, "teacher", "St. Mary's")
    await core.handle_command(ALICE, "mentor request")
    fields = dict(zip(CAPACITIES, ("1", "2", "3", "3", "2"), strict=True))
    outcome = await core.handle(FormSubmitted(ALICE, assessment.FORM_ACTION, "", fields))
    told = "\n".join(reply.text for reply in outcome.replies)
    assert "Meet your mentor, bob." in told
    assert "setting directions, building relationships, securing accountability" in told
    ((to, intro),) = messenger.sent
    assert to.platform_user_id == "bob" and "Meet your new mentee, alice." in intro.text
    (match,) = await _rows(db, MatchRow)
    assert isinstance(match, MatchRow) and match.ended_at is None
    assert (match.mentor_id, match.mentee_id) == (await _id(db, "bob"), await _id(db, "alice"))
    waiting = await _rows(db, MentorRequest)
    assert [row.member_id for row in waiting] == [await _id(db, "carol")]  # type: ignore[attr-defined]
    assert "Your mentee: alice" in await _said(core, BOB, "mentor status")
    assert "You have a mentor already" in await _said(core, ALICE, "mentor request")


async def test_either_side_ends_the_match_and_the_other_is_told(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await _ready(core, BOB, "leader", "Northside")
    await core.handle_command(BOB, "mentor offer")
    await core.handle_command(BOB, "mentor assess 5 5 5 5 5")
    await _ready(core, ALICE, "it", "Southside")
    await core.handle_command(ALICE, "mentor request")
    await core.handle_command(ALICE, "mentor assess 1 1 1 1 1")
    messenger.sent.clear()
    said = await _said(core, ALICE, "mentor end")
    assert "Ended 1 mentoring match(es)" in said
    ((to, notice),) = messenger.sent
    assert to.platform_user_id == "bob" and "alice ended your mentoring match" in notice.text
    (match,) = await _rows(db, MatchRow)
    assert isinstance(match, MatchRow) and match.ended_at is not None
    assert "no mentoring match, offer or request" in await _said(core, ALICE, "mentor end")


DAVE = member("dave")


async def _bob_mentors_alice_and_carol_and_dave_waits(core: PlnCore) -> None:
    await _ready(core, BOB, "leader", "Northside")
    await core.handle_command(BOB, "mentor offer 2")
    await core.handle_command(BOB, "mentor assess 5 5 5 5 5")
    for who, school in ((ALICE, "Southside"), (CAROL, "Eastside"), (DAVE, "Westside")):
        await _ready(core, who, "it", school)
        await core.handle_command(who, "mentor request")
        await core.handle_command(who, "mentor assess 1 1 1 1 1")


async def _active_pairs(db: Database) -> set[tuple[int | None, int | None]]:
    rows = [row for row in await _rows(db, MatchRow) if isinstance(row, MatchRow)]
    return {(row.mentor_id, row.mentee_id) for row in rows if row.ended_at is None}


async def test_ending_one_match_keeps_the_others_and_the_offer_and_refills_the_place(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await _bob_mentors_alice_and_carol_and_dave_waits(core)
    bob, alice, carol, dave = [await _id(db, n) for n in ("bob", "alice", "carol", "dave")]
    assert await _active_pairs(db) == {(bob, alice), (bob, carol)}  # dave waits: no room
    messenger.sent.clear()

    said = await _said(core, BOB, "mentor end alice")

    assert "Ended your mentoring match with alice. I've told them." in said
    assert "Your other 1 match(es) go on. Your offer to mentor stays open." in said
    assert "Meet your new mentee, dave." in said  # the freed place, matched at once
    assert await _active_pairs(db) == {(bob, carol), (bob, dave)}
    told = {to.platform_user_id: message.text for to, message in messenger.sent}
    assert "bob ended your mentoring match" in told["alice"]
    assert "Meet your mentor, bob." in told["dave"]
    assert "carol" not in told
    (offer,) = await _rows(db, MentorOffer)
    assert isinstance(offer, MentorOffer) and offer.capacity == 2
    assert await _rows(db, MentorRequest) == []


async def test_a_mentee_ends_the_match_with_their_mentor_by_at_name(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await _bob_mentors_alice_and_carol_and_dave_waits(core)
    bob, carol, dave = [await _id(db, n) for n in ("bob", "carol", "dave")]
    messenger.sent.clear()

    said = await _said(core, ALICE, "mentor end @Bob")

    assert "Ended your mentoring match with bob. I've told them." in said
    assert "Meet your" not in said  # alice asked for nothing new: she is not matched again
    assert await _active_pairs(db) == {(bob, carol), (bob, dave)}
    to_bob = [message.text for to, message in messenger.sent if to.platform_user_id == "bob"]
    assert "alice ended your mentoring match" in to_bob[0]
    assert "Meet your new mentee, dave." in to_bob[1]  # bob's freed place, matched at once


async def test_a_name_that_is_not_a_match_is_refused_with_the_current_matches(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await _bob_mentors_alice_and_carol_and_dave_waits(core)
    before = await _active_pairs(db)
    messenger.sent.clear()

    said = await _said(core, BOB, "mentor end dave")

    assert "dave is not one of your mentoring matches." in said
    assert "Your matches: alice (your mentee), carol (your mentee)." in said
    assert "`/pln mentor end` alone ends them all" in said
    assert await _active_pairs(db) == before and messenger.sent == []
    said = await _said(core, DAVE, "mentor end bob")
    assert "bob is not one of your mentoring matches." in said
    assert "You have no mentoring match now" in said
    assert await _rows(db, MentorRequest) != []  # dave keeps waiting


async def test_an_introduction_the_platform_refuses_is_sent_later_exactly_once(
    core: PlnCore, messenger: RecordingMessenger
) -> None:
    await _ready(core, BOB, "leader", "Northside")
    await core.handle_command(BOB, "mentor offer")
    await core.handle_command(BOB, "mentor assess 5 5 5 5 5")
    messenger.refuse_next = 1  # the platform answers 429 to the first try
    await _ready(core, ALICE, "it", "Southside")
    await core.handle_command(ALICE, "mentor request")
    said = await _said(core, ALICE, "mentor assess 1 1 1 1 1")

    def intros() -> list[str]:
        return [m.text for to, m in messenger.sent if "Meet your new mentee" in m.text]

    assert "Meet your mentor, bob." in said
    assert intros() == [], "refused: put back, not lost"
    await Runner(core).advance(timedelta(minutes=30))
    await Runner(core).advance(timedelta(days=1))
    assert len(intros()) == 1


async def _matched(core: PlnCore) -> None:
    await _ready(core, BOB, "leader", "Northside")
    await core.handle_command(BOB, "profile interests olf/using-data")
    await core.handle_command(BOB, "mentor offer 3")
    await core.handle_command(BOB, "mentor assess 5 5 5 5 5")
    await core.handle_command(BOB, "checkins join")
    await _ready(core, ALICE, "it", "Southside")
    await core.handle_command(ALICE, "mentor request")
    await core.handle_command(ALICE, "mentor assess 1 1 1 1 1")


async def _export(core: PlnCore, who: object) -> dict:  # type: ignore[type-arg]
    (reply,) = await core.handle_command(who, "export")  # type: ignore[arg-type]
    (json_file,) = [f for f in reply.files if f.filename.endswith(".json")]
    (markdown,) = [f for f in reply.files if f.filename.endswith(".md")]
    data = json.loads(json_file.content)
    data["markdown"] = markdown.content.decode()
    return data  # type: ignore[no-any-return]


async def test_the_export_has_the_profile_assessment_and_mentoring(core: PlnCore) -> None:
    await _matched(core)
    data = await _export(core, BOB)
    assert data["schema_version"] == 2
    peers = data["peers"]
    (profile,) = peers["profiles"]
    assert (profile["school"], profile["role"], profile["interests"]) == (
        "Northside",
        "leader",
        ["olf/using-data"],
    )
    assert [o["paused_until"] for o in peers["checkins"]] == [None]
    (assessed,) = peers["self_assessments"]
    assert assessed["ratings"]["building_relationships"] == 5
    assert [o["capacity"] for o in peers["mentor_offers"]] == [3]
    (match,) = peers["mentor_matches"]
    assert (match["as_role"], match["partner_display_name"]) == ("mentor", "alice")
    assert "- mentor of alice in" in data["markdown"]
    alice = (await _export(core, ALICE))["peers"]
    assert alice["mentor_matches"][0]["as_role"] == "mentee"
    assert alice["mentor_requests"] == []  # matched: the request went


async def test_erasure_keeps_the_partners_match_with_a_former_member(
    core: PlnCore, db: Database
) -> None:
    await _matched(core)
    bob = await _id(db, "bob")
    await core.handle_command(BOB, "forget-me confirm")
    for table in (SelfAssessment, MentorOffer):
        assert [row for row in await _rows(db, table) if row.member_id == bob] == []  # type: ignore[attr-defined]
    (match,) = await _rows(db, MatchRow)
    assert isinstance(match, MatchRow)
    assert match.mentor_id is None and match.mentee_id == await _id(db, "alice")
    assert match.ended_at is not None  # erasing ends the match
    (kept,) = (await _export(core, ALICE))["peers"]["mentor_matches"]
    assert kept["partner_display_name"] == "a former member" and kept["ended_at"] is not None
    assert "Your mentor" not in await _said(core, ALICE, "mentor status")


async def test_a_sent_introduction_keeps_no_copy_naming_the_other_member(
    core: PlnCore, db: Database, messenger: RecordingMessenger
) -> None:
    await _matched(core)

    async def texts(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(MentorNotice.text)))

    assert any("Meet your new mentee" in m.text for _, m in messenger.sent)
    assert await db.run(texts) == [""]
