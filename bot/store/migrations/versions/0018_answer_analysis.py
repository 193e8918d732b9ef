"""answer_analysis: each answer's analysis, kept so a digest need not parse it again; an
index on a member's answers

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "answer_analysis",
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("answer_updated_at", UTCDateTime(), nullable=False),
        sa.Column("analysis", sa.Text(), nullable=False),
        sa.Column("phrase_keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answer.id"],
            name=op.f("fk_answer_analysis_answer_id_answer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_answer_analysis")),
    )
    # a member's answers without reading every member's: history, digest, numbering
    op.create_index("ix_answer_member_created", "answer", ["member_id", "created_at"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_answer_member_created", table_name="answer")
    op.drop_table("answer_analysis")
