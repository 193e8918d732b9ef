"""The prompt library: one TOML file per framework, validated by a pydantic schema at load.

The files in `bot/prompts/library/` are data a moderator or contributor edits without
touching code; loading them validates every field, and a mistake is reported with the file,
the prompt id and the field, so `pln-bot prompts check` can say exactly what to fix.

A prompt that is rewritten to ask something else gets a new id; the old one moves to its
file's `[[retired]]` list, so deliveries, answers, revisits and digests that name it still
find its text and element, while rotation never sends it again.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz

from bot.prompts.questions import MAX_FORM_USES, form_uses, one_question_problem
from bot.prompts.schema import FrameworkFile, PromptEntry, RetiredEntry, Revisit
from bot.prompts.similarity import SEMANTIC_THRESHOLD, closest, similar_pairs

LIBRARY_DIR = Path(__file__).parent / "library"
ALLOWED_PAIRS_FILE = Path(__file__).parent / "allowed_pairs.toml"
MIN_PROMPTS_PER_ELEMENT = 4
MIN_PROMPTS = 160
NEAR_DUPLICATE_SCORE = 90.0  # rapidfuzz ratio (0-100) above which two texts are one prompt


@dataclass(frozen=True)
class LibraryPrompt:
    """A prompt as the rest of the bot sees it: with its framework and element resolved."""

    id: str
    framework: str  # the framework's display name
    framework_id: str
    element: str  # the element's display name
    element_id: str
    question: str
    follow_up: str
    term: tuple[str, ...]
    audience: tuple[str, ...]
    revisit: Revisit | None
    source: str = ""  # "article: idea"; empty for a community's own prompts
    retired: bool = False  # kept for history; never chosen again


@dataclass(frozen=True)
class Library:
    frameworks: tuple[FrameworkFile, ...]
    prompts: tuple[LibraryPrompt, ...]  # the prompts rotation may send
    retired: tuple[LibraryPrompt, ...] = ()

    def by_id(self, prompt_id: str) -> LibraryPrompt | None:
        """A prompt by id, a retired one included: stored deliveries name both."""
        return self._index.get(prompt_id)

    @property
    def _index(self) -> dict[str, LibraryPrompt]:
        index: dict[str, LibraryPrompt] | None = self.__dict__.get("_by_id")
        if index is None:
            index = {p.id: p for p in (*self.retired, *self.prompts)}
            object.__setattr__(self, "_by_id", index)
        return index


class LibraryError(Exception):
    """The library cannot be loaded; each line of str() names a file, prompt and field."""


def load_library(directory: Path = LIBRARY_DIR) -> Library:
    """Read and validate every framework file; raise LibraryError listing every problem."""
    problems: list[str] = []
    files: list[FrameworkFile] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            files.append(_load_file(path))
        except LibraryError as error:
            problems.extend(str(error).splitlines())
    if not files and not problems:
        problems.append(f"{directory}: no framework files (*.toml)")
    if problems:
        raise LibraryError("\n".join(problems))
    return Library(tuple(files), tuple(_resolved(files)), tuple(_retired(files)))


@cache
def default_library() -> Library:
    return load_library()


def _load_file(path: Path) -> FrameworkFile:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise LibraryError(f"{path.name}: not valid TOML: {error}") from None
    try:
        parsed = FrameworkFile.model_validate(raw)
    except ValidationError as error:
        raise LibraryError(
            "\n".join(f"{path.name}: {_where(raw, e['loc'])}: {e['msg']}" for e in error.errors())
        ) from None
    known = {element.id for element in parsed.elements}
    entries: list[PromptEntry | RetiredEntry] = [*parsed.prompts, *parsed.retired]
    unknown = [p for p in entries if p.element not in known]
    if unknown:
        raise LibraryError(
            "\n".join(
                f"{path.name}: prompt {p.id}: element: {p.element!r} is not one of this "
                "file's elements"
                for p in unknown
            )
        )
    return parsed


def _where(raw: object, loc: tuple[int | str, ...]) -> str:
    """`prompt olf-goals-1, field question` rather than pydantic's `prompts.3.question`."""
    if len(loc) >= 2 and loc[0] in ("prompts", "elements", "retired") and isinstance(loc[1], int):
        items = raw.get(str(loc[0]), []) if isinstance(raw, dict) else []
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else {}
        ident = item.get("id", f"#{loc[1] + 1}") if isinstance(item, dict) else f"#{loc[1] + 1}"
        kind = {"prompts": "prompt", "retired": "retired prompt"}.get(str(loc[0]), "element")
        field = ".".join(str(part) for part in loc[2:]) or "(the entry)"
        return f"{kind} {ident}, field {field}"
    return "field " + ".".join(str(part) for part in loc)


