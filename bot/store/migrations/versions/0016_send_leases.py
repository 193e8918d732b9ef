"""send leases: rows being sent carry their worker and a lease expiry; resends after a
crash that could not be checked are flagged; members' DM channel ids are kept

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENT_TABLES = (
    "delivery",
    "channel_post",
    "digest_send",
    "discussion_post",
    "discussion_recap",
    "checkin_message",
    "mentor_notice",
)


# Plain ADD / DROP COLUMN (SQLite has both natively): a batch "move and copy" would drop
# and recreate `delivery`, and its ON DELETE CASCADE children (answers) with it.


def upgrade() -> None:
    """Upgrade schema."""
    for table in SENT_TABLES:
        op.add_column(table, sa.Column("lease_owner", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("lease_until", UTCDateTime(), nullable=True))
        op.add_column(
            table,
            sa.Column("uncertain_resend", sa.Boolean(), server_default=sa.false(), nullable=False),
        )
    op.add_column("member", sa.Column("dm_channel_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("member", "dm_channel_id")
    for table in reversed(SENT_TABLES):
        op.drop_column(table, "uncertain_resend")
        op.drop_column(table, "lease_until")
        op.drop_column(table, "lease_owner")
