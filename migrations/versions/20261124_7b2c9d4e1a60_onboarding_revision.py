"""onboarding revision, what a rendered plan is cached by

Revision ID: 7b2c9d4e1a60
Revises: d6cead5b57c5
Create Date: 2026-11-24 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2c9d4e1a60'
down_revision = 'd6cead5b57c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.drop_column('revision')
