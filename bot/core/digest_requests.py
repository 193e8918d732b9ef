"""The member's reflection digest, and the community's choice of summariser.

Two steps, so that no transaction stays open while the content is computed or an LLM
endpoint is called: `gather` reads everything from the store in the unit of work (the
member's prompts and answers through all their linked identities, and the theme ranking's
background: the member's own earlier answers and the answers shared in the community, never
another member's private text), then `compose` does the CPU work in a worker thread
(bot/digest) and asks the LLM endpoint about the answers whose own community opted in.
`digest_for_window` runs both steps for a caller already inside a unit of work;
callers that can split them use `gather_period` / `gather_window` in the unit of work, then
`digest_analyses.complete` (answers not analysed yet) and `compose` after it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.core.context import Context, CoreConfig
from bot.core.digest_analyses import Unanalysed, take_kept
from bot.core.messages import Attachment, Field, OutgoingMessage, Section, plain
from bot.core.prompt_picker import RotationPicker
from bot.digest import figures, render
from bot.digest.coverage import ElementKey
from bot.digest.llm import LlmEndpoint, llm_summary, url_refusal
from bot.digest.records import PromptSent
from bot.digest.render import digest_parts, figures_part
from bot.digest.report import DigestInput, build_content
from bot.prompts.library import Library, LibraryPrompt, default_library
from bot.prompts.tracks import ALL, find_track
from bot.store import digests as digest_store
from bot.store.digests import BackgroundRow
from bot.store.identities import linked_member_ids
from bot.store.models import Delivery

log = logging.getLogger(__name__)
UTC_ZONE = ZoneInfo("UTC")

PERIODS: dict[str, tuple[str, timedelta | None]] = {
    "week": ("the last 7 days", timedelta(days=7)),
    "month": ("the last 30 days", timedelta(days=30)),
    "term": ("the last 13 weeks", timedelta(weeks=13)),
    "year": ("the last 52 weeks", timedelta(weeks=52)),
    "all": ("all time", None),
}


@dataclass(frozen=True)
class DigestRequest:
    """What `compose` needs besides the input: file name and the summariser to use."""

    source: DigestInput
    slug: str  # for the chart's file name: "term", "6w", "november-2026"
    llm: LlmEndpoint | None  # set only when an answer's community opted in and an endpoint exists
    # the answers the LLM may read: those written in a community that opted in (a linked
    # person's answers from a community that did not never leave the machine)
    llm_answers: tuple[str, ...] = ()
    # answers whose key phrases were not kept: `digest_analyses.complete` finds them
    unanalysed: tuple[Unanalysed, ...] = ()


def period_window(period: str, now: datetime) -> tuple[datetime | None, str]:
    """(since, label) of a validated period: week, month, term, year, all or `<N>w`."""
    if period.endswith("w"):
        weeks = int(period[:-1])
        return now - timedelta(weeks=weeks), f"the last {weeks} weeks"
    label, length = PERIODS[period]
    return (now - length if length else None), label


def configured_llm_url(config: CoreConfig) -> str | None:
    """The operator's endpoint, unless answers would cross the network unencrypted.

    The settings refuse such a PLN_LLM_URL already; a CoreConfig built in code skips them.
    """
    if not config.llm_url:
        return None
    if url_refusal(config.llm_url) is not None:
        log.warning("llm endpoint refused: plain http:// to a host that is not this machine")
        return None
    return config.llm_url


def llm_endpoint(config: CoreConfig, opted_in: bool) -> LlmEndpoint | None:
    url = configured_llm_url(config) if opted_in else None
    if url is None:
        return None
    return LlmEndpoint(
        url=url,
        model=config.llm_model or "default",
        api_key=config.llm_api_key,
        timeout=config.llm_timeout,
    )


def track_scope(library: Library, track_id: str) -> list[ElementKey] | None:
    """The elements of the community's track; None for the whole library."""
    track = find_track(library, track_id)
    if track is None or track.id == ALL:
        return None
    if track.framework is not None:
        return [
            (file.framework.id, element.id)
            for file in library.frameworks
            if file.framework.id == track.framework
            for element in file.elements
        ]
    return [(key.partition("/")[0], key.partition("/")[2]) for key in track.elements]


def current_streak(
    deliveries: Sequence[Delivery],
    answered: set[int],
    zone: ZoneInfo = UTC_ZONE,
    revisits: frozenset[int] = frozenset(),
    until: datetime | None = None,
) -> int:
    """The streak of the home view, in weeks, from delivery rows (see bot.digest.figures).

    `revisits`: the ids of "Looking back" deliveries, which are no part of a streak. Without
    them a week still counts as answered when any prompt of it was answered. `until`: now,
    so that a latest prompt left unanswered for over a week breaks the streak.
    """
    return figures.current_streak(
        [
            PromptSent(
                d.sent_at or d.due_at, d.id in answered, d.skipped_at is not None, d.id in revisits
            )
            for d in deliveries
        ],
        zone,
        until,
    )


