"""log month indexes: a log's month is read by (unit, day), its incidents by unit

Revision ID: d2b7e5a9c314
Revises: c8d3f1a6e2b4
Create Date: 2026-12-07 20:10:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "d2b7e5a9c314"
down_revision = "c8d3f1a6e2b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.create_index("ix_log_entries_unit_id_day", ["unit_id", "day"], unique=False)
    with op.batch_alter_table("log_incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_log_incidents_unit_id"), ["unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("log_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_log_incidents_unit_id"))
    with op.batch_alter_table("log_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_log_entries_unit_id_day")
