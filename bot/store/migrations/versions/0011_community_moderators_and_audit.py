"""community moderators and moderator actions: moderators added in chat, and who ran which
moderator command

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "community_moderator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("platform_user_id", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_community_moderator_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_moderator")),
        sa.UniqueConstraint(
            "community_id",
            "platform_user_id",
            name=op.f("uq_community_moderator_community_id_platform_user_id"),
        ),
    )
    op.create_table(
        "moderator_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("command", sa.String(length=64), nullable=False),
        sa.Column("happened_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_moderator_action_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_moderator_action_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_action")),
    )
    op.create_index(
        "ix_moderator_action_community_at",
        "moderator_action",
        ["community_id", "happened_at"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_moderator_action_community_at", table_name="moderator_action")
    op.drop_table("moderator_action")
    op.drop_table("community_moderator")
