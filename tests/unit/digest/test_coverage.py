"""Coverage: elements reflected on and how often, those never touched, one suggestion."""

from __future__ import annotations

from bot.digest.coverage import compute_coverage
from bot.prompts.library import default_library
from tests.unit.digest.answers import ANSWERS


def answered_prompts():  # type: ignore[no-untyped-def]
    library = default_library()
    return [library.by_id(prompt_id) for _, prompt_id, _ in ANSWERS]


def test_counts_per_element_of_the_fixed_answers() -> None:
    coverage = compute_coverage(default_library(), answered_prompts())

    counts = {(e.framework_id, e.element_id): e.count for e in coverage.touched}
    assert counts == {
        ("slict", "shared-vision"): 2,
        ("trust-needs-pln", "building-trust"): 1,
        ("responsibilities", "coaching"): 1,
        ("olf", "using-data"): 1,
    }
    assert coverage.touched[0].element_id == "shared-vision", "most reflected on first"
    library_size = sum(len(f.elements) for f in default_library().frameworks)
    assert (coverage.elements, coverage.touched_count) == (library_size, 4)
    assert (coverage.track, coverage.track_touched) == (0, 0)  # no track: the whole library
    assert len(coverage.untouched) == library_size - 4
    assert all(e.count == 0 for e in coverage.untouched)


def test_the_suggestion_is_an_untouched_element_with_its_library_description() -> None:
    coverage = compute_coverage(default_library(), answered_prompts())

    suggestion = coverage.suggestion
    assert suggestion is not None and suggestion.count == 0
    element = next(
        e
        for f in default_library().frameworks
        if f.framework.id == suggestion.framework_id
        for e in f.elements
        if e.id == suggestion.element_id
    )
    assert suggestion.description == element.description


def test_a_track_comes_first_but_every_element_answered_counts_against_the_library() -> None:
    scope = [("olf", "using-data"), ("olf", "setting-goals"), ("slict", "shared-vision")]
    coverage = compute_coverage(default_library(), answered_prompts(), scope)

    library_size = sum(len(f.elements) for f in default_library().frameworks)
    assert (coverage.touched_count, coverage.elements) == (4, library_size)
    assert (coverage.track_touched, coverage.track) == (2, 3)
    # the track's elements first (most answered first), then the others
    assert [e.element_id for e in coverage.touched][:2] == ["shared-vision", "using-data"]
    assert coverage.untouched[0].element_id == "setting-goals", "the track's untouched first"
    assert coverage.suggestion is not None
    assert coverage.suggestion.element_id == "setting-goals"


def test_after_the_track_changes_past_answers_still_count() -> None:
    """Issue 14: "You reflected on 0 of 5 elements: Strategic planning (1)"."""
    library = default_library()
    planning = next(p for p in library.prompts if p.element_id == "strategic-planning")
    other_track = [("multipliers", "talent-finder"), ("multipliers", "liberator")]
    coverage = compute_coverage(library, [planning], other_track)

    assert coverage.touched_count == 1
    assert [e.element_id for e in coverage.touched] == ["strategic-planning"]
    assert (coverage.track_touched, coverage.track) == (0, 2)
    assert "strategic-planning" not in [e.element_id for e in coverage.untouched]


def test_when_everything_in_the_track_is_touched_its_least_touched_is_suggested() -> None:
    scope = [("slict", "shared-vision"), ("olf", "using-data")]
    coverage = compute_coverage(default_library(), answered_prompts(), scope)

    assert coverage.track_touched == coverage.track == 2
    assert coverage.suggestion is not None
    assert coverage.suggestion.element_id == "using-data"


def test_prompts_no_longer_in_the_library_are_not_counted() -> None:
    coverage = compute_coverage(default_library(), [None, None])
    assert coverage.touched == ()
