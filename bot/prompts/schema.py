"""The schema of a framework file in `bot/prompts/library/`, checked with pydantic at load.

Every field a contributor writes is here, with its limits; `library.py` turns a valid file
into the prompts the rest of the bot sees.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.prompts.questions import one_question_problem

# The articles in the project's seeds (shared/seeds/) that a prompt's idea comes from.
ARTICLES = {
    "ict-leader-olf": "What does it take to be an ICT leader? (seed 000)",
    "defining-roles": "Defining roles: leadership and coordination, SLICT (seed 001)",
    "leadership-gap": "The gap in educational technology leadership (seed 002)",
    "manager-to-leader": "From tech management to tech leadership (seed 003)",
    "what-schools-need": "What do schools need from their technology leaders? (seed 004)",
}

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameworkInfo(_Strict):
    id: Slug
    name: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    description: Text


class Element(_Strict):
    id: Slug
    name: Annotated[str, StringConstraints(min_length=3, max_length=80)]
    description: Text


class Tags(_Strict):
    term: tuple[Literal["start", "middle", "end"], ...] = ()
    audience: tuple[Literal["new", "experienced"], ...] = ()


class Revisit(_Strict):
    """A question asked some weeks after the answer, quoting it back to its author only."""

    after_weeks: int = Field(ge=2, le=26)
    question: Annotated[str, StringConstraints(min_length=10, max_length=300)]

    @model_validator(mode="after")
    def _quotes_the_answer(self) -> Revisit:
        if self.question.count("{answer}") != 1:
            raise ValueError("a revisit question must contain {answer} exactly once")
        return self


class Source(_Strict):
    """Where a prompt's idea comes from: an article of the seeds and the idea, in a few words."""

    article: Literal[
        "ict-leader-olf",
        "defining-roles",
        "leadership-gap",
        "manager-to-leader",
        "what-schools-need",
    ]
    idea: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=90)]

    def __str__(self) -> str:
        return f"{self.article}: {self.idea}"


class RetiredEntry(_Strict):
    """A prompt no longer sent, kept so the deliveries and revisits that name it resolve."""

    id: Slug
    element: Slug
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=15)]
    follow_up: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]
    revisit: Revisit | None = None
    replaced_by: tuple[Slug, ...] = ()  # the prompts that now ask what it asked, if any


class PromptEntry(_Strict):
    id: Slug
    element: Slug
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=15, max_length=220)
    ]
    follow_up: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=10, max_length=160)
    ]
    source: Source
    tags: Tags = Tags()
    revisit: Revisit | None = None

    @model_validator(mode="after")
    def _one_question_each(self) -> PromptEntry:
        for field, text in (("question", self.question), ("follow_up", self.follow_up)):
            problem = one_question_problem(text)
            if problem:
                raise ValueError(f"{field}: {problem}")
        if self.revisit is not None and self.revisit.question.count("?") > 1:
            raise ValueError("revisit: its question asks more than one thing (two '?')")
        return self


class FrameworkFile(_Strict):
    framework: FrameworkInfo
    elements: tuple[Element, ...] = Field(min_length=1)
    prompts: tuple[PromptEntry, ...] = Field(min_length=1)
    retired: tuple[RetiredEntry, ...] = ()
