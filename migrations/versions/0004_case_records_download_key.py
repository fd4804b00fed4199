"""case records: download_key, the random half of a complaint download link

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 11:00:00.000000

Existing filings get a key of their own, so links sent before this revision (signed with the record id only) stop
working and "查询进度" gives the person a new one.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('download_key', sa.String(length=32), nullable=True))
    records = sa.table('case_records', sa.column('id', sa.Integer()), sa.column('kind', sa.String()),
                       sa.column('download_key', sa.String()))
    conn = op.get_bind()
    for (record_id,) in conn.execute(sa.select(records.c.id).where(records.c.kind == 'filing')).all():
        conn.execute(records.update().where(records.c.id == record_id)
                     .values(download_key=secrets.token_urlsafe(16)))


def downgrade() -> None:
    with op.batch_alter_table('case_records', schema=None) as batch_op:
        batch_op.drop_column('download_key')
