"""schedules, drafts, skips, discussions: moderators' rules (every N weeks, one zone,
paused), previews awaiting Confirm, skipped dates, and what a discussion posts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:29:30.177682

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "schedule_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_schedule_draft_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_draft")),
    )
    op.create_table(
        "discussion",
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("channel_id", sa.String(length=80), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedule.id"],
            name=op.f("fk_discussion_schedule_id_schedule"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", name=op.f("pk_discussion")),
    )
    op.create_table(
        "schedule_skip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedule.id"],
            name=op.f("fk_schedule_skip_schedule_id_schedule"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_skip")),
        sa.UniqueConstraint(
            "schedule_id", "local_date", name=op.f("uq_schedule_skip_schedule_id_local_date")
        ),
    )
    # plain ADD COLUMN: a batch copy of `schedule` on SQLite would cascade-delete deliveries
    op.add_column(
        "schedule", sa.Column("every_weeks", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("schedule", sa.Column("zone", sa.String(length=64), nullable=True))
    op.add_column("schedule", sa.Column("starts_on", sa.Date(), nullable=True))
    op.add_column(
        "schedule", sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("schedule", sa.Column("resumed_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("schedule", schema=None) as batch_op:
        batch_op.drop_column("resumed_at")
        batch_op.drop_column("paused")
        batch_op.drop_column("starts_on")
        batch_op.drop_column("zone")
        batch_op.drop_column("every_weeks")

    op.drop_table("schedule_skip")
    op.drop_table("discussion")
    op.drop_table("schedule_draft")
