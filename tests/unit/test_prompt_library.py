"""The prompt library's loader and check: errors name the file, prompt and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.prompts.library import LibraryError, check_library, coverage, load_library

GOOD = """
[framework]
id = "demo"
name = "Demo framework"
description = "A framework used only by these tests."

[[elements]]
id = "listening"
name = "Listening"
description = "Hearing what colleagues need before deciding."

[[elements]]
id = "planning"
name = "Planning"
description = "Turning a vision into steps people can take."
"""

PROMPTS = {
    "listening": [
        "Think of the last time a teacher told you a tool was not working. What did you do next?",
        "Who in your school have you not heard from this term, and how could you invite them in?",
        "On a scale of 1 to 10, how well do you know what the office staff need from technology?",
    ],
    "planning": [
        "What is the one technology change you want finished by the end of this term?",
        "Which plan of yours stalled this year, and what would have kept it moving forward?",
        "What would you tell a new coordinator about writing a plan that people actually follow?",
    ],
}


def write_library(directory: Path, *, drop: int = 0, extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for element, questions in PROMPTS.items():
        for number, question in enumerate(questions[: len(questions) - drop], start=1):
            entries.append(
                f"""
[[prompts]]
id = "demo-{element}-{number}"
element = "{element}"
question = "{question}"
follow_up = "What is one small step you could take this week?"
"""
            )
    (directory / "demo.toml").write_text(GOOD + "".join(entries) + extra, encoding="utf-8")
    return directory


def test_a_sound_library_loads_and_passes_the_check(tmp_path: Path) -> None:
    library = load_library(write_library(tmp_path))
    assert len(library.prompts) == 6
    assert check_library(library) == []
    assert {(row.element, row.prompts) for row in coverage(library)} == {
        ("listening", 3),
        ("planning", 3),
    }
    prompt = library.by_id("demo-listening-1")
    assert prompt is not None and prompt.element == "Listening"


def test_the_check_fails_when_an_element_has_fewer_than_three_prompts(tmp_path: Path) -> None:
    library = load_library(write_library(tmp_path, drop=1))
    problems = check_library(library)
    assert any("demo/listening has 2 prompt(s)" in problem for problem in problems)


def test_a_schema_error_names_the_file_prompt_and_field(tmp_path: Path) -> None:
    bad = """
[[prompts]]
id = "demo-planning-9"
element = "planning"
question = "Too short?"
follow_up = "What is one small step you could take this week?"
"""
    with pytest.raises(LibraryError) as caught:
        load_library(write_library(tmp_path, extra=bad))
    assert "demo.toml: prompt demo-planning-9, field question" in str(caught.value)


def test_an_unknown_element_and_a_revisit_without_the_answer_are_refused(tmp_path: Path) -> None:
    bad = """
[[prompts]]
id = "demo-nowhere-1"
element = "nowhere"
question = "Which meeting this month taught you the most about your school?"
follow_up = "What will you do differently at the next one?"

[[prompts]]
id = "demo-planning-8"
element = "planning"
question = "What will you try with one department before the holidays?"
follow_up = "Who could help you try it?"
revisit = { after_weeks = 4, question = "How did the experiment go?" }
"""
    with pytest.raises(LibraryError) as caught:
        load_library(write_library(tmp_path, extra=bad))
    text = str(caught.value)
    assert "demo-planning-8, field revisit" in text
    assert "{answer}" in text


def test_duplicate_ids_and_near_duplicate_questions_are_problems(tmp_path: Path) -> None:
    twin = """
[[prompts]]
id = "demo-listening-1"
element = "listening"
question = "Think of the last time a teacher told you a tool wasn't working. What did you do next?"
follow_up = "What would you do differently?"
"""
    library = load_library(write_library(tmp_path, extra=twin))
    problems = "\n".join(check_library(library))
    assert "prompt id demo-listening-1 is used 2 times" in problems
    assert "ask nearly the same question" in problems


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[framework\nid = ", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"broken\.toml: not valid TOML"):
        load_library(tmp_path)
