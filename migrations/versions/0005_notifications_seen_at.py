"""notifications: seen_at, when a person's notice was shown in their chat

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 12:30:00.000000

People on the chat page have no push: a notice waits in ``notifications`` until their next message shows it once.
Notices recorded before this revision count as not shown yet, so each such person sees them on their next message.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_at', core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('seen_at')
