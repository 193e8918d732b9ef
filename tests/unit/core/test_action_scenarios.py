"""Every registered button and form has a scenario, so each adapter's test presses it."""

from __future__ import annotations

from bot.core import registry
from bot.core.actions import LEGACY_IDS, is_ours
from tests.support.action_scenarios import FORM_OPENED_BY, SCENARIOS


def test_every_button_in_the_registry_has_a_scenario() -> None:
    assert set(registry.action_ids()) == set(SCENARIOS)


def test_every_form_in_the_registry_is_reached_by_a_button() -> None:
    assert set(registry.form_ids()) == set(FORM_OPENED_BY)
    assert all(registry.opens_form(opener) for opener in FORM_OPENED_BY.values())


def test_every_action_id_is_in_the_namespace_and_old_ids_still_resolve() -> None:
    assert all(action_id.startswith("pln.") for action_id in registry.action_ids())
    assert all(is_ours(action_id) for action_id in registry.action_ids() + registry.form_ids())
    for old, new in LEGACY_IDS.items():
        assert is_ours(old)
        assert registry.action(old) is not None or registry.form(old) is not None, old
        assert (registry.action(old) or registry.form(old)) in (
            registry.action(new),
            registry.form(new),
        )
    assert not is_ours("someone.elses.button")
