"""The peer half typed on the console by the real `pln-bot run` process: the profile (its
form asked one question at a time, and each field set directly), check-ins opt-in, and
mentoring from the offer to the introduction and the end."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console_session import assert_clean_exit, run_bot


def test_a_profile_is_filled_in_by_its_form_and_field_by_field(tmp_path: Path) -> None:
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln profile",
            "St. Mary's Academy",
            "teacher",
            "olf/using-data, slict/shared-vision",
            '/pln profile school "Northside Academy"',
            "/pln profile role leader",
            "/pln profile interests olf/nonsense",
            "/pln profile interests multipliers/liberator",
            "/pln profile show",
        ],
        member="alice",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "Your profile: 3 questions; type each answer as your next message." in out
    assert "(2/3) Your role: it, teacher or leader" in out
    assert "School: St. Mary's Academy\nRole: teacher-integrator" in out.replace(
        "[bot -> alice] ", ""
    )
    assert "I don't know olf/nonsense" in out and "olf/using-data" in out
    last = out.split("/pln profile show")[-1].replace("[bot -> alice] ", "")
    assert "School: Northside Academy\nRole: senior administrator" in last
    assert "Interests: multipliers/liberator" in last


def test_checkins_are_joined_paused_and_left(tmp_path: Path) -> None:
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln checkins",
            "/pln checkins join",
            "/pln checkins pause until 2026-12-07",
            "/pln checkins status",
            "/pln checkins join",
            "/pln checkins leave",
            "/pln checkins status",
        ],
        member="alice",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert out.count("You're not in the check-ins.") == 2
    assert "You're in the check-ins: each round" in out
    assert "paused until Mon 07 Dec 2026" in out
    assert "Your check-in pause is over" in out
    assert "You've left the check-ins" in out


def test_a_mentor_and_a_mentee_are_introduced_and_the_match_ends(tmp_path: Path) -> None:
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln profile role leader",
            '/pln profile school "Northside Academy"',
            "/pln mentor offer 2",
            ":1",
            "5",
            "5",
            "4",
            "4",
            "5",
            ":as alice",
            "/pln join",
            "/pln profile role teacher",
            "/pln profile school St Mary's",
            "/pln mentor request",
            "/pln mentor assess 1 2 3 3 2",
            "/pln mentor status",
            "/pln mentor end",
            ":as bob",
            "/pln mentor status",
        ],
        member="bob",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "Your self-assessment: 5 questions; type each answer as your next message." in out
    assert "(5/5) Securing accountability (1-5)" in out
    assert "[bot -> alice] Meet your mentor, bob." in out
    assert "[bot -> bob] Meet your new mentee, alice." in out
    assert "[bot -> alice] Your mentor: bob, since" in out
    assert "[bot -> bob] alice ended your mentoring match." in out
    assert "You offer to mentor up to 2 member(s)." in out.split(":as bob")[-1]


def test_a_mentor_ends_the_match_with_one_mentee_by_name(tmp_path: Path) -> None:
    """The console names members by their name (`:as carol`), so `end carol` is one match."""
    mentee = [
        "/pln join",
        "/pln profile role teacher",
        "/pln mentor request",
        "/pln mentor assess 1 2 3 3 2",
    ]
    transcript = run_bot(
        tmp_path,
        [
            "/pln join",
            "/pln profile role leader",
            "/pln mentor offer 2",
            "/pln mentor assess 5 5 4 4 5",
            ":as alice",
            *mentee,
            ":as carol",
            *mentee,
            ":as bob",
            "/pln mentor end dave",
            "/pln mentor end carol",
            "/pln mentor status",
        ],
        member="bob",
        clock="simulated=2026-11-20T10:00",
    )
    assert_clean_exit(transcript)
    out = transcript.stdout
    assert "Your matches: alice (your mentee), carol (your mentee)." in out
    assert "Ended your mentoring match with carol. I've told them." in out
    assert "[bot -> carol] bob ended your mentoring match." in out
    # the only status is the last command's: alice stays, carol's match is over
    assert "Your mentee: alice, since" in out and "Your mentee: carol" not in out
    assert "You offer to mentor up to 2 member(s)." in out
