"""awaiting index and kept verdicts: a partial index on the items waiting for a signature, and
whether each onboarding's plan is behind its role

Revision ID: 8ad1a31d76d0
Revises: c3d8f1a6b2e4
Create Date: 2026-12-07 22:45:00.000000

The sign-off queue and the waiting counts read the items whose kept state is a hire's
completion and whose sign-off rule asks for a signature: a few per hire among about a hundred
tasks each, which without the index meant reading every task of the clinic.

The kept verdicts start empty (the staff list compares those plans as before):
``clinic-onboard verify-plan-verdicts --repair`` fills them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8ad1a31d76d0'
down_revision = 'c3d8f1a6b2e4'
branch_labels = None
depends_on = None

# Spelled out, not imported: a migration keeps meaning what it meant when it was written.
AWAITING = (
    "state_kind IN ('completed', 'acknowledged', 'credential_recorded') "
    "AND signoff <> 'none' AND withdrawn_at IS NULL"
)


def upgrade():
    op.create_index(
        'ix_onboarding_tasks_awaiting',
        'onboarding_tasks',
        ['clinic_id'],
        postgresql_where=sa.text(AWAITING),
        sqlite_where=sa.text(AWAITING),
    )
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('behind_inputs', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('behind', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.drop_column('behind')
        batch_op.drop_column('behind_inputs')
    op.drop_index('ix_onboarding_tasks_awaiting', table_name='onboarding_tasks')
