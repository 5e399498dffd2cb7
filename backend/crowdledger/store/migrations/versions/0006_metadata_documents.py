"""metadata documents remembered by (URI, hash), and the fetcher's index of pending campaigns

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metadata_documents",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("uri_digest", sa.String(length=64), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("checked_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("hash", "uri_digest"),
    )
    op.create_index("ix_metadata_documents_retry", "metadata_documents", ["status", "next_attempt_at"])
    op.create_index("ix_campaigns_metadata_status", "campaigns", ["metadata_status", "metadata_hash"])
    # Campaigns called unreachable before retries existed are tried again (a single 503 used to be final).
    op.execute("UPDATE campaigns SET metadata_status = 'pending' WHERE metadata_status = 'unreachable'")


def downgrade() -> None:
    op.drop_index("ix_campaigns_metadata_status", table_name="campaigns")
    op.drop_index("ix_metadata_documents_retry", table_name="metadata_documents")
    op.drop_table("metadata_documents")
