"""Picks each member's prompt from the library by rotation, with their history from the store.

One history query per claim pass (not per member), so a fan-out to thousands of members
costs one extra round trip; the choice itself is bot.prompts.rotation, pure and tested.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.formatting import cut
from bot.digest.goals import is_goal
from bot.digest.sentences import split_sentences
from bot.prompts.library import Library, LibraryPrompt, community_prompt
from bot.prompts.rotation import NO_REPEAT_WITHIN, PastPrompt, choose_prompt
from bot.prompts.school_year import phase, year_start
from bot.prompts.tracks import ALL, track_prompts
from bot.store import channel_posts as post_store
from bot.store import community_prompts as community_prompt_store
from bot.store import deliveries as delivery_store
from bot.store import identities as identity_store
from bot.store import reflections as reflection_store
from bot.store.models import Community, Member

UNKNOWN_ELEMENT = "unknown"  # prompts no longer in the library (renamed or retired)


class RotationPicker:
    def __init__(self, library: Library, default_zone: str = "UTC") -> None:
        self.library = library
        self.default_zone = default_zone  # decides the hemisphere of a default school year

    def year_start(self, community: Community, on: date) -> date:
        """The first Monday of the community's school year that contains `on`."""
        return year_start(on, community.term_start, self.default_zone)

    def track(
        self, community: Community, on: date, own: Sequence[LibraryPrompt] = ()
    ) -> Sequence[LibraryPrompt]:
        """The prompts this community draws from in the week of `on` (its chosen track)."""
        start = self.year_start(community, on)
        return track_prompts(self.library, community.track or ALL, on, own, start)

    async def own_prompts(self, session: AsyncSession, community: Community) -> list[LibraryPrompt]:
        """The community's own active prompts, shaped like the library's."""
        return [
            community_prompt(
                self.library,
                prompt_id=row.prompt_id,
                framework_id=row.framework_id,
                element_id=row.element_id,
                question=row.question,
                follow_up=row.follow_up,
            )
            for row in await community_prompt_store.active_prompts(session, community.id)
        ]

    async def lookup(self, session: AsyncSession, prompt_id: str) -> LibraryPrompt | None:
        """A prompt by id: the library's, or a community's own (retired ones too)."""
        found = self.library.by_id(prompt_id)
        if found is not None:
            return found
        row = await community_prompt_store.prompt_by_id(session, prompt_id)
        if row is None:
            return None
        return community_prompt(
            self.library,
            prompt_id=row.prompt_id,
            framework_id=row.framework_id,
            element_id=row.element_id,
            question=row.question,
            follow_up=row.follow_up,
        )

    async def for_members(
        self, session: AsyncSession, community: Community, wanted: Sequence[tuple[Member, date]]
    ) -> dict[tuple[int, date], LibraryPrompt]:
        """Each member's prompt for each local date, oldest date first per member."""
        if not wanted:
            return {}
        since = min(day for _, day in wanted) - NO_REPEAT_WITHIN
        history = await self._histories(session, [member for member, _ in wanted], since)
        own = await self.own_prompts(session, community)
        elements = {p.id: p.element_id for p in own}
        for past_list in history.values():
            for index, past in enumerate(past_list):
                if past.element_id == UNKNOWN_ELEMENT and past.prompt_id in elements:
                    past_list[index] = PastPrompt(
                        past.prompt_id, elements[past.prompt_id], past.sent_on, past.answered
                    )
        chosen: dict[tuple[int, date], LibraryPrompt] = {}
        for member, day in sorted(wanted, key=lambda item: (item[0].id, item[1])):
            track = self.track(community, day, own)
            prompt = choose_prompt(
                track,
                history[member.id],
                f"member-{member.id}",
                day,
                phase=phase(day, self.year_start(community, day)),
                audience=member.audience,
            )
            chosen[(member.id, day)] = prompt
            history[member.id].append(PastPrompt(prompt.id, prompt.element_id, day, False))
        return chosen

    async def _histories(
        self, session: AsyncSession, members: Sequence[Member], since: date
    ) -> dict[int, list[PastPrompt]]:
        """Each member's past prompts, those of their linked identities included.

        A person on Slack and Discord is one reflector: no prompt repeats across platforms
        and the element balance counts the answers written on both.
        """
        linked = await identity_store.linked_ids_by_member(session, members)
        owners: dict[int, list[int]] = defaultdict(list)
        for member_id, ids in linked.items():
            for identity_id in ids:
                owners[identity_id].append(member_id)
        history: dict[int, list[PastPrompt]] = defaultdict(list)
        for identity_id, prompt_id, day, answered in await delivery_store.prompt_history(
            session, set(owners), since
        ):
            past = PastPrompt(prompt_id, self._element(prompt_id), day, answered)
            for member_id in owners[identity_id]:
                history[member_id].append(past)
        return history

    async def for_channel(
        self, session: AsyncSession, community: Community, day: date
    ) -> LibraryPrompt:
        """Channel mode: the community's prompt, rotated over its own past posts."""
        past = [
            PastPrompt(prompt_id, self._element(prompt_id), posted_on, True)
            for prompt_id, posted_on in await post_store.post_history(
                session, community.id, day - NO_REPEAT_WITHIN
            )
        ]
        own = await self.own_prompts(session, community)
        return choose_prompt(
            self.track(community, day, own),
            past,
            f"community-{community.id}",
            day,
            phase=phase(day, self.year_start(community, day)),
        )

    def _element(self, prompt_id: str) -> str:
        prompt = self.library.by_id(prompt_id)
        return prompt.element_id if prompt is not None else UNKNOWN_ELEMENT


QUOTE_CHARS = 280


def goal_of(text: str) -> str | None:
    """The first sentence of an answer that sets a goal ("I will ..."), verbatim: what a
    revisit quotes and asks about, rather than the answer's first lines."""
    return next((s for s in split_sentences(text) if is_goal(s)), None)


async def revisit_question(session: AsyncSession, delivery_id: int, library: Library) -> str | None:
    """The revisit question of the prompt answered in `delivery_id`, quoting that answer.

    None when there is nothing to revisit: the answer was deleted, or the prompt has no
    revisit any more. The quote goes only into the member's own delivery.
    """
    prompt_id = await delivery_store.prompt_id_of(session, delivery_id)
    prompt = library.by_id(prompt_id) if prompt_id else None
    answer = await reflection_store.answer_for_delivery(session, delivery_id)
    if prompt is None or prompt.revisit is None or answer is None or not answer.parts:
        return None
    quote = cut(" ".join((goal_of(answer.text) or answer.text).split()), QUOTE_CHARS)
    question = prompt.revisit.question
    if '"{answer}".' in question:  # `..."resets.".` reads badly: one full stop is enough
        quote = quote.rstrip(".")
    return question.replace("{answer}", quote)
