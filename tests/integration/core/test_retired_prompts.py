"""A prompt retired in the second edition still reads as it was sent: answers to it keep
their prompt in history, count for its element in the digest, and its revisit still comes."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import SimulatedClock
from bot.core.reflections import REVISIT_DAY_OFFSET
from bot.core.runner import Runner
from bot.core.service import PlnCore
from bot.prompts.library import default_library
from tests.integration.core.test_revisits import send_fixed_prompt
from tests.support.actors import member
from tests.support.messenger import RecordingMessenger

RETIRED = "olf-psychological-resources-1"  # a first-edition 1-to-10 scale, with a revisit
ANSWER = "About a six: the network migration still worries me, the teachers less so."


async def test_an_answer_to_a_retired_prompt_keeps_its_prompt_element_and_revisit(
    core: PlnCore, clock: SimulatedClock, messenger: RecordingMessenger
) -> None:
    library = default_library()
    retired = library.by_id(RETIRED)
    assert retired is not None and retired.retired and retired.revisit is not None
    assert RETIRED not in {p.id for p in library.prompts}, "never chosen by rotation again"

    alice = member("alice")
    await core.handle_command(alice, "join")
    await send_fixed_prompt(core, clock, RETIRED)  # as sent before the second edition
    await core.handle_message(alice, ANSWER)

    (history,) = await core.handle_command(alice, "history")
    assert ANSWER in history.text and "How confident do you feel, from 1 to 10" in history.text

    digest = "\n".join(r.text for r in await core.handle_command(alice, "digest"))
    assert "Psychological resources (1)" in digest

    after = timedelta(weeks=retired.revisit.after_weeks, days=REVISIT_DAY_OFFSET, hours=1)
    await Runner(core).advance(after)
    looking_back = [m for _, m in messenger.sent if m.heading == "Looking back"]
    assert len(looking_back) == 1
    assert "Six weeks ago you said this about your confidence" in looking_back[0].text
    assert "network migration still worries me" in looking_back[0].text
