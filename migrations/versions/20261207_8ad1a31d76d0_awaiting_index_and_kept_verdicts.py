"""manager page indexes and kept verdicts: partial indexes on the items waiting for a signature,
the plan items still to act on and the credential events, and whether each onboarding's plan is
behind its role

Revision ID: 8ad1a31d76d0
Revises: 285818f41032
Create Date: 2026-12-07 22:45:00.000000

The sign-off queue and the waiting counts read the items whose kept state is a hire's
completion and whose sign-off rule asks for a signature: a few per hire among about a hundred
tasks each, which without the index meant reading every task of the clinic. The dashboard
counts the overdue items from the entries of the items still to act on (by due date), and
finds the cards from the clinic's credential events.

The kept verdicts start empty (the staff list compares those plans as before):
``clinic-onboard verify-plan-verdicts --repair`` fills them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8ad1a31d76d0'
down_revision = '285818f41032'
branch_labels = None
depends_on = None

# Spelled out, not imported: a migration keeps meaning what it meant when it was written.
AWAITING = (
    "state_kind IN ('completed', 'acknowledged', 'credential_recorded') "
    "AND signoff <> 'none' AND withdrawn_at IS NULL"
)
TO_ACT = (
    "(state_kind IS NULL OR state_kind IN ('policy_revised', 'undone', 'needs_practice', "
    "'rejected')) AND renewal_of_id IS NULL AND withdrawn_at IS NULL"
)
CREDENTIALS = "kind IN ('credential_recorded', 'carried_over')"


def upgrade():
    op.create_index(
        'ix_onboarding_tasks_awaiting',
        'onboarding_tasks',
        ['clinic_id', 'onboarding_id', 'kind', 'signoff', 'renewal_of_id', 'due_date',
         'state_event_id', 'id'],
        postgresql_where=sa.text(AWAITING),
        sqlite_where=sa.text(AWAITING),
    )
    op.create_index(
        'ix_onboarding_tasks_to_act',
        'onboarding_tasks',
        ['clinic_id', 'due_date', 'onboarding_id'],
        postgresql_where=sa.text(TO_ACT),
        sqlite_where=sa.text(TO_ACT),
    )
    op.create_index(
        'ix_onboarding_events_credentials',
        'onboarding_events',
        ['clinic_id'],
        postgresql_where=sa.text(CREDENTIALS),
        sqlite_where=sa.text(CREDENTIALS),
    )
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('behind_inputs', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('behind', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('onboardings', schema=None) as batch_op:
        batch_op.drop_column('behind')
        batch_op.drop_column('behind_inputs')
    op.drop_index('ix_onboarding_events_credentials', table_name='onboarding_events')
    op.drop_index('ix_onboarding_tasks_to_act', table_name='onboarding_tasks')
    op.drop_index('ix_onboarding_tasks_awaiting', table_name='onboarding_tasks')
