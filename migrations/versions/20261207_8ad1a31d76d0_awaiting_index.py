"""awaiting index: the clinic's items waiting for a signature, a partial index on onboarding_tasks

Revision ID: 8ad1a31d76d0
Revises: c3d8f1a6b2e4
Create Date: 2026-12-07 22:45:00.000000

The sign-off queue and the waiting counts read the items whose kept state is a hire's
completion and whose sign-off rule asks for a signature: a few per hire among about a hundred
tasks each, which without this index meant reading every task of the clinic.
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


def downgrade():
    op.drop_index('ix_onboarding_tasks_awaiting', table_name='onboarding_tasks')