async def gather(
    ctx: Context, since: datetime | None, until: datetime, label: str, slug: str
) -> DigestRequest:
    """Every read the digest needs, in the caller's unit of work."""
    member = ctx.require_member()
    session = ctx.session
    ids = await linked_member_ids(session, member)
    library = default_library()
    sent = await digest_store.sent_prompts(session, ids, until)
    answers = await digest_store.answers_between(session, ids, since, until)
    picker = RotationPicker(library)
    known: dict[str, LibraryPrompt | None] = {}
    for prompt_id in dict.fromkeys(row.prompt_id for row in answers):
        known[prompt_id] = await picker.lookup(session, prompt_id)
    # the theme ranking's background: answers shared in this community (public to it) and
    # the member's own earlier ones; other members' private answers are never read
    background: list[BackgroundRow] = []
    if answers:
        background = await digest_store.shared_background(session, ctx.community.id, ids)
        if since is not None:
            background += await digest_store.earlier_background(session, ids, since)
    reflections, background_texts, unanalysed = take_kept(answers, background)
    llm_answers = tuple(r.text for r in answers if r.llm_opted_in)
    source = DigestInput(
        label=label,
        since=since,
        until=until,
        zone=ctx.zone,
        prompts=[PromptSent(r.sent_at, r.answered, r.skipped, r.revisit) for r in sent],
        reflections=reflections,
        answered_prompts=[known[r.prompt_id] for r in answers],
        library=library,
        scope=track_scope(library, ctx.community.track or ALL),
        background=background_texts,
        goal_outcomes=await digest_store.goal_outcomes(session, ids, until) if answers else (),
    )
    endpoint = llm_endpoint(ctx.config, opted_in=bool(llm_answers))
    return DigestRequest(source, slug, endpoint, llm_answers if endpoint else (), unanalysed)


async def compose(request: DigestRequest) -> list[OutgoingMessage]:
    """The digest message; CPU work in a thread, the LLM (if any) with its fallback."""
    source = request.source
    title = render.title(source.label)
    if not source.reflections:
        empty = await asyncio.to_thread(build_content, source, with_chart=False)
        part = figures_part(empty.figures)
        text = "\n".join([title, part.body, render.NO_ANSWERS])
        return [OutgoingMessage(text=text, heading=render.HEADING, sections=(Section(text),))]
    content = await asyncio.to_thread(build_content, source)
    llm_text = None
    if request.llm is not None and request.llm_answers:
        llm_text = await llm_summary(request.llm, request.llm_answers)
    parts = digest_parts(content, source.zone, llm_text)
    counts = content.figures
    sections = [
        Section(
            heading=title,
            fields=tuple(Field(label, value) for label, value in render.figure_fields(counts)),
        ),
        *(Section(heading=part.heading, body=part.body) for part in parts[1:]),
    ]
    filename = render.chart_filename(request.slug)
    lines = [title]
    for part in parts:
        lines += ["", part.heading, part.body]
    files: tuple[Attachment, ...] = ()
    if content.chart is not None:
        files = (Attachment(filename, content.chart, "image/png", render.CHART_TITLE),)
        lines += ["", render.chart_line(filename)]
    return [
        OutgoingMessage(
            text="\n".join(lines), heading=render.HEADING, sections=tuple(sections), files=files
        )
    ]


async def gather_period(ctx: Context, period: str) -> DigestRequest:
    """The reads for `/pln digest <period>` (then `compose` it outside the unit of work)."""
    since, label = period_window(period, ctx.now)
    return await gather(ctx, since, ctx.now, label, period)


async def gather_window(
    ctx: Context, since: datetime | None, until: datetime, label: str
) -> DigestRequest:
    """The reads for a calendar window's digest ("November 2026"), for the scheduled one."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "digest"
    return await gather(ctx, since, until, label, slug)


async def digest_for_window(
    ctx: Context, since: datetime | None, until: datetime, label: str
) -> list[OutgoingMessage]:
    """The digest of a calendar window (a month, a term), all inside the unit of work."""
    return await compose(await gather_window(ctx, since, until, label))


# -- the summariser setting (moderators) --------------------------------------------------


async def summaries_setting(ctx: Context, setting: str | None) -> list[OutgoingMessage]:
    """Show or choose how digests are summarised: locally, or by the LLM endpoint."""
    endpoint = configured_llm_url(ctx.config)
    where = urlsplit(endpoint).netloc if endpoint else None
    not_configured = (
        "No LLM endpoint is configured (PLN_LLM_URL), so summaries stay local until the "
        "bot's operator sets one."
    )
    community = ctx.community
    if setting is None:
        if not community.llm_summaries:
            return [
                plain(
                    "Digest summaries here are local: chosen from each member's own sentences "
                    "on this machine. `/pln summaries llm` would use a language model instead."
                )
            ]
        state = f"by the language model at {where}" if where else "local. " + not_configured
        return [plain(f"Digest summaries here are {state}. `/pln summaries local` turns it off.")]
    if setting == "local":
        community.llm_summaries = False
        return [plain("Done: digest summaries are local. Members' answers stay on this machine.")]
    community.llm_summaries = True
    warning = (
        "Done: digest summaries will use a language model. Please tell your members: when "
        "they ask for a digest, their answers for the period are sent to "
        f"{where or 'the endpoint'} to be summarised, so their words leave this machine. "
        "If it fails, they get the local summary. `/pln summaries local` turns it off."
    )
    return [plain(warning if endpoint else warning + "\n" + not_configured)]
