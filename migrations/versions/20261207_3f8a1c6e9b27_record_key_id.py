"""record key id beside each event's MAC; NULL marks a legacy unkeyed SHA-256 event

Events written before this revision keep key_id NULL: verification reports them as not
authenticated until ``clinic-onboard reseal-records`` checks their old chain and signs it.

Revision ID: 3f8a1c6e9b27
Revises: 3c5e8a1f9d27
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f8a1c6e9b27'
down_revision = '3c5e8a1f9d27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('onboarding_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('onboarding_events', schema=None) as batch_op:
        batch_op.drop_column('key_id')
