"""invitations in any app role (a supervisor or manager needs no plan), and the demo flag

An invitation to an existing account now names the app role the person gets on accepting;
only an invitation with an onboarding carries a role, a start date and the plan's language. ``clinics.is_demo``
marks the clinic ``make run`` seeds, so the sign-in page may show its published logins.

Revision ID: a5efa472c51c
Revises: fdebdd26890f
Create Date: 2026-12-07 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5efa472c51c'
down_revision = 'fdebdd26890f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinic_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'app_role', sa.String(length=20), nullable=False, server_default='staff'
        ))
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
        batch_op.alter_column('role_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('start_date', existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'is_demo', sa.Boolean(), nullable=False, server_default=sa.false()
        ))


def downgrade():
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_column('is_demo')
    # Invitations without a plan cannot be kept under the old rule.
    invitations = sa.table(
        'clinic_invitations', sa.column('role_id', sa.Integer), sa.column('start_date', sa.Date)
    )
    op.execute(invitations.delete().where(
        invitations.c.role_id.is_(None) | invitations.c.start_date.is_(None)
    ))
    with op.batch_alter_table('clinic_invitations', schema=None) as batch_op:
        batch_op.alter_column('start_date', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('role_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('language')
        batch_op.drop_column('app_role')