def _resolved(files: Iterable[FrameworkFile]) -> list[LibraryPrompt]:
    prompts = []
    for file in files:
        names = {element.id: element.name for element in file.elements}
        for entry in file.prompts:
            prompts.append(
                LibraryPrompt(
                    id=entry.id,
                    framework=file.framework.name,
                    framework_id=file.framework.id,
                    element=names[entry.element],
                    element_id=entry.element,
                    question=entry.question,
                    follow_up=entry.follow_up,
                    term=entry.tags.term,
                    audience=entry.tags.audience,
                    revisit=entry.revisit,
                    source=str(entry.source),
                )
            )
    return prompts


def _retired(files: Iterable[FrameworkFile]) -> list[LibraryPrompt]:
    return [
        LibraryPrompt(
            id=entry.id,
            framework=file.framework.name,
            framework_id=file.framework.id,
            element={e.id: e.name for e in file.elements}[entry.element],
            element_id=entry.element,
            question=entry.question,
            follow_up=entry.follow_up,
            term=(),
            audience=(),
            revisit=entry.revisit,
            retired=True,
        )
        for file in files
        for entry in file.retired
    ]


# -- the check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    framework: str
    element: str
    prompts: int
    revisits: int


def coverage(library: Library) -> list[CoverageRow]:
    rows = []
    for file in library.frameworks:
        for element in file.elements:
            own = [p for p in file.prompts if p.element == element.id]
            rows.append(
                CoverageRow(
                    file.framework.id,
                    element.id,
                    len(own),
                    sum(1 for p in own if p.revisit is not None),
                )
            )
    return rows


def check_library(
    library: Library,
    allowed: frozenset[frozenset[str]] | None = None,
    min_prompts: int = MIN_PROMPTS,
) -> list[str]:
    """Problems beyond the schema: duplicate ids or texts, thin elements, a small library,
    forms used too often, prompts that ask the same thing in other words. Empty when sound.

    `allowed`: pairs judged different (default: bot/prompts/allowed_pairs.toml)."""
    problems: list[str] = []
    ids = Counter(prompt.id for prompt in (*library.prompts, *library.retired))
    problems += [f"prompt id {pid} is used {n} times" for pid, n in ids.items() if n > 1]
    frameworks = Counter(file.framework.id for file in library.frameworks)
    problems += [f"framework id {fid} is used {n} times" for fid, n in frameworks.items() if n > 1]
    for row in coverage(library):
        if row.prompts < MIN_PROMPTS_PER_ELEMENT:
            problems.append(
                f"{row.framework}/{row.element} has {row.prompts} prompt(s); "
                f"every element needs at least {MIN_PROMPTS_PER_ELEMENT}"
            )
    for file in library.frameworks:
        for element in file.elements:
            tags = {t for p in library.prompts if p.element_id == element.id for t in p.term}
            problems += [
                f"{file.framework.id}/{element.id} has no prompt tagged for the {phase} of the "
                "year (rotation gives each element its turn in every part of the year)"
                for phase in ("start", "end")
                if phase not in tags
            ]
    if len(library.prompts) < min_prompts:
        problems.append(f"the library has {len(library.prompts)} prompts; it needs {min_prompts}")
    problems += [
        f"the form {form!r} is used {len(users)} times (at most {MAX_FORM_USES}): "
        + ", ".join(users)
        for form, users in form_uses(library.prompts).items()
        if len(users) > MAX_FORM_USES
    ]
    problems += _near_duplicates(library.prompts)
    allowed = load_allowed_pairs() if allowed is None else allowed
    problems += [
        f"allowed_pairs.toml: {' / '.join(sorted(pair))} names a prompt the library does not have"
        for pair in allowed
        if not all(library.by_id(pid) for pid in pair)
    ]
    problems += [
        f"prompts {pair.first} and {pair.second} ask the same thing in other words "
        f"(similarity {pair.score:.2f}, threshold {SEMANTIC_THRESHOLD}); rewrite one, or "
        "add the pair to bot/prompts/allowed_pairs.toml if a person judged them different"
        for pair in similar_pairs(
            [(p.id, f"{p.question} {p.follow_up}") for p in library.prompts], allowed=allowed
        )
    ]
    return problems


