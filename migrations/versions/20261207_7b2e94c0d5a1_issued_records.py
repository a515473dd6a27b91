"""issued_records: the SHA-256 of each record PDF a clinic issued, for public verification

Revision ID: 7b2e94c0d5a1
Revises: b7d2e94c1f38
Create Date: 2026-12-07 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2e94c0d5a1'
down_revision = 'b7d2e94c1f38'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'issued_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('onboarding_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['clinic_id'], ['clinics.id'],
            name=op.f('fk_issued_records_clinic_id_clinics'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['onboarding_id'], ['onboardings.id'],
            name=op.f('fk_issued_records_onboarding_id_onboardings'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['issued_by'], ['users.id'],
            name=op.f('fk_issued_records_issued_by_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_records')),
    )
    with op.batch_alter_table('issued_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_records_clinic_id'), ['clinic_id'])
        batch_op.create_index(batch_op.f('ix_issued_records_onboarding_id'), ['onboarding_id'])
        batch_op.create_index(batch_op.f('ix_issued_records_sha256'), ['sha256'])


def downgrade():
    op.drop_table('issued_records')
