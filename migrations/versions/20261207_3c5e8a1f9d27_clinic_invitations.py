"""clinic invitations, and which clinic created each account

Revision ID: 3c5e8a1f9d27
Revises: e4ac90885606
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import clinic_onboard.models.types


# revision identifiers, used by Alembic.
revision = '3c5e8a1f9d27'
down_revision = 'e4ac90885606'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_clinic_id', sa.Integer(), nullable=True))
    # Existing accounts: the clinic of their first membership made them (an account was always
    # created together with its first membership).
    op.execute(
        'UPDATE users SET created_by_clinic_id = ('
        'SELECT m.clinic_id FROM memberships m WHERE m.user_id = users.id '
        'ORDER BY m.id LIMIT 1)'
    )
    op.create_table('clinic_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clinic_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'declined', name='invitationstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', clinic_onboard.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('responded_at', clinic_onboard.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], name=op.f('fk_clinic_invitations_clinic_id_clinics'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_clinic_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['role_id'], ['clinic_roles.id'], name=op.f('fk_clinic_invitations_role_id_clinic_roles')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_clinic_invitations_supervisor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_clinic_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_invitations')),
    sa.UniqueConstraint('clinic_id', 'user_id', name=op.f('uq_clinic_invitations_clinic_id'))
    )
    with op.batch_alter_table('clinic_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clinic_invitations_clinic_id'), ['clinic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_invitations_role_id'), ['role_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_invitations_supervisor_id'), ['supervisor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clinic_invitations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('clinic_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clinic_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_clinic_invitations_supervisor_id'))
        batch_op.drop_index(batch_op.f('ix_clinic_invitations_role_id'))
        batch_op.drop_index(batch_op.f('ix_clinic_invitations_clinic_id'))
    op.drop_table('clinic_invitations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('created_by_clinic_id')
