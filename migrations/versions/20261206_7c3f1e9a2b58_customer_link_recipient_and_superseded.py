"""customer links: one recipient per link and superseded links

customer_link.contact_id, recipient_name and recipient_email name the one person a link was
mailed to; superseded_at marks a link replaced by a newer one mailed to the same person for the
same questionnaire. Links mailed to exactly one person before take that person as recipient.

Revision ID: 7c3f1e9a2b58
Revises: 14a4539182cf
Create Date: 2026-12-06 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3f1e9a2b58'
down_revision = '14a4539182cf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('recipient_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_customer_link_contact_id'), ['contact_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_customer_link_contact_id_customer_contact'),
            'customer_contact', ['contact_id'], ['id'], ondelete='SET NULL',
        )
    # A link mailed to one person so far names that person; one mailed to several stays as it was.
    link = sa.table(
        'customer_link',
        sa.column('id', sa.Integer),
        sa.column('sent_to', sa.JSON),
        sa.column('recipient_name', sa.String),
        sa.column('recipient_email', sa.String),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(link.c.id, link.c.sent_to)).all():
        sent = row.sent_to or []
        if len(sent) == 1 and sent[0].get('email'):
            bind.execute(
                link.update()
                .where(link.c.id == row.id)
                .values(recipient_name=sent[0].get('name'), recipient_email=sent[0]['email'])
            )


def downgrade():
    with op.batch_alter_table('customer_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customer_link_contact_id_customer_contact'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_customer_link_contact_id'))
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('recipient_email')
        batch_op.drop_column('recipient_name')
        batch_op.drop_column('contact_id')
