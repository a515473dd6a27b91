"""policy_documents: the clinic's own document behind an acknowledgement item, by version

Revision ID: c3d8f1a6b920
Revises: d2b7e5a9c314
Create Date: 2026-12-07 19:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d8f1a6b920'
down_revision = 'd2b7e5a9c314'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'policy_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('role_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.String(length=120), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=32), nullable=False),
        sa.Column('uploaded_by', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['clinic_id'], ['clinics.id'],
            name=op.f('fk_policy_documents_clinic_id_clinics'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['role_id'], ['clinic_roles.id'],
            name=op.f('fk_policy_documents_role_id_clinic_roles'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by'], ['users.id'],
            name=op.f('fk_policy_documents_uploaded_by_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_documents')),
        sa.UniqueConstraint(
            'role_id', 'item_id', 'version',
            name=op.f('uq_policy_documents_role_id'),
        ),
    )
    with op.batch_alter_table('policy_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_documents_clinic_id'), ['clinic_id'])
        batch_op.create_index(batch_op.f('ix_policy_documents_role_id'), ['role_id'])


def downgrade():
    op.drop_table('policy_documents')
