"""numbers, rhythm, notices, outcomes: each person's own numbers for answers and notes, a
lighter rhythm and the quiet-member offer, retention notices owed, a goal's outcome

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema, and number what people already wrote, oldest first per person."""
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("every_weeks", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("quiet_nudged_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("retention_notice_due", UTCDateTime(), nullable=True))
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goal_outcome", sa.String(length=16), nullable=True))
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
    with op.batch_alter_table("free_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
    _number_existing_rows()


def _number_existing_rows() -> None:
    bind = op.get_bind()
    person_of = {
        member_id: f"p{person_id}" if person_id is not None else f"m{member_id}"
        for member_id, person_id in bind.execute(sa.text("SELECT id, person_id FROM member"))
    }
    written: dict[str, list[tuple[object, str, int]]] = defaultdict(list)
    for table in ("answer", "free_note"):
        found = bind.execute(sa.text(f"SELECT id, member_id, created_at FROM {table}"))
        for row_id, member_id, created_at in found:
            written[person_of[member_id]].append((created_at, table, row_id))
    for rows in written.values():
        rows.sort(key=lambda row: (str(row[0]), row[1], row[2]))
        for number, (_, table, row_id) in enumerate(rows, start=1):
            bind.execute(
                sa.text(f"UPDATE {table} SET number = :number WHERE id = :id"),
                {"number": number, "id": row_id},
            )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("free_note", schema=None) as batch_op:
        batch_op.drop_column("number")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("number")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_column("goal_outcome")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("retention_notice_due")
        batch_op.drop_column("quiet_nudged_at")
        batch_op.drop_column("every_weeks")
