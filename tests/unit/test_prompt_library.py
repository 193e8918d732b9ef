"""The prompt library's loader and check: errors name the file, prompt and field; one
question per prompt, a source for every prompt, forms that do not wear out, retired ids that
still resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.prompts.library import (
    MIN_PROMPTS,
    MIN_PROMPTS_PER_ELEMENT,
    LibraryError,
    check_library,
    coverage,
    default_library,
    load_library,
)
from bot.prompts.questions import MAX_FORM_USES, form_uses

FIRST_EDITION = Path(__file__).resolve().parents[1] / "fixtures" / "prompt_library_first_edition"

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
        "Who in your school have you not heard from about technology this term?",
        "On a scale of 1 to 10, how well do you know what the office staff need from technology?",
        "Which student said something about homework apps that surprised you this month?",
    ],
    "planning": [
        "What is the one technology change you want finished by the end of this term?",
        "What would have kept your stalled wireless upgrade moving forward?",
        "What would you tell a new coordinator about writing a plan that people actually follow?",
        "Which budget line in the plan would you defend hardest in front of the governors?",
    ],
}
SOURCE = 'source = { article = "what-schools-need", idea = "Listening and planning" }'
SEASONS = {1: 'tags = { term = ["start"] }', 2: 'tags = { term = ["end"] }'}


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
{SOURCE}
{SEASONS.get(number, "")}
"""
            )
    (directory / "demo.toml").write_text(GOOD + "".join(entries) + extra, encoding="utf-8")
    return directory


def test_a_sound_library_loads_and_passes_the_check(tmp_path: Path) -> None:
    library = load_library(write_library(tmp_path))
    assert len(library.prompts) == 8
    assert check_library(library, frozenset(), min_prompts=8) == []
    assert {(row.element, row.prompts) for row in coverage(library)} == {
        ("listening", 4),
        ("planning", 4),
    }
    prompt = library.by_id("demo-listening-1")
    assert prompt is not None and prompt.element == "Listening"


def test_the_check_fails_when_an_element_has_fewer_than_four_prompts(tmp_path: Path) -> None:
    library = load_library(write_library(tmp_path, drop=1))
    problems = check_library(library, frozenset(), min_prompts=0)
    assert any("demo/listening has 3 prompt(s)" in problem for problem in problems)
    assert not any("tagged" in problem for problem in problems)
    untagged = load_library(write_library(tmp_path / "untagged", drop=3))
    assert any(
        "demo/planning has no prompt tagged for the end of the year" in problem
        for problem in check_library(untagged, frozenset(), min_prompts=0)
    )
    assert any("it needs 160" in p for p in check_library(library, frozenset()))


