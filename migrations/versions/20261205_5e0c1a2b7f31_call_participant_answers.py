"""call participants' answers to the invitation and their personal answer links

Revision ID: 5e0c1a2b7f31
Revises: e1a4d0e5c0de
Create Date: 2026-12-05 17:10:00.000000

Each participant keeps the latest answer (accepted / tentative / declined), when it came, the
SEQUENCE it answered and whether it came by mail (IMAP) or by the personal link; the link's
token is stored as its SHA-256 only.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0c1a2b7f31'
down_revision = 'e1a4d0e5c0de'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('call_participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partstat', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('partstat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('partstat_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('partstat_via', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('answer_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_call_participant_answer_token_hash'), ['answer_token_hash']
        )


def downgrade():
    with op.batch_alter_table('call_participant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_call_participant_answer_token_hash'), type_='unique')
        batch_op.drop_column('answer_token_hash')
        batch_op.drop_column('partstat_via')
        batch_op.drop_column('partstat_sequence')
        batch_op.drop_column('partstat_at')
        batch_op.drop_column('partstat')
