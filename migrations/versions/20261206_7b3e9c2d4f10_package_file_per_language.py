"""documentation package: one PDF per recipient language, with its unprintable answers

Revision ID: 7b3e9c2d4f10
Revises: 5a1e0ffe2c0d
Create Date: 2026-12-06 02:10:00

Versions built before keep their one PDF on document_package (the order's language).
"""
from alembic import op
import sqlalchemy as sa


revision = "7b3e9c2d4f10"
down_revision = "5a1e0ffe2c0d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_package_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("unprintable", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["document_package.id"],
            name=op.f("fk_document_package_file_package_id_document_package"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_package_file")),
        sa.UniqueConstraint(
            "package_id", "language", name=op.f("uq_document_package_file_package_id")
        ),
    )


def downgrade():
    op.drop_table("document_package_file")
