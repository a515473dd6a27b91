"""a member's last day and reason for leaving a clinic; archived roles; offboarding checklists

Revision ID: fdebdd26890f
Revises: a41c7e2d9b53
Create Date: 2026-12-07 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fdebdd26890f'
down_revision = 'a41c7e2d9b53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_reason', sa.String(length=20), nullable=True))
    with op.batch_alter_table('clinic_roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'kind', sa.String(length=20), nullable=False, server_default='onboarding'
        ))


def downgrade():
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('clinic_roles', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('left_reason')
        batch_op.drop_column('left_on')
