"""each clinic's time zone (defaulted from its province) and its open days

Revision ID: a41c7e2d9b53
Revises: 3f8a1c6e9b27
Create Date: 2026-12-07 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a41c7e2d9b53'
down_revision = '3f8a1c6e9b27'
branch_labels = None
depends_on = None

# A copy of clinic_onboard.local_time.DEFAULT_TIME_ZONES as of this revision: a migration keeps
# doing what it did when it was written, whatever the code later says.
ZONES = {
    "NL": "America/St_Johns",
    "PE": "America/Halifax",
    "NS": "America/Halifax",
    "NB": "America/Moncton",
    "QC": "America/Toronto",
    "ON": "America/Toronto",
    "MB": "America/Winnipeg",
    "SK": "America/Regina",
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "YT": "America/Whitehorse",
    "NT": "America/Yellowknife",
    "NU": "America/Iqaluit",
}


def upgrade():
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'time_zone', sa.String(length=40), nullable=False, server_default='America/Toronto'
        ))
        batch_op.add_column(sa.Column(
            'open_weekdays', sa.JSON(), nullable=False, server_default='[0, 1, 2, 3, 4]'
        ))
        batch_op.add_column(sa.Column(
            'open_holidays', sa.JSON(), nullable=False, server_default='[]'
        ))
    clinics = sa.table('clinics', sa.column('province', sa.String), sa.column('time_zone', sa.String))
    for province, zone in ZONES.items():
        op.execute(clinics.update().where(clinics.c.province == province).values(time_zone=zone))


def downgrade():
    with op.batch_alter_table('clinics', schema=None) as batch_op:
        batch_op.drop_column('open_holidays')
        batch_op.drop_column('open_weekdays')
        batch_op.drop_column('time_zone')
