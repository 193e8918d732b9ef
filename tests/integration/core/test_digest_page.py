"""The web page's digest and goals: the chat digest's own content for the period chosen, the
chart as SVG with its text alternative, and every goal with its outcome.

Real core on a real SQLite file and the real PostgreSQL server (the `db` fixture); a term of
answers through the simulated clock, as the chat digest's tests do.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.digest_page import Days, days_or_error, digest_page, goals_page, period_or_error
from bot.core.service import PlnCore
from bot.digest import render
from bot.store.database import Database
from bot.web.inline_svg import inline
from tests.integration.core.test_digest import ALICE, CAROL, a_term_of_answers, one_digest
from tests.integration.core.test_digest_goal_outcomes import TROLLEYS, WALK, record_outcome
from tests.support.actors import member


async def test_the_page_shows_the_chat_digest_with_the_chart_as_svg_and_in_words(
    core: PlnCore, db: Database
) -> None:
    await a_term_of_answers(core)
    await record_outcome(db, "alice", TROLLEYS, "done")
    in_chat = await one_digest(core, ALICE, "digest term")

    page = await digest_page(core, ALICE, "term")

    assert page is not None
    assert page.title == render.title("the last 13 weeks")
    assert [(f.label, f.value) for f in in_chat.sections[0].fields] == list(page.figures)
    assert [(s.heading, s.body) for s in in_chat.sections[1:]] == [
        (s.heading, s.body) for s in page.sections
    ]
    assert page.chart_svg is not None and b"<svg" in page.chart_svg
    assert page.chart_svg.count(b"<path") > 10, "bars and text drawn as paths"
    words = "\n".join(page.chart_in_words)
    assert "Answers per framework element:" in words and "Words written per week:" in words
    assert "(skipped)" in words, "the skipped week is told, as the chart colours it"
    # it fits the pages' CSP: every matplotlib style becomes a presentation attribute
    inlined = inline(page.chart_svg.decode(), page.title, words, "digest")
    assert "style" not in inlined and 'role="img"' in inlined

    goals = await goals_page(core, ALICE)
    assert goals is not None
    by_text = {goal.text: goal.outcome for goal in goals}
    assert by_text[TROLLEYS] == "done"
    assert by_text[WALK] is None
    assert [g.written for g in goals] == sorted((g.written for g in goals), reverse=True)


async def test_a_period_without_answers_says_so_without_a_chart(core: PlnCore) -> None:
    await a_term_of_answers(core, weeks=2)
    page = await digest_page(core, CAROL, "week")
    assert page is not None and page.chart_svg is None and page.chart_in_words == ()
    assert [s.body for s in page.sections] == [render.NO_ANSWERS]
    assert await goals_page(core, CAROL) == []


async def test_someone_who_never_joined_gets_nothing(core: PlnCore) -> None:
    stranger = member("stranger")
    assert await digest_page(core, stranger, "month") is None
    assert await goals_page(core, stranger) is None


async def test_any_days_give_the_digest_of_those_days(core: PlnCore) -> None:
    await a_term_of_answers(core, weeks=4)
    today = core.clock.now().date()
    days, error = days_or_error((today - timedelta(days=15)).isoformat(), today.isoformat())
    assert days is not None and error is None
    page = await digest_page(core, ALICE, days)
    assert page is not None and page.title == render.title(days.label)
    answered = dict(page.figures)["Answered"]
    assert answered == "2", "the answers of the last two weeks, not of all four"
    assert page.chart_svg is not None
    future = Days(today + timedelta(days=30), today + timedelta(days=40))
    later = await digest_page(core, ALICE, future)
    assert later is not None and [s.body for s in later.sections] == [render.NO_ANSWERS]


def test_days_must_be_dates_in_order() -> None:
    assert days_or_error("2027-01-04", "2027-01-04") == (
        Days(date(2027, 1, 4), date(2027, 1, 4)),
        None,
    )
    assert days_or_error("2027-02-01", "2027-01-04")[1] == (
        "The last day comes before the first: swap them."
    )
    assert days_or_error("", "2027-01-04")[1] == (
        "Give the first and the last day as dates, like 2027-01-04."
    )


def test_periods_are_the_chat_digests_with_its_error() -> None:
    assert period_or_error("") == ("month", None)
    assert period_or_error("6 weeks") == ("6w", None)
    period, error = period_or_error("fortnight")
    assert period is None and error is not None and "`/pln digest` takes" in error
