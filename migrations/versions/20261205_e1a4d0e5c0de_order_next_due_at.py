"""orders: next_due_at, the dashboard's index of when the first open step is due

Revision ID: e1a4d0e5c0de
Revises: dcc9a7e4a04a
Create Date: 2026-12-05 16:50:00

Empty after the upgrade: `flask work` fills it at its start (and `flask deadlines refresh` on
demand), since the due rules are application settings a migration must not depend on.
"""
from alembic import op
import sqlalchemy as sa


revision = "e1a4d0e5c0de"
down_revision = "dcc9a7e4a04a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customer_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_customer_order_next_due_at"), ["next_due_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("customer_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_order_next_due_at"))
        batch_op.drop_column("next_due_at")
