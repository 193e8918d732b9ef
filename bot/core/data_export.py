"""`/pln export`: everything held about a member, as a Markdown file and a JSON file.

The export covers the same member rows an erasure would delete (every community of the
platform user and every linked identity), so what a member downloads before `/pln
forget-me` is exactly what goes. The format is `bot/core/export_schema.py`.
"""

from __future__ import annotations

from bot.core import export_schema as schema
from bot.core.context import Context
from bot.core.data_rights import NOTHING_HELD, count
from bot.core.export_peers import build_peers
from bot.core.export_schema import to_markdown
from bot.core.messages import Attachment, OutgoingMessage
from bot.core.prompt_picker import RotationPicker
from bot.prompts.library import default_library
from bot.store import checkins as checkin_store
from bot.store import erasure as erasure_store
from bot.store.models import Community, Member


async def export(ctx: Context) -> list[OutgoingMessage]:
    """A Markdown file to read and a JSON file for programs: everything held about them."""
    if ctx.member is None:
        return [NOTHING_HELD]
    data = await build_export(ctx, await erasure_store.person_member_ids(ctx.session, ctx.member))
    day = ctx.now.astimezone(ctx.zone).date().isoformat()
    markdown = to_markdown(data, ctx.zone)
    as_json = data.model_dump_json(indent=2)
    return [
        OutgoingMessage(
            text=(
                f"Here is everything I hold about you: {count(len(data.answers), 'answer')}, "
                f"{count(len(data.notes), 'note')}, {count(len(data.skips), 'skip')} and "
                f"{count(len(data.shares), 'share')}, with your profile and settings. The Markdown "
                "file is for reading, the JSON file for programs (its fields are described "
                "in the bot's docs/EXPORT.md)."
            ),
            files=(
                Attachment(
                    f"pln-export-{day}.md",
                    markdown.encode(),
                    "text/markdown",
                    "Your PLN data (Markdown)",
                ),
                Attachment(
                    f"pln-export-{day}.json",
                    as_json.encode(),
                    "application/json",
                    "Your PLN data (JSON)",
                ),
            ),
        )
    ]


async def build_export(ctx: Context, member_ids: list[int]) -> schema.PlnExport:
    """Everything held about these member ids (one person), in the export's schema."""
    assert ctx.member is not None
    record = await erasure_store.person_record(ctx.session, member_ids)
    platforms = {member.id: member.platform for member, _ in record.identities}
    shared = {share.answer_id for share, _ in record.shares}
    # the person's own numbers (#3), never table ids, which tell how much everyone wrote
    number_of = {answer.id: answer.number or 0 for answer, _ in record.answers}
    picker = RotationPicker(default_library())
    answers = []
    for answer, delivery in record.answers:
        prompt = await picker.lookup(ctx.session, delivery.prompt_id)
        answers.append(
            schema.Answer(
                id=number_of[answer.id],
                platform=platforms.get(answer.member_id, ""),
                prompt_id=delivery.prompt_id,
                prompt_text=delivery.prompt_text,
                framework=prompt.framework if prompt else None,
                framework_id=prompt.framework_id if prompt else None,
                element=prompt.element if prompt else None,
                element_id=prompt.element_id if prompt else None,
                prompted_at=delivery.sent_at,
                answered_at=answer.created_at,
                updated_at=answer.updated_at,
                text=answer.text,
                parts=[
                    schema.AnswerPart(text=p.text, written_at=p.created_at, edited_at=p.edited_at)
                    for p in answer.parts
                ],
                shared=answer.id in shared,
            )
        )
    answer_of = {delivery.id: number_of[answer.id] for answer, delivery in record.answers}
    member = ctx.member
    return schema.PlnExport(
        schema_version=schema.SCHEMA_VERSION,
        exported_at=ctx.now,
        profile=schema.Profile(
            display_name=member.display_name,
            time_zone=str(ctx.zone),
            identities=[_identity(m, c) for m, c in record.identities],
        ),
        settings=schema.Settings(
            time_zone=member.timezone,
            digest_cadence=member.digest_cadence,
            paused=member.paused_at is not None,
            communities=[_community_settings(c) for c in _distinct_communities(record)],
        ),
        answers=answers,
        notes=[
            schema.Note(
                number=n.number,
                platform=platforms.get(n.member_id, ""),
                text=n.text,
                written_at=n.created_at,
            )
            for n in record.notes
        ],
        skips=[
            schema.Skip(
                prompt_id=d.prompt_id,
                prompt_text=d.prompt_text,
                prompted_at=d.sent_at,
                skipped_at=d.skipped_at,
            )
            for d in record.deliveries
            if d.skipped_at is not None
        ],
        shares=[
            schema.Share(
                answer_id=number_of.get(share.answer_id, 0),
                platform=community.platform,
                community=community.name,
                channel_id=share.channel_id,
                status=share.status,
                shared_at=share.created_at,
            )
            for share, community in record.shares
        ],
        prompts_received=[
            schema.PromptReceived(
                delivery_id=d.id,
                platform=platforms.get(d.member_id, ""),
                prompt_id=d.prompt_id,
                prompt_text=d.prompt_text,
                due_at=d.due_at,
                sent_at=d.sent_at,
                status=d.status,
                skipped_at=d.skipped_at,
                answer_id=answer_of.get(d.id),
            )
            for d in record.deliveries
        ],
        digests_sent=[
            schema.DigestSent(
                period=d.period_key, cadence=d.cadence, status=d.status, sent_at=d.sent_at
            )
            for d in record.digests
        ],
        checkin_pairings=[
            schema.CheckinPairing(round_date=at, partner_display_name=name, met=met)
            for at, name, met in await checkin_store.pairings_of(ctx.session, member_ids)
        ],
        peers=await build_peers(ctx.session, record.identities),
    )


def _identity(member: Member, community: Community) -> schema.Identity:
    return schema.Identity(
        platform=member.platform,
        platform_user_id=member.platform_user_id,
        community=community.name,
        community_platform_id=community.external_id,
        display_name=member.display_name,
        time_zone=member.timezone,
        active=member.active,
        joined_at=member.joined_at,
        left_at=member.left_at,
        paused_at=member.paused_at,
        paused_until=member.paused_until,
        resumed_at=member.resumed_at,
        unreachable_since=member.unreachable_at,
        digest_cadence=member.digest_cadence,
        prompt_every_weeks=member.every_weeks,
    )


def _distinct_communities(record: erasure_store.PersonRecord) -> list[Community]:
    seen: dict[int, Community] = {}
    for _, community in record.identities:
        seen.setdefault(community.id, community)
    return list(seen.values())


def _community_settings(community: Community) -> schema.CommunitySettings:
    return schema.CommunitySettings(
        platform=community.platform,
        community=community.name,
        delivery_mode=community.delivery_mode,
        track=community.track,
        pln_channel_chosen=community.channel_id is not None,
        retention_days=community.retention_days,
        llm_summaries=community.llm_summaries,
    )
