"""date of each sent reminder's item, so the log words its summary in the reader's language

Revision ID: d6cead5b57c5
Revises: f9ba24f7f4a6
Create Date: 2026-11-24 00:47:16.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6cead5b57c5'
down_revision = 'f9ba24f7f4a6'
branch_labels = None
depends_on = None


def upgrade():
    # Rows already sent keep no date: the log shows their English summary as it was stored.
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.drop_column('item_on')
