"""term start and audience: a community's school year starts on a day it chooses, and a
member says whether they are new to the role or experienced

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.add_column(sa.Column("term_start", sa.Date(), nullable=True))
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audience", sa.String(length=16), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("audience")
    with op.batch_alter_table("community", schema=None) as batch_op:
        batch_op.drop_column("term_start")
