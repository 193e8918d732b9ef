"""holidays and timed pauses: a community's breaks (typed or imported from a calendar),
and a member's pause that ends by itself

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("import_batch", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["community.id"],
            name=op.f("fk_holiday_community_id_community"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday")),
    )
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.create_index("ix_holiday_community_days", ["community_id", "first_day"])
        batch_op.create_index(op.f("ix_holiday_import_batch"), ["import_batch"])
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_until", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("paused_until")
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_holiday_import_batch"))
        batch_op.drop_index("ix_holiday_community_days")
    op.drop_table("holiday")
