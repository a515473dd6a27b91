"""clinic email confirmation: a signed-up clinic invites nobody until its owner's email is confirmed

Clinics that exist before this revision were set up before sign-up needed a confirmation, by
people their operator already trusts: they count as confirmed since they were created.

Revision ID: e4ac90885606
Revises: 7b2c9d4e1a60
Create Date: 2026-12-07 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import clinic_onboard.models.types


# revision identifiers, used by Alembic.
revision = 'e4ac90885606'
down_revision = '7b2c9d4e1a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'confirmed_at',
                clinic_onboard.models.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    op.execute(sa.text('UPDATE clinics SET confirmed_at = created_at'))


def downgrade():
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
