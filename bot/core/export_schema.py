"""The export format: what `/pln export` gives a member, as JSON (this schema) and Markdown.

The pydantic models are the schema's single source: `docs/export.schema.json` is generated
from them (`python -m bot.core.export_schema > docs/export.schema.json`, checked by a test)
and `docs/EXPORT.md` explains the fields. Bump `SCHEMA_VERSION` on any change that could
break a reader.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from bot.core.export_peers import Peers, peers_markdown

# 2: identities gained `paused_until` and `prompt_every_weeks` (a reader of version 1 that
# forbids unknown fields would refuse them)
SCHEMA_VERSION: Literal[2] = 2


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Identity(_Record):
    """One platform identity of the person: their membership of one community.

    Linked identities (`/pln link`) are one person: all of them are in the export.
    """

    platform: str = Field(description='"slack", "discord" or "console".')
    platform_user_id: str = Field(description="The person's user id on that platform.")
    community: str = Field(description="The community's name (Slack workspace, Discord server).")
    community_platform_id: str = Field(description="The community's id on the platform.")
    display_name: str = Field(description="The name the platform last gave the bot.")
    time_zone: str | None = Field(description="IANA zone chosen with `/pln tz`; null: default.")
    active: bool = Field(description="False after `/pln leave`.")
    joined_at: datetime
    left_at: datetime | None
    paused_at: datetime | None = Field(description="Set while prompts are paused.")
    paused_until: datetime | None = Field(
        description="A timed pause (`/pln pause 2w`, `until DATE`) ends then; null: until resumed."
    )
    resumed_at: datetime | None
    unreachable_since: datetime | None = Field(
        description="When the platform last refused a message to the person (blocked, gone)."
    )
    digest_cadence: str = Field(description='The scheduled digest: "monthly", "termly" or "off".')
    prompt_every_weeks: int = Field(
        description="1: a prompt every week; 2: every other week (`/pln rhythm`)."
    )


class Profile(_Record):
    display_name: str = Field(description="The name of the identity that asked for the export.")
    time_zone: str = Field(description="The zone dates in the Markdown file are shown in.")
    identities: list[Identity]


class AnswerPart(_Record):
    """One message of an answer; later messages to the same prompt add parts."""

    text: str
    written_at: datetime
    edited_at: datetime | None


class Answer(_Record):
    id: int = Field(
        description="The answer's number as `/pln history` shows it (#12): the person's own "
        "sequence across answers and notes."
    )
    platform: str = Field(description="Where the prompt was answered.")
    prompt_id: str = Field(description="The prompt's id in the library (or the community's).")
    prompt_text: str = Field(description="The prompt exactly as the person was asked it.")
    framework: str | None = Field(description="The leadership framework; null if unknown now.")
    framework_id: str | None
    element: str | None = Field(description="The framework element the prompt reflects on.")
    element_id: str | None
    prompted_at: datetime | None = Field(description="When the prompt was sent.")
    answered_at: datetime
    updated_at: datetime
    text: str = Field(description="The whole answer: its parts joined by blank lines.")
    parts: list[AnswerPart]
    shared: bool = Field(description="True while the answer is shared in the PLN channel.")


class Note(_Record):
    """A message sent with no open prompt, kept as a private note."""

    number: int | None = Field(
        default=None, description="The note's number as `/pln history` shows it (#4)."
    )
    platform: str
    text: str
    written_at: datetime


class PromptReceived(_Record):
    """One prompt sent (or due) to the person, answered or not."""

    delivery_id: int
    platform: str
    prompt_id: str
    prompt_text: str
    due_at: datetime
    sent_at: datetime | None
    status: str = Field(description="sent, missed (the bot was down), failed, ... .")
    skipped_at: datetime | None
    answer_id: int | None = Field(description="The answer's number (#12), null if not answered.")


class Skip(_Record):
    """A prompt the person skipped (`/pln skip` or the Skip button)."""

    prompt_id: str
    prompt_text: str
    prompted_at: datetime | None
    skipped_at: datetime


class Share(_Record):
    """An answer shared with the PLN: a post with the person's name in the community channel."""

    answer_id: int = Field(description="The shared answer's number (#12).")
    platform: str
    community: str
    channel_id: str
    status: str = Field(description='"posted", or "posting" while the post is on its way.')
    shared_at: datetime


class DigestSent(_Record):
    """A scheduled digest (the summary itself is not kept: it is made afresh each time)."""

    period: str = Field(description='"2026-11" (a month) or "2026-T4" (a term).')
    cadence: str
    status: str
    sent_at: datetime | None


class CheckinPairing(_Record):
    """A check-in group the person was in, one entry per partner."""

    round_date: datetime = Field(description="When the round formed the group.")
    partner_display_name: str | None = Field(
        description='The partner\'s display name; "a former member" after their erasure.'
    )
    met: str | None = Field(
        description='The person\'s answer to "Did you meet?": "yes", "not_yet", "no" or null.'
    )


class CommunitySettings(_Record):
    """A community's settings that decide what happens to the person's data."""

    platform: str
    community: str
    delivery_mode: str = Field(description='"dm", or "channel": one post, answered privately.')
    track: str = Field(description="The prompt track the moderators chose.")
    pln_channel_chosen: bool = Field(description="Whether a channel for shared answers is set.")
    retention_days: int | None = Field(
        description="Answers and notes older than this are deleted; null keeps them."
    )
    llm_summaries: bool = Field(
        description="Whether digests may be summarised by an outside model (answers leave)."
    )