def test_a_schema_error_names_the_file_prompt_and_field(tmp_path: Path) -> None:
    bad = """
[[prompts]]
id = "demo-planning-9"
element = "planning"
question = "Too short?"
follow_up = "What is one small step you could take this week?"
source = { article = "defining-roles", idea = "Roles" }
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
source = { article = "defining-roles", idea = "Roles" }

[[prompts]]
id = "demo-planning-8"
element = "planning"
question = "What will you try with one department before the holidays?"
follow_up = "Who could help you try it?"
source = { article = "defining-roles", idea = "Roles" }
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
source = { article = "manager-to-leader", idea = "Understanding needs" }
"""
    library = load_library(write_library(tmp_path, extra=twin))
    problems = "\n".join(check_library(library, frozenset(), min_prompts=0))
    assert "prompt id demo-listening-1 is used 2 times" in problems
    assert "ask nearly the same question" in problems


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[framework\nid = ", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"broken\.toml: not valid TOML"):
        load_library(tmp_path)


def test_a_prompt_asks_one_question_and_names_its_source(tmp_path: Path) -> None:
    bad = """
[[prompts]]
id = "demo-planning-8"
element = "planning"
question = "What did the last rollout teach you? What would you change?"
follow_up = "Who could help you try it?"
source = { article = "defining-roles", idea = "Roles" }

[[prompts]]
id = "demo-planning-9"
element = "planning"
question = "Which plan of yours stalled this year, and what would have kept it moving?"
follow_up = "Who could help you try it?"
source = { article = "defining-roles", idea = "Roles" }

[[prompts]]
id = "demo-planning-10"
element = "planning"
question = "Which plan of yours stalled this year for want of a clear owner?"
follow_up = "Who could help you try it?"

[[prompts]]
id = "demo-planning-11"
element = "planning"
question = "Which plan of yours moved fastest when the whole staff backed it?"
follow_up = "Who could help you try it?"
source = { article = "a-blog-we-made-up", idea = "Roles" }
"""
    with pytest.raises(LibraryError) as caught:
        load_library(write_library(tmp_path, extra=bad))
    text = str(caught.value)
    assert "demo-planning-8, field (the entry): Value error, question: asks more than one" in text
    assert "demo-planning-9" in text and "asks a second question" in text
    assert "demo-planning-10, field source: Field required" in text
    assert "demo-planning-11, field source.article" in text


def test_a_form_used_more_than_five_times_is_a_problem(tmp_path: Path) -> None:
    scales = "".join(
        f"""
[[prompts]]
id = "demo-listening-{n}"
element = "listening"
question = "On a scale of 1 to 10, how well do you know what {who} need from technology?"
follow_up = "What is one small step you could take this week?"
{SOURCE}
"""
        for n, who in enumerate(["pupils", "parents", "governors", "librarians", "coaches"], 5)
    )
    library = load_library(write_library(tmp_path, extra=scales))
    problems = "\n".join(check_library(library, frozenset(), min_prompts=0))
    assert "the form 'a 1 to 10 scale' is used 6 times (at most 5)" in problems


def test_a_retired_prompt_still_resolves_but_is_never_in_rotation(tmp_path: Path) -> None:
    retired = """
[[retired]]
id = "demo-planning-7"
element = "planning"
question = "Which plan of yours stalled this year? What would have kept it moving?"
follow_up = "Who could help?"
revisit = { after_weeks = 4, question = "You wrote: \\"{answer}\\". Is it moving now?" }
"""
    library = load_library(write_library(tmp_path, extra=retired))
    old = library.by_id("demo-planning-7")
    assert old is not None and old.retired and old.element == "Planning"
    assert old.revisit is not None, "a revisit already scheduled still finds its question"
    assert "demo-planning-7" not in {p.id for p in library.prompts}
    assert all(row.prompts == 4 for row in coverage(library))


# -- the shipped library (second edition) -------------------------------------------------


def test_the_shipped_library_is_sound_with_the_semantic_check_on() -> None:
    library = default_library()
    assert check_library(library) == []
    assert len(library.prompts) >= MIN_PROMPTS


def test_every_prompt_has_a_source_and_every_element_enough_prompts() -> None:
    library = default_library()
    assert all(prompt.source for prompt in library.prompts)
    assert all(row.prompts >= MIN_PROMPTS_PER_ELEMENT for row in coverage(library))


def test_no_question_or_follow_up_has_two_question_marks() -> None:
    for prompt in default_library().prompts:
        assert prompt.question.count("?") == 1, prompt.id
        assert prompt.follow_up.count("?") == 1, prompt.id
        assert prompt.revisit is None or prompt.revisit.question.count("?") <= 1, prompt.id


def test_no_form_is_used_more_than_five_times() -> None:
    overused = {
        form: ids
        for form, ids in form_uses(default_library().prompts).items()
        if len(ids) > MAX_FORM_USES
    }
    assert overused == {}


def test_every_first_edition_id_still_resolves_kept_or_retired() -> None:
    """Stored deliveries name first-edition ids: history, digests and revisits must find them."""
    library = default_library()
    old = load_first_edition()
    for prompt_id, (element, question) in old.items():
        found = library.by_id(prompt_id)
        assert found is not None, prompt_id
        assert found.element_id == element, prompt_id
        if found.retired:
            assert found.question == question, "a retired prompt keeps the words it was sent with"
    assert len(library.retired) >= 20


def load_first_edition() -> dict[str, tuple[str, str]]:
    import tomllib

    prompts = {}
    for path in FIRST_EDITION.glob("*.toml"):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["prompts"]:
            prompts[entry["id"]] = (entry["element"], entry["question"])
    return prompts


SETTING = ("technolog", "tool", "system", "network", "rollout", "projector", "technical")


def test_personal_leadership_resources_stay_in_school_technology_and_name_their_source() -> None:
    """The seed only names the resources: their prompts follow the published Ontario
    Leadership Framework, say so, and ask about leading technology in a school."""
    resources = [p for p in default_library().prompts if p.element_id.endswith("-resources")]
    resources = [p for p in resources if p.element_id != "aligning-resources"]
    assert {p.element_id for p in resources} == {
        "cognitive-resources",
        "social-resources",
        "psychological-resources",
    }
    for prompt in resources:
        text = f"{prompt.question} {prompt.follow_up}".casefold()
        assert any(word in text for word in SETTING), prompt.id
        assert "(published OLF)" in prompt.source, prompt.id
    root = Path(__file__).resolve().parents[2]
    olf = (root / "bot" / "prompts" / "library" / "olf.toml").read_text(encoding="utf-8")
    docs = (root / "docs" / "PROMPTS.md").read_text(encoding="utf-8")
    assert "published Ontario Leadership Framework" in olf
    assert "follow the published Ontario Leadership Framework" in docs
