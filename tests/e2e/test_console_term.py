"""A moderator plans the autumn term on the console and the term fires exactly that plan.

The real `pln-bot run` process, typed as a moderator and a member would: the school
calendar imported from an .ics file (autumn half term, winter break), a fortnightly
discussion on Tuesdays at 16:00 in London, and in October the weekly prompt moved from
Monday 09:00 to Thursday 15:30. Alice answers every prompt she gets; members reply in a
discussion's thread with `:reply`. The database the process wrote is then read to check
that exactly the expected prompts, posts and recaps fired, and Alice's digest counts a
streak that the holidays did not break.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot

CALENDAR = Path(__file__).parents[1] / "fixtures" / "calendars" / "school-year.ics"

# Thursdays (Thu 16:00 London, after the 15:30 prompt) from 8 Oct to 14 Jan; the half-term
# week and the two weeks of the winter break have no prompt, so Alice writes nothing then
THURSDAYS = [
    ("2026-10-08", True),
    ("2026-10-15", True),
    ("2026-10-22", True),
    ("2026-10-29", False),  # autumn half term (26-30 Oct)
    ("2026-11-05", True),
    ("2026-11-12", True),
    ("2026-11-19", True),
    ("2026-11-26", True),
    ("2026-12-03", True),
    ("2026-12-10", True),
    ("2026-12-17", True),
    ("2026-12-24", False),  # winter break (21 Dec - 3 Jan)
    ("2026-12-31", False),
    ("2027-01-07", True),
    ("2027-01-14", True),
]
ANSWERS = [
    "Rolled out the new Chromebook carts to Year 7; two classes still share one charger bay.",
    "Met the head about the device budget; we agreed to stage the refresh over two years.",
    "Coached Priya on using the quiz tool for exit tickets; she ran it alone by Friday.",
]


def _script() -> list[str]:
    lines = [
        "/pln join",
        "/pln tz Europe/London",
        "/pln holidays import < term dates.ics",
        ":1",
        '/pln schedule discussion "Trust and data" in #pln every 2 weeks on tue 16:00 '
        'Europe/London text "Who do your families trust with their data?"',
        ":1",
        ":as alice",
        "/pln join",
        "/pln tz Europe/London",
        ":advance 7d",  # Thu 1 Oct 10:00: Monday's prompt came, and Tuesday's discussion
        ANSWERS[0],
        ":reply We ask parents before any new app goes live, and the consent forms say so.",
        ":as mod",
        ":reply Our consent forms still only mention photos.",
        ":reply The parent council read our consent forms last year.",
        "/pln schedule prompt weekly thu 15:30",
        ":1",
        ":advance 6h",  # Thu 1 Oct 16:00: this week's prompt already came on Monday
    ]
    for week, (_, prompted) in enumerate(THURSDAYS):
        lines += [":advance 7d", ":as alice"]
        if prompted:
            lines.append(ANSWERS[(week + 1) % len(ANSWERS)])
        lines.append(":as mod")
    lines += [":as alice", "/pln digest", ":as mod", "/pln stats", "/pln holidays"]
    return lines


def _rows(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def _day(value: object) -> date:
    return datetime.fromisoformat(str(value)).date()


def test_a_planned_term_fires_exactly_its_prompts_posts_and_recaps(tmp_path: Path) -> None:
    shutil.copy(CALENDAR, tmp_path / "term dates.ics")
    transcript = run_bot(tmp_path, _script(), member="mod", clock="simulated=2026-09-24T10:00")
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "[bot -> mod] Imported 4 holiday(s)" in out
    assert "Saved as schedule 2:" in out and "Saved as schedule 3:" in out

    database = tmp_path / "pln-bot.db"
    prompted = _rows(
        database,
        "select d.due_at, s.kind from delivery d join member m on m.id = d.member_id "
        "join schedule s on s.id = d.schedule_id "
        "where m.platform_user_id = 'alice' and d.status = 'sent' order by d.due_at",
    )
    weekly = [_day(at) for at, kind in prompted if kind == "weekly_prompt"]
    # Monday 28 Sep on the old rule; not again on Thursday 1 Oct, the week it moved
    expected = [date(2026, 9, 28)] + [date.fromisoformat(d) for d, sent in THURSDAYS if sent]
    assert weekly == expected
    looking_back = [_day(at) for at, kind in prompted if kind == "revisit"]
    assert looking_back, "answers with a goal are revisited"
    for day in looking_back:  # nothing fires in the half term or the winter break
        assert not date(2026, 10, 26) <= day <= date(2026, 10, 30), day
        assert not date(2026, 12, 21) <= day <= date(2027, 1, 3), day
    posted = _rows(
        database,
        "select due_local_date, status from discussion_post order by due_local_date",
    )
    # every other Tuesday from 29 Sep; 27 Oct (half term) and 22 Dec (winter break) are off
    assert [(str(day), status) for day, status in posted] == [
        ("2026-09-29", "sent"),
        ("2026-10-13", "sent"),
        ("2026-11-10", "sent"),
        ("2026-11-24", "sent"),
        ("2026-12-08", "sent"),
        ("2027-01-05", "sent"),
    ]
    recaps = _rows(
        database,
        "select p.due_local_date, r.status, r.replies, r.participants from discussion_recap r "
        "join discussion_post p on p.id = r.post_id order by p.due_local_date",
    )
    assert [(str(day), status) for day, status, _, _ in recaps] == [
        (str(day), "sent") for day, _ in posted
    ]
    assert recaps[0][2:] == (3, 2), "three replies from alice and mod in the first thread"
    assert out.count("[bot -> #pln] Discussion: Trust and data") == 6
    first_recap = out.split("[bot -> #pln thread: Trust and data] Recap: Trust and data")[1]
    assert "3 replies from 2 people." in first_recap.split("[bot ->")[0] + first_recap
    assert "consent forms" in first_recap

    digest = out.split("alice> /pln digest", 1)[1].split("mod> /pln stats", 1)[0]
    assert "Streak: 13 answered in a row (longest: 13)" in digest, digest
    stats = out.split("mod> /pln stats", 1)[1]
    assert "Discussions: 6 posted" in stats
    for private in ANSWERS:
        assert private not in stats