def load_allowed_pairs(path: Path = ALLOWED_PAIRS_FILE) -> frozenset[frozenset[str]]:
    """Pairs a person read and judged to ask different things despite a high similarity."""
    if not path.exists():
        return frozenset()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return frozenset(frozenset(entry["ids"]) for entry in raw.get("pairs", []))


def _near_duplicates(prompts: tuple[LibraryPrompt, ...]) -> list[str]:
    found = []
    for index, first in enumerate(prompts):
        for second in prompts[index + 1 :]:
            score = fuzz.ratio(first.question.casefold(), second.question.casefold())
            if score >= NEAR_DUPLICATE_SCORE:
                found.append(
                    f"prompts {first.id} and {second.id} ask nearly the same question "
                    f"({score:.0f}% alike)"
                )
    return found


def community_prompt(
    library: Library,
    *,
    prompt_id: str,
    framework_id: str,
    element_id: str,
    question: str,
    follow_up: str,
) -> LibraryPrompt:
    """A community's own prompt in the library's shape, named after its framework element."""
    framework = next(f for f in library.frameworks if f.framework.id == framework_id)
    element = next(e for e in framework.elements if e.id == element_id)
    return LibraryPrompt(
        id=prompt_id,
        framework=framework.framework.name,
        framework_id=framework_id,
        element=element.name,
        element_id=element_id,
        question=question,
        follow_up=follow_up,
        term=(),
        audience=(),
        revisit=None,
    )


def validate_community_prompt(library: Library, text: str) -> tuple[str, str, str, str]:
    """`framework/element | question | follow-up` -> (framework, element, question, follow-up).

    Raises ValueError with a friendly message; the same limits as the library's prompts,
    and no near-duplicate of a library prompt.
    """
    parts = [part.strip() for part in text.split("|")]
    if len(parts) != 3 or not all(parts):
        raise ValueError(
            "Write it as `framework/element | question | follow-up`, for example "
            "`/pln prompts add olf/using-data | Which number surprised you this term? | "
            "What will you do about it?`. `/pln track` lists the frameworks."
        )
    where, question, follow_up = parts
    framework_id, _, element_id = where.casefold().partition("/")
    known = {f"{p.framework_id}/{p.element_id}" for p in library.prompts}
    if f"{framework_id}/{element_id}" not in known:
        raise ValueError(
            f"I don't know the element {where}. Use framework/element ids as in "
            "`pln-bot prompts list`, for example `olf/using-data` or `multipliers/liberator`."
        )
    if not 15 <= len(question) <= 220:
        raise ValueError("The question must be 15 to 220 characters (it is read on a phone).")
    if not 10 <= len(follow_up) <= 160:
        raise ValueError("The follow-up must be 10 to 160 characters.")
    for part, text in (("question", question), ("follow-up", follow_up)):
        problem = one_question_problem(text)
        if problem:
            raise ValueError(f"The {part} {problem}: one question each, please.")
    for prompt in library.prompts:
        if fuzz.ratio(prompt.question.casefold(), question.casefold()) >= NEAR_DUPLICATE_SCORE:
            raise ValueError(f"That question is nearly the same as the library's {prompt.id}.")
    nearest = closest(
        f"{question} {follow_up}", [(p.id, f"{p.question} {p.follow_up}") for p in library.prompts]
    )
    if nearest is not None and nearest.score >= SEMANTIC_THRESHOLD:
        twin = library.by_id(nearest.second)
        raise ValueError(
            f"That asks what the library's {nearest.second} already asks"
            + (f" (“{twin.question}”)" if twin else "")
            + ". Members would get the same question twice; try another angle."
        )
    return framework_id, element_id, question, follow_up