class Settings(_Record):
    time_zone: str | None = Field(description="The asking identity's chosen zone.")
    digest_cadence: str
    paused: bool
    communities: list[CommunitySettings]


class PlnExport(_Record):
    """Everything pln-bot holds about one person, across their linked identities.

    Times are ISO 8601 in UTC. Answers, notes and prompts are oldest first.
    """

    model_config = ConfigDict(
        title="pln-bot export",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    schema_version: Literal[2] = Field(description="Changes when the format changes.")
    exported_at: datetime
    profile: Profile
    settings: Settings
    answers: list[Answer]
    notes: list[Note]
    skips: list[Skip]
    shares: list[Share]
    prompts_received: list[PromptReceived]
    digests_sent: list[DigestSent]
    checkin_pairings: list[CheckinPairing] = Field(
        description="Check-in groups the person was in, one entry per partner, oldest first."
    )
    peers: Peers = Field(
        default_factory=Peers,
        description="The profile for check-ins and mentoring, the check-ins opt-in, the "
        "self-assessment, mentor offers, requests and matches.",
    )


def to_markdown(export: PlnExport, zone: ZoneInfo) -> str:
    """The same export for people: every field of the JSON, dates in the person's zone."""

    def when(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%a %d %b %Y %H:%M") if moment else "never"

    profile = export.profile
    lines = [
        f"# Everything pln-bot holds about {profile.display_name}",
        "",
        f"Exported {when(export.exported_at)} ({profile.time_zone}). The same data, for "
        f"programs, is in the JSON file (schema version {export.schema_version}).",
        "",
        "## Profile",
    ]
    for identity in profile.identities:
        status = "member" if identity.active else f"left {when(identity.left_at)}"
        if identity.paused_at is not None:
            status += f", paused since {when(identity.paused_at)}"
            if identity.paused_until is not None:
                status += f" until {when(identity.paused_until)}"
        lines += [
            "",
            f"- **{identity.platform.title()}**, {identity.community}: "
            f"{identity.display_name} (user id {identity.platform_user_id})",
            f"  - joined {when(identity.joined_at)}; {status}",
            f"  - time zone: {identity.time_zone or 'the PLN default'}; "
            f"scheduled digest: {identity.digest_cadence}; prompts "
            + ("every week" if identity.prompt_every_weeks == 1 else "every other week"),
        ]
    settings = export.settings
    lines += [
        "",
        "## Settings",
        "",
        f"- time zone: {settings.time_zone or 'the PLN default'}",
        f"- scheduled digest: {settings.digest_cadence}",
        f"- prompts paused: {'yes' if settings.paused else 'no'}",
    ]
    for community in settings.communities:
        retention = (
            f"{community.retention_days} days" if community.retention_days else "kept until deleted"
        )
        lines.append(
            f"- {community.community} ({community.platform.title()}): prompts by "
            f"{community.delivery_mode}, track {community.track}, answers {retention}, "
            f"outside summaries {'on' if community.llm_summaries else 'off'}"
        )
    lines += ["", f"## Answers ({len(export.answers)})"]
    for answer in export.answers:
        where = " / ".join(p for p in (answer.framework, answer.element) if p)
        lines += [
            "",
            f"### #{answer.id} · {when(answer.prompted_at or answer.answered_at)}"
            + (f" · {where}" if where else ""),
            "",
            f"**Prompt:** {answer.prompt_text}",
            "",
            answer.text,
            "",
            f"_Answered {when(answer.answered_at)}; "
            f"{'shared with the PLN' if answer.shared else 'private'}._",
        ]
    lines += ["", f"## Notes ({len(export.notes)})"]
    for note in export.notes:
        lines += ["", f"### {when(note.written_at)}", "", note.text]
    lines += _listed(
        "Skipped prompts",
        [f"{when(skip.skipped_at)}: {skip.prompt_text}" for skip in export.skips],
    )
    lines += _listed(
        "Shared answers",
        [
            f"#{share.answer_id} in {share.community} ({share.platform.title()}), "
            f"{when(share.shared_at)}, {share.status}"
            for share in export.shares
        ],
    )
    lines += _listed(
        "Prompts received",
        [
            f"{when(prompt.sent_at or prompt.due_at)} ({prompt.status}"
            f"{', skipped' if prompt.skipped_at else ''}, "
            f"{f'answer #{prompt.answer_id}' if prompt.answer_id else 'not answered'}): "
            f"{prompt.prompt_text}"
            for prompt in export.prompts_received
        ],
    )
    lines += _listed(
        "Scheduled digests",
        [
            f"{digest.period} ({digest.cadence}): {digest.status}, {when(digest.sent_at)}"
            for digest in export.digests_sent
        ],
    )
    lines += _listed(
        "Check-in pairings",
        [
            f"{when(pairing.round_date)}: with {pairing.partner_display_name or 'a former member'}"
            + (f"; met: {pairing.met.replace('_', ' ')}" if pairing.met else "")
            for pairing in export.checkin_pairings
        ],
    )
    lines += [*peers_markdown(export.peers, when), ""]
    return "\n".join(lines)


def _listed(title: str, items: list[str]) -> list[str]:
    """A Markdown section of one-line items, with its count in the heading."""
    return ["", f"## {title} ({len(items)})", "", *(f"- {item}" for item in items or ["none"])]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an export, as written to docs/export.schema.json."""
    return PlnExport.model_json_schema(mode="serialization")


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover - the docs file's generator
    print(schema_text(), end="")
