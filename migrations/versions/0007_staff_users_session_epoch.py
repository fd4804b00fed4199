"""staff_users: session_epoch, so signing out, a password change and deactivation end every session

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 16:20:00.000000

The workbench's signed cookie carries the account's epoch; a cookie whose epoch is not the account's current one
is refused. Existing accounts start at 0; cookies issued before this revision carry no epoch and are refused once
(their holders sign in again).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
