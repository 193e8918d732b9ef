"""`/pln stats` on a simulated term (injected clock, Runner.advance): the figures are right,
and they are counts only: no answer's words, no name of a member who did not share.

On a real SQLite file and real PostgreSQL (the `db` fixture)."""

from __future__ import annotations

from datetime import timedelta

from matplotlib.text import Text
from sqlalchemy import select

from bot.core import stats
from bot.core.actors import Actor
from bot.core.clock import SimulatedClock
from bot.core.context import Context
from bot.core.messages import OutgoingMessage
from bot.core.replies import MODERATORS_ONLY
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.core.stats_chart import stats_figure
from bot.prompts.library import default_library
from bot.store.models import Answer, Delivery
from tests.support.actors import CONSOLE, member
from tests.support.snapshots import built_once

ALICE, BOB, DARA = member("alice"), member("bob"), member("dara")
# a member who never shares: her name must not reach a moderator through the stats
QUILL = Actor(CONSOLE, "quill", "Quillontine Marchbanks")
MODERATOR = member("mod")  # console:mod is a moderator in the `config` fixture
PLANTED = "the Zorbulax procurement fiasco"


async def _term_once(core: PlnCore) -> None:
    """`_term`, built through the core once per test process and database kind, then copied
    into each test's own fresh database (tests/support/snapshots.py)."""
    assert isinstance(core.clock, SimulatedClock)
    await built_once(("stats _term", core.config), core.db, core.clock, lambda: _term(core))


async def _term(core: PlnCore) -> None:
    """Fri 20 Nov 2026: four join. Three weekly prompts (23 Nov, 30 Nov, 7 Dec) fall due:
    week 48 all four get it (alice and bob answer, quill skips, dara says nothing); week 49
    all four (alice answers); then dara leaves and quill pauses; week 50 alice and bob get
    it (alice answers). The moderator asks on Wednesday 9 Dec."""
    runner = Runner(core)
    for actor in (ALICE, BOB, QUILL, DARA):
        await core.handle_command(actor, "join")
    await runner.advance(timedelta(days=3, hours=1))
    await core.handle_message(ALICE, f"Week one: {PLANTED} again.")
    await core.handle_message(BOB, "Inventory done.")
    await core.handle_command(QUILL, "skip")
    await runner.advance(timedelta(days=7))
    await core.handle_message(ALICE, f"Week two, and {PLANTED} is still with us.")
    await core.handle_command(DARA, "leave")
    await core.handle_command(QUILL, "pause")
    await runner.advance(timedelta(days=7))
    await core.handle_message(ALICE, f"Week three: {PLANTED}, resolved at last.")
    await runner.advance(timedelta(days=2))


async def _stats_reply(core: PlnCore, period: str = "term") -> OutgoingMessage:
    replies = await core.handle_command(MODERATOR, f"stats {period}".strip())
    assert len(replies) == 1, [r.text for r in replies]
    return replies[0]


async def test_stats_count_the_term_week_by_week(core: PlnCore) -> None:
    await _term_once(core)

    text = (await _stats_reply(core)).text

    assert "Members: 2 active, 1 paused, 1 left." in text
    assert "Prompts: 10 sent, 4 answered, 1 skipped — a 40% response rate." in text
    assert "• 2026-W48: 4 / 2 / 1" in text
    assert "• 2026-W49: 4 / 1 / 0" in text
    assert "• 2026-W50: 2 / 1 / 0" in text
    assert "Response rate trend: not enough weeks yet to show a trend." in text


async def test_coverage_counts_the_elements_someone_answered(core: PlnCore) -> None:
    await _term_once(core)
    library = default_library()

    async def answered_elements(session: object) -> set[tuple[str, str]]:
        rows = await session.scalars(  # type: ignore[attr-defined]
            select(Delivery.prompt_id).join(Answer, Answer.delivery_id == Delivery.id)
        )
        found = [library.by_id(prompt_id) for prompt_id in rows]
        return {(p.framework_id, p.element_id) for p in found if p is not None}

    touched = await core.db.run(answered_elements)
    total = sum(len(file.elements) for file in library.frameworks)

    text = (await _stats_reply(core, "all")).text

    assert touched
    assert f"Framework coverage: {len(touched)} of {total} elements answered by someone." in text


async def test_the_reply_carries_a_png_chart(core: PlnCore) -> None:
    await _term_once(core)

    reply = await _stats_reply(core)

    (chart,) = reply.files
    assert chart.mime_type == "image/png" and chart.content.startswith(b"\x89PNG")
    assert chart.filename == "pln-stats-term.png"


async def test_stats_and_chart_never_show_answers_nor_who_did_not_share(core: PlnCore) -> None:
    await _term_once(core)
    reply = await _stats_reply(core, "all")

    async def figures(ctx: Context) -> stats.CommunityStats:
        return await stats.gather(ctx, "all")

    gathered = await core.with_context(MODERATOR, figures)
    chart_texts = " ".join(t.get_text() for t in stats_figure(gathered).findobj(Text))

    for shown in (reply.text, chart_texts, reply.files[0].content.decode("latin-1")):
        folded = shown.casefold()
        assert "zorbulax" not in folded
        for name in ("quill", "marchbanks", "dara", "alice", "bob"):
            assert name not in folded


async def test_members_are_refused_stats(core: PlnCore) -> None:
    await _term_once(core)

    replies = await core.handle_command(ALICE, "stats")

    assert [r.text for r in replies] == [MODERATORS_ONLY.text]


async def test_discussions_posted_in_the_period_are_counted(core: PlnCore) -> None:
    (saved,) = await core.handle_command(
        MODERATOR,
        'schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 Europe/London '
        'text "Who do your families trust with their data?" confirm',
    )
    assert saved.text.startswith("Saved as schedule "), saved.text
    await _term(core)  # to Wed 9 Dec: posted on Tue 24 Nov and Tue 8 Dec

    text = (await _stats_reply(core)).text

    assert "Discussions: 2 posted, 0 replies counted in their recaps." in text
    assert "• Tue 24 Nov, Trust and data: no replies" in text
    assert "• Tue 08 Dec, Trust and data: recap still to come" in text
