"""chat transcript: the chat page's exchanges, so that a reload shows the conversation again

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chat_transcript',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_key', sa.String(length=160), nullable=False),
    sa.Column('message_key', sa.String(length=200), nullable=True),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('person', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_transcript')),
    sa.UniqueConstraint('message_key', name=op.f('uq_chat_transcript_message_key'))
    )
    op.create_index(op.f('ix_chat_transcript_session_key'), 'chat_transcript', ['session_key'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_chat_transcript_session_key'), table_name='chat_transcript')
    op.drop_table('chat_transcript')
