"""daily duties and clinic logs: duty settings, ticks, log units, chained entries, incidents

Revision ID: b7d2e94c1f38
Revises: a5efa472c51c
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e94c1f38'
down_revision = 'a5efa472c51c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'duty_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('weekly_weekday', sa.Integer(), nullable=False),
        sa.Column('monthly_day', sa.Integer(), nullable=False),
        sa.Column('opens_at', sa.Time(), nullable=False),
        sa.Column('closes_at', sa.Time(), nullable=False),
        sa.Column('public_health_phone', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('clinic_id'),
    )
    op.create_table(
        'duty_ticks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('membership_id', sa.Integer(), nullable=False),
        sa.Column('duty_id', sa.String(length=120), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('ticked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('membership_id', 'duty_id', 'day'),
    )
    op.create_index('ix_duty_ticks_clinic_id', 'duty_ticks', ['clinic_id'])
    op.create_index('ix_duty_ticks_membership_id', 'duty_ticks', ['membership_id'])
    op.create_table(
        'log_units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('log_id', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('clinic_id', 'log_id', 'name'),
    )
    op.create_index('ix_log_units_clinic_id', 'log_units', ['clinic_id'])
    op.create_table(
        'log_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('session', sa.String(length=40), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('key_id', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['log_units.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'seq'),
    )
    op.create_index('ix_log_entries_clinic_id', 'log_entries', ['clinic_id'])
    op.create_index('ix_log_entries_day', 'log_entries', ['day'])
    op.create_table(
        'log_incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_by', sa.String(length=120), nullable=True),
        sa.Column('action_taken', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['log_units.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entry_id'], ['log_entries.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_log_incidents_clinic_id', 'log_incidents', ['clinic_id'])


def downgrade():
    op.drop_index('ix_log_incidents_clinic_id', table_name='log_incidents')
    op.drop_table('log_incidents')
    op.drop_index('ix_log_entries_day', table_name='log_entries')
    op.drop_index('ix_log_entries_clinic_id', table_name='log_entries')
    op.drop_table('log_entries')
    op.drop_index('ix_log_units_clinic_id', table_name='log_units')
    op.drop_table('log_units')
    op.drop_index('ix_duty_ticks_membership_id', table_name='duty_ticks')
    op.drop_index('ix_duty_ticks_clinic_id', table_name='duty_ticks')
    op.drop_table('duty_ticks')
    op.drop_table('duty_settings')
