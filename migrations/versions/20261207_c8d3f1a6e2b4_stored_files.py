"""stored_files: uploaded credential copies in the database, so every instance serves them

Revision ID: c8d3f1a6e2b4
Revises: 7b2e94c0d5a1
Create Date: 2026-12-07 19:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c8d3f1a6e2b4"
down_revision = "7b2e94c0d5a1"
branch_labels = None
depends_on = None


def upgrade():
    # Files already in the uploads folders are copied in by `clinic-onboard move-uploads`,
    # which needs the app's UPLOAD_FOLDER setting; a migration does not read settings.
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=32), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_stored_files_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("clinic_id", "stored_name", name=op.f("uq_stored_files_clinic_id")),
    )


def downgrade():
    op.drop_table("stored_files")
