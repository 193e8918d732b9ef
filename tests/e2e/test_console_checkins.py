"""Check-ins on the console, as a PLN would live them: 11 members from 4 schools in 3 time
zones set their profiles and join check-ins; a moderator plans fortnightly rounds; six
rounds run on the simulated clock, with "Did you meet?" and the moderator's summaries.

The real `pln-bot run` process; the database it wrote is read afterwards to check every
round: everyone placed once or counted as left out, groups of two (one of three when the
number is odd), never two members of one school.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot

MEMBERS = {  # name: (school, role, zone)
    "ana": ("Northside Academy", "it", "Europe/London"),
    "ben": ("Northside academy", "teacher", "Europe/London"),
    "cara": ("St. Mary's", "leader", "Europe/London"),
    "dev": ("Saint Marys", "it", "Europe/Dublin"),
    "eli": ("St Mary's", "teacher", "America/Toronto"),
    "fay": ("Riverside High", "it", "America/Toronto"),
    "gil": ("Riverside High", "leader", "America/Toronto"),
    "hana": ("Riverside  High", "teacher", "Europe/London"),
    "ivo": ("Lakeside College", "it", "Europe/Paris"),
    "jo": ("Lakeside College", "teacher", "Europe/Paris"),
    "kai": ("Northside Academy", "leader", "Europe/Paris"),
}


def _script() -> list[str]:
    lines = [
        "/pln join",
        "/pln tz Europe/London",
        "/pln schedule checkins every 2 weeks on mon 10:00 Europe/London",
        ":1",
    ]
    for name, (school, role, zone) in MEMBERS.items():
        lines += [
            f":as {name}",
            "/pln join",
            f"/pln tz {zone}",
            f'/pln profile school "{school}"',
            f"/pln profile role {role}",
            "/pln checkins join",
        ]
    lines += [":as mod", ":advance 8d"]  # Sat 28 Nov 10:00: round 1 (Mon 23), its follow-up
    lines += [":as ana", ":1"]  # ana's newest buttons: "Did you meet?" -> Yes
    for _ in range(5):
        lines += [":as mod", ":advance 14d"]
    lines += [":as mod", "/pln stats", "/pln schedules"]
    return lines


def _rows(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


def test_six_fortnightly_rounds_for_eleven_members_from_four_schools(tmp_path: Path) -> None:
    transcript = run_bot(tmp_path, _script(), member="mod", clock="simulated=2026-11-20T10:00")
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "Saved as schedule 2:" in out

    database = tmp_path / "pln-bot.db"
    rounds = _rows(
        database,
        "select id, due_local_date, opted_in, placed, groups, left_out_paused, "
        "left_out_holiday, left_out_unreachable, sat_out from checkin_round order by id",
    )
    assert [str(r[1]) for r in rounds] == [
        "2026-11-23",
        "2026-12-07",
        "2026-12-21",
        "2027-01-04",
        "2027-01-18",
        "2027-02-01",
    ]
    seats = _rows(
        database,
        "select g.round_id, g.id, p.school_key, m.platform_user_id from checkin_seat s "
        "join checkin_group g on g.id = s.group_id join member m on m.id = s.member_id "
        "join member_profile p on p.member_id = m.id",
    )
    by_group: dict[int, list[tuple[str, str]]] = defaultdict(list)
    by_round: dict[int, list[str]] = defaultdict(list)
    sizes_in: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for round_id, group_id, school, name in seats:
        by_group[int(str(group_id))].append((str(school), str(name)))
        by_round[int(str(round_id))].append(str(name))
        sizes_in[int(str(round_id))][int(str(group_id))] += 1
    for group in by_group.values():
        assert len(group) in (2, 3)
        assert len({school for school, _ in group}) == len(group), group
    for round_id, _, opted_in, placed, groups, paused, away, unreachable, sat_out in rounds:
        names = by_round[int(str(round_id))]
        assert len(names) == len(set(names)) == placed, "nobody in two groups"
        assert opted_in == 11
        assert (
            placed + int(str(paused)) + int(str(away)) + int(str(unreachable)) + int(str(sat_out))
            == 11
        )
        sizes = list(sizes_in[int(str(round_id))].values())
        assert sizes.count(3) == (1 if placed % 2 else 0) and len(sizes) == groups

    first_round = rounds[0]
    assert first_round[3] == 11 and first_round[4] == 5, "five groups: four pairs and a three"
    for name in MEMBERS:
        assert out.count(f"[bot -> {name}] Check-in: you") >= 1
    assert out.count("[bot -> mod] Check-in round of ") == 6
    met = _rows(
        database,
        "select s.met from checkin_seat s join member m on m.id = s.member_id "
        "where m.platform_user_id = 'ana' and s.met is not null",
    )
    assert met == [("yes",)]
    stats = out.split("mod> /pln stats", 1)[1]
    assert "Check-ins: 11 members joined; 6 round(s)" in stats
    assert "1 of the 1 who answered" in stats
